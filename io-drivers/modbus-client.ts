import { createRequire } from 'node:module';
import type { ModbusRTU as ModbusRTUType } from 'modbus-serial/ModbusRTU.js';
import type { DeviceConfigBase, IoDataType, SafeValue, WordOrder } from './config.js';
import { resolvePlcSide, type PlcSide } from './binding.js';
import { rawToRegisters, registersOf, registersToRaw } from './data-type.js';
import type { DriverContext } from './driver.js';
import { sleep } from './backoff.js';
import { RemoteDevice, type FinalWrite } from './remote-device.js';

/** This driver's configuration (validated by its factory). */
export type ModbusTable = 'coil' | 'discrete' | 'input' | 'holding';

export interface ModbusPoint {
  table: ModbusTable;
  /** 0-based register or coil number on the device */
  address: number;
  /** elements; for BOOL bits, otherwise values of `type` */
  count: number;
  type: IoDataType;
  wordOrder: WordOrder;
  /** the PLC side */
  var: string;
  /** value written on stop (outputs only); 'hold' keeps the last value */
  safe: SafeValue;
  at: string;
}

export interface ModbusDeviceConfig extends DeviceConfigBase {
  driver: 'modbus-tcp' | 'modbus-rtu';
  host?: string;
  port?: number;
  /** serial line (RTU) */
  path?: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  dataBits: number;
  stopBits: number;
  unitId: number;
  inputs: ModbusPoint[];
  outputs: ModbusPoint[];
}

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
export class ModbusClientDriver extends RemoteDevice<ModbusDeviceConfig> {
  private readonly client = new ModbusRTU();
  private readonly inputs: Point[];
  private readonly outputs: Point[];
  private connected = false;

  constructor(cfg: ModbusDeviceConfig, ctx: DriverContext) {
    super(cfg, ctx);
    const expand = (p: ModbusPoint): Point => ({
      cfg: p,
      sides: Array.from({ length: p.count }, (_, k) => resolvePlcSide(p.var, p.type, k)),
      sent: new Array(p.count).fill(undefined),
    });
    this.inputs = cfg.inputs.map(expand);
    this.outputs = cfg.outputs.map(expand);
    // a serial line that fails between requests (EIO on a write of a vanished port) is reported
    // by modbus-serial as an 'error' event, which would end the process unheard: the line is
    // taken as lost, and the next exchange reconnects as after a failed request
    this.client.on('error', () => {
      this.connected = false;
    });
  }

  protected isOpen(): boolean {
    return this.connected;
  }

  protected async connect(): Promise<void> {
    // a line lost between requests may still be held open: let it go first
    await this.disconnect();
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
    this.connected = true;
    if (this.status.requests > 0) this.status.reconnects++;
  }

  protected async disconnect(): Promise<void> {
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

  protected forgetSent(): void {
    for (const p of this.outputs) p.sent.fill(undefined);
  }

  /** A failed request may leave the line in any state: close it, then back off before reconnecting. */
  protected override async afterLoss(): Promise<void> {
    await this.disconnect();
    await this.pause(this.backoff.next());
  }

  protected untilNextExchange(started: number): Promise<unknown> {
    if (this.cfg.pollMs === 0) return this.ctx.exchange.nextScan(undefined, 100);
    return this.pause(Math.max(0, this.cfg.pollMs - (Date.now() - started)));
  }

  protected override hasOutputs(): boolean {
    return this.outputs.length > 0;
  }

  /** A timed request; records the round trip. A failure names the request, the device's address and the unit. */
  private async request<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const t0 = process.hrtime.bigint();
    let r: T;
    try {
      r = await fn();
    } catch (e) {
      throw new Error(`${what}${this.connectTarget()} unit ${this.cfg.unitId}: ${(e as Error).message}`);
    }
    this.status.success(Number(process.hrtime.bigint() - t0));
    return r;
  }

  /**
   * A write at stop: its timeout is its share of the time left, so that every group after it is
   * still tried; a failure is recorded and the next group goes on.
   */
  private async finalRequest(final: FinalWrite, groupsLeft: number, what: string, fn: () => Promise<unknown>): Promise<boolean> {
    const left = final.deadline - Date.now();
    if (left <= 0) {
      final.failures.push(`${what}${this.connectTarget()} unit ${this.cfg.unitId}: not tried, stop deadline passed`);
      return false;
    }
    this.client.setTimeout(Math.max(1, Math.min(this.cfg.timeoutMs, Math.floor(left / groupsLeft))));
    try {
      await this.request(what, fn);
      return true;
    } catch (e) {
      final.failures.push((e as Error).message);
      return false;
    } finally {
      this.client.setTimeout(this.cfg.timeoutMs);
    }
  }

  protected override connectTarget(): string {
    return this.cfg.driver === 'modbus-tcp' ? ` at ${this.cfg.host}:${this.cfg.port}` : ` on ${this.cfg.path}`;
  }

  /** Read every input point, in requests no larger than the protocol allows, and commit them as one update. */
  protected async poll(): Promise<boolean> {
    for (const p of this.inputs) {
      const { table, address, count, type, wordOrder } = p.cfg;
      if (table === 'coil' || table === 'discrete') {
        for (let k = 0; k < count; k += MAX_BITS) {
          const n = Math.min(MAX_BITS, count - k);
          const r = await this.request(`read ${table === 'coil' ? 'coils' : 'discrete inputs'} ${address + k}..${address + k + n - 1}`, () => (table === 'coil' ? this.client.readCoils(address + k, n) : this.client.readDiscreteInputs(address + k, n)) as Promise<{ data: boolean[] }>);
          for (let i = 0; i < n; i++) this.commit.set(p.sides[k + i]!, r.data[i] === true);
        }
      } else {
        const per = registersOf(type);
        const perRequest = Math.floor(MAX_REGISTERS / per);
        for (let k = 0; k < count; k += perRequest) {
          const n = Math.min(perRequest, count - k);
          const first = address + k * per;
          const r = await this.request(`read ${table === 'holding' ? 'holding' : 'input'} registers ${first}..${first + n * per - 1}`, () => (table === 'holding' ? this.client.readHoldingRegisters(first, n * per) : this.client.readInputRegisters(first, n * per)) as Promise<{ data: number[] }>);
          for (let i = 0; i < n; i++) this.commit.set(p.sides[k + i]!, registersToRaw(type, r.data, i * per, wordOrder));
        }
      }
    }
    this.setStatusValues(true);
    this.commit.commit();
    return true;
  }

  /** Write outputs that changed since they were last sent (all of them after a reconnection), or the safe values. */
  protected async writeOutputs(safe: boolean, final?: FinalWrite): Promise<void> {
    // at stop, every request of every group is counted so that each gets its share of the time
    const groups: { what: string; send: () => Promise<unknown> }[] = [];
    const done: { p: Point; values: (boolean | number | bigint)[]; first: number; last: number }[] = [];
    for (const p of this.outputs) {
      const { table, address, count, type, wordOrder } = p.cfg;
      // 'hold': this point keeps its last value when the outputs go safe
      const safeValue = p.cfg.safe;
      if (safe && safeValue === 'hold') continue;
      const values: (boolean | number | bigint)[] = [];
      let changed = false;
      for (let i = 0; i < count; i++) {
        let v: boolean | number | bigint;
        if (safe) {
          v = table === 'coil' ? safeValue === true || safeValue === 1 : toSafeRaw(safeValue as number | boolean, type);
        } else v = this.snapshot.raw(p.sides[i]!);
        values.push(v);
        if (p.sent[i] !== v) changed = true;
      }
      if (!changed) continue;
      const first = groups.length;
      if (table === 'coil') {
        for (let k = 0; k < count; k += MAX_WRITE_BITS) {
          const part = values.slice(k, k + MAX_WRITE_BITS).map((v) => v === true);
          groups.push({ what: `write coils ${address + k}..${address + k + part.length - 1}`, send: () => this.client.writeCoils(address + k, part) });
        }
      } else {
        const per = registersOf(type);
        const regs: number[] = new Array(count * per);
        for (let i = 0; i < count; i++) rawToRegisters(type, values[i]!, wordOrder, regs, i * per);
        const perRequest = Math.floor(MAX_WRITE_REGISTERS / per) * per;
        for (let k = 0; k < regs.length; k += perRequest) {
          const part = regs.slice(k, k + perRequest);
          groups.push({ what: `write holding registers ${address + k}..${address + k + part.length - 1}`, send: () => this.client.writeRegisters(address + k, part) });
        }
      }
      done.push({ p, values, first, last: groups.length });
    }
    const ok = groups.map(() => false);
    for (let g = 0; g < groups.length; g++) {
      const { what, send } = groups[g]!;
      if (final) ok[g] = await this.finalRequest(final, groups.length - g, what, send);
      else {
        await this.request(what, send);
        ok[g] = true;
      }
    }
    // a point counts as sent only when all its requests went through
    for (const { p, values, first, last } of done) {
      if (ok.slice(first, last).every(Boolean)) for (let i = 0; i < values.length; i++) p.sent[i] = values[i];
    }
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
