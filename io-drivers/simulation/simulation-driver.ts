import type { ImageView } from '../../compiler/application.js';
import type { DeviceConfigBase } from '../config.js';
import { DeviceStatus } from '../device-status.js';
import { readRaw, writeRaw } from '../../compiler/contract/address.js';
import { InputCommit, OutputSnapshot, resolvePlcSide, type PlcSide } from '../binding.js';
import type { DriverContext, IoDriver } from '../driver.js';
import { ConveyorModel } from './conveyor.js';
import { MotorModel } from './motor.js';
import { TankModel } from './tank.js';
import { checkParams, type PlantModel } from './plant.js';

/** This driver's configuration (validated by its factory). */
/** the plant models a configuration may name */
export type PlantKind = 'tank' | 'conveyor' | 'motor';

export interface SignalBinding {
  var: string;
  /** engineering value × scale is stored in integer addresses (e.g. level in mm with scale 1000) */
  scale: number;
  at: string;
}

export interface SimulationDeviceConfig extends DeviceConfigBase {
  driver: 'simulation';
  model: PlantKind;
  /** model parameters (see io-drivers/simulation) */
  params: Record<string, number>;
  /** model signal → PLC address */
  signals: Record<string, SignalBinding>;
}

interface Bound {
  index: number;
  side: PlcSide;
  scale: number;
  actuator: boolean;
}

/** Build the plant model a configuration names; problems come back as messages. */
export function createPlant(cfg: SimulationDeviceConfig): { model?: PlantModel; bound: Bound[]; errors: string[] } {
  const known = cfg.model === 'tank' ? TankModel.params : cfg.model === 'conveyor' ? ConveyorModel.params : MotorModel.params;
  const errors = checkParams(cfg.params, known, cfg.model).map((m) => `${cfg.at}.params: ${m}`);
  const model = cfg.model === 'tank' ? new TankModel(cfg.params) : cfg.model === 'conveyor' ? new ConveyorModel(cfg.params) : new MotorModel(cfg.params);
  const bound: Bound[] = [];
  for (const [name, b] of Object.entries(cfg.signals)) {
    const index = model.index(name);
    if (index < 0) {
      errors.push(`${b.at}: the ${cfg.model} model has no signal '${name}' (signals: ${model.signals.map((s) => s.name).join(', ')})`);
      continue;
    }
    const spec = model.signals[index]!;
    const actuator = spec.dir === 'actuator';
    const type = spec.kind === 'BOOL' ? 'BOOL' : /^%[IQM]D/i.test(b.var) ? 'REAL' : /^%[IQM]L/i.test(b.var) ? 'LREAL' : /^%/.test(b.var) ? 'INT' : 'LREAL';
    const side = resolvePlcSide(b.var, type);
    if (side.kind === 'address') {
      const a = side.address;
      if (actuator && a.area === 'I') errors.push(`${b.at}: '${name}' is driven by the PLC: bind it to a %Q or %M address, not ${a.text}`);
      if (!actuator && a.area === 'Q') errors.push(`${b.at}: '${name}' is a sensor: bind it to a %I or %M address, not ${a.text}`);
      if (spec.kind === 'BOOL' && a.size !== 'X') errors.push(`${b.at}: '${name}' is BOOL: bind it to an X (bit) address, not ${a.text}`);
      if (spec.kind === 'REAL' && a.size === 'X') errors.push(`${b.at}: '${name}' is a value: bind it to a W, D or L address, not ${a.text}`);
    }
    bound.push({ index, side, scale: b.scale, actuator });
  }
  return errors.length > 0 ? { bound, errors } : { model, bound, errors };
}

// scratch for float ↔ bits conversions, so that stepping in the scan worker allocates nothing
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

function toRawValue(side: PlcSide, v: number, scale: number): boolean | number | bigint {
  if (side.type === 'BOOL') return v > 0;
  if (side.type === 'REAL') {
    F32[0] = v * scale;
    return U32[0]!;
  }
  if (side.type === 'LREAL') {
    F64[0] = v * scale;
    return U64[0]!;
  }
  return Math.round(v * scale) & 0xffff;
}

function fromRawValue(side: PlcSide, raw: boolean | number | bigint, scale: number): number {
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (side.type === 'REAL') {
    U32[0] = Number(raw);
    return F32[0]! / scale;
  }
  if (side.type === 'LREAL') {
    U64[0] = BigInt(raw);
    return F64[0]! / scale;
  }
  return ((Number(raw) << 16) >> 16) / scale;
}

/**
 * A plant closing the loop in-process. Two ways to run it:
 * - as a driver in the main thread (`start`): it steps by the task clock's advance each period;
 * - in the scan worker, at each scan boundary (`exchangeLocal`), for exact lockstep with the
 *   tasks under the virtual clock.
 */
export class SimulationDriver implements IoDriver {
  readonly name: string;
  readonly status: DeviceStatus;
  readonly model: PlantModel;
  private readonly bound: Bound[];
  private lastNs: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private commit: InputCommit | undefined;
  private snapshot: OutputSnapshot | undefined;

  constructor(
    private readonly cfg: SimulationDeviceConfig,
    private readonly ctx?: DriverContext,
  ) {
    const p = createPlant(cfg);
    if (!p.model) throw new Error(p.errors.join('\n'));
    this.model = p.model;
    this.bound = p.bound;
    this.name = cfg.name;
    this.status = new DeviceStatus(cfg.name);
  }

  /** In the scan worker: read actuators from `local`, advance to `nowNs`, write sensors into `local`. */
  exchangeLocal(local: ImageView, nowNs: number): void {
    const v = this.model.values;
    for (let i = 0; i < this.bound.length; i++) {
      const b = this.bound[i]!;
      if (b.actuator && b.side.kind === 'address') v[b.index] = fromRawValue(b.side, readRaw(local, b.side.address), b.scale);
    }
    this.advance(nowNs);
    for (let i = 0; i < this.bound.length; i++) {
      const b = this.bound[i]!;
      if (!b.actuator && b.side.kind === 'address') writeRaw(local, b.side.address, toRawValue(b.side, v[b.index]!, b.scale));
    }
  }

  private advance(nowNs: number): void {
    if (this.lastNs !== undefined && nowNs > this.lastNs) this.model.step((nowNs - this.lastNs) / 1e9);
    this.lastNs = nowNs;
  }

  /** One main-thread period: take the outputs of the last scan, step, publish the sensors. */
  tick(): void {
    const ctx = this.ctx!;
    this.snapshot ??= new OutputSnapshot(ctx.exchange, ctx.vars);
    this.commit ??= new InputCommit(ctx.exchange, ctx.vars);
    this.snapshot.refresh();
    const v = this.model.values;
    for (const b of this.bound) if (b.actuator) v[b.index] = fromRawValue(b.side, this.snapshot.raw(b.side), b.scale);
    this.advance(ctx.clock.nowNs());
    for (const b of this.bound) if (!b.actuator) this.commit.set(b.side, toRawValue(b.side, v[b.index]!, b.scale));
    this.commit.commit();
    this.status.success(0);
  }

  async start(): Promise<void> {
    if (!this.ctx) throw new Error('the simulation driver needs a driver context to run in the main thread');
    this.running = true;
    this.status.ok = true;
    this.status.inputsBad = false;
    this.tick();
    const period = this.cfg.pollMs;
    if (period > 0) this.timer = setInterval(() => this.tick(), period);
    else {
      const loop = async () => {
        while (this.running) {
          await this.ctx!.exchange.nextScan(undefined, 100);
          if (this.running) this.tick();
        }
      };
      void loop();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.status.ok = false;
  }
}
