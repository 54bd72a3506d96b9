import type { Application } from '../../compiler/application.js';
import type { ClockKind } from '../clock.js';
import type { FaultReport } from '../faults.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import type { ResourceMetrics } from '../metrics/resource-metrics.js';
import type { MetricsSnapshot, TaskMetricsSnapshot } from '../metrics/snapshot.js';
import type { EventCounters, EventMetricsSnapshot } from './event-counters.js';
import type { EventPinCount } from '../iec61499/event-pin-counts.js';
import { resourceModels61499 } from './iec61499-resources.js';
import { ResourceHost } from './resource-host.js';
import type { RetainedValues } from './retain.js';
import type { ChangeResult } from './online-change.js';
import type { SafeValues } from './safe-outputs.js';
import type { RealtimeReport, RealtimeRequest } from '../rt/realtime.js';

export interface EngineOptions {
  clock: ClockKind;
  /** run this long (ns) then stop; absent (and no `cycles`): until stop() */
  durationNs?: number;
  /** run this many releases of each resource's fastest task, then stop */
  cycles?: number;
  /** spin before each deadline on the real clock, µs (default 100) */
  spinUs?: number;
  /**
   * watchdog time of tasks that do not set their own, ns (default 10 × interval, at least
   * 50 ms on the real clock and 1 s on the virtual one; 0: none); of an IEC 61499 resource,
   * its event-chain watchdog (default: none)
   */
  watchdogNs?: number;
  /** process image exchange: one ImageExchange for a lone resource, or one per resource name */
  exchange?: unknown;
  /** safe %Q values by address, per resource name or for all (`{ '%QW0': 0, '%QX0.1': true }`) */
  safeValues?: SafeValues | Record<string, SafeValues>;
  /** at a stop, after the last scan's outputs: set outputs to their safe values (default true) */
  safeOnStop?: boolean;
  /** values put into the fresh instances before the first scan, by resource name (`vplc run --set`) */
  initialValues?: Record<string, RetainedValues>;
  /** forced from before the first scan, by resource name: path or address → value (`vplc run --force`) */
  forces?: Record<string, Record<string, unknown>>;
  /** called for each fault as it happens */
  onFault?: (fault: FaultReport) => void;
  /** real time for every scan thread (SCHED_FIFO, pinned, memory locked); the main thread is left as it is */
  realtime?: RealtimeRequest;
  /**
   * V8's code cache of app.code for the 61131 resources' workers (ResourceHostOptions.codeCache):
   * `store` is called with a new one when there was none or V8 rejected it
   */
  codeCache?: { data?: Uint8Array; store(bytes: Uint8Array): void };
  /** what each resource's scan thread got of `realtime`, as its worker starts */
  onRealtime?: (resource: string, report: RealtimeReport) => void;
}

/**
 * The engine's metrics: MetricsSnapshot (an IEC 61499 resource appears as one task named after
 * the resource: cycles are wake-ups, execUs the time of the event chains run at a wake-up,
 * latenessUs the wake-up after the timer's due time, overruns the periodic ticks skipped after
 * a stall), extended with `events`, per IEC 61499 resource (absent when there is none).
 */
export interface EngineMetrics extends MetricsSnapshot {
  events?: Record<string, EventMetricsSnapshot>;
}

export interface EngineResult {
  faults: FaultReport[];
  metrics: EngineMetrics;
  vars: Record<string, unknown>;
}

export const DEFAULT_SPIN_US = 100;
/** How often variableAccess samples the variables unless told otherwise (ms). */
export const DEFAULT_SAMPLING_MS = 100;

/**
 * Symbolic access to one resource's variables for I/O drivers (the drivers' VariableAccess):
 * readVars() is synchronous and returns the latest flat map of raw values by dotted path
 * (`Main.level`, `Main.t.Q`, globals by name), sampled at a scan boundary every samplingMs;
 * writeVar() queues a write the worker applies at its next scan boundary.
 */
export interface EngineVariableAccess {
  readVars(): Record<string, unknown>;
  writeVar(path: string, value: unknown): void;
  /** what is forced in this resource (path or address → value) */
  forced(): Record<string, unknown>;
  /** take a fresh sample now; resolves once it has arrived */
  refresh(): Promise<void>;
  /** stop sampling */
  close(): void;
}

export interface VariableAccessOptions {
  /** sampling period in ms (default 100) */
  samplingMs?: number;
  /** a write that cannot be applied (unknown path, constant, value out of type): reported here; without it writeVar throws */
  onError?: (message: string) => void;
}

/**
 * The PLC: every resource of an Application in its own worker thread, on the real or the
 * virtual clock. Faults are collected (never thrown); a stuck task is stopped by its watchdog
 * and the other resources go on; a resource can be restarted cold or warm while the rest runs.
 */
export class Engine {
  readonly faults: FaultReport[] = [];
  readonly done: Promise<EngineResult>;
  private resolveDone!: (r: EngineResult) => void;
  private finished = false;
  private restarting = 0;
  private readonly hosts = new Map<string, ResourceHost>();
  private readonly accesses = new Set<EngineVariableAccess>();

  private constructor(
    /** the running version: replaced by an online change (change()) */
    public app: Application,
    readonly options: EngineOptions,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const models61499 = resourceModels61499(app);
    const exchanges = pickExchanges([...app.resources, ...models61499].map((m) => m.name), options.exchange);
    for (const model of [...app.resources, ...models61499]) {
      const host = new ResourceHost(app, model, {
        iec61499: models61499.includes(model),
        clock: options.clock,
        untilNs: options.durationNs ?? Infinity,
        cycles: options.cycles,
        spinNs: (options.spinUs ?? DEFAULT_SPIN_US) * 1000,
        watchdogNs: options.watchdogNs,
        safeValues: pickSafe(options.safeValues, model.name),
        safeOnStop: options.safeOnStop ?? true,
        exchange: exchanges.get(model.name),
        onFault: (f) => {
          this.faults.push(f);
          options.onFault?.(f);
        },
        ...(options.realtime ? { realtime: options.realtime } : {}),
        ...(options.codeCache ? { codeCache: options.codeCache } : {}),
        ...(options.onRealtime ? { onRealtime: (r: RealtimeReport) => options.onRealtime!(model.name, r) } : {}),
      });
      this.hosts.set(model.name, host);
    }
  }

  static async start(app: Application, options: EngineOptions): Promise<Engine> {
    const engine = new Engine(app, options);
    // several resources (the devices of a system) start their first releases together
    const gate = engine.hosts.size > 1 ? new SharedArrayBuffer(4) : undefined;
    await Promise.all([...engine.hosts.values()].map((h) => engine.launch(h, options.initialValues?.[h.name], options.forces?.[h.name], gate)));
    if (gate) openStartGate(gate);
    if (engine.hosts.size === 0) engine.settle();
    return engine;
  }

  /** resource names */
  get resources(): string[] {
    return [...this.hosts.keys()];
  }

  /** a resource's process image exchange (for I/O drivers) */
  exchange(resource: string): ImageExchange {
    return this.host(resource).exchange;
  }

  /** 'running' | 'finished' | 'faulted' | 'idle' */
  state(resource: string): string {
    return this.host(resource).state;
  }

  metrics(): EngineMetrics {
    const tasks: Record<string, TaskMetricsSnapshot> = {};
    const events: Record<string, EventMetricsSnapshot> = {};
    for (const h of this.hosts.values()) {
      for (const [name, m] of Object.entries(h.metrics.snapshot())) {
        tasks[name in tasks ? `${h.name}.${name}` : name] = m;
      }
      if (h.events) events[h.name] = h.events.snapshot();
    }
    return Object.keys(events).length > 0 ? { tasks, events } : { tasks };
  }

  /** what each resource's scan thread got of EngineOptions.realtime, by resource name */
  realtimeReports(): Record<string, RealtimeReport> {
    const out: Record<string, RealtimeReport> = {};
    for (const h of this.hosts.values()) if (h.realtime) out[h.name] = h.realtime;
    return out;
  }

  /** the event counters of each IEC 61499 resource (for renderEventCounters) */
  eventCounters(): EventCounters[] {
    return [...this.hosts.values()].flatMap((h) => (h.events ? [h.events] : []));
  }

  /**
   * Count an IEC 61499 resource's events per pin while `on` (a console page or another watcher;
   * one switch per resource): read them with eventPinCounts(). A resource nobody watches runs
   * dispatch code with no counting in it.
   */
  watchEventPins(resource: string, on: boolean): void {
    this.host(resource).watchEventPins(on);
  }

  /** The per-pin event counts by 'FB.EVENT' while watched and counted by the worker, else undefined. */
  eventPinCounts(resource: string): Record<string, EventPinCount> | undefined {
    return this.host(resource).eventPins?.snapshot();
  }

  /** End one resource without an orderly stop (61499: no STOP event; 61131: as stop). */
  async kill(resource: string): Promise<void> {
    await this.host(resource).kill();
  }

  /** the live metrics of each resource (for the Prometheus exporter) */
  metricsSources(): ResourceMetrics[] {
    return [...this.hosts.values()].map((h) => h.metrics);
  }

  /** One resource's variables, fresh from its worker at a scan boundary (keyed as snapshotVars keys them). */
  resourceVars(resource: string): Promise<Record<string, unknown>> {
    return this.host(resource).vars();
  }

  async snapshotVars(): Promise<Record<string, unknown>> {
    const all = await Promise.all([...this.hosts.values()].map(async (h) => [h.name, await h.vars()] as const));
    return mergeVars(all);
  }

  /**
   * Read and write a resource's variables from the main thread (for the OPC UA server and
   * symbolic I/O bindings). Undefined for an IEC 61499 resource, whose variables live in FBs.
   */
  variableAccess(resource: string, options: VariableAccessOptions = {}): EngineVariableAccess | undefined {
    const host = this.host(resource);
    if (!host.variableAccess) return undefined;
    // the scan worker may not use timers: the main thread asks, the worker answers between scans
    const timer = setInterval(() => void host.requestRawVars(), options.samplingMs ?? DEFAULT_SAMPLING_MS);
    timer.unref();
    void host.requestRawVars();
    const access: EngineVariableAccess = {
      readVars: () => host.rawVars,
      writeVar: (path, value) => {
        try {
          host.writeVar(path, value);
        } catch (e) {
          if (!options.onError) throw e;
          options.onError(e instanceof Error ? e.message : String(e));
        }
      },
      forced: () => Object.fromEntries(host.forced),
      refresh: () => host.requestRawVars(),
      close: () => {
        clearInterval(timer);
        this.accesses.delete(access);
      },
    };
    this.accesses.add(access);
    return access;
  }

  /**
   * Write a variable of a 61131 resource at its next scan boundary: checked and converted
   * here (an Error says what is wrong; nothing is written then).
   */
  writeVar(resource: string, path: string, value: unknown): void {
    this.host(resource).writeVar(path, value);
  }

  /**
   * Force a variable or a process image address of a 61131 resource: it keeps `value` against
   * the program's writes and the I/O's until unforce(). Throws an Error saying what is wrong
   * (unknown path, value out of range, not running); nothing is forced then.
   */
  force(resource: string, path: string, value: unknown): void {
    this.host(resource).force(path, value);
  }

  /** Release one force ('*': every force of the resource); false when it was not forced. */
  unforce(resource: string, path: string): boolean {
    return this.host(resource).unforce(path);
  }

  /** What is forced, by resource: path or address → value (resources without forces left out). */
  forced(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const h of this.hosts.values()) if (h.forced.size) out[h.name] = Object.fromEntries(h.forced);
    return out;
  }

  async stop(): Promise<EngineResult> {
    for (const a of [...this.accesses]) a.close();
    await Promise.all([...this.hosts.values()].map((h) => h.stop()));
    this.settle();
    return this.done;
  }

  /**
   * Restart one resource: cold (fresh instances, initial values) or warm (RETAIN variables kept;
   * they are taken from the worker as it stops, so a resource whose worker was terminated by
   * its watchdog restarts with the RETAIN values of its last orderly stop, or cold).
   */
  async restart(resource: string, mode: 'cold' | 'warm'): Promise<void> {
    const host = this.host(resource);
    this.restarting++;
    try {
      await host.stop();
      const retained = mode === 'warm' ? host.retained : undefined;
      await this.launch(host, retained);
    } finally {
      this.restarting--;
    }
  }

  /**
   * Online change: every 61131 resource swaps in its part of `app` at its next scan boundary,
   * its state carried over (runtime/state/state-transfer.ts). The caller has compiled `app`
   * and checked it with changeProblems (runtime/state/change-plan.ts). Resolves per resource;
   * when one fails, those changed before it are changed back.
   */
  async change(app: Application): Promise<Record<string, ChangeResult>> {
    const out: Record<string, ChangeResult> = {};
    const done: ResourceHost[] = [];
    for (const h of this.hosts.values()) {
      const r = (out[h.name] = await h.change(app));
      if (!r.ok) {
        // all or nothing: the resources already changed go back to the running version
        for (const d of done) await d.change(this.app);
        return out;
      }
      done.push(h);
    }
    this.app = app;
    return out;
  }

  /**
   * The RETAIN and PERSISTENT values of each 61131 resource by path, read at a scan boundary
   * (after a stop: as its worker ended).
   */
  async retainValues(): Promise<Record<string, Record<string, unknown>>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const h of this.hosts.values()) {
      if (!h.variableAccess) continue;
      const v = (await h.requestRetain()) ?? h.persistent;
      if (v) out[h.name] = v;
    }
    return out;
  }

  private host(resource: string): ResourceHost {
    const h = this.hosts.get(resource);
    if (!h) throw new Error(`no resource ${resource} (resources: ${this.resources.join(', ') || 'none'})`);
    return h;
  }

  private async launch(host: ResourceHost, retained?: Parameters<ResourceHost['start']>[0], forces?: Record<string, unknown>, startGate?: SharedArrayBuffer): Promise<void> {
    await host.start(retained, forces, startGate);
    void host.whenEnded().then(() => {
      if ([...this.hosts.values()].every((h) => !h.running)) this.settle();
    });
  }

  /** All resources have ended: resolve `done` once, with the figures of that moment. */
  private settle(): void {
    if (this.finished || this.restarting > 0) return;
    if ([...this.hosts.values()].some((h) => h.running)) return;
    this.finished = true;
    this.resolveDone({
      faults: this.faults.slice(),
      metrics: this.metrics(),
      vars: mergeVars([...this.hosts.values()].map((h) => [h.name, h.lastVars] as const)),
    });
  }
}

/** Let every worker waiting at the start gate begin. */
function openStartGate(gate: SharedArrayBuffer): void {
  const word = new Int32Array(gate);
  Atomics.store(word, 0, 1);
  Atomics.notify(word, 0);
}

function mergeVars(all: readonly (readonly [string, Record<string, unknown>])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [resource, vars] of all) {
    for (const [k, v] of Object.entries(vars)) out[k in out ? `${resource}.${k}` : k] = v;
  }
  return out;
}

/** `names`: every resource the engine runs, 61131 and IEC 61499 alike. */
function pickExchanges(names: string[], exchange: unknown): Map<string, ImageExchange> {
  const out = new Map<string, ImageExchange>();
  if (exchange === undefined || exchange === null) return out;
  if (exchange instanceof ImageExchange) {
    if (names.length !== 1) throw new Error('one process image exchange was given for several resources: give one per resource name');
    out.set(names[0]!, exchange);
    return out;
  }
  if (typeof exchange === 'object') {
    for (const [name, ex] of Object.entries(exchange as Record<string, unknown>)) {
      if (ex instanceof ImageExchange) out.set(name, ex);
      else throw new Error(`exchange for resource ${name} is not an ImageExchange`);
    }
    return out;
  }
  throw new Error('exchange must be an ImageExchange or a record of them by resource name');
}

function pickSafe(values: EngineOptions['safeValues'], resource: string): SafeValues | undefined {
  if (!values) return undefined;
  const own = (values as Record<string, unknown>)[resource];
  if (own && typeof own === 'object') return own as SafeValues;
  const flat = Object.entries(values).filter(([k]) => k.startsWith('%'));
  return flat.length ? (Object.fromEntries(flat) as SafeValues) : undefined;
}
