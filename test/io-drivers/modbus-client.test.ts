import { afterAll, describe, expect, it } from 'vitest';
import { ModbusClientDriver } from '../../io-drivers/modbus-client.js';
import { parseConfig } from '../../runtime/config/load.js';
import type { ModbusDeviceConfig } from '../../runtime/config/schema.js';
import { ScanLoop, freePort, until } from './harness.js';
import { modbusDevice, type DeviceMemory } from '../support/modbus-device.js';

/** A remote I/O device with unit id 7. */
const device = (port: number, mem: DeviceMemory) => modbusDevice(port, mem, 7);

function config(port: number): ModbusDeviceConfig {
  const r = parseConfig(`
devices:
  - name: rio
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${port}
    unitId: 7
    pollMs: 10
    timeoutMs: 300
    reconnect: { minMs: 20, maxMs: 100 }
    status: { ok: '%IX10.0', errors: '%IW50' }
    inputs:
      - { table: discrete, address: 0, count: 10, var: '%IX0.0' }
      - { table: input, address: 0, count: 2, var: '%IW0' }
      - { table: input, address: 4, type: REAL, var: '%ID2' }
      - { table: holding, address: 10, type: DINT, wordOrder: little, var: '%ID3' }
    outputs:
      - { table: coil, address: 0, count: 3, var: '%QX0.0', safe: false }
      - { table: holding, address: 0, count: 2, var: '%QW0' }
      - { table: holding, address: 20, type: REAL, var: '%MD0', safe: 1.5 }
`);
  expect(r.diagnostics).toEqual([]);
  return r.config!.devices[0] as ModbusDeviceConfig;
}

describe('Modbus client (remote I/O) against a modbus-serial TCP server', () => {
  const cleanup: (() => void | Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('polls inputs, writes outputs, flags device loss and re-sends outputs on return', async () => {
    const port = await freePort();
    const f32 = new DataView(new ArrayBuffer(4));
    f32.setFloat32(0, 21.5);
    const mem = {
      coils: [] as boolean[],
      discrete: [true, false, true, false, false, false, false, false, false, true],
      input: [100, 200, 0, 0, f32.getUint16(0), f32.getUint16(2)],
      holding: [] as number[],
    };
    mem.holding[10] = 0x5678; // DINT 0x12345678, low word first
    mem.holding[11] = 0x1234;
    let server = await device(port, mem);
    const loop = new ScanLoop((img) => {
      img.outputBits[0] = 0b101; // %QX0.0 and %QX0.2
      img.outputWords[0] = 1111;
      img.outputWords[1] = 2222;
      new DataView(img.memoryDwords.buffer, img.memoryDwords.byteOffset).setFloat32(0, 3.25, true);
    }).start();
    cleanup.push(() => loop.stop());
    const logs: string[] = [];
    const driver = new ModbusClientDriver(config(port), { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: (m) => logs.push(m) });
    await driver.start();
    cleanup.push(() => driver.stop());
    const img = loop.local;
    await until(() => driver.status.ok && mem.holding[0] === 1111 && mem.holding[21] !== undefined, 'first exchange');
    await until(() => (img.inputBits[10]! & 1) === 1, 'ok flag in the image');
    expect(img.inputBits[0]).toBe(0b101);
    expect(img.inputBits[1]).toBe(0b10);
    expect([img.inputWords[0], img.inputWords[1]]).toEqual([100, 200]);
    expect(new DataView(new Uint16Array([img.inputWords[4]!, img.inputWords[5]!]).buffer).getFloat32(0, true)).toBe(21.5);
    expect((img.inputWords[6]! | (img.inputWords[7]! << 16)) >>> 0).toBe(0x12345678);
    expect(mem.coils.slice(0, 3)).toEqual([true, false, true]);
    expect(mem.holding.slice(0, 2)).toEqual([1111, 2222]);
    const out = new DataView(new ArrayBuffer(4));
    out.setUint16(0, mem.holding[20]!);
    out.setUint16(2, mem.holding[21]!);
    expect(out.getFloat32(0)).toBe(3.25);
    expect(driver.status.errors).toBe(0);
    expect(driver.status.roundTrip.count).toBeGreaterThan(0);

    // the device goes away: inputs keep their last value, ok drops, errors count
    await new Promise<void>((r) => server.close(r));
    await until(() => !driver.status.ok && driver.status.errors > 0, 'loss detected');
    await until(() => (img.inputBits[10]! & 1) === 0 && img.inputWords[50]! > 0, 'ok flag cleared, error counter visible');
    expect(driver.status.inputsBad).toBe(true);
    expect([img.inputWords[0], img.inputWords[1]]).toEqual([100, 200]);
    expect(logs.some((l) => l.startsWith('rio: '))).toBe(true);

    // it comes back, blank: the client reconnects and sends every output again
    mem.coils = [];
    mem.holding = [];
    mem.input[0] = 101;
    server = await device(port, mem);
    cleanup.push(() => new Promise<void>((r) => server.close(r)));
    await until(() => driver.status.ok && mem.holding[1] === 2222 && mem.coils[2] === true, 'reconnection and re-sent outputs');
    await until(() => img.inputWords[0] === 101 && (img.inputBits[10]! & 1) === 1, 'fresh inputs after reconnection');
    expect(driver.status.reconnects).toBeGreaterThanOrEqual(1);
    expect(driver.status.inputsBad).toBe(false);

    // stop: last outputs then the safe values
    await driver.stop();
    expect(mem.coils.slice(0, 3)).toEqual([false, false, false]);
    expect(mem.holding.slice(0, 2)).toEqual([0, 0]);
    out.setUint16(0, mem.holding[20]!);
    out.setUint16(2, mem.holding[21]!);
    expect(out.getFloat32(0)).toBe(1.5);
  });
});
