import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../../runtime/cli/deploy.js';
import { ManagementClient, answerReason } from '../../../runtime/iec61499/management/client.js';
import { startDeviceProcess, stopDeviceProcess, waitFor, type DeviceProcess } from '../iec61499/management/harness.js';
import { captureCli } from '../../support/cli-capture.js';
import { freePort } from '../../support/wait.js';
import { ACCU } from '../../support/comm-devices.js';
import { fbXml as fb, connectionXml as c, deviceXml as device } from '../../support/system-xml.js';

/**
 * `vplc deploy app.sys`: two `vplc device` processes on 127.0.0.1, a system whose device Counter
 * counts and PUBLISHes, and whose device Summer SUBSCRIBEs and sums in a basic FB type (ACCU)
 * that only Summer has (its --types folder): the application reaches both devices over the
 * management protocol, as the 4diac IDE sends it, and runs.
 */

const dir = mkdtempSync(join(tmpdir(), 'vplc-deploy-sys-'));
writeFileSync(join(dir, 'ACCU.fbt'), ACCU);
let counter: DeviceProcess;
let summer: DeviceProcess;
let udp: number;

beforeAll(async () => {
  [counter, summer, udp] = await Promise.all([startDeviceProcess(['--port', '0']), startDeviceProcess(['--port', '0', '--types', dir]), freePort()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([counter, summer].filter((p) => p).map((p) => stopDeviceProcess(p.child)));
  rmSync(dir, { recursive: true, force: true });
});

/** Counter's address comes from its MGR_ID; Summer's from --map (its MGR_ID names a port nobody serves). */
function system(summerType = 'ACCU', counterExtra: string[] = []): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Sums">
${device('Counter',
  [fb('CY', 'E_CYCLE', { DT: 'T#10ms' }), fb('C', 'E_CTU', { PV: 'UINT#65535' }), fb('PUB', 'PUBLISH_1', { QI: 'TRUE', ID: `'127.0.0.1:${udp}'` }), ...counterExtra],
  [c('START.COLD', 'PUB.INIT'), c('PUB.INITO', 'CY.START'), c('CY.EO', 'C.CU'), c('C.CUO', 'PUB.REQ')],
  [c('C.CV', 'PUB.SD_1')], `127.0.0.1:${counter.port}`)}
${device('Summer',
  [fb('SUB', 'SUBSCRIBE_1', { QI: 'TRUE', ID: `'127.0.0.1:${udp}'` }), fb('SUM', summerType)],
  [c('START.COLD', 'SUB.INIT'), c('SUB.IND', 'SUM.REQ')],
  [c('SUB.RD_1', 'SUM.X')], 'localhost:1')}
</System>
`;
}

function writeSystem(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Ask a device one thing and close. */
async function ask(port: number, destination: string, action: string, inner: string): Promise<string> {
  const client = await ManagementClient.open(port);
  try {
    return await client.request(destination, action, inner);
  } finally {
    await client.close();
  }
}

const read = async (port: number, ref: string) => /Destination="([^"]*)"/.exec(await ask(port, 'RES', 'READ', `<Connection Source="${ref}" Destination="" />`))?.[1];
const fbList = async (port: number) => [...(await ask(port, 'RES', 'QUERY', '<FB Name="*" Type="*" />')).matchAll(/<FB name="([^"]*)" type="([^"]*)"/g)].map((m) => `${m[1]}:${m[2]}`);

describe('vplc deploy app.sys', () => {
  it('--dry-run prints each request with its device and sends nothing', async () => {
    const sys = writeSystem('dry.sys', system());
    const r = await captureCli(deployCommand, [sys, '--map', `Summer=127.0.0.1:${summer.port}`, '--dry-run']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const at = `Counter 127.0.0.1:${counter.port} `;
    expect(lines[0]).toBe(`${at};<Request ID="1" Action="QUERY"><FB Name="*" Type="*" /></Request>`);
    expect(lines[1]).toBe(`${at};<Request ID="2" Action="CREATE"><FB Name="RES" Type="EMB_RES" /></Request>`);
    expect(lines).toContain(`${at}RES;<Request ID="3" Action="CREATE"><FB Name="CY" Type="E_CYCLE" /></Request>`);
    expect(lines).toContain(`${at}RES;<Request ID="4" Action="WRITE"><Connection Source="T#10ms" Destination="CY.DT" /></Request>`);
    expect(lines).toContain(`${at}RES;<Request ID="9" Action="WRITE"><Connection Source="&apos;127.0.0.1:${udp}&apos;" Destination="PUB.ID" /></Request>`);
    expect(lines.filter((l) => l.startsWith(at)).at(-1)).toMatch(/^Counter \S+ RES;<Request ID="\d+" Action="START"\/>$/);
    // Summer at its --map address; its basic type is sent by name
    expect(lines).toContain(`Summer 127.0.0.1:${summer.port} RES;<Request ID="6" Action="CREATE"><FB Name="SUM" Type="ACCU" /></Request>`);
    expect(lines).toContain(`Summer 127.0.0.1:${summer.port} RES;<Request ID="8" Action="CREATE"><Connection Source="SUB.IND" Destination="SUM.REQ" /></Request>`);
    // Counter: QUERY, CREATE RES, 3 FBs with 4 parameters, 5 connections, START; Summer: QUERY, CREATE, 2 FBs, 2 parameters, 3 connections, START
    expect(lines.length).toBe(15 + 10);
    // nothing reached the devices: they hold no resource
    for (const p of [counter.port, summer.port]) expect(await ask(p, '', 'QUERY', '<FB Name="*" Type="*" />')).toMatch(/^<Response ID="1" \/>$/);
  });

  it('deploys both devices; the sum runs on Summer; deploying again converges to the same FBs', async () => {
    const sys = writeSystem('sums.sys', system());
    const args = [sys, '--map', `Summer=127.0.0.1:${summer.port}`];
    const first = await captureCli(deployCommand, args);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toBe(
      `device Counter (127.0.0.1:${counter.port})\n  resource RES: created, 12 request(s) accepted, started\n` +
        `device Summer (127.0.0.1:${summer.port}, --map)\n  resource RES: created, 7 request(s) accepted, started\n`,
    );
    // the counter counts on Counter, and its values arrive on Summer and are summed there
    await waitFor(async () => Number(await read(counter.port, 'C.CV')), (v) => v >= 3, 'Counter to count');
    await waitFor(async () => Number(await read(summer.port, 'SUM.N')), (v) => v >= 3, 'Summer to sum three messages');
    const n = Number(await read(summer.port, 'SUM.N'));
    expect(Number(await read(summer.port, 'SUM.S'))).toBeGreaterThanOrEqual((n * (n + 1)) / 2);
    expect(await read(summer.port, 'SUB.QO')).toBe('TRUE');
    const fbsBefore = [await fbList(counter.port), await fbList(summer.port)];
    expect(fbsBefore[1]).toEqual(['START:E_RESTART', 'SUB:SUBSCRIBE_1', 'SUM:ACCU']);

    const second = await captureCli(deployCommand, args);
    expect(second.err).toBe('');
    expect(second.code).toBe(0);
    expect(second.out).toContain('resource RES: replaced, 12 request(s) accepted, started');
    expect(second.out).toContain('resource RES: replaced, 7 request(s) accepted, started');
    expect([await fbList(counter.port), await fbList(summer.port)]).toEqual(fbsBefore);
    for (const p of [counter.port, summer.port]) {
      const resources = await ask(p, '', 'QUERY', '<FB Name="*" Type="*" />');
      expect([...resources.matchAll(/<FB name="([^"]*)"/g)].map((m) => m[1])).toEqual(['RES']);
    }
    // the new resources run and the values still cross: the UDP port was let go and bound again
    await waitFor(async () => Number(await read(summer.port, 'SUM.N')), (v) => v >= 3, 'Summer to sum again after the redeploy');
  }, 60_000);

  it('reports each refusal with the device\'s Reason and exits 1', async () => {
    // ACCU on Counter, which does not have the type
    const sys = writeSystem('refused.sys', system('ACCU', [fb('EXTRA', 'ACCU')]));
    const r = await captureCli(deployCommand, [sys, `--map=Summer=127.0.0.1:${summer.port}`, '--device', 'Counter']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('resource RES: replaced, 12 of 13 request(s) accepted, started');
    expect(r.out).toContain('    refused: CREATE FB EXTRA (ACCU): UNSUPPORTED_TYPE');
    expect(r.out).not.toContain('Summer');
    expect(r.err).toBe('vplc deploy: 1 request(s) refused\n');
    expect(answerReason(await ask(counter.port, 'RES', 'QUERY', '<FB Name="EXTRA" Type="*" />'))).toBe('NO_SUCH_OBJECT');
  }, 30_000);

  it('an unreachable device is reported with its address; the others are deployed', async () => {
    const nobody = await freePort();
    const sys = writeSystem('unreachable.sys', system());
    const r = await captureCli(deployCommand, [sys, '--map', `Summer=127.0.0.1:${nobody}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`vplc deploy: device Summer at 127.0.0.1:${nobody}: cannot connect (connection refused)`);
    expect(r.err).toContain('vplc deploy: 1 device(s) not reached or lost');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toContain(`device Counter (127.0.0.1:${counter.port})\n  resource RES: replaced, 12 request(s) accepted, started`);
  }, 30_000);

  it('wrong usage is exit 64 with a message; an application in error is exit 1 and sends nothing', async () => {
    const sys = writeSystem('usage.sys', system());
    for (const [args, message] of [
      [[sys, '--map', 'Summer'], "--map needs DEVICE=HOST:PORT (a port 1-65535), got 'Summer'"],
      [[sys, '--map', 'Summer=127.0.0.1:70000'], '--map needs DEVICE=HOST:PORT'],
      [[sys, '--map', 'Nope=127.0.0.1:61499'], 'the system has no device Nope (its devices: Counter, Summer)'],
      [[sys, '--device', 'Nope'], 'the system has no device Nope'],
      [[sys, join(dir, 'dry.sys')], 'give one IEC 61499 system (.sys)'],
    ] as const) {
      const r = await captureCli(deployCommand, [...args]);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.err).toContain(message);
    }
    const broken = writeSystem('broken.sys', system('NO_SUCH_TYPE'));
    const r = await captureCli(deployCommand, [broken, '--map', `Summer=127.0.0.1:${summer.port}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.sys:\d+:\d+: error E4003: .*NO_SUCH_TYPE/);
    expect(r.out).toBe('');
    // a bad MGR_ID without --map points at its line
    const badId = writeSystem('bad-id.sys', system().replace('&quot;localhost:1&quot;', '&quot;nowhere&quot;'));
    const b = await captureCli(deployCommand, [badId, '--dry-run']);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/bad-id\.sys:\d+:\d+: error E4012: device Summer: MGR_ID "nowhere" is not host:port/);
    // a subapplication in a resource is not sent yet: said at its line
    const grouped = writeSystem('grouped.sys', system('ACCU', ['<SubApp Name="GRP"><SubAppInterfaceList/><SubAppNetwork><FB Name="I" Type="E_CTU"/></SubAppNetwork></SubApp>']));
    const g = await captureCli(deployCommand, [grouped, '--dry-run']);
    expect(g.code).toBe(1);
    expect(g.err).toMatch(/grouped\.sys:\d+:\d+: error E4013: subapplication GRP in Counter\.RES: vplc deploy sends networks of FBs, not subapplications \(not yet\)/);
    expect(g.out).toBe('');
  }, 30_000);
});
