import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttributeIds, ClientMonitoredItem, ClientSubscription, OPCUAClient, TimestampsToReturn } from 'node-opcua';
import type { Application } from '../../compiler/application.js';
import { OpcuaServerDriver } from '../../io-drivers/opcua-server.js';
import { startCli, type CliProcess } from '../../samples/child-cli.js';
import { ScanLoop, freePort } from './harness.js';

const app: Application = {
  name: 'sampling',
  code: '',
  sources: [],
  pouTypes: {
    MAIN: { name: 'Main', kind: 'program', vars: [{ name: 'count', prop: 'count', section: 'VAR', type: { kind: 'elementary', name: 'DINT' } }] },
  },
  resources: [{ name: 'RES', tasks: [], programs: [{ name: 'Main', typeName: 'Main', task: 'T' }], globals: [], located: [] }],
};

describe('OPC UA subscriptions at the configured sampling interval', () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('delivers ~10 notifications/s to a client sampling and publishing at 100 ms', async () => {
    const port = await freePort();
    let count = 0;
    // a variable that changes every 10 ms, as a fast task's counter does
    const ticker = setInterval(() => count++, 10);
    cleanup.push(() => clearInterval(ticker));
    const server = new OpcuaServerDriver(
      { port, host: '127.0.0.1', allowSecurityNone: true, allowAnonymous: true, users: [], trustedCertificates: [], samplingMs: 100, writable: false, pkiDir: join(mkdtempSync(join(tmpdir(), 'vplc-opcua-sampling-')), 'pki') },
      { exchange: new ScanLoop().exchange, clock: { nowNs: () => 0 }, log: () => {}, app, vars: { readVars: () => ({ 'Main.count': count }), writeVar: () => {} } },
    );
    await server.start();
    cleanup.push(() => server.stop());
    // `host: 127.0.0.1` is where it listens, not only the name in its endpoints: another address of this machine is refused
    const reached = (host: string) =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, host, () => (s.destroy(), resolve(true)));
        s.on('error', () => resolve(false));
      });
    expect(await reached('127.0.0.1')).toBe(true);
    expect(await reached('127.0.0.2')).toBe(false);

    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(`opc.tcp://127.0.0.1:${port}`);
    cleanup.push(() => client.disconnect());
    const session = await client.createSession();
    cleanup.push(() => session.close());
    const min = await session.read({ nodeId: 'ns=1;s=RES.Main.count', attributeId: AttributeIds.MinimumSamplingInterval });
    expect(min.value.value).toBe(100);

    const sub = ClientSubscription.create(session, { requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 10, requestedLifetimeCount: 100, publishingEnabled: true });
    await new Promise<void>((r) => sub.on('started', () => r()));
    expect(sub.publishingInterval).toBe(100);
    const item = ClientMonitoredItem.create(sub, { nodeId: 'ns=1;s=RES.Main.count', attributeId: AttributeIds.Value }, { samplingInterval: 100, queueSize: 10, discardOldest: true }, TimestampsToReturn.Both);
    const values: number[] = [];
    item.on('changed', (dv) => values.push(Number(dv.value.value)));
    await new Promise((r) => setTimeout(r, 500)); // settle
    const before = values.length;
    await new Promise((r) => setTimeout(r, 3000));
    const perSecond = (values.length - before) / 3;
    await sub.terminate();
    // 1 a second when the server clamps sampling to 1,000 ms; ~10 when it honours 100 ms
    expect(perSecond).toBeGreaterThanOrEqual(6);
    expect(perSecond).toBeLessThanOrEqual(11);
    expect(new Set(values).size).toBe(values.length); // each one a new value
  }, 60_000);
});

describe('vplc serve with OPC UA starts quietly', () => {
  let cli: CliProcess | undefined;
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  it('prints no node-opcua warning (W30 sampling, W27 RSA) at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-opcua-quiet-'));
    writeFileSync(
      join(dir, 'app.st'),
      'PROGRAM Main\nVAR a : DINT; b : REAL; c : BOOL; END_VAR\na := a + 1;\nEND_PROGRAM\nCONFIGURATION C RESOURCE R ON PLC TASK T(INTERVAL := T#10ms, PRIORITY := 1); PROGRAM Main WITH T : Main; END_RESOURCE END_CONFIGURATION\n',
    );
    writeFileSync(
      join(dir, 'plc.yaml'),
      `opcuaServer: { host: 127.0.0.1, port: ${await freePort()}, allowSecurityNone: true, allowAnonymous: true, samplingMs: 100, pkiDir: ${JSON.stringify(join(dir, 'pki'))} }\n`,
    );
    cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);
    // the RSA self-test of node-opcua finishes after start: give it time to (not) report
    await new Promise((r) => setTimeout(r, 4000));
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const output = [...cli.out, ...cli.err].join('\n');
    expect(output).toContain('vplc serve: running');
    expect(output).not.toMatch(/NODE-OPCUA-W\d+/);
    expect(output).not.toMatch(/MinimumSamplingInterval has been adjusted/);
  }, 90_000);
});
