import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModbusClientDriver } from '../../io-drivers/modbus-client.js';
import { STOP_DEADLINE_MS, SafeOutputsNotWritten } from '../../io-drivers/remote-device.js';
import { parseConfig } from '../../runtime/config/load.js';
import type { ModbusDeviceConfig } from '../../runtime/config/schema.js';
import { startCli, type CliProcess } from '../../samples/child-cli.js';
import { modbusDevice, type DeviceMemory } from '../support/modbus-device.js';
import { ScanLoop, freePort, until } from './harness.js';

/**
 * A TCP relay in front of a real Modbus device that can be made to hang: once `hang` is set,
 * requests are swallowed (the connection stays open, no reply ever comes), as a device whose
 * firmware locked up does.
 */
async function hangingRelay(port: number, devicePort: number): Promise<{ server: Server; hang(): void }> {
  let hung = false;
  const server = createServer((client: Socket) => {
    const device = connect(devicePort, '127.0.0.1');
    client.on('data', (d) => {
      if (!hung) device.write(d);
    });
    device.on('data', (d) => client.write(d));
    const end = () => {
      client.destroy();
      device.destroy();
    };
    client.on('close', end).on('error', end);
    device.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, hang: () => (hung = true) };
}

const OUTPUTS = `
    outputs:
      - { table: coil, address: 0, count: 3, var: '%QX0.0', safe: false }
      - { table: holding, address: 0, count: 2, var: '%QW0' }
      - { table: holding, address: 20, type: REAL, var: '%MD0', safe: 1.5 }
`;

describe('remote I/O whose device hangs at shutdown', () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('tries every output group within the stop deadline, reports each failure, and rejects', async () => {
    const mem: DeviceMemory = { coils: [], discrete: [], input: [], holding: [] };
    const devicePort = await freePort();
    const device = await modbusDevice(devicePort, mem, 7);
    cleanup.push(() => new Promise<void>((r) => device.close(r)));
    const relayPort = await freePort();
    const relay = await hangingRelay(relayPort, devicePort);
    cleanup.push(() => new Promise<void>((r) => relay.server.close(() => r())));

    const r = parseConfig(`
devices:
  - name: rio
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${relayPort}
    unitId: 7
    pollMs: 10
    timeoutMs: 1000
${OUTPUTS}`);
    expect(r.diagnostics).toEqual([]);
    const loop = new ScanLoop((img) => {
      img.outputBits[0] = 0b101;
      img.outputWords[0] = 1111;
    }).start();
    cleanup.push(() => loop.stop());
    const logs: string[] = [];
    const driver = new ModbusClientDriver(r.config!.devices[0] as ModbusDeviceConfig, { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: (m) => logs.push(m) });
    await driver.start();
    await until(() => driver.status.ok && mem.coils[2] === true && mem.holding[0] === 1111, 'outputs written while the device answers');

    relay.hang();
    const t0 = Date.now();
    const stopped = await driver.stop().then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = Date.now() - t0;
    expect(stopped).toBeInstanceOf(SafeOutputsNotWritten);
    expect((stopped as Error).message).toBe('safe outputs not written (3 failures)');
    const failures = logs.filter((l) => l.startsWith('rio: safe value not written: '));
    // every group was tried: the coils and both holding-register groups, each named with the device
    expect(failures).toEqual([
      expect.stringMatching(/write coils 0\.\.2 at 127\.0\.0\.1:\d+ unit 7: .*[Tt]imed out/),
      expect.stringMatching(/write holding registers 0\.\.1 at 127\.0\.0\.1:\d+ unit 7: .*[Tt]imed out/),
      expect.stringMatching(/write holding registers 20\.\.21 at 127\.0\.0\.1:\d+ unit 7: .*[Tt]imed out/),
    ]);
    // the last-outputs pass (one timeout at most) then the safe values within their deadline
    expect(took).toBeLessThan(1000 + STOP_DEADLINE_MS + 2000);
    // the device still holds the program's last outputs: nothing reached it
    expect(mem.coils.slice(0, 3)).toEqual([true, false, true]);
  }, 30_000);

  /** A running driver for a device behind a relay; the program's outputs already written to it. */
  async function running(): Promise<{ driver: ModbusClientDriver; relay: { server: Server; hang(): void }; device: { close(cb: () => void): void }; mem: DeviceMemory; logs: string[] }> {
    const mem: DeviceMemory = { coils: [], discrete: [], input: [], holding: [] };
    const devicePort = await freePort();
    const device = await modbusDevice(devicePort, mem, 7);
    const relayPort = await freePort();
    const relay = await hangingRelay(relayPort, devicePort);
    cleanup.push(() => new Promise<void>((r) => relay.server.close(() => r())));
    const r = parseConfig(`
devices:
  - name: rio
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${relayPort}
    unitId: 7
    pollMs: 10
    timeoutMs: 300
    reconnect: { minMs: 20, maxMs: 100 }
    inputs:
      - { table: discrete, address: 0, count: 1, var: '%IX0.0' }
${OUTPUTS}`);
    const loop = new ScanLoop((img) => {
      img.outputBits[0] = 0b101;
    }).start();
    cleanup.push(() => loop.stop());
    const logs: string[] = [];
    const driver = new ModbusClientDriver(r.config!.devices[0] as ModbusDeviceConfig, { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: (m) => logs.push(m) });
    await driver.start();
    await until(() => driver.status.ok && mem.coils[2] === true, 'outputs written while the device answers', 10_000);
    return { driver, relay, device, mem, logs };
  }

  it('connects once more at stop when the hang was already detected, and still tries every group', async () => {
    const { driver, relay, device, logs } = await running();
    cleanup.push(() => new Promise<void>((r) => device.close(r)));
    relay.hang();
    await until(() => !driver.status.ok, 'the hang detected as a loss', 10_000);
    const stopped = await driver.stop().then(() => undefined, (e: unknown) => e);
    expect((stopped as Error).message).toBe('safe outputs not written (3 failures)');
    expect(logs.filter((l) => l.startsWith('rio: safe value not written: ')).map((l) => /write \w+ \w* ?[\d.]+/.exec(l)?.[0])).toEqual([
      'write coils 0..2',
      'write holding registers 0..1',
      'write holding registers 20..21',
    ]);
  }, 30_000);

  it('reports a device gone at stop as not made safe', async () => {
    const { driver, relay, device, logs } = await running();
    await new Promise<void>((r) => device.close(r));
    await new Promise<void>((r) => relay.server.close(() => r()));
    await until(() => !driver.status.ok, 'the loss detected', 10_000);
    const stopped = await driver.stop().then(() => undefined, (e: unknown) => e);
    expect(stopped).toBeInstanceOf(SafeOutputsNotWritten);
    expect(logs).toContainEqual(expect.stringMatching(/^rio: safe value not written: cannot connect at 127\.0\.0\.1:\d+: /));
  }, 30_000);

  it('vplc serve exits non-zero and names each output group it could not make safe', async () => {
    const mem: DeviceMemory = { coils: [], discrete: [], input: [], holding: [] };
    const devicePort = await freePort();
    const device = await modbusDevice(devicePort, mem, 7);
    cleanup.push(() => new Promise<void>((r) => device.close(r)));
    const relayPort = await freePort();
    const relay = await hangingRelay(relayPort, devicePort);
    cleanup.push(() => new Promise<void>((r) => relay.server.close(() => r())));
    const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-hang-'));
    writeFileSync(
      join(dir, 'app.st'),
      'PROGRAM Main\nVAR lamp AT %QX0.0 : BOOL; level AT %QW0 : INT; END_VAR\nlamp := TRUE;\nlevel := 77;\nEND_PROGRAM\nCONFIGURATION C RESOURCE R ON PLC TASK T(INTERVAL := T#10ms, PRIORITY := 1); PROGRAM Main WITH T : Main; END_RESOURCE END_CONFIGURATION\n',
    );
    writeFileSync(
      join(dir, 'plc.yaml'),
      `devices:
  - name: rio
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${relayPort}
    unitId: 7
    pollMs: 10
    timeoutMs: 500
${OUTPUTS}`,
    );
    const cli: CliProcess = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    cleanup.push(() => cli.child.exitCode === null && cli.child.kill('SIGKILL'));
    await cli.waitFor(/vplc serve: running/);
    await until(() => mem.coils[0] === true && mem.holding[0] === 77, 'outputs written by the running program');
    relay.hang();
    cli.child.kill('SIGTERM');
    const code = await cli.exited;
    const all = [...cli.out, ...cli.err].join('\n');
    expect(all).toMatch(/rio: safe value not written: write coils 0\.\.2/);
    expect(all).toMatch(/rio: safe value not written: write holding registers 0\.\.1/);
    expect(all).toMatch(/rio: safe value not written: write holding registers 20\.\.21/);
    expect(code).toBe(1);
  }, 60_000);
});
