import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../runtime/cli/deploy.js';
import { ManagementClient } from '../../runtime/iec61499/management/client.js';
import { captureCli } from '../support/cli-capture.js';
import { startDeviceProcess, stopDeviceProcess } from '../runtime/iec61499/management/harness.js';
import { freePort, until } from '../support/wait.js';
import { fbXml as fb, connectionXml as c, deviceXml as device } from '../support/system-xml.js';

/**
 * `vplc deploy app.sys` to Eclipse 4diac FORTE: opt-in, as FORTE is not packaged for Debian.
 * VPLC_FORTE names a forte binary (built from eclipse-4diac/4diac-forte with the POSIX
 * architecture, FORTE_COM_ETH and FORTE_COM_FBDK); it is started on a free port of 127.0.0.1.
 */
const FORTE = process.env.VPLC_FORTE;

function why(): string | undefined {
  if (!FORTE) return 'VPLC_FORTE is not set (the path of a forte binary)';
  try {
    accessSync(FORTE, constants.X_OK);
  } catch {
    return `VPLC_FORTE=${FORTE} is not an executable file`;
  }
  return undefined;
}

const reason = why();
if (reason) console.warn(`FORTE deploy interop tests skipped: ${reason}`);
const describeForte = reason ? describe.skip : describe;

// A basic FB type of the application that FORTE does not have: its CREATE is refused.
const ACCU = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="ACCU"><InterfaceList>
<EventInputs><Event Name="REQ" Type="Event"><With Var="X"/></Event></EventInputs>
<EventOutputs><Event Name="CNF" Type="Event"><With Var="S"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="X" Type="UINT"/></InputVars>
<OutputVars><VarDeclaration Name="S" Type="UDINT"/></OutputVars>
</InterfaceList><BasicFB><ECC><ECState Name="START"/><ECState Name="ADD"><ECAction Algorithm="ADD" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="ADD" Condition="REQ"/><ECTransition Source="ADD" Destination="START" Condition="1"/></ECC>
<Algorithm Name="ADD"><ST><![CDATA[S := S + X;]]></ST></Algorithm></BasicFB></FBType>`;

describeForte('vplc deploy app.sys to FORTE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-forte-deploy-'));
  let forte: ChildProcess;
  let port: number;
  let log = '';

  beforeAll(async () => {
    port = await freePort();
    forte = spawn(FORTE!, ['-c', `127.0.0.1:${port}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    forte.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    forte.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await until(async () => {
      try {
        await (await ManagementClient.open(port)).close();
        return true;
      } catch {
        return false;
      }
    }, `forte to listen on 127.0.0.1:${port}`, 20_000, 50);
    writeFileSync(join(dir, 'ACCU.fbt'), ACCU);
  });

  afterAll(async () => {
    if (forte && forte.exitCode === null) {
      const exited = new Promise((r) => forte.once('exit', r));
      forte.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function system(extra: string[] = []): string {
    const sys = join(dir, extra.length ? 'refused.sys' : 'count.sys');
    writeFileSync(sys, `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Count">
${device('Forte', [fb('CY', 'E_CYCLE', { DT: 'T#10ms' }), fb('C', 'E_CTU', { PV: 'UINT#65535' }), ...extra],
  [c('START.COLD', 'CY.START'), c('CY.EO', 'C.CU')], [], `127.0.0.1:${port}`)}
</System>
`);
    return sys;
  }

  async function ask(destination: string, action: string, inner: string): Promise<string> {
    const client = await ManagementClient.open(port);
    try {
      return await client.request(destination, action, inner);
    } finally {
      await client.close();
    }
  }
  const cv = async () => Number(/Destination="(\d+)"/.exec(await ask('RES', 'READ', '<Connection Source="C.CV" Destination="" />'))?.[1]);
  const fbs = async () => [...(await ask('RES', 'QUERY', '<FB Name="*" Type="*" />')).matchAll(/<FB name="([^"]*)" type="([^"]*)"/gi)].map((m) => `${m[1]}:${m[2]}`);

  it('deploys E_CYCLE and E_CTU; FORTE counts; deploying again replaces the resource', async () => {
    const first = await captureCli(deployCommand, [system()]);
    expect(first.err, log).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toBe(`device Forte (127.0.0.1:${port})\n  resource RES: created, 6 request(s) accepted, started\n`);
    await until(async () => (await cv()) >= 5, 'FORTE to count C.CV up to 5', 10_000, 20);
    const before = await fbs();
    expect(before).toEqual(expect.arrayContaining(['CY:E_CYCLE', 'C:E_CTU']));

    const second = await captureCli(deployCommand, [system()]);
    expect(second.err, log).toBe('');
    expect(second.code).toBe(0);
    expect(second.out).toContain('resource RES: replaced, 6 request(s) accepted, started');
    expect(await fbs()).toEqual(before);
    const resources = await ask('', 'QUERY', '<FB Name="*" Type="*" />');
    expect([...resources.matchAll(/<FB name="([^"]*)"/gi)].map((m) => m[1])).toEqual(['RES']);
    await until(async () => (await cv()) >= 5, 'the new resource to count', 10_000, 20);
  });

  it('one system on FORTE and vplc device: FORTE publishes its count, vplc device subscribes and sums', async () => {
    const vplc = await startDeviceProcess(['--port', '0', '--types', dir]);
    try {
      const udp = await freePort();
      // ID is a WSTRING: its literal in double quotes (FORTE takes 'single quotes' as part of the text)
      const id = `&quot;127.0.0.1:${udp}&quot;`;
      const sys = join(dir, 'mixed.sys');
      writeFileSync(sys, `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Mixed">
${device('Forte',
  [fb('CY', 'E_CYCLE', { DT: 'T#10ms' }), fb('C', 'E_CTU', { PV: 'UINT#65535' }), fb('PUB', 'PUBLISH_1', { QI: 'TRUE', ID: id })],
  [c('START.COLD', 'PUB.INIT'), c('PUB.INITO', 'CY.START'), c('CY.EO', 'C.CU'), c('C.CUO', 'PUB.REQ')],
  [c('C.CV', 'PUB.SD_1')], `127.0.0.1:${port}`)}
${device('Vplc',
  [fb('SUB', 'SUBSCRIBE_1', { QI: 'TRUE', ID: id }), fb('SUM', 'ACCU')],
  [c('START.COLD', 'SUB.INIT'), c('SUB.IND', 'SUM.REQ')],
  [c('SUB.RD_1', 'SUM.X')], `127.0.0.1:${vplc.port}`)}
</System>
`);
      const r = await captureCli(deployCommand, [sys]);
      expect(r.err, log).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`device Forte (127.0.0.1:${port})\n  resource RES: replaced, 12 request(s) accepted, started`);
      expect(r.out).toContain(`device Vplc (127.0.0.1:${vplc.port})\n  resource RES: created, 7 request(s) accepted, started`);
      const sum = async () => {
        const client = await ManagementClient.open(vplc.port);
        try {
          return Number(/Destination="(\d+)"/.exec(await client.request('RES', 'READ', '<Connection Source="SUM.S" Destination="" />'))?.[1]);
        } finally {
          await client.close();
        }
      };
      // FORTE's counts arrive in the compliance profile's encoding: the sum of 1, 2, 3 at least
      await until(async () => (await sum()) >= 6, 'vplc device to sum what FORTE publishes', 10_000, 20);
      expect(await cv()).toBeGreaterThanOrEqual(3);
    } finally {
      await stopDeviceProcess(vplc.child);
    }
  });

  it('reports FORTE\'s refusal of a type it does not have', async () => {
    const r = await captureCli(deployCommand, [system([fb('SUM', 'ACCU')])]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('    refused: CREATE FB SUM (ACCU): UNSUPPORTED_TYPE');
    expect(r.out).toContain('resource RES: replaced, 6 of 7 request(s) accepted, started');
    expect(r.err).toBe('vplc deploy: 1 request(s) refused\n');
  });
});
