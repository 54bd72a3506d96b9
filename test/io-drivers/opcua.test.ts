import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds, DataType, MessageSecurityMode, OPCUAClient, OPCUACertificateManager, SecurityPolicy, UserTokenType,
  type ClientSession,
} from 'node-opcua';
import type { Application } from '../../compiler/application.js';
import { OpcuaServerDriver } from '../../io-drivers/opcua-server.js';
import { OpcuaClientDriver } from '../../io-drivers/opcua-client.js';
import { parseConfig } from '../../runtime/config/load.js';
import type { OpcuaDeviceConfig } from '../../runtime/config/schema.js';
import { ScanLoop, freePort, until } from './harness.js';

const app: Application = {
  name: 'demo',
  code: '',
  sources: [],
  pouTypes: {
    MAIN: {
      name: 'Main', kind: 'program', vars: [
        { name: 'count', prop: 'count', section: 'VAR', type: { kind: 'elementary', name: 'INT' } },
        { name: 'setpoint', prop: 'setpoint', section: 'VAR', type: { kind: 'elementary', name: 'REAL' } },
        { name: 'delay', prop: 'delay', section: 'VAR', type: { kind: 'elementary', name: 'TIME' } },
        { name: 'label', prop: 'label', section: 'VAR', type: { kind: 'string', wide: false, length: 20 } },
        { name: 'table', prop: 'table', section: 'VAR', type: { kind: 'array', dims: [{ lo: 0, hi: 2 }], element: { kind: 'elementary', name: 'DINT' } } },
        { name: 'limit', prop: 'limit', section: 'VAR', constant: true, type: { kind: 'elementary', name: 'LREAL' } },
      ],
    },
  },
  resources: [{ name: 'RES', tasks: [], programs: [{ name: 'Main', typeName: 'Main', task: 'T' }], globals: [], located: [] }],
};

describe('OPC UA server and client', () => {
  const vars: Record<string, unknown> = {
    'Main.count': 7, 'Main.setpoint': 1.5, 'Main.delay': 1_500_000_000, 'Main.label': 'pump', 'Main.table': new Int32Array([1, 2, 3]), 'Main.limit': 9.75,
  };
  const written: [string, unknown][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vplc-opcua-'));
  const loop = new ScanLoop();
  let server: OpcuaServerDriver;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    server = new OpcuaServerDriver(
      { port, host: '127.0.0.1', allowSecurityNone: true, allowAnonymous: false, users: [{ username: 'op', password: 'secret' }], trustedCertificates: [], samplingMs: 10, writable: true, pkiDir: join(dir, 'server-pki') },
      {
        exchange: loop.exchange, clock: { nowNs: () => 0 }, log: () => {}, app,
        vars: { readVars: () => ({ ...vars }), writeVar: (p, v) => { written.push([p, v]); vars[p] = v; } },
        metrics: () => ({ scans: 42 }),
      },
    );
    await server.start();
    url = `opc.tcp://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  async function session(fn: (s: ClientSession) => Promise<void>) {
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(url);
    const s = await client.createSession({ type: UserTokenType.UserName, userName: 'op', password: 'secret' });
    try {
      await fn(s);
    } finally {
      await s.close();
      await client.disconnect();
    }
  }

  it('is browsed, read, written and subscribed by a node-opcua client', async () => {
    await session(async (s) => {
      const browse = await s.browse('ns=1;s=RES.Main');
      expect(browse.references!.map((r) => r.browseName.name).sort()).toEqual(['count', 'delay', 'label', 'limit', 'setpoint', 'table']);
      const top = await s.browse('ns=1;s=vPLC');
      expect(top.references!.map((r) => r.browseName.name).sort()).toEqual(['Forced', 'Metrics', 'RES']);
      const values = await s.read(['count', 'setpoint', 'delay', 'label', 'table', 'limit'].map((n) => ({ nodeId: `ns=1;s=RES.Main.${n}`, attributeId: AttributeIds.Value })));
      expect(values.map((v) => v.value.dataType)).toEqual([DataType.Int16, DataType.Float, DataType.Double, DataType.String, DataType.Int32, DataType.Double]);
      expect(values[0]!.value.value).toBe(7);
      expect(values[2]!.value.value).toBe(1500);
      expect(values[3]!.value.value).toBe('pump');
      expect(Array.from(values[4]!.value.value as Int32Array)).toEqual([1, 2, 3]);
      expect((await s.read({ nodeId: 'ns=1;s=Metrics.scans', attributeId: AttributeIds.Value })).value.value).toBe(42);

      const ok = await s.write({ nodeId: 'ns=1;s=RES.Main.setpoint', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Float, value: 2.5 } } });
      expect(ok.isGood()).toBe(true);
      const t = await s.write({ nodeId: 'ns=1;s=RES.Main.delay', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Double, value: 250 } } });
      expect(t.isGood()).toBe(true);
      expect(written).toEqual([['Main.setpoint', 2.5], ['Main.delay', 250_000_000]]);
      const denied = await s.write({ nodeId: 'ns=1;s=RES.Main.limit', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Double, value: 1 } } });
      expect(denied.isGood()).toBe(false);

      // subscription: the value sampled from the scans changes, the client is told
      const sub = await s.createSubscription2({ requestedPublishingInterval: 20, publishingEnabled: true, requestedLifetimeCount: 100, requestedMaxKeepAliveCount: 10 });
      const seen: number[] = [];
      const item = await sub.monitor({ nodeId: 'ns=1;s=RES.Main.count', attributeId: AttributeIds.Value }, { samplingInterval: 10, queueSize: 10, discardOldest: true }, 0);
      item.on('changed', (dv) => seen.push(dv.value.value as number));
      await until(() => seen.includes(7), 'initial notification');
      vars['Main.count'] = 8;
      await until(() => seen.includes(8), 'change notification');
      await sub.terminate();
    });
  });

  it('rejects a wrong password and an unknown client certificate; accepts it once trusted', async () => {
    const bad = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await bad.connect(url);
    await expect(bad.createSession({ type: UserTokenType.UserName, userName: 'op', password: 'wrong' })).rejects.toThrow();
    await expect(bad.createSession()).rejects.toThrow(); // anonymous not allowed
    await bad.disconnect();

    const clientPki = new OPCUACertificateManager({ rootFolder: join(dir, 'client-pki'), automaticallyAcceptUnknownCertificate: true });
    const secure = () => OPCUAClient.create({
      endpointMustExist: false,
      securityMode: MessageSecurityMode.SignAndEncrypt,
      securityPolicy: SecurityPolicy.Basic256Sha256,
      clientCertificateManager: clientPki,
      connectionStrategy: { maxRetry: 0 },
    });
    const c1 = secure();
    await expect(c1.connect(url)).rejects.toThrow();
    await c1.disconnect();

    await server.certificateManager!.trustCertificate(readFileSync(c1.certificateFile).toString().includes('BEGIN')
      ? Buffer.from(readFileSync(c1.certificateFile).toString().replace(/-----[^-]+-----|\s+/g, ''), 'base64')
      : readFileSync(c1.certificateFile));
    const c2 = secure();
    await c2.connect(url);
    const s = await c2.createSession({ type: UserTokenType.UserName, userName: 'op', password: 'secret' });
    expect((await s.read({ nodeId: 'ns=1;s=RES.Main.label', attributeId: AttributeIds.Value })).value.value).toBe('pump');
    await s.close();
    await c2.disconnect();
  });

  it('our OPC UA client maps remote nodes to the image, with a subscription and writes', async () => {
    const r = parseConfig(`
devices:
  - name: ua
    driver: opcua
    endpoint: ${url}
    username: op
    password: secret
    pollMs: 20
    status: { ok: '%IX5.0' }
    inputs:
      - { node: 'ns=1;s=RES.Main.count', type: INT, var: '%IW0' }
    outputs:
      - { node: 'ns=1;s=RES.Main.setpoint', type: REAL, var: '%MD1', safe: 0 }
`);
    expect(r.diagnostics).toEqual([]);
    const scans = loop.start();
    new DataView(loop.local.memoryDwords.buffer, loop.local.memoryDwords.byteOffset).setFloat32(4, 4.25, true);
    const driver = new OpcuaClientDriver(r.config!.devices[0] as OpcuaDeviceConfig, { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: () => {} });
    await driver.start();
    try {
      vars['Main.count'] = 321;
      await until(() => loop.local.inputWords[0] === 321 && (loop.local.inputBits[5]! & 1) === 1, 'subscribed input in the image');
      await until(() => written.some(([p, v]) => p === 'Main.setpoint' && v === 4.25), 'output written to the remote node');
      expect(driver.status.ok).toBe(true);
    } finally {
      await driver.stop();
      scans.stop();
    }
    expect(written.at(-1)).toEqual(['Main.setpoint', 0]); // safe value on stop
  });

  it('our OPC UA client flags the loss of its server, reconnects when it returns and writes every output again', async () => {
    const port = await freePort();
    const seen: [string, unknown][] = [];
    const remote: Record<string, unknown> = { 'Main.count': 5, 'Main.setpoint': 0 };
    const serve = () => new OpcuaServerDriver(
      { port, host: '127.0.0.1', allowSecurityNone: true, allowAnonymous: true, users: [], trustedCertificates: [], samplingMs: 10, writable: true, pkiDir: join(dir, 'server2-pki') },
      {
        exchange: loop.exchange, clock: { nowNs: () => 0 }, log: () => {}, app,
        vars: { readVars: () => ({ ...remote }), writeVar: (p, v) => { seen.push([p, v]); remote[p] = v; } },
      },
    );
    const r = parseConfig(`
devices:
  - name: ua2
    driver: opcua
    endpoint: opc.tcp://127.0.0.1:${port}
    pollMs: 20
    reconnect: { minMs: 50, maxMs: 200 }
    status: { ok: '%IX6.0' }
    inputs:
      - { node: 'ns=1;s=RES.Main.count', type: INT, var: '%IW3' }
    outputs:
      - { node: 'ns=1;s=RES.Main.setpoint', type: REAL, var: '%MD2', safe: 0 }
`);
    expect(r.diagnostics).toEqual([]);
    const scans = loop.start();
    new DataView(loop.local.memoryDwords.buffer, loop.local.memoryDwords.byteOffset).setFloat32(8, 2.5, true);
    let first: OpcuaServerDriver | undefined = serve();
    await first.start();
    const messages: string[] = [];
    const driver = new OpcuaClientDriver(r.config!.devices[0] as OpcuaDeviceConfig, { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: (m) => messages.push(m) });
    await driver.start();
    let second: OpcuaServerDriver | undefined;
    try {
      await until(() => driver.status.ok && loop.local.inputWords[3] === 5 && remote['Main.setpoint'] === 2.5, 'first connection');
      await first.stop();
      first = undefined;
      await until(() => !driver.status.ok && (loop.local.inputBits[6]! & 1) === 0, 'loss flagged in the image');
      expect(messages.some((m) => m.startsWith('ua2: '))).toBe(true);
      // it comes back, blank: the client opens a new session and sends its output again
      remote['Main.setpoint'] = 0;
      remote['Main.count'] = 6;
      const before = seen.length;
      second = serve();
      await second.start();
      await until(() => driver.status.ok && (loop.local.inputBits[6]! & 1) === 1 && loop.local.inputWords[3] === 6, 'reconnection and fresh inputs');
      await until(() => seen.slice(before).some(([p, v]) => p === 'Main.setpoint' && v === 2.5), 'output re-sent after reconnection');
      expect(driver.status.reconnects).toBeGreaterThanOrEqual(1);
    } finally {
      await driver.stop();
      scans.stop();
      await first?.stop();
      await second?.stop();
    }
    expect(seen.at(-1)).toEqual(['Main.setpoint', 0]); // safe value on stop
  }, 60_000);
});
