import { mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttributeIds, OPCUAClient } from 'node-opcua';
import { ImageExchange } from '../../../compiler/contract/image-exchange.js';
import { ModbusServerDriver } from '../../../io-drivers/modbus-server.js';
import { ServeGuard, attributeStack } from '../../../runtime/cli/serve-guard.js';
import { freePort, startCli, until, type CliProcess } from '../../../samples/child-cli.js';

const PROGRAM = `PROGRAM Main
VAR
  count AT %QW0 : UINT;
  fixed AT %QW1 : UINT;
END_VAR
count := count + 1;
fixed := 4321;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast(INTERVAL := T#5ms, PRIORITY := 1);
    PROGRAM Main WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
`;

function httpText(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

interface Health {
  status: string;
  devices: { name: string; ok: boolean }[];
  ioServices: { name: string; ok: boolean; faults: number; restarts: number; lastFault: string }[];
}

async function health(port: number): Promise<Health> {
  return JSON.parse((await httpText(port, '/healthz')).body) as Health;
}

/** Holding registers 0 and 1 (%QW0, %QW1) over a fresh connection; undefined when the server does not answer. */
function readQw(port: number): Promise<[number, number] | undefined> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1');
    const done = (v: [number, number] | undefined) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(2000, () => done(undefined));
    s.on('error', () => done(undefined));
    s.on('close', () => done(undefined));
    let got = Buffer.alloc(0);
    s.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (got.length >= 13) done([got.readUInt16BE(9), got.readUInt16BE(11)]);
    });
    s.on('connect', () => s.write(Buffer.from([0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2])));
  });
}

async function readCount(port: number): Promise<number> {
  const c = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await c.connect(`opc.tcp://127.0.0.1:${port}`);
  try {
    const s = await c.createSession();
    const v = await s.read({ nodeId: 'ns=1;s=Res.Main.count', attributeId: AttributeIds.Value });
    await s.close();
    return v.value.value as number;
  } finally {
    await c.disconnect();
  }
}

describe('an I/O server that throws inside its library callback', () => {
  let cli: CliProcess | undefined;
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  });

  it('is reported once, marked down in /healthz and /metrics, and restarted while the scan and its outputs go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-guard-'));
    const [opcua, modbus, metrics] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(join(dir, 'app.st'), PROGRAM);
    writeFileSync(
      join(dir, 'plc.yaml'),
      `modbusServer: { host: 127.0.0.1, port: ${modbus} }
opcuaServer:
  host: 127.0.0.1
  port: ${opcua}
  allowSecurityNone: true
  allowAnonymous: true
  pkiDir: ${JSON.stringify(join(dir, 'pki'))}
`,
    );
    // the real contract of the drivers' factories: each server named throws once, from inside its library;
    // a watchdog no host stall of a loaded CI machine reaches: the test is about the servers, not the task
    const before = process.env.VPLC_IO_FAULT;
    process.env.VPLC_IO_FAULT = 'opcua-server,modbus-server';
    try {
      cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--metrics-port', String(metrics), '--summary-every', '0', '--watchdog', '10s']);
    } finally {
      if (before === undefined) delete process.env.VPLC_IO_FAULT;
      else process.env.VPLC_IO_FAULT = before;
    }
    const c = cli;
    await c.waitFor(/vplc serve: running/);
    expect((await health(metrics)).status).toBe('ok');

    // 1. Modbus: a request makes the socket's data callback throw; nobody answers it, the server is restarted
    const unanswered = readQw(modbus);
    let mbDown: Health | undefined;
    await until(async () => (mbDown = await health(metrics)).status === 'degraded', '/healthz to say degraded', 10_000, 20);
    expect(mbDown!.ioServices).toMatchObject([{ name: 'modbus-server', ok: false, faults: 1, restarts: 0 }]);
    expect(await unanswered).toBeUndefined();
    await until(async () => c.out.some((l) => /modbus-server restarted after a fault/.test(l)), 'the Modbus server to be restarted', 30_000);
    let qw: [number, number] | undefined;
    await until(async () => (qw = await readQw(modbus)) !== undefined, 'Modbus to answer after its restart');
    expect(qw![1]).toBe(4321);

    // 2. OPC UA: a client's Read reaches node-opcua, whose call of the value callback throws (an unhandled rejection)
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, requestedSessionTimeout: 5000 });
    await until(async () => client.connect(`opc.tcp://127.0.0.1:${opcua}`).then(() => true, () => false), 'the OPC UA server to accept connections', 60_000, 200);
    const session = await client.createSession();
    void session.read({ nodeId: 'ns=1;s=Res.Main.count', attributeId: AttributeIds.Value }).catch(() => undefined);
    let down: Health | undefined;
    await until(async () => (down = await health(metrics)).status === 'degraded', '/healthz to say degraded', 10_000, 20);
    expect(down!.devices.find((d) => d.name === 'opcua-server')?.ok).toBe(false);
    expect(down!.ioServices.find((s) => s.name === 'opcua-server')).toMatchObject({ ok: false, faults: 1, restarts: 0 });
    const prom = (await httpText(metrics, '/metrics')).body;
    expect(prom).toContain('vplc_io_service_up{service="opcua-server"} 0');
    expect(prom).toContain('vplc_io_service_up{service="modbus-server"} 1');
    const report = c.err.find((l) => l.includes('the opcua-server failed'));
    expect(report).toContain("VPLC_IO_FAULT: a fault injected into the OPC UA server's Read of Main.count");
    expect(report).toContain('the scan and its outputs go on');
    // meanwhile the scan runs and Modbus serves its outputs, untouched
    const during = await readQw(modbus);
    expect(during?.[1]).toBe(4321);
    await until(async () => ((await readQw(modbus))?.[0] ?? during![0]) !== during![0], 'the counter to move on');

    await until(async () => c.out.some((l) => /opcua-server restarted after a fault/.test(l)), 'the OPC UA server to be restarted', 30_000);
    await client.disconnect().catch(() => undefined);
    await until(async () => (await readCount(opcua).catch(() => 0)) > 0, 'OPC UA to answer after its restart', 30_000, 200);

    const up = await health(metrics);
    expect(up.status).toBe('ok');
    expect(up.ioServices.map((s) => [s.name, s.ok, s.faults, s.restarts]).sort()).toEqual([
      ['modbus-server', true, 1, 1],
      ['opcua-server', true, 1, 1],
    ]);
    const after = (await httpText(metrics, '/metrics')).body;
    expect(after).toContain('vplc_io_service_up{service="opcua-server"} 1');
    expect(after).toContain('vplc_io_service_faults_total{service="opcua-server"} 1');
    expect(after).toContain('vplc_io_service_restarts_total{service="modbus-server"} 1');
    expect(after).toMatch(/vplc_task_cycles_total\{[^}]*\} [1-9]/);

    // each error once, plainly: no stack without --verbose / VPLC_DEBUG
    expect(c.err.filter((l) => l.includes('failed:'))).toHaveLength(2);
    expect(c.err.some((l) => /^\s+at /.test(l))).toBe(false);

    c.child.kill('SIGINT');
    expect(await c.exited).toBe(0);
  }, 120_000);
});

describe('attributing an error to the server it came from', () => {
  const names = ['modbus-server', 'opcua-server'];
  it('takes the first frame that belongs to a server', () => {
    const stack = [
      'Error: boom',
      '    at get (file:///srv/vplc/dist/io-drivers/opcua-server.js:310:19)',
      '    at UAVariableImpl.readValue (/srv/vplc/node_modules/node-opcua-address-space/dist/src/ua_variable_impl.js:431:20)',
    ].join('\n');
    expect(attributeStack(stack, names)).toBe('opcua-server');
    const lib = ['TypeError: x is undefined', '    at ServerSecureChannelLayer._on_message (/srv/vplc/node_modules/node-opcua-secure-channel/dist/source/server/server_secure_channel_layer.js:1:1)'].join('\n');
    expect(attributeStack(lib, names)).toBe('opcua-server');
    const modbus = ['Error: y', '    at Socket.<anonymous> (C:\\vplc\\dist\\io-drivers\\modbus-server.js:150:15)', '    at Socket.emit (node:events:517:28)'].join('\n');
    expect(attributeStack(modbus, names)).toBe('modbus-server');
  });

  it('blames nobody for frames of no server, nor a server that is not running', () => {
    const stack = ['Error: z', '    at tick (/srv/vplc/dist/runtime/metrics/http-server.js:1:1)', '    at node:internal/timers:1:1'].join('\n');
    expect(attributeStack(stack, names)).toBeUndefined();
    const opc = ['Error: boom', '    at get (/srv/vplc/dist/io-drivers/opcua-server.js:1:1)'].join('\n');
    expect(attributeStack(opc, ['modbus-server'])).toBeUndefined();
    // the OPC UA client of a remote device is not the server
    const client = ['Error: c', '    at ClientSecureChannelLayer.x (/srv/vplc/node_modules/node-opcua-secure-channel/dist/source/client/client_secure_channel_layer.js:1:1)'].join('\n');
    expect(attributeStack(client, names)).toBeUndefined();
  });
});

describe('the guard restarting a server', () => {
  it('stops and starts the server an error is blamed on, prints its stack with --verbose, and counts it in /metrics', async () => {
    const server = new ModbusServerDriver({ host: '127.0.0.1', port: 0, readOnly: true, unitId: 0 }, { exchange: new ImageExchange(), log: () => {} });
    await server.start();
    const err: string[] = [];
    const say: string[] = [];
    const guard = new ServeGuard({ drivers: () => [server], err: (l) => err.push(l), say: (l) => say.push(l), verbose: true, backoffMs: { min: 50, max: 200 } });
    try {
      const e = new Error('boom');
      e.stack = 'Error: boom\n    at Socket.<anonymous> (/srv/vplc/dist/io-drivers/modbus-server.js:150:15)';
      guard.fault(e);
      guard.fault(e); // the same error again: counted, not printed
      expect(server.status.ok).toBe(false);
      expect(guard.prometheus()).toContain('vplc_io_service_up{service="modbus-server"} 0');
      expect(err).toEqual(['vplc serve: the modbus-server failed: boom; the scan and its outputs go on; restarting it', e.stack]);
      await until(() => say.length > 0, 'the restart');
      expect(say[0]).toBe('vplc serve: modbus-server restarted after a fault (1 restart so far)');
      expect(server.status.ok).toBe(true);
      expect(guard.health()).toEqual([{ name: 'modbus-server', ok: true, faults: 2, restarts: 1, lastFault: 'boom' }]);
      expect(guard.prometheus()).toContain('vplc_io_service_faults_total{service="modbus-server"} 2');
      // it answers again
      expect(await readQw(server.port)).toEqual([0, 0]);

      // an error of no server: reported under main, nothing restarted
      guard.fault('a string thrown');
      expect(err.at(-1)).toBe('vplc serve: an error no I/O server could be blamed for: a string thrown; the scan and its outputs go on');
      expect(guard.health().find((s) => s.name === 'main')).toMatchObject({ ok: false, faults: 1, restarts: 0 });
    } finally {
      await guard.close();
      await server.stop();
    }
  });
});
