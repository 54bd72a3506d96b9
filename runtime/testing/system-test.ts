import type { Application } from '../../compiler/application.js';
import type { RuntimeFbType } from '../../compiler/iec61499/model.js';
import type { PlantModel } from '../../io-drivers/simulation/plant.js';
import type { FaultReport } from '../faults.js';
import type { Resource61499 } from '../iec61499/resource.js';
import { SystemRunner } from '../iec61499/system-runner.js';
import { durationNs, type Duration } from './duration.js';
import { readImage, writeImage, type ImageValueType } from './image-access.js';
import { PlantBinding } from './plant-binding.js';

/** Output events of one FB port seen so far: how many and at which resource times (ns). */
export interface EventProbe {
  readonly port: string;
  readonly count: number;
  readonly times: readonly number[];
}

// A probe is a TEST_CONDITION instance (a native block that counts the events it receives)
// connected to the watched event output: public management operations only.
const PROBE_TYPE = 'vplc$EVENT_PROBE';

/**
 * An IEC 61499 application under test on the virtual clock. Paths are `Device.Resource.FB.VAR`
 * for a .sys, `Resource.FB.VAR` for a .fboot (or without the resource prefix when there is one
 * resource). Time advances from timer to timer (E_CYCLE, E_DELAY…); bound plants step at each.
 */
export class SystemTest {
  readonly kind = '61499' as const;
  readonly runner: SystemRunner;
  private clockNs = 0;
  private started = false;
  private readonly bindings: PlantBinding[] = [];
  private readonly probes: { port: string; resource: Resource61499; fb: string; seen: number; times: number[] }[] = [];

  constructor(readonly app: Application) {
    this.runner = new SystemRunner(app);
    const types = app.iec61499!.types as Record<string, RuntimeFbType>;
    if (!types[PROBE_TYPE]) {
      types[PROBE_TYPE] = {
        name: PROBE_TYPE,
        baseType: 'TEST_CONDITION',
        implementation: { kind: 'native', nativeType: 'TEST_CONDITION' },
        interface: {
          eventInputs: [{ name: 'REQ', with: [] }],
          eventOutputs: [{ name: 'CNF', with: [] }],
          inputVars: [{ name: 'check', type: 'BOOL' }],
          outputVars: [],
          inOutVars: [],
          plugs: [],
          sockets: [],
        },
        internalVars: [],
        states: [],
        transitions: [],
        guardMethods: [],
        events: { inputs: [{ name: 'REQ', with: [] }], outputs: [{ name: 'CNF', with: [] }] },
        algorithms: [],
        adapters: [],
      };
    }
  }

  /** resource keys: `Device.Resource` (.sys) or `Resource` (.fboot) */
  get resourceKeys(): string[] {
    return this.runner.resources.map((r) => r.key);
  }

  get timeNs(): number {
    return this.clockNs;
  }

  get faults(): readonly FaultReport[] {
    return this.runner.faults;
  }

  /** TEST_CONDITION / STEST_END verdicts of the application's own test blocks */
  get reports(): { resource: string; fb: string; passed: boolean; detail: string }[] {
    return this.runner.resources.flatMap((r) => r.resource.reports.filter((x) => !x.fb.startsWith('vplc$')).map((x) => ({ resource: r.key, ...x })));
  }

  /** Split `Dev.Res.FB.VAR` into its resource and the `FB.VAR` inside it. */
  private locate(path: string): { resource: Resource61499; local: string } {
    for (const r of this.runner.resources) {
      if (path.startsWith(r.key + '.')) return { resource: r.resource, local: path.slice(r.key.length + 1) };
    }
    if (this.runner.resources.length === 1) return { resource: this.runner.resources[0]!.resource, local: path };
    throw new Error(`${path}: name the resource first (${this.resourceKeys.join(', ')})`);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.runner.runUntil(0);
    this.exchangePlants(0);
    this.collect(0);
  }

  /** Deliver every timer event up to and including now + `d`, stepping bound plants at each instant. */
  advance(d: Duration): this {
    this.start();
    const until = this.clockNs + durationNs(d);
    for (;;) {
      let next = Infinity;
      for (const r of this.runner.resources) {
        const t = r.resource.nextTimer();
        if (t !== undefined && t < next) next = t;
      }
      if (next > until) break;
      this.exchangePlants(next);
      this.runner.runUntil(next);
      this.clockNs = next;
      this.collect(next);
    }
    this.exchangePlants(until);
    this.runner.runUntil(until);
    this.clockNs = until;
    this.collect(until);
    return this;
  }

  /** Current value of `Dev.Res.FB.VAR` (raw: numbers, booleans, TIME in ns). */
  read(path: string): unknown {
    const { resource, local } = this.locate(path);
    return resource.read(local);
  }

  /** Write a data input as a parameter (IEC literal text, e.g. `'T#100ms'`, `'TRUE'`, `'42'`). */
  write(path: string, literal: string | number | boolean): this {
    const { resource, local } = this.locate(path);
    resource.writeParameter(local, typeof literal === 'boolean' ? (literal ? 'TRUE' : 'FALSE') : String(literal));
    return this;
  }

  /** Send an event to `Dev.Res.FB.EI` from outside and run the chain it starts. */
  fire(path: string): this {
    this.start();
    const { resource, local } = this.locate(path);
    resource.fireEvent(local);
    this.collect(this.clockNs);
    return this;
  }

  /** Count the events `Dev.Res.FB.EO` emits from now on. */
  watch(path: string): EventProbe {
    const { resource, local } = this.locate(path);
    const fb = `vplc$probe${this.probes.length}`;
    resource.createFb(fb, PROBE_TYPE);
    resource.connect(local, `${fb}.REQ`);
    const p = { port: path, resource, fb, seen: 0, times: [] as number[] };
    this.probes.push(p);
    return {
      port: path,
      get count() {
        return p.times.length;
      },
      get times() {
        return p.times;
      },
    };
  }

  private collect(now: number): void {
    for (const p of this.probes) {
      const n = Number(p.resource.read(`${p.fb}.passed`)) + Number(p.resource.read(`${p.fb}.failed`));
      for (; p.seen < n; p.seen++) p.times.push(now);
    }
  }

  /** The resource's process image that its IX/QX… blocks use (the only resource unless `resource` names one). */
  private imageOf(resource?: string) {
    if (resource !== undefined) {
      const r = this.runner.resource(resource);
      if (!r) throw new Error(`no resource ${resource} (resources: ${this.resourceKeys.join(', ')})`);
      return r.image;
    }
    if (this.runner.resources.length !== 1) throw new Error(`name the resource whose process image to use (${this.resourceKeys.join(', ')})`);
    return this.runner.resources[0]!.resource.image;
  }

  /**
   * Set a process image input (`%IX0.0`, `%IW3`…) that input blocks (IX, IW…) read at their next
   * REQ; IND follows at the next instant the clock advances to. `%ID` as REAL unless `type` says otherwise.
   */
  setInput(address: string, value: boolean | number | bigint, type?: ImageValueType, resource?: string): this {
    writeImage(this.imageOf(resource), address, value, type);
    return this;
  }

  /** A process image value (`%QX0.0` as written by a QX block), `%QD` as REAL unless `type` says otherwise. */
  image(address: string, type?: ImageValueType, resource?: string): boolean | number | bigint {
    return readImage(this.imageOf(resource), address, type);
  }

  /**
   * Wire a plant: actuators read FB outputs, sensors are written as parameters to FB inputs;
   * a target starting with `%` is a process image address instead (for IX/QX… blocks).
   */
  bindPlant(model: PlantModel, wiring: Record<string, string>, resource?: string): PlantBinding {
    const isAddr = (t: string) => t.trim().startsWith('%');
    const b = new PlantBinding(
      model,
      wiring,
      (t) => (isAddr(t) ? this.image(t, undefined, resource) : this.read(t)),
      (t, v) => (isAddr(t) ? this.setInput(t, v, undefined, resource) : this.write(t, typeof v === 'boolean' ? v : String(v))),
    );
    this.bindings.push(b);
    return b;
  }

  private exchangePlants(now: number): void {
    for (const b of this.bindings) b.exchange(now);
  }
}
