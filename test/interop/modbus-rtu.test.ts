import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModbusClientDriver } from '../../io-drivers/modbus-client.js';
import { parseConfig } from '../../runtime/config/load.js';
import type { ModbusDeviceConfig } from '../../runtime/config/schema.js';
import { ScanLoop, until as untilOr } from '../io-drivers/harness.js';

/** `until`, with a failure message built when it fails (so it shows the peer's state then). */
async function until(cond: () => boolean, what: string | (() => string), ms = 20_000): Promise<void> {
  try {
    await untilOr(cond, typeof what === 'string' ? what : 'condition', ms);
  } catch {
    throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
  }
}

// Modbus RTU without hardware: socat joins two pseudo-terminals back to back; Debian's pymodbus
// is the slave on one end, our client the master on the other.
const hasSocat = spawnSync('socat', ['-V']).error === undefined;
const hasPymodbus = spawnSync('/usr/bin/python3', ['-c', 'import pymodbus.server, serial']).status === 0;

/** An RTU slave, unit 7, that prints what the master wrote so the test can see it. */
const SLAVE = `
import sys, asyncio
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
from pymodbus.server import StartAsyncSerialServer
from pymodbus.transaction import ModbusRtuFramer
path, first = sys.argv[1], int(sys.argv[2])
store = ModbusSlaveContext(
    di=ModbusSequentialDataBlock(0, [1, 0, 1] + [0] * 97),
    co=ModbusSequentialDataBlock(0, [0] * 100),
    hr=ModbusSequentialDataBlock(0, [0] * 10 + [0x5678, 0x1234] + [0] * 88),
    ir=ModbusSequentialDataBlock(0, [first, 17] + [0] * 98), zero_mode=True)
ctx = ModbusServerContext(slaves={7: store}, single=False)
async def watch():
    while True:
        await asyncio.sleep(0.02)
        print("HR", store.getValues(3, 0, 2), "CO", store.getValues(1, 0, 3), flush=True)
async def main():
    asyncio.get_event_loop().create_task(watch())
    await StartAsyncSerialServer(context=ctx, framer=ModbusRtuFramer, port=path,
        baudrate=19200, bytesize=8, parity="N", stopbits=1, timeout=0.05)
asyncio.run(main())
`;

/** A slave process and the last line it printed. */
class Slave {
  readonly proc: ChildProcess;
  private out = '';
  err = '';
  constructor(path: string, firstInput: number) {
    this.proc = spawn('/usr/bin/python3', ['-c', SLAVE, path, String(firstInput)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d: Buffer) => { this.out = (this.out + d.toString()).slice(-400); });
    this.proc.stderr!.on('data', (d: Buffer) => { this.err = (this.err + d.toString()).slice(-2000); });
  }
  lastLine(): string {
    return this.out.trim().split('\n').at(-1) ?? '';
  }
  stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGKILL');
    });
  }
}

/** The serial line: socat joining two pseudo-terminals, reachable at `a` and `b`. */
class Line {
  private constructor(private readonly proc: ChildProcess) {}
  static async open(a: string, b: string): Promise<Line> {
    // bounded lifetime: even if this test process dies, timeout ends socat
    const proc = spawn('timeout', ['120', 'socat', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
    await until(() => existsSync(a) && existsSync(b), 'socat pty pair', 10_000);
    return new Line(proc);
  }
  /** Like unplugging the adapter: the pty pair and its links go away. */
  close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.kill('SIGTERM'); // timeout passes it on to socat, which removes its links
    });
  }
}

describe.skipIf(!hasSocat || !hasPymodbus)(
  `vPLC Modbus RTU client against a pymodbus RTU slave over a socat pty pair (skipped: needs socat and python3-pymodbus with python3-serial${hasSocat ? '' : '; socat missing'}${hasPymodbus ? '' : '; pymodbus/pyserial missing'})`,
  () => {
    const cleanup: (() => unknown)[] = [];
    afterAll(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    it('polls inputs, writes outputs, flags the lost slave and reconnects when it returns', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vplc-rtu-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const master = join(dir, 'master');
      const slaveEnd = join(dir, 'slave');
      let line = await Line.open(master, slaveEnd);
      cleanup.push(() => line.close());
      let slave = new Slave(slaveEnd, 4242);
      cleanup.push(() => slave.stop());
      // it prints once its event loop runs, after the serial port is open
      await until(() => slave.lastLine().startsWith('HR'), () => `RTU slave started (stderr: ${slave.err})`, 20_000);

      const r = parseConfig(`
devices:
  - name: rtu
    driver: modbus-rtu
    path: ${master}
    baudRate: 19200
    parity: none
    dataBits: 8
    stopBits: 1
    unitId: 7
    pollMs: 20
    timeoutMs: 300
    reconnect: { minMs: 50, maxMs: 200 }
    status: { ok: '%IX10.0', errors: '%IW50' }
    inputs:
      - { table: discrete, address: 0, count: 3, var: '%IX0.0' }
      - { table: input, address: 0, count: 2, var: '%IW0' }
      - { table: holding, address: 10, type: DINT, wordOrder: little, var: '%ID2' }
    outputs:
      - { table: holding, address: 0, count: 2, var: '%QW0' }
      - { table: coil, address: 0, count: 3, var: '%QX0.0', safe: false }
`);
      expect(r.diagnostics).toEqual([]);
      const loop = new ScanLoop((img) => {
        img.outputWords[0] = 11;
        img.outputWords[1] = 22;
        img.outputBits[0] = 0b110; // %QX0.1, %QX0.2
      }).start();
      cleanup.push(() => loop.stop());
      const logs: string[] = [];
      const driver = new ModbusClientDriver(r.config!.devices[0] as ModbusDeviceConfig, { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: (m) => logs.push(m) });
      await driver.start();
      cleanup.push(() => driver.stop());
      const img = loop.local;
      const written = /HR \[11, 22\] CO \[(False|0), (True|1), (True|1)\]/;

      await until(() => img.inputWords[0] === 4242, () => `inputs over RTU (slave stderr: ${slave.err}; logs: ${logs.join(' | ')})`, 20_000);
      expect(img.inputWords[1]).toBe(17);
      expect(img.inputBits[0]).toBe(0b101);
      expect((img.inputWords[4]! | (img.inputWords[5]! << 16)) >>> 0).toBe(0x12345678);
      await until(() => written.test(slave.lastLine()), () => `outputs at the RTU slave (last: ${slave.lastLine()})`, 20_000);
      await until(() => (img.inputBits[10]! & 1) === 1, 'ok flag in the image');
      expect(driver.status.ok).toBe(true);
      expect(driver.status.errors).toBe(0);
      expect(driver.status.roundTrip.count).toBeGreaterThan(0);

      // the slave dies: requests time out, ok drops, the error counter rises, inputs hold
      await slave.stop();
      await until(() => !driver.status.ok && driver.status.errors > 0, 'loss of the RTU slave detected', 20_000);
      await until(() => (img.inputBits[10]! & 1) === 0 && img.inputWords[50]! > 0, 'ok flag cleared, error counter in the image', 20_000);
      expect(driver.status.inputsBad).toBe(true);
      expect(img.inputWords[0]).toBe(4242);
      expect(logs.some((l) => l.startsWith('rtu: '))).toBe(true);
      const errorsWhileDown = driver.status.errors;
      await until(() => driver.status.errors > errorsWhileDown, 'errors keep counting while the slave is away', 20_000);

      // a fresh slave (blank outputs, new input value): reconnection, outputs sent again
      slave = new Slave(slaveEnd, 4343);
      cleanup.push(() => slave.stop());
      await until(() => img.inputWords[0] === 4343 && driver.status.ok, () => `reconnection to the new slave (stderr: ${slave.err})`, 20_000);
      await until(() => written.test(slave.lastLine()), () => `outputs re-sent to the new slave (last: ${slave.lastLine()})`, 20_000);
      await until(() => (img.inputBits[10]! & 1) === 1, 'ok flag back in the image');
      expect(driver.status.reconnects).toBeGreaterThanOrEqual(1);
      expect(driver.status.inputsBad).toBe(false);

      // the adapter is unplugged: the port itself vanishes; the client keeps trying to open it
      await slave.stop();
      await line.close();
      expect(existsSync(master)).toBe(false);
      await until(() => !driver.status.ok && (img.inputBits[10]! & 1) === 0, 'loss of the serial line detected', 20_000);
      const errorsUnplugged = driver.status.errors;
      await until(() => driver.status.errors > errorsUnplugged, 'failed attempts to open the vanished port counted', 20_000);
      const reconnects = driver.status.reconnects;
      line = await Line.open(master, slaveEnd);
      cleanup.push(() => line.close());
      slave = new Slave(slaveEnd, 4444);
      cleanup.push(() => slave.stop());
      await until(() => img.inputWords[0] === 4444 && driver.status.ok, 'reconnection after the line returned', 20_000);
      await until(() => written.test(slave.lastLine()), () => `outputs re-sent after the line returned (last: ${slave.lastLine()})`, 20_000);
      expect(driver.status.reconnects).toBeGreaterThan(reconnects);

      // stop: the safe values reach the slave (coils false; holding registers default to 0)
      await driver.stop();
      await until(() => /HR \[0, 0\] CO \[(False|0), (False|0), (False|0)\]/.test(slave.lastLine()), () => `safe outputs at the slave (last: ${slave.lastLine()})`, 20_000);
    });
  },
);
