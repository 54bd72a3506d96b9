import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fbXml as fb, connectionXml as c, deviceXml as device } from '../../../support/system-xml.js';

/**
 * Two devices of one .sys on two hosts: network namespaces joined by a veth pair, each
 * device started with `vplc run app.sys --device NAME` inside its namespace, as on two
 * machines. Needs the right to create namespaces (root or CAP_NET_ADMIN); skipped otherwise.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const tag = String(process.pid % 100000);
const nsA = `vplcA${tag}`;
const nsB = `vplcB${tag}`;
const net = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;

function setUp(): string | undefined {
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  try {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    ip('link', 'add', `va${tag}`, 'type', 'veth', 'peer', 'name', `vb${tag}`);
    ip('link', 'set', `va${tag}`, 'netns', nsA);
    ip('link', 'set', `vb${tag}`, 'netns', nsB);
    ip('-n', nsA, 'addr', 'add', `${net}.1/24`, 'dev', `va${tag}`);
    ip('-n', nsB, 'addr', 'add', `${net}.2/24`, 'dev', `vb${tag}`);
    for (const [ns, dev] of [[nsA, `va${tag}`], [nsB, `vb${tag}`]] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    return undefined;
  } catch (e) {
    tearDown();
    return `network namespaces are not available here (${(e as { stderr?: Buffer }).stderr?.toString().trim() || String(e)})`;
  }
}

function tearDown(): void {
  for (const ns of [nsA, nsB]) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' });
    } catch {
      // not created
    }
  }
}

const skipReason = setUp();
if (skipReason) console.warn(`skipped: ${skipReason}`);
afterAll(tearDown);

const dir = mkdtempSync(join(tmpdir(), 'vplc-netns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const ID = `'${net}.2:61500'`;
const SYS = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="TwoHosts">
${device('Client',
  [fb('PUB', 'PUBLISH_1', { QI: 'TRUE', ID }), fb('CYC', 'E_CYCLE', { DT: 'T#20ms' }), fb('CTU', 'E_CTU', { PV: 'UINT#65535' })],
  [c('START.COLD', 'PUB.INIT'), c('PUB.INITO', 'CYC.START'), c('CYC.EO', 'CTU.CU'), c('CTU.CUO', 'PUB.REQ')],
  [c('CTU.CV', 'PUB.SD_1')])}
${device('Server',
  [fb('SUB', 'SUBSCRIBE_1', { QI: 'TRUE', ID }), fb('GT', 'F_GT', { IN2: 'UINT#0' }), fb('POSITIVE', 'TEST_CONDITION')],
  [c('START.COLD', 'SUB.INIT'), c('SUB.IND', 'GT.REQ'), c('GT.CNF', 'POSITIVE.REQ')],
  [c('SUB.RD_1', 'GT.IN1'), c('GT.OUT', 'POSITIVE.check')])}
</System>
`;

/** `vplc run` in a namespace; resolves with its exit status and output. */
function runIn(ns: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', import.meta.resolve('tsx'), join(root, 'runtime/cli/main.ts'), 'run', ...args], { cwd: dir });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ok) => child.on('close', (code) => ok({ code, out, err })));
}

describe.skipIf(skipReason !== undefined)('two devices in two network namespaces', () => {
  it('the client publishes across the veth pair; the server checks every value', async () => {
    const sys = join(dir, 'two-hosts.sys');
    writeFileSync(sys, SYS);
    const [server, client] = await Promise.all([
      runIn(nsB, [sys, '--device', 'Server', '--duration', '5s', '--json']),
      runIn(nsA, [sys, '--device', 'Client', '--duration', '2s', '--json']),
    ]);
    expect(client.err).toBe('');
    expect(server.err).toBe('');
    expect([client.code, server.code]).toEqual([0, 0]);
    const s = JSON.parse(server.out) as { vars: Record<string, unknown>; tests: Record<string, { passed: number; failed: number }> };
    const c2 = JSON.parse(client.out) as { vars: Record<string, unknown> };
    expect(s.tests['Server.RES.POSITIVE']!.failed).toBe(0);
    expect(s.tests['Server.RES.POSITIVE']!.passed).toBeGreaterThan(20);
    expect(s.vars['Server.RES.SUB.MessagesIn']).toBe(s.tests['Server.RES.POSITIVE']!.passed);
    expect(c2.vars['Client.RES.PUB.MessagesOut']).toBe(c2.vars['Client.RES.CTU.CV']);
    // the server outlives the client: it saw the client's last count
    expect(s.vars['Server.RES.SUB.RD_1']).toBe(c2.vars['Client.RES.CTU.CV']);
  }, 60_000);
});
