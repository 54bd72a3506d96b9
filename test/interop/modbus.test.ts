import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { ModbusServerDriver } from '../../io-drivers/modbus-server.js';
import { ModbusClientDriver } from '../../io-drivers/modbus-client.js';
import { parseConfig } from '../../runtime/config/load.js';
import type { ModbusDeviceConfig } from '../../runtime/config/schema.js';
import { ScanLoop, freePort, until } from '../io-drivers/harness.js';

const run = promisify(execFile);
const hasMbpoll = spawnSync('mbpoll', ['-V']).error === undefined;
const hasPymodbus = spawnSync('/usr/bin/python3', ['-c', 'import pymodbus']).status === 0;

describe.skipIf(!hasMbpoll)('vPLC Modbus server read and written by mbpoll (skipped: mbpoll not installed)', () => {
  const loop = new ScanLoop();
  let server: ModbusServerDriver;
  beforeAll(async () => {
    loop.local.outputWords[2] = 1234;
    loop.local.memoryWords[0] = 77;
    loop.scan();
    server = new ModbusServerDriver({ host: '127.0.0.1', port: await freePort(), readOnly: false, unitId: 0 }, { exchange: loop.exchange, log: () => {} });
    await server.start();
  });
  afterAll(() => server.stop());

  const mbpoll = (...args: string[]) => run('mbpoll', ['-m', 'tcp', '-a', '1', '-1', '-p', String(server.port), ...args, '127.0.0.1'].filter(Boolean)).then((r) => r.stdout);

  it('reads %QW and %MW as holding registers (mbpoll references are 1-based)', async () => {
    expect(await mbpoll('-t', '4', '-r', '3', '-c', '1')).toMatch(/\[3\]:\s+1234/);
    expect(await mbpoll('-t', '4', '-r', '1025', '-c', '1')).toMatch(/\[1025\]:\s+77/);
  });

  it('writes a coil and a register that land at the next scan', async () => {
    await run('mbpoll', ['-m', 'tcp', '-a', '1', '-p', String(server.port), '-t', '0', '-r', '5', '127.0.0.1', '1']);
    await run('mbpoll', ['-m', 'tcp', '-a', '1', '-p', String(server.port), '-t', '4', '-r', '11', '127.0.0.1', '4321']);
    loop.scan();
    expect(loop.local.outputBits[0]).toBe(0b1_0000); // coil 4 = %QX0.4
    expect(loop.local.outputWords[10]).toBe(4321);
  });
});

const DEVICE = `
import sys, asyncio
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
from pymodbus.server import StartAsyncTcpServer
store = ModbusSlaveContext(
    di=ModbusSequentialDataBlock(0, [1, 0, 1] + [0] * 97),
    co=ModbusSequentialDataBlock(0, [0] * 100),
    hr=ModbusSequentialDataBlock(0, [0] * 100),
    ir=ModbusSequentialDataBlock(0, [4242, 17] + [0] * 98), zero_mode=True)
ctx = ModbusServerContext(slaves=store, single=True)
async def watch():
    while True:
        await asyncio.sleep(0.02)
        print("HR", store.getValues(3, 0, 2), "CO", store.getValues(1, 0, 2), flush=True)
async def main():
    asyncio.get_event_loop().create_task(watch())
    await StartAsyncTcpServer(context=ctx, address=("127.0.0.1", int(sys.argv[1])))
asyncio.run(main())
`;

describe.skipIf(!hasPymodbus)("vPLC Modbus client against Debian's python3-pymodbus device (skipped: python3-pymodbus not installed)", () => {
  let device: ChildProcess | undefined;
  afterAll(() => {
    device?.kill();
  });

  it('polls inputs from and writes outputs to the pymodbus device', async () => {
    const port = await freePort();
    device = spawn('/usr/bin/python3', ['-c', DEVICE, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    device.stdout!.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-400); });
    const lastLine = () => out.trim().split('\n').at(-1) ?? '';
    let err = '';
    device.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const r = parseConfig(`
devices:
  - name: py
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${port}
    pollMs: 20
    reconnect: { minMs: 50, maxMs: 200 }
    inputs:
      - { table: discrete, address: 0, count: 3, var: '%IX0.0' }
      - { table: input, address: 0, count: 2, var: '%IW0' }
    outputs:
      - { table: holding, address: 0, count: 2, var: '%QW0' }
      - { table: coil, address: 1, var: '%QX0.0' }
`);
    expect(r.diagnostics).toEqual([]);
    const loop = new ScanLoop((img) => {
      img.outputWords[0] = 11;
      img.outputWords[1] = 22;
      img.outputBits[0] = 1;
    }).start();
    const driver = new ModbusClientDriver(r.config!.devices[0] as ModbusDeviceConfig, { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: () => {} });
    await driver.start();
    try {
      await until(() => loop.local.inputWords[0] === 4242, `inputs from pymodbus (stderr: ${err})`, 20_000);
      expect(loop.local.inputWords[1]).toBe(17);
      expect(loop.local.inputBits[0]).toBe(0b101);
      await until(() => /HR \[11, 22\] CO \[(False|0), (True|1)\]/.test(lastLine()), `outputs at pymodbus (last: ${lastLine()})`, 20_000);
    } finally {
      await driver.stop();
      loop.stop();
    }
  });
});
