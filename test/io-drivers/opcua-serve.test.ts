import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttributeIds, DataType, OPCUAClient, type ClientSession } from 'node-opcua';
import { freePort, startCli, until, type CliProcess } from '../../samples/child-cli.js';

const PROGRAM = `PROGRAM Main
VAR
  count : DINT;
  setpoint : REAL := 1.0;
  level : REAL;
  reached : BOOL;
END_VAR
count := count + 1;
level := setpoint * 2.0;
reached := level > 4.0;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast(INTERVAL := T#5ms, PRIORITY := 1);
    PROGRAM Main WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
`;

/** `vplc serve` as a child process with its OPC UA server; a node-opcua client reads live values and writes. */
describe('vplc serve with the OPC UA server', () => {
  let cli: CliProcess | undefined;
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  it('serves live variables sampled from the scans and applies writes at a scan boundary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-opcua-'));
    const port = await freePort();
    writeFileSync(join(dir, 'app.st'), PROGRAM);
    writeFileSync(
      join(dir, 'plc.yaml'),
      `opcuaServer:
  host: 127.0.0.1
  port: ${port}
  allowSecurityNone: true
  allowAnonymous: true
  samplingMs: 20
  pkiDir: ${JSON.stringify(join(dir, 'pki'))}
`,
    );
    cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);

    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    let session: ClientSession | undefined;
    await until(async () => {
      try {
        await client.connect(`opc.tcp://127.0.0.1:${port}`);
        return true;
      } catch {
        return false;
      }
    }, 'the OPC UA server to accept connections', 60_000, 200);
    try {
      session = await client.createSession();
      const s = session;
      const read = async (name: string) => (await s.read({ nodeId: `ns=1;s=Res.Main.${name}`, attributeId: AttributeIds.Value })).value.value as unknown;

      // the counter as sampled from the scans: non-zero, then larger
      let first = 0;
      await until(async () => (first = (await read('count')) as number) > 0, 'a first sample of Main.count');
      let second = first;
      await until(async () => (second = (await read('count')) as number) > first, 'Main.count to increase');
      expect(second).toBeGreaterThan(first);
      expect(await read('level')).toBe(2);
      expect(await read('reached')).toBe(false);

      // a write reaches the program at a scan boundary; its reaction is read back
      const status = await s.write({ nodeId: 'ns=1;s=Res.Main.setpoint', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Float, value: 2.5 } } });
      expect(status.isGood()).toBe(true);
      await until(async () => (await read('level')) === 5, 'Main.level to follow the new setpoint');
      expect(await read('reached')).toBe(true);
      expect(await read('setpoint')).toBe(2.5);
    } finally {
      await session?.close();
      await client.disconnect();
    }

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.err.filter((l) => /write refused|error/i.test(l))).toEqual([]);
  }, 120_000);
});
