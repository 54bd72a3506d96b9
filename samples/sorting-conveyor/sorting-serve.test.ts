import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, ROOT, startCli, until } from '../child-cli.js';

interface ModbusClient {
  connectTCP(host: string, options: { port: number }): Promise<void>;
  setTimeout(ms: number): void;
  readCoils(address: number, count: number): Promise<{ data: boolean[] }>;
  readInputRegisters(address: number, count: number): Promise<{ data: number[] }>;
  close(cb: () => void): void;
}
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as new () => ModbusClient;

describe('sorting-conveyor under vplc serve with plc.yaml (IX/QX on the simulated conveyor)', () => {
  it('the BELT block runs the simulated belt; parts are delivered; SIGTERM stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-sorting-'));
    const port = await freePort();
    // the sample's configuration, on a short belt (a part at the end within a second) and with
    // the Modbus server on, so that the process image can be watched from outside
    const config = readFileSync(join(ROOT, 'samples/sorting-conveyor/plc.yaml'), 'utf8')
      .replace('params: { length: 2, speed: 0.5, partEvery: 3, sensorWidth: 0.1 }', 'params: { length: 0.4, speed: 1, partEvery: 0.5, sensorWidth: 0.1 }');
    expect(config).toContain('length: 0.4');
    writeFileSync(join(dir, 'plc.yaml'), `modbusServer: { host: 127.0.0.1, port: ${port}, readOnly: true }\n${config}`);
    const plc = startCli(['serve', 'samples/sorting-conveyor/sorting.sys', '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    const client = new ModbusRTU();
    try {
      await plc.waitFor(/vplc serve: running /);
      await until(async () => {
        try {
          await client.connectTCP('127.0.0.1', { port });
          return true;
        } catch {
          return false;
        }
      }, 'the Modbus server');
      client.setTimeout(1000);
      // %QX0.0 (coil 0) is what the QX block BELT wrote: the sorter runs the belt
      await until(async () => (await client.readCoils(0, 1)).data[0] === true, 'BELT to switch the motor on');
      // %IW0 (input register 0) is the plant's delivered count: the belt really moves parts
      await until(async () => (await client.readInputRegisters(0, 1)).data[0]! >= 2, 'two parts delivered');
      plc.child.kill('SIGTERM');
      expect(await plc.exited).toBe(0);
      expect(plc.err.join('\n')).toBe('');
    } finally {
      client.close(() => {});
      plc.child.kill('SIGKILL');
    }
  }, 120_000);

  it('a configuration naming a resource the application does not have is refused, naming the ones it has', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-sorting-'));
    writeFileSync(join(dir, 'plc.yaml'), `resource: Packing\n${readFileSync(join(ROOT, 'samples/sorting-conveyor/plc.yaml'), 'utf8')}`);
    const plc = startCli(['serve', 'samples/sorting-conveyor/sorting.sys', '--config', join(dir, 'plc.yaml'), '--no-metrics']);
    expect(await plc.exited).toBe(1);
    expect(plc.err.join('\n')).toContain("names resource 'Packing', which the application does not have (resources: PLC.Line)");
  }, 60_000);
});
