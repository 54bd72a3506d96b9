import { createRequire } from 'node:module';
import type { ModbusRTU as ModbusRTUType } from 'modbus-serial/ModbusRTU.js';
import type { ModbusDeviceConfig, ModbusPoint } from '../runtime/config/schema.js';
import { DeviceStatus } from '../runtime/io/device-status.js';
import { InputCommit, OutputSnapshot, resolvePlcSide, type PlcSide } from '../runtime/io/binding.js';
import { rawToRegisters, registersOf, registersToRaw } from '../runtime/io/data-type.js';
import type { DriverContext, IoDriver } from './driver.js';
import { Backoff, sleep } from './backoff.js';

// modbus-serial is CommonJS whose typings declare an ES default export: load it the CommonJS way
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as typeof ModbusRTUType;

/** One configured point with its PLC side resolved per element. */
interface Point {
  cfg: ModbusPoint;
  sides: PlcSide[];
  /** outputs: raw values last written successfully (undefined: must be sent) */
  sent: (boolean | number | bigint | undefined)[];
}

/** Largest counts one Modbus request may carry. */
const MAX_BITS = 2000;
const MAX_REGISTERS = 125;
const MAX_WRITE_BITS = 1968;
const MAX_WRITE_REGISTERS = 123;

/**
 * Modbus TCP/RTU client for remote I/O. It polls the device's inputs every `pollMs` (0: after
 * every scan), commits them to the image as one update, and writes changed outputs. The scan
 * never waits for it: it always uses the latest complete poll. On loss of the device the
 * inputs keep their last values and are flagged bad; it reconnects with exponential backoff
 * and then sends every output again.
 */
export class ModbusClientDriver implements IoDriver {
  readonly name: string;
  readonly status: DeviceStatus;
  private readonly client = new ModbusRTU();
  private readonly inputs: Point[];
  private readonly outputs: Point[];
  private readonly commit: InputCommit;
  private readonly snapshot: OutputSnapshot;
  private readonly backoff: Backoff;
  private readonly statusSides: { ok?: PlcSide; errors?: PlcSide } = {};
  private running = false;
  private loop: Promise<void> | undefined;
  private connected = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly cfg: ModbusDeviceConfig,
    private readonly ctx: DriverContext,
  ) {
    this.name = cfg.name;
    this.status = new DeviceStatus(cfg.name);
    const expand = (p: ModbusPoint): Point => ({
      cfg: p,
      sides: Array.from({ length: p.count }, (_, k) => resolvePlcSide(p.var, p.type, k)),
      sent: new Array(p.count).fill(undefined),
    });
    this.inputs = cfg.inputs.map(expand);
    this.outputs = cfg.outputs.map(expand);
    this.commit = new InputCommit(ctx.exchange, ctx.vars);
    this.snapshot = new OutputSnapshot(ctx.exchange, ctx.vars);
    this.backoff = new Backoff(cfg.reconnect.minMs, cfg.reconnect.maxMs);
    if (cfg.status.ok) this.statusSides.ok = resolvePlcSide(cfg.status.ok, 'BOOL');
    if (cfg.status.errors) {
      const t = /^%[IQM]D/i.test(cfg.status.errors) ? 'UDINT' : 'UINT';
      this.statusSides.errors = resolvePlcSide(cfg.status.errors, t);
    }
  }

  async start(): Promise<void> {
    this.running = true;
    this.publishStatus();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.connected) {
      try {
        // the last outputs the program produced, then the safe values
        this.snapshot.refresh();
        await this.writeOutputs(false);
        await this.writeOutputs(true);
      } catch (e) {
        this.ctx.log(`${this.name}: could not write safe outputs: ${(e as Error).message}`);
      }
    }
    await this.disconnect();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.connected) {
        try {
          await this.connect();
          this.connected = true;
          this.backoff.reset();
          if (this.status.requests > 0) this.status.reconnects++;
          for (const p of this.outputs) p.sent.fill(undefined); // re-send every output
          this.commit.forget();
        } catch (e) {
          this.fail(`cannot connect: ${(e as Error).message}`);
          await this.pause(this.backoff.next());
          continue;
        }
      }
      const started = Date.now();
      try {
        await this.pollInputs();
        this.snapshot.refresh();
        await this.writeOutputs(false);
        this.status.ok = true;
        this.status.inputsBad = false;
        this.publishStatus();
      } catch (e) {
        this.fail((e as Error).message);
        await this.disconnect();
        await this.pause(this.backoff.next());
        continue;
      }
      if (this.cfg.pollMs === 0) await this.ctx.exchange.nextScan(undefined, 100);
      else await this.pause(Math.max(0, this.cfg.pollMs - (Date.now() - started)));
    }
  }

  private async connect(): Promise<void> {
    if (this.cfg.driver === 'modbus-tcp') {
      await this.client.connectTCP(this.cfg.host!, { port: this.cfg.port! });
    } else {
      await this.client.connectRTUBuffered(this.cfg.path!, {
        baudRate: this.cfg.baudRate,
        parity: this.cfg.parity,
        dataBits: this.cfg.dataBits,
        stopBits: this.cfg.stopBits,
      } as never);
    }
    this.client.setID(this.cfg.unitId);
    this.client.setTimeout(this.cfg.timeoutMs);
  }

  private async disconnect(): Promise<void> {
    this.connected = false;
    if (!this.client.isOpen) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 500);
      this.client.close(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private fail(message: string): void {
    const first = this.status.ok || this.status.errors === 0;
    this.status.failure(message);
    if (first) this.ctx.log(`${this.name}: ${message}`);
    this.publishStatus();
  }

  /** Sleep, but wake at once on stop. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /** A timed request; records the round trip. */
  private async request<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    const r = await fn();
    this.status.success(Number(process.hrtime.bigint() - t0));
    return r;
  }

  private async pollInputs(): Promise<void> {
    for (const p of this.inputs) {
      const { table, address, count, type, wordOrder } = p.cfg;
      if (table === 'coil' || table === 'discrete') {
        for (let k = 0; k < count; k += MAX_BITS) {
          const n = Math.min(MAX_BITS, count - k);
          const r = await this.request(() => (table === 'coil' ? this.client.readCoils(address + k, n) : this.client.readDiscreteInputs(address + k, n)) as Promise<{ data: boolean[] }>);
          for (let i = 0; i < n; i++) this.commit.set(p.sides[k + i]!, r.data[i] === true);
        }
      } else {
        const per = registersOf(type);
        const perRequest = Math.floor(MAX_REGISTERS / per);
        for (let k = 0; k < count; k += perRequest) {
          const n = Math.min(perRequest, count - k);
          const r = await this.request(() => (table === 'holding' ? this.client.readHoldingRegisters(address + k * per, n * per) : this.client.readInputRegisters(address + k * per, n * per)) as Promise<{ data: number[] }>);
          for (let i = 0; i < n; i++) this.commit.set(p.sides[k + i]!, registersToRaw(type, r.data, i * per, wordOrder));
        }
      }
    }
    this.setStatusValues(true);
    this.commit.commit();
  }

  /** Write outputs that changed since they were last sent (all of them after a reconnection), or the safe values. */
  private async writeOutputs(safe: boolean): Promise<void> {
    for (const p of this.outputs) {
      const { table, address, count, type, wordOrder } = p.cfg;
      const values: (boolean | number | bigint)[] = [];
      let changed = false;
      for (let i = 0; i < count; i++) {
        let v: boolean | number | bigint;
        if (safe) {
          if (p.cfg.safe === 'hold') return;
          v = table === 'coil' ? p.cfg.safe === true || p.cfg.safe === 1 : toSafeRaw(p.cfg.safe, type);
        } else v = this.snapshot.raw(p.sides[i]!);
        values.push(v);
        if (p.sent[i] !== v) changed = true;
      }
      if (!changed) continue;
      if (table === 'coil') {
        for (let k = 0; k < count; k += MAX_WRITE_BITS) {
          const part = values.slice(k, k + MAX_WRITE_BITS).map((v) => v === true);
          await this.request(() => this.client.writeCoils(address + k, part));
        }
      } else {
        const per = registersOf(type);
        const regs: number[] = new Array(count * per);
        for (let i = 0; i < count; i++) rawToRegisters(type, values[i]!, wordOrder, regs, i * per);
        const perRequest = Math.floor(MAX_WRITE_REGISTERS / per) * per;
        for (let k = 0; k < regs.length; k += perRequest) {
          const part = regs.slice(k, k + perRequest);
          await this.request(() => this.client.writeRegisters(address + k, part));
        }
      }
      for (let i = 0; i < count; i++) p.sent[i] = values[i];
    }
  }

  private setStatusValues(ok: boolean): void {
    if (this.statusSides.ok) this.commit.setValue(this.statusSides.ok, ok);
    if (this.statusSides.errors) this.commit.setValue(this.statusSides.errors, this.status.errors);
  }

  private publishStatus(): void {
    this.setStatusValues(this.status.ok);
    this.commit.commit();
  }
}

function toSafeRaw(safe: number | boolean, type: ModbusPoint['type']): number | bigint {
  const n = typeof safe === 'boolean' ? (safe ? 1 : 0) : safe;
  if (type === 'REAL' || type === 'LREAL' || type === 'LINT' || type === 'ULINT' || type === 'LWORD') {
    // stored as raw bits of the type
    const f = new DataView(new ArrayBuffer(8));
    if (type === 'REAL') {
      f.setFloat32(0, n);
      return f.getUint32(0);
    }
    if (type === 'LREAL') {
      f.setFloat64(0, n);
      return f.getBigUint64(0);
    }
    return BigInt.asUintN(64, BigInt(Math.trunc(n)));
  }
  return Math.trunc(n) >>> 0;
}

export { sleep };
