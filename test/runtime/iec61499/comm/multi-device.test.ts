import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../../runtime/cli/run.js';
import { serveCommand } from '../../../../runtime/cli/serve.js';
import { captureCli } from '../../../support/cli-capture.js';
import { freePort } from '../../../support/wait.js';
import { fbXml as fb, connectionXml as c, deviceXml as device } from '../../../support/system-xml.js';

const dir = mkdtempSync(join(tmpdir(), 'vplc-dist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/**
 * In the style of 4diac's SystemTests: device Client counts and publishes, Middle adds 10 and
 * publishes on, Server checks each value with TEST_CONDITION; three devices, three workers,
 * UDP between them.
 */
function system(toMiddle: number, toServer: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Relay">
${device('Client',
  [fb('PUB', 'PUBLISH_1', { QI: 'TRUE', ID: `'127.0.0.1:${toMiddle}'` }), fb('CYC', 'E_CYCLE', { DT: 'T#20ms' }), fb('CTU', 'E_CTU', { PV: 'UINT#65535' })],
  [c('START.COLD', 'PUB.INIT'), c('PUB.INITO', 'CYC.START'), c('CYC.EO', 'CTU.CU'), c('CTU.CUO', 'PUB.REQ')],
  [c('CTU.CV', 'PUB.SD_1')])}
${device('Middle',
  [fb('SUB', 'SUBSCRIBE_1', { QI: 'TRUE', ID: `'127.0.0.1:${toMiddle}'` }), fb('ADD', 'F_ADD', { IN2: 'UINT#10' }), fb('PUB', 'PUBLISH_1', { QI: 'TRUE', ID: `fbdk[].ip[127.0.0.1:${toServer}]` })],
  [c('START.COLD', 'PUB.INIT'), c('PUB.INITO', 'SUB.INIT'), c('SUB.IND', 'ADD.REQ'), c('ADD.CNF', 'PUB.REQ')],
  [c('SUB.RD_1', 'ADD.IN1'), c('ADD.OUT', 'PUB.SD_1')])}
${device('Server',
  [fb('SUB', 'SUBSCRIBE_1', { QI: 'TRUE', ID: `'127.0.0.1:${toServer}'` }), fb('GE', 'F_GE', { IN2: 'UINT#11' }), fb('AT_LEAST_11', 'TEST_CONDITION')],
  [c('START.COLD', 'SUB.INIT'), c('SUB.IND', 'GE.REQ'), c('GE.CNF', 'AT_LEAST_11.REQ')],
  [c('SUB.RD_1', 'GE.IN1'), c('GE.OUT', 'AT_LEAST_11.check')])}
</System>
`;
}

describe('vplc run app.sys: every device in its own worker, real sockets between them', () => {
  it('Client → Middle → Server pass a counter through PUBLISH/SUBSCRIBE, checked by TEST_CONDITION', async () => {
    const sys = join(dir, 'relay.sys');
    writeFileSync(sys, system(await freePort(), await freePort()));
    const r = await captureCli(runCommand, [sys, '--duration', '1500ms', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { vars: Record<string, unknown>; tests: Record<string, { passed: number; failed: number }> };
    const verdict = out.tests['Server.RES.AT_LEAST_11']!;
    // the first messages may go before a subscriber is bound; most of ~75 arrive
    expect(verdict.failed).toBe(0);
    expect(verdict.passed).toBeGreaterThan(10);
    const sent = out.vars['Client.RES.CTU.CV'] as number;
    const received = out.vars['Server.RES.SUB.RD_1'] as number;
    expect(out.vars['Server.RES.SUB.STATUS']).toBe('OK');
    // each communication FB's metrics are among its variables
    expect(out.vars['Server.RES.SUB.MessagesIn']).toBe(verdict.passed);
    expect(out.vars['Server.RES.SUB.Errors']).toBe(0);
    expect(out.vars['Client.RES.PUB.MessagesOut']).toBe(sent);
    expect(out.vars['Middle.RES.SUB.LastLatencyUs']).toBeGreaterThan(0);
    // the last value seen is a count of the client plus 10 (the devices start and end a little
    // apart, each its own 1.5 s, so the server may stop before the client's last messages)
    expect(received).toBeGreaterThan(20);
    expect(received).toBeLessThanOrEqual(sent + 10);
  });

  it('--device runs one device only; an unknown one is a usage error', async () => {
    const sys = join(dir, 'relay2.sys');
    writeFileSync(sys, system(await freePort(), await freePort()));
    const r = await captureCli(runCommand, [sys, '--device', 'Client', '--duration', '1s', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { vars: Record<string, unknown> };
    const devices = new Set(Object.keys(out.vars).map((k) => k.split('.')[0]));
    expect([...devices]).toEqual(['Client']);
    expect(out.vars['Client.RES.CTU.CV']).toBeGreaterThan(3);
    const bad = await captureCli(runCommand, [sys, '--device', 'Nope', '--duration', '10ms']);
    expect(bad.code).toBe(64);
    expect(bad.err).toContain('the system has no device Nope (its devices: Client, Middle, Server)');
    const serve = await captureCli(serveCommand, [sys, '--device', 'Nope', '--no-metrics']);
    expect(serve.code).toBe(64);
    expect(serve.err).toContain('the system has no device Nope');
  });
});
