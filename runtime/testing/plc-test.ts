import type { Application, ImageView } from '../../compiler/application.js';
import type { PlantModel } from '../../io-drivers/simulation/plant.js';
import { SimulationDriver } from '../../io-drivers/simulation/simulation-driver.js';
import type { PlcConfig } from '../config/schema.js';
import { ResourceRunner, type ScanExchange } from '../engine/resource-runner.js';
import type { SafeValues } from '../engine/safe-outputs.js';
import type { FaultReport } from '../faults.js';
import { durationNs, type Duration } from './duration.js';
import { readImage, writeImage, type ImageValueType } from './image-access.js';
import { PlantBinding } from './plant-binding.js';
import { readFormatted, readRawRef, resolveVariable, writeRef, type VariableRef } from './variables.js';

export interface PlcTestOptions {
  /** the resource to run (default: the configuration's `resource`, else the first) */
  resource?: string;
  /** plc.yaml: its simulated plants are bound and stepped with the scans (other devices are not started) */
  config?: PlcConfig;
  /** %Q values after a fault */
  safeValues?: SafeValues;
}

/**
 * One IEC 61131-3 resource under test on the virtual clock. Each scan: simulated plants step
 * to the task time and write their sensors, forced inputs are applied, the due tasks run,
 * outputs land in the image. Nothing runs between calls, so a test reads and writes at scan
 * boundaries, exactly as I/O would.
 */
export class PlcTest {
  readonly kind = '61131' as const;
  readonly runner: ResourceRunner;
  private readonly sims: SimulationDriver[] = [];
  private readonly bindings: PlantBinding[] = [];
  private readonly forced = new Map<string, { value: boolean | number | bigint; type?: ImageValueType }>();
  private readonly refs = new Map<string, VariableRef>();

  constructor(
    readonly app: Application,
    options: PlcTestOptions = {},
  ) {
    const name = options.resource ?? options.config?.resource ?? app.resources[0]?.name;
    if (!name) throw new Error(`${app.name}: no resource to run (a PROGRAM or a CONFIGURATION is needed)`);
    const self = this;
    const exchange: ScanExchange = {
      beginScan(local) {
        self.beforeScan(local);
      },
      endScan() {},
    };
    this.runner = new ResourceRunner(app, name, { exchange, ...(options.safeValues ? { safeValues: options.safeValues } : {}) });
    for (const d of options.config?.devices ?? []) {
      if (d.driver === 'simulation') this.sims.push(new SimulationDriver(d));
    }
  }

  private beforeScan(local: ImageView): void {
    const now = this.runner.timeNs;
    for (let i = 0; i < this.sims.length; i++) this.sims[i]!.exchangeLocal(local, now);
    for (let i = 0; i < this.bindings.length; i++) this.bindings[i]!.exchange(now);
    for (const [addr, f] of this.forced) writeImage(local, addr, f.value, f.type);
  }

  /** virtual time now, ns: the instant of the last release run (0 before any) */
  get timeNs(): number {
    return this.clockNs;
  }
  private clockNs = 0;

  get faults(): readonly FaultReport[] {
    return this.runner.faults;
  }

  /**
   * Run every release up to and including now + `d` (`'5s'`, `'T#1m'`, ns). The first call
   * also runs the release at time 0, so after `advance('5s')` a T#5s timer started in the
   * first scan has elapsed.
   */
  advance(d: Duration): this {
    this.clockNs += durationNs(d);
    this.runner.runUntil(this.clockNs + 1);
    return this;
  }

  /** Run the next `n` release instants (each runs every task due then: one scan with one task). */
  scans(n = 1): this {
    for (let i = 0; i < n; i++) {
      const t = this.runner.scheduler.nextInstant();
      if (!Number.isFinite(t)) break;
      this.clockNs = t;
      this.runner.runUntil(t + 1);
    }
    return this;
  }

  /** Advance scan by scan until `predicate` holds (checked after each scan); returns the time it took, ns. */
  until(predicate: (t: this) => boolean, timeout: Duration = '1h'): number {
    const start = this.timeNs;
    const limit = start + durationNs(timeout);
    while (!predicate(this)) {
      if (this.timeNs >= limit) throw new Error(`condition not met within ${String(timeout)} of virtual time`);
      this.scans(1);
    }
    return this.timeNs - start;
  }

  private ref(path: string): VariableRef {
    let r = this.refs.get(path);
    if (!r) {
      r = resolveVariable(this.app, this.runner.model, this.runner.instance, path);
      this.refs.set(path, r);
    }
    return r;
  }

  /** A variable by dotted path, as `vplc run --json` shows it: numbers, booleans, `T#5s`, `Type#Value`, objects. */
  read(path: string): unknown {
    return readFormatted(this.app, this.ref(path));
  }

  /**
   * A numeric variable as a number for arithmetic and toBeCloseTo: REAL, integers (64-bit ones
   * rounded to a double), TIME in ns. BOOL, enums, strings and structured variables are refused
   * with a TypeError naming read(), which gives them as true/false, `Type#Value`, text or objects
   * (a BOOL as 1/0 would make `value(p) === true` wait forever).
   */
  value(path: string): number {
    const ref = this.ref(path);
    const t = ref.type;
    if (t.kind !== 'elementary' || t.name === 'BOOL') {
      const what = t.kind === 'elementary' ? t.name : t.kind === 'enum' ? `${t.name} (an enum)` : t.kind;
      throw new TypeError(`${path} is ${what}, not a number: use read('${path}'), which gives ${READ_GIVES[t.kind === 'elementary' ? 'BOOL' : t.kind] ?? 'its value'}`);
    }
    return Number(readRawRef(ref));
  }

  /** Write a variable now (it takes effect at the next scan); TIME accepts `'5s'`, enums `'Phase#Red'`. */
  write(path: string, value: unknown): this {
    writeRef(this.ref(path), value);
    return this;
  }

  /** Force an input (%I…) from now on; `release` stops forcing it. */
  setInput(address: string, value: boolean | number | bigint, type?: ImageValueType): this {
    if (!/^%I/i.test(address.trim())) throw new Error(`${address}: only inputs (%I…) can be forced; write outputs' variables with write()`);
    this.forced.set(address.trim(), type ? { value, type } : { value });
    writeImage(this.runner.image, address, value, type);
    return this;
  }

  release(address: string): this {
    this.forced.delete(address.trim());
    return this;
  }

  /** A process image value after the last scan (`%QX0.0` BOOL, `%ID0` REAL unless `type` says otherwise). */
  image(address: string, type?: ImageValueType): boolean | number | bigint {
    return readImage(this.runner.image, address, type);
  }

  /** A simulated plant from the configuration, by device name. */
  plant(name: string): PlantModel {
    const s = this.sims.find((d) => d.name === name);
    if (s) return s.model;
    const b = this.bindings.find((x) => (x.model as { $name?: string }).$name === name);
    if (b) return b.model;
    throw new Error(`no simulated plant '${name}' (plants: ${this.sims.map((d) => d.name).join(', ') || 'none'})`);
  }

  /**
   * Wire a plant model to the program: `{ inflowValve: '%QX0.0', level: 'Main.level' }` (process
   * image addresses or variable paths). It steps at every scan, before the programs run.
   */
  bindPlant(model: PlantModel, wiring: Record<string, string>, name?: string): PlantBinding {
    if (name) (model as { $name?: string }).$name = name;
    const isAddr = (t: string) => t.trim().startsWith('%');
    const b = new PlantBinding(
      model,
      wiring,
      (t) => (isAddr(t) ? this.image(t) : readRawRef(this.ref(t))),
      (t, v) => (isAddr(t) ? writeImage(this.runner.image, t, v) : writeRef(this.ref(t), v)),
    );
    this.bindings.push(b);
    return b;
  }
}

/** What read() returns for the types value() refuses, for its error message. */
const READ_GIVES: Record<string, string> = {
  BOOL: 'true or false',
  enum: "'Type#Value'",
  string: 'the text',
  struct: 'an object of its fields',
  fb: 'an object of its variables',
  array: 'an array',
};
