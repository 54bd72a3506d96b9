import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile61499 } from '../../../../compiler/iec61499/project.js';
import { compileSources } from '../../../../compiler/project.js';
import { formatDiagnostic } from '../../../../compiler/diagnostics/diagnostic.js';
import { loadBootFile } from '../../../../runtime/iec61499/management/boot-file.js';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { deployCounter, startDevice, waitFor } from './harness.js';

/** the answers that describe the deployed network, without their request IDs */
const network = async (c: ManagementClient) => {
  const body = async (dst: string, q: string) => (await c.request(dst, 'QUERY', q)).replace(/^<Response ID="\d+"/, '<Response');
  return {
    resources: await body('', '<FB Name="*" Type="*" />'),
    fbs: await body('RES', '<FB Name="*" Type="*" />'),
    connections: await body('RES', '<Connection Source="*" Destination="*" />'),
    status: await body('RES', '<FB Name="C" Type="E_CTU" />'),
  };
};

describe('boot files', () => {
  it('writes the boot file on deployment and brings the same network back after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-device-'));
    const boot = join(dir, 'forte.fboot');
    const first = await startDevice({ bootFile: boot });
    const c1 = await ManagementClient.open(first.port);
    await deployCounter(c1);
    // monitoring and events do not change what is deployed
    await c1.request('RES', 'CREATE', '<Watch Source="C.CV" Destination="" />');
    const before = await network(c1);
    await c1.close();
    await first.stop();

    const text = readFileSync(boot, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>');
    expect(lines).toContain('RES;<Request ID="3" Action="CREATE"><FB Name="C" Type="E_CTU" /></Request>');
    expect(lines).toContain('RES;<Request ID="11" Action="WRITE"><Connection Source="UINT#100" Destination="A.IN2" /></Request>');
    expect(lines[lines.length - 1]).toMatch(/^RES;<Request ID="\d+" Action="START"\/>$/);
    expect(text).not.toContain('Watch');
    // the compiler's own boot-file reader accepts what the device wrote
    const compiled = compile61499([{ path: boot, text }], { stCompiler: (s, o) => compileSources(s, o) });
    expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);

    // power cycle: a new device loads the boot file and runs the same network
    const second = await startDevice({ bootFile: boot });
    expect(loadBootFile(second.device, boot).map(formatDiagnostic)).toEqual([]);
    const c2 = await ManagementClient.open(second.port);
    expect(await network(c2)).toEqual(before);
    const cv = async () => Number(/Destination="(\d+)"/.exec(await c2.request('RES', 'READ', '<Connection Source="C.CV" Destination="" />'))?.[1]);
    await waitFor(cv, (v) => v >= 3, 'the reloaded network to count');
    const r = second.device.resources.get('RES')!.executing!;
    expect(r.read('A.OUT')).toBe((r.read('C.CV') as number) + 100);
    // loading did not rewrite the file; deleting the resource does
    expect(readFileSync(boot, 'utf8')).toBe(text);
    expect(reason(await c2.request('', 'KILL', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
    expect(reason(await c2.request('', 'DELETE', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
    expect(readFileSync(boot, 'utf8')).toBe('');
    expect(existsSync(`${boot}.tmp`)).toBe(false);
    await c2.close();
    await second.stop();
  });

  it('reports refused boot-file lines with their line numbers and loads the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-device-'));
    const boot = join(dir, 'bad.fboot');
    writeFileSync(boot, [
      ';<Request ID="1" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>',
      'RES;<Request ID="2" Action="CREATE"><FB Name="K" Type="E_CTU" /></Request>',
      'RES;<Request ID="3" Action="CREATE"><FB Name="Z" Type="NO_SUCH_TYPE" /></Request>',
      'no semicolon here',
      'RES;<Request ID="4" Action="WRITE"><Connection Source="5" Destination="K.PV" /></Request>',
      'RES;<Request ID="5" Action="START"/>',
    ].join('\n'));
    const dev = await startDevice({ bootFile: boot });
    try {
      const diags = loadBootFile(dev.device, boot).map(formatDiagnostic);
      expect(diags).toEqual([
        `${boot}:3:1: error E4008: request refused (UNSUPPORTED_TYPE): unknown FB type NO_SUCH_TYPE`,
        `${boot}:4:1: error E4008: expected \`resource;<Request …>\``,
      ]);
      const res = dev.device.resources.get('RES')!;
      expect(res.state).toBe('RUNNING');
      expect(res.executing!.read('K.PV')).toBe(5);
      // no boot file yet is an empty device, not an error
      expect(loadBootFile(dev.device, join(dir, 'none.fboot'))).toEqual([]);
    } finally {
      await dev.stop();
    }
  });
});
