import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttributeIds, OPCUAClient, type ClientSession } from 'node-opcua';
import { freePort, startCli, until, type CliProcess } from '../../../samples/child-cli.js';

const PROGRAM = `PROGRAM Main
VAR
  speed : INT;
  n : DINT;
END_VAR
n := n + 1;
speed := 3;
END_PROGRAM
`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown>; cookie: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, cookie: (r.headers.get('set-cookie') ?? '').split(';')[0]! };
}

/** `vplc serve --console` as a child process: a force made in the console is listed by Prometheus and the OPC UA server. */
describe('vplc serve --console', () => {
  let cli: CliProcess | undefined;
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  it('refuses --console without users, and --console-port without --console', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-console-'));
    writeFileSync(join(dir, 'app.st'), PROGRAM);
    const bare = startCli(['serve', join(dir, 'app.st'), '--console', '--no-metrics']);
    expect(await bare.exited).toBe(1);
    expect(bare.err.join('\n')).toContain("vplc serve: --console needs users to log in: add 'console: { users: [{ username, password, role: operator }] }' to a plc.yaml given with --config");
    const flag = startCli(['serve', join(dir, 'app.st'), '--console-port', '0']);
    expect(await flag.exited).toBe(64);
    expect(flag.err.join('\n')).toContain('--console-port and --console-host go with --console');
  }, 60_000);

  it('lists a force made in the console in Prometheus and in the OPC UA server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-console-'));
    const [ua, metrics, web] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(join(dir, 'app.st'), PROGRAM);
    writeFileSync(
      join(dir, 'plc.yaml'),
      `console:
  users:
    - { username: op, password: secret, role: operator }
opcuaServer:
  host: 127.0.0.1
  port: ${ua}
  allowSecurityNone: true
  allowAnonymous: true
  samplingMs: 20
  pkiDir: ${JSON.stringify(join(dir, 'pki'))}
`,
    );
    cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--metrics-port', String(metrics), '--console', '--console-port', String(web), '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);
    expect(cli.out.join('\n')).toContain(`vplc serve: console on http://127.0.0.1:${web}/`);
    const base = `http://127.0.0.1:${web}`;
    const login = await post(`${base}/api/login`, { username: 'op', password: 'secret' });
    const session = (await (await fetch(`${base}/api/session`, { headers: { cookie: login.cookie } })).json()) as { csrf: string };
    const forced = await post(`${base}/api/force`, { path: 'Main.speed', value: 42 }, { cookie: login.cookie, 'x-csrf-token': session.csrf });
    expect(forced.json).toEqual({ ok: true, resource: 'Default', path: 'Main.speed', value: 42, forced: true });
    expect(cli.out.join('\n')).toContain('vplc console: op forced Main.speed = 42 in Default');

    const prometheus = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    expect(prometheus).toContain('vplc_forced{resource="Default",element="Main.speed",value="42"} 1');
    expect(prometheus).toContain('vplc_forced_elements{resource="Default"} 1');

    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    let s: ClientSession | undefined;
    await until(async () => {
      try {
        await client.connect(`opc.tcp://127.0.0.1:${ua}`);
        return true;
      } catch {
        return false;
      }
    }, 'the OPC UA server to accept connections', 60_000, 200);
    try {
      s = await client.createSession();
      const read = async (id: string) => (await s!.read({ nodeId: id, attributeId: AttributeIds.Value })).value.value as unknown;
      expect(await read('ns=1;s=Forced')).toEqual(['Main.speed=42']);
      await until(async () => (await read('ns=1;s=Default.Main.speed')) === 42, 'the forced value over OPC UA');
      const released = await post(`${base}/api/unforce`, { path: 'Main.speed' }, { cookie: login.cookie, 'x-csrf-token': session.csrf });
      expect(released.status).toBe(200);
      expect(await read('ns=1;s=Forced')).toEqual([]);
      await until(async () => (await read('ns=1;s=Default.Main.speed')) === 3, 'the program writing again');
    } finally {
      await s?.close();
      await client.disconnect();
    }
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  }, 120_000);
});
