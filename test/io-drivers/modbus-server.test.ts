import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { ModbusServerDriver } from '../../io-drivers/modbus-server.js';
import { ScanLoop, freePort } from './harness.js';

type Client = {
  connectTCP(h: string, o: object): Promise<void>;
  setID(id: number): void;
  setTimeout(ms: number): void;
  readCoils(a: number, n: number): Promise<{ data: boolean[] }>;
  readDiscreteInputs(a: number, n: number): Promise<{ data: boolean[] }>;
  readHoldingRegisters(a: number, n: number): Promise<{ data: number[] }>;
  readInputRegisters(a: number, n: number): Promise<{ data: number[] }>;
  writeCoil(a: number, v: boolean): Promise<unknown>;
  writeCoils(a: number, v: boolean[]): Promise<unknown>;
  writeRegister(a: number, v: number): Promise<unknown>;
  writeRegisters(a: number, v: number[]): Promise<unknown>;
  close(cb: () => void): void;
};
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as new () => Client;

describe('Modbus TCP server (OpenPLC map) used by a modbus-serial client', () => {
  const loop = new ScanLoop((img) => {
    img.outputWords[3] = img.outputWords[3]! + 1; // the program counts in %QW3
  });
  let server: ModbusServerDriver;
  let readOnly: ModbusServerDriver;
  const client = new ModbusRTU();
  const roClient = new ModbusRTU();

  beforeAll(async () => {
    loop.local.outputBits[1] = 0b1000_0001; // %QX1.0, %QX1.7
    loop.local.memoryWords[5] = 555;
    loop.local.memoryDwords[2] = 0x11223344;
    loop.local.memoryLwords[1] = 0x0102030405060708n;
    loop.exchange.writeInputs((v) => {
      v.inputBits[0] = 0b110;
      v.inputWords[9] = 999;
    });
    loop.scan();
    server = new ModbusServerDriver({ host: '127.0.0.1', port: await freePort(), readOnly: false, unitId: 0 }, { exchange: loop.exchange, log: () => {} });
    readOnly = new ModbusServerDriver({ host: '127.0.0.1', port: await freePort(), readOnly: true, unitId: 0 }, { exchange: loop.exchange, log: () => {} });
    await server.start();
    await readOnly.start();
    await client.connectTCP('127.0.0.1', { port: server.port });
    await roClient.connectTCP('127.0.0.1', { port: readOnly.port });
    client.setTimeout(2000);
    roClient.setTimeout(2000);
  });
  afterAll(async () => {
    await new Promise<void>((r) => client.close(r));
    await new Promise<void>((r) => roClient.close(r));
    await server.stop();
    await readOnly.stop();
  });

  it('serves %QX, %IX, %IW, %QW, %MW, %MD, %ML at OpenPLC addresses', async () => {
    expect((await client.readCoils(8, 8)).data).toEqual([true, false, false, false, false, false, false, true]);
    expect((await client.readDiscreteInputs(0, 3)).data.slice(0, 3)).toEqual([false, true, true]);
    expect((await client.readInputRegisters(9, 1)).data).toEqual([999]);
    expect((await client.readHoldingRegisters(3, 1)).data).toEqual([1]);
    expect((await client.readHoldingRegisters(1024 + 5, 1)).data).toEqual([555]);
    expect((await client.readHoldingRegisters(2048 + 4, 2)).data).toEqual([0x1122, 0x3344]);
    expect((await client.readHoldingRegisters(4096 + 4, 4)).data).toEqual([0x0102, 0x0304, 0x0506, 0x0708]);
  });

  it('lands writes in %Q/%M at the next scan, only the elements written', async () => {
    await client.writeCoil(3, true);
    await client.writeCoils(16, [true, true, false, true]);
    await client.writeRegister(7, 0xbeef);
    await client.writeRegisters(1024 + 10, [1, 2, 3]);
    await client.writeRegisters(2048 + 6, [0xcafe, 0xbabe]);
    await client.writeRegisters(4096 + 8, [0, 0, 0, 42]);
    expect(loop.local.outputWords[7]).toBe(0); // not before the scan
    loop.scan();
    expect(loop.local.outputBits[0]).toBe(0b1000);
    expect(loop.local.outputBits[1]).toBe(0b1000_0001); // the program's own bits kept
    expect(loop.local.outputBits[2]).toBe(0b1011);
    expect(loop.local.outputWords[7]).toBe(0xbeef);
    expect(Array.from(loop.local.memoryWords.subarray(10, 13))).toEqual([1, 2, 3]);
    expect(loop.local.memoryDwords[3]).toBe(0xcafebabe);
    expect(loop.local.memoryLwords[2]).toBe(42n);
    expect((await client.readHoldingRegisters(7, 1)).data).toEqual([0xbeef]);
  });

  it('answers exceptions: out of range, and writes on a read-only server', async () => {
    await expect(client.readHoldingRegisters(8190, 4)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.readInputRegisters(1024, 1)).rejects.toMatchObject({ modbusCode: 2 });
    expect((await roClient.readHoldingRegisters(1024 + 5, 1)).data).toEqual([555]);
    await expect(roClient.writeRegister(0, 1)).rejects.toMatchObject({ modbusCode: 1 });
    await expect(roClient.writeCoil(0, true)).rejects.toMatchObject({ modbusCode: 1 });
    expect(loop.exchange.pendingWrites()).toBe(0);
    expect(readOnly.status.errors).toBe(2);
  });
});
