import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { Application, ResourceModel } from '../../compiler/application.js';
import { notifyWaiter, type ClockKind } from '../clock.js';
import type { FaultReport } from '../faults.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { createImageView } from '../../compiler/contract/process-image.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import { EventCounters } from './event-counters.js';
import { EventPinCounts } from '../iec61499/event-pin-counts.js';
import {
  ATTENTION_CHANGE,
  ATTENTION_KILL,
  ATTENTION_RAW_VARS,
  ATTENTION_RETAIN,
  ATTENTION_STOP,
  ATTENTION_VARS,
  ATTENTION_WRITES,
  CONTROL_WORDS,
  ATTENTION_EVENT_PINS,
  EVENT_PINS_WORD,
  TRACE_WORD,
  type ProgramChange,
  type ResourceWorkerData,
  type VariableWrite,
  type WorkerMessage,
} from './protocol.js';
import type { RealtimeReport, RealtimeRequest } from '../rt/realtime.js';
import type { RetainedValues } from './retain.js';
import type { ChangeResult } from './online-change.js';
import { applySafeOutputs, compileSafeValues, type SafeValues } from './safe-outputs.js';
import { parseAddress } from '../../compiler/contract/address.js';
import { checkAddressInput, checkInput } from './value-input.js';
import { declarationOf, prepareWrite, writablePath } from './variable-write.js';
import { Watchdog } from './watchdog.js';
import { spawnResourceWorker } from './worker-prestart.js';

export interface ResourceHostOptions {
  clock: ClockKind;
  untilNs: number;
  cycles?: number;
  spinNs: number;
  /**
   * watchdog time for every task that does not set its own (ns); 0: no watchdog. An IEC 61499
   * resource has none unless this is given: then it is its event-chain watchdog
   */
  watchdogNs?: number;
  safeValues?: SafeValues;
  safeOnStop: boolean;
  exchange?: ImageExchange;
  onFault: (fault: FaultReport) => void;
  /** an IEC 61499 resource (model from resourceModels61499): runs in the 61499 worker */
  iec61499?: boolean;
  /** a write the worker could not apply (the path checks in writeVar make this rare) */
  onWriteError?: (path: string, message: string) => void;
  /** make the scan thread real time; what it got is reported to onRealtime */
  realtime?: RealtimeRequest;
  onRealtime?: (report: RealtimeReport) => void;
  /**
   * V8's code cache of the generated code of the application the host starts with (a 61131
   * resource): `data` to load it with; `store` takes a new one the worker made when there was
   * none or V8 rejected it. Not used after an online change (another code).
   */
  codeCache?: { data?: Uint8Array; store(bytes: Uint8Array): void };
}

export type ResourceState = 'idle' | 'running' | 'finished' | 'faulted';

/** Shortest default watchdog: a busy machine may deschedule a thread for a few ms. */
const MIN_DEFAULT_WATCHDOG_NS = 50_000_000;
/** On the virtual clock time is not the point: only a program that truly hangs is stopped. */
const MIN_VIRTUAL_WATCHDOG_NS = 1_000_000_000;
/**
 * An IEC 61499 worker checks its own event-chain watchdog between slices; the main thread's
 * watchdog only ends a worker stuck inside one FB algorithm, given this much more time.
 */
const CHAIN_BACKSTOP_NS = 5_000_000_000;

/**
 * The main thread's handle on one resource: its worker thread, its shared metrics and process
 * image exchange, its watchdog. A worker stuck in a scan is terminated; its outputs are set to
 * their safe values from here, and the fault is reported with the task and the POU it was running.
 */
export class ResourceHost {
  readonly metrics: ResourceMetrics;
  readonly exchange: ImageExchange;
  readonly watchdogNs: number[];
  /** IEC 61499 resources: events delivered and missed ticks */
  readonly events?: EventCounters;
  state: ResourceState = 'idle';
  lastVars: Record<string, unknown> = {};
  /** the latest flat map of raw values by dotted path (RawVariables), as the worker last sent it */
  rawVars: Record<string, unknown> = {};
  /** how many raw snapshots have arrived */
  rawSamples = 0;
  retained?: RetainedValues;
  /** RETAIN and PERSISTENT values by path (RetainLeaf), as the worker last sent them (requestRetain, or at its end) */
  persistent?: Record<string, unknown>;
  /** IEC 61499: the per-pin event counts while wanted (watchEventPins) and the worker counts them */
  eventPins?: EventPinCounts;
  private eventPinsWanted = false;
  /** what the scan thread got of --rt (the latest worker's) */
  realtime?: RealtimeReport;
  scans = 0;
  /** what is forced now, by path or address, with the value as it was given (checked); lost at a restart */
  readonly forced = new Map<string, unknown>();
  private worker?: Worker;
  private control?: Int32Array;
  private watchdog?: Watchdog;
  private ended: Promise<void> = Promise.resolve();
  private varsWaiters: ((v: Record<string, unknown>) => void)[] = [];
  private rawWaiters: (() => void)[] = [];
  private writePort?: MessagePort;
  private changePort?: MessagePort;
  private changeId = 0;
  private changeWaiters = new Map<number, (r: ChangeResult) => void>();
  private retainWaiters: ((v: Record<string, unknown> | undefined) => void)[] = [];
  private readonly safe: ReturnType<typeof compileSafeValues>;
  /** the application options.codeCache was made from */
  private readonly cachedApp: Application;

  constructor(
    /** replaced by an online change (change()) */
    public app: Application,
    public model: ResourceModel,
    private readonly options: ResourceHostOptions,
  ) {
    this.metrics = new ResourceMetrics(
      model.name,
      model.tasks.map((t) => t.name),
    );
    this.cachedApp = app;
    this.exchange = options.exchange ?? new ImageExchange();
    if (options.iec61499) this.events = new EventCounters(model.name);
    this.safe = compileSafeValues(options.safeValues);
    const cyclic = model.tasks.filter((t) => t.intervalNs > 0).map((t) => t.intervalNs);
    const fallback = cyclic.length ? Math.min(...cyclic) : 100_000_000;
    const floor = options.clock === 'virtual' ? MIN_VIRTUAL_WATCHDOG_NS : MIN_DEFAULT_WATCHDOG_NS;
    const given = options.watchdogNs === 0 ? Infinity : options.watchdogNs;
    this.watchdogNs = model.tasks.map((t) => {
      if (options.iec61499) return given === undefined || given === Infinity ? Infinity : 2 * given + CHAIN_BACKSTOP_NS;
      return t.watchdogNs ?? given ?? Math.max(floor, 10 * (t.intervalNs > 0 ? t.intervalNs : fallback));
    });
  }

  get name(): string {
    return this.model.name;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /**
   * Start a worker (fresh instances; with `retained`, RETAIN values put back). Resolves once it
   * is ready: it runs then, or with `startGate`, once the gate opens (see ResourceWorkerData).
   */
  start(retained?: RetainedValues, forces?: Record<string, unknown>, startGate?: SharedArrayBuffer): Promise<void> {
    // forces are never persisted: a fresh worker starts without any but those asked for now
    this.forced.clear();
    const controlBuffer = new SharedArrayBuffer(CONTROL_WORDS * 4);
    this.control = new Int32Array(controlBuffer);
    this.eventPins = undefined;
    // a fresh worker counts (after its COLD chain) if the counts are wanted
    if (this.eventPinsWanted) this.askEventPins();
    for (let i = 0; i < this.model.tasks.length; i++) this.metrics.setFaulted(i, false);
    this.metrics.clearRunning();
    // 61131 resources take variable writes through a port drained at scan boundaries
    const channel = this.options.iec61499 ? undefined : new MessageChannel();
    this.writePort?.close();
    this.writePort = channel?.port1;
    const changes = new MessageChannel();
    this.changePort?.close();
    this.changePort = changes.port1;
    // the loop sites are the watchdog's, here: the worker's generated code has its own copy
    const { sites: _sites, ...app } = this.app;
    const data: ResourceWorkerData = {
      app,
      resource: this.model.name,
      clock: this.options.clock,
      untilNs: this.options.untilNs,
      cycles: this.options.cycles,
      spinNs: this.options.spinNs,
      metricsBuffer: this.metrics.buffer as SharedArrayBuffer,
      controlBuffer,
      exchangeBuffer: this.exchange.buffer,
      safeValues: this.options.safeValues,
      safeOnStop: this.options.safeOnStop,
      retained,
      ...(this.events ? { eventsBuffer: this.events.buffer } : {}),
      ...(this.options.iec61499 && this.options.watchdogNs ? { chainWatchdogNs: this.options.watchdogNs } : {}),
      ...(channel ? { writePort: channel.port2 } : {}),
      changePort: changes.port2,
      ...(this.options.realtime ? { realtime: this.options.realtime } : {}),
      ...(startGate ? { startGate } : {}),
      ...(this.options.codeCache && !this.options.iec61499 && this.app === this.cachedApp ? { codeCache: this.options.codeCache.data ? { data: this.options.codeCache.data } : {} } : {}),
    };
    const worker = spawnResourceWorker(data, [...(channel ? [channel.port2] : []), changes.port2]);
    this.worker = worker;
    this.state = 'running';
    // queued before the worker's first scan: it drains the port before its first release
    for (const [path, value] of Object.entries(forces ?? {})) this.force(path, value);
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    let sawDone = false;
    let faulted = false;
    let reported = false;
    this.ended = new Promise<void>((resolve) => {
      worker.on('message', (m: WorkerMessage) => {
        switch (m.type) {
          case 'ready':
            ready();
            break;
          case 'fault':
            this.options.onFault(m.fault);
            break;
          case 'vars':
            this.lastVars = m.vars;
            this.flushVars(m.vars);
            break;
          case 'rawVars': {
            this.rawVars = m.vars;
            this.rawSamples++;
            const waiters = this.rawWaiters;
            this.rawWaiters = [];
            for (const w of waiters) w();
            break;
          }
          case 'writeError':
            this.options.onWriteError?.(m.path, m.message);
            break;
          case 'retain': {
            this.persistent = m.values;
            const waiters = this.retainWaiters;
            this.retainWaiters = [];
            for (const w of waiters) w(m.values);
            break;
          }
          case 'changed':
            this.changeWaiters.get(m.id)?.(m.result);
            this.changeWaiters.delete(m.id);
            break;
          case 'eventPins':
            if (this.worker === worker) this.eventPins = this.eventPinsWanted && m.pins && m.buffer ? new EventPinCounts(m.pins, m.buffer) : undefined;
            break;
          case 'codeCache':
            this.options.codeCache?.store(m.data);
            break;
          case 'realtime':
            this.realtime = m.report;
            this.options.onRealtime?.(m.report);
            break;
          case 'done':
            sawDone = true;
            faulted = m.faulted === true;
            this.lastVars = m.vars;
            this.retained = m.retained;
            if (m.persistent) this.persistent = m.persistent;
            this.scans += m.scans;
            this.flushVars(m.vars);
            break;
          case 'error':
            reported = true;
            this.options.onFault(this.internalFault(m.message));
            break;
        }
      });
      worker.on('error', (e) => {
        if (this.worker !== worker) return;
        reported = true;
        this.options.onFault(this.internalFault(e.message));
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) {
          this.watchdog?.stop();
          if (this.state === 'running') {
            if (!sawDone && !reported) this.options.onFault(this.internalFault(`resource worker exited (code ${code})`));
            this.state = sawDone && !faulted ? 'finished' : 'faulted';
            if (!sawDone) this.setSafeOutputs();
          }
          this.worker = undefined;
          if (channel && this.writePort === channel.port1) {
            channel.port1.close();
            this.writePort = undefined;
          }
          if (this.changePort === changes.port1) {
            changes.port1.close();
            this.changePort = undefined;
          }
          this.flushVars(this.lastVars);
          this.flushRaw();
          this.flushChanges();
        }
        ready();
        resolve();
      });
    });
    this.watchdog = new Watchdog(this.metrics, this.watchdogNs, (task, elapsed) => this.expire(worker, task, elapsed));
    if (this.watchdogNs.some((w) => w !== Infinity)) this.watchdog.start();
    return isReady;
  }

  /** Ask the worker to stop after its current scan; resolves when it has ended. */
  async stop(timeoutMs = 5000): Promise<void> {
    const worker = this.worker;
    if (worker && this.control) {
      Atomics.or(this.control, 0, ATTENTION_STOP);
      notifyWaiter(this.control);
      const timer = setTimeout(() => {
        // it did not come back between scans: its watchdog would fire too; end it the same way
        if (this.worker === worker) this.expire(worker, Math.max(0, this.metrics.runningTask), NaN);
      }, timeoutMs);
      await this.ended;
      clearTimeout(timer);
    }
    await this.ended;
  }

  /**
   * End the resource without an orderly stop: an IEC 61499 resource is killed (no STOP event,
   * queued events dropped); a 61131 resource stops after its current scan, as with stop().
   */
  async kill(timeoutMs = 5000): Promise<void> {
    if (this.worker && this.control) Atomics.or(this.control, 0, ATTENTION_KILL);
    await this.stop(timeoutMs);
  }

  /** The resource's variables: fresh from a running worker, else the last known ones. */
  vars(timeoutMs = 5000): Promise<Record<string, unknown>> {
    if (!this.worker || !this.control) return Promise.resolve(this.lastVars);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.lastVars), timeoutMs);
      this.varsWaiters.push((v) => {
        clearTimeout(timer);
        resolve(v);
      });
      Atomics.or(this.control!, 0, ATTENTION_VARS);
      notifyWaiter(this.control!);
    });
  }

  /** Whether variables can be read raw (every resource) and written (61131 resources; not IEC 61499 ones, whose writeVar refuses). */
  get variableAccess(): boolean {
    return true;
  }

  /**
   * Ask the worker for a raw snapshot (rawVars) at its next scan boundary; resolves when it has
   * arrived, or at once when no worker runs.
   */
  /**
   * Count the IEC 61499 resource's events per pin (eventPins, in shared memory once the worker
   * has switched) or stop counting: the worker generates its dispatch anew between two events.
   */
  watchEventPins(on: boolean): void {
    if (!this.options.iec61499 || on === this.eventPinsWanted) return;
    this.eventPinsWanted = on;
    if (!on) this.eventPins = undefined;
    if (this.worker) this.askEventPins();
  }

  private askEventPins(): void {
    Atomics.store(this.control!, EVENT_PINS_WORD, this.eventPinsWanted ? 1 : 0);
    Atomics.or(this.control!, 0, ATTENTION_EVENT_PINS);
    notifyWaiter(this.control!);
  }

  requestRawVars(): Promise<void> {
    if (!this.worker || !this.control) return Promise.resolve();
    const arrived = new Promise<void>((resolve) => this.rawWaiters.push(resolve));
    Atomics.or(this.control, 0, ATTENTION_RAW_VARS);
    notifyWaiter(this.control);
    return arrived;
  }

  /**
   * Write a variable by dotted path: checked and converted to its type here (throws an Error
   * on an unknown path, a constant or a value that does not fit), applied by the worker at its
   * next scan boundary, never in the middle of a scan.
   */
  writeVar(path: string, value: unknown): void {
    if (this.options.iec61499) throw new Error(`${this.name}: variables of IEC 61499 resources cannot be written`);
    // an access path (VAR_ACCESS) writes its variable, unless it is READ_ONLY
    const target = writablePath(this.model, path);
    if (typeof target !== 'string') throw new Error(target.error);
    const w = prepareWrite(this.app, this.model, target, value);
    if ('error' in w) throw new Error(w.error);
    // the message first, then the bit: the worker clears the bit before it drains the port
    this.post({ path: target, value: w.value }, target);
  }

  /**
   * Force a variable (`Main.level`) or a process image address (`%IX0.1`, `%QW2`) to a value:
   * checked strictly here (an Error says what is wrong; nothing is sent), then applied by the
   * worker at every scan boundary until released.
   */
  force(named: string, value: unknown): void {
    if (this.options.iec61499) throw new Error(`${this.name}: IEC 61499 resources cannot be forced`);
    const target = writablePath(this.model, named);
    if (typeof target !== 'string') throw new Error(target.error);
    const path = target;
    let key: string;
    let stored: unknown;
    let shown: unknown;
    if (path.trim().startsWith('%')) {
      const a = parseAddress(path);
      if (typeof a === 'string') throw new Error(a);
      const c = checkAddressInput(a, value);
      if (typeof c === 'string') throw new Error(c);
      key = a.text;
      stored = shown = c.value;
    } else {
      const decl = declarationOf(this.app, this.model, path);
      if (typeof decl === 'string') throw new Error(decl);
      const c = checkInput(decl.type, value);
      if (typeof c === 'string') throw new Error(`${path}: ${c}`);
      const w = prepareWrite(this.app, this.model, path, c.value);
      if ('error' in w) throw new Error(w.error);
      // one force per variable, whatever the case it is named in
      key = [...this.forced.keys()].find((k) => k.toUpperCase() === path.toUpperCase()) ?? path;
      stored = w.value;
      shown = c.value;
    }
    this.post({ path: key, value: stored, op: 'force' }, path);
    this.forced.set(key, shown);
  }

  /** Release the force of `path` (a variable or an address); '*' releases every force. False: it was not forced. */
  unforce(path: string): boolean {
    if (path === '*') {
      if (this.worker) this.post({ path: '*', value: undefined, op: 'release' }, path);
      const had = this.forced.size > 0;
      this.forced.clear();
      return had;
    }
    const a = path.trim().startsWith('%') ? parseAddress(path) : undefined;
    const wanted = a && typeof a !== 'string' ? a.text : path;
    const key = [...this.forced.keys()].find((k) => k.toUpperCase() === wanted.toUpperCase());
    if (key === undefined) return false;
    this.post({ path: key, value: undefined, op: 'release' }, path);
    this.forced.delete(key);
    return true;
  }

  private post(message: VariableWrite, path: string): void {
    if (!this.worker || !this.control || !this.writePort) throw new Error(`${path}: resource ${this.name} is not running`);
    this.writePort.postMessage(message);
    Atomics.or(this.control, 0, ATTENTION_WRITES);
    notifyWaiter(this.control);
  }

  /**
   * Ask the worker for its RETAIN and PERSISTENT values, read at its next scan boundary;
   * resolves with them, or undefined when no worker runs (`persistent` then holds the last ones).
   */
  requestRetain(): Promise<Record<string, unknown> | undefined> {
    if (!this.worker || !this.control) return Promise.resolve(undefined);
    const arrived = new Promise<Record<string, unknown> | undefined>((resolve) => this.retainWaiters.push(resolve));
    Atomics.or(this.control, 0, ATTENTION_RETAIN);
    Atomics.notify(this.control, 0);
    return arrived;
  }

  /**
   * Online change: the worker swaps in `app` (compiled and checked by the caller) at its next
   * scan boundary, carrying the state over. On success this host serves the new version.
   */
  change(app: Application): Promise<ChangeResult> {
    if (!this.worker || !this.control || !this.changePort) return Promise.resolve({ ok: false, error: `resource ${this.name} is not running` });
    const id = ++this.changeId;
    const done = new Promise<ChangeResult>((resolve) => this.changeWaiters.set(id, resolve));
    this.changePort.postMessage({ id, app } satisfies ProgramChange);
    Atomics.or(this.control, 0, ATTENTION_CHANGE);
    Atomics.notify(this.control, 0);
    return done.then((r) => {
      if (r.ok) {
        this.app = app;
        this.model = app.resources.find((m) => m.name === this.model.name) ?? this.model;
      }
      return r;
    });
  }

  /** Resolves when the current worker has ended. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  pouOf(task: number): string {
    const name = this.model.tasks[task]?.name;
    return (
      this.model.programs
        .filter((p) => p.task === name)
        .map((p) => p.typeName)
        .join(', ') || '?'
    );
  }

  private flushChanges(): void {
    const waiters = [...this.changeWaiters.values()];
    this.changeWaiters.clear();
    for (const w of waiters) w({ ok: false, error: `resource ${this.name} ended before the change` });
    const retain = this.retainWaiters;
    this.retainWaiters = [];
    for (const w of retain) w(undefined);
  }

  private flushRaw(): void {
    const waiters = this.rawWaiters;
    this.rawWaiters = [];
    for (const w of waiters) w();
  }

  private flushVars(v: Record<string, unknown>): void {
    const waiters = this.varsWaiters;
    this.varsWaiters = [];
    for (const w of waiters) w(v);
  }

  /**
   * Where a stuck worker was: the innermost loop it had entered (POU, file, line) from the
   * trace words generated code keeps in the control buffer, else the running program.
   */
  private stuckAt(task: number): { pou: string; file: string; line: number } {
    const loop = Atomics.load(this.control!, TRACE_WORD);
    const program = Atomics.load(this.control!, TRACE_WORD + 1);
    const site = loop > 0 ? this.app.sites?.[loop - 1] : undefined;
    if (site) return { pou: site[0], file: site[1], line: site[2] };
    const p = program > 0 ? this.model.programs[program - 1] : undefined;
    return { pou: p ? p.typeName : this.pouOf(task), file: '?', line: 0 };
  }

  private internalFault(message: string): FaultReport {
    return { kind: 'INTERNAL', pou: '?', file: '?', line: 0, detail: message, resource: this.model.name };
  }

  /** The watchdog fired (or a stop was not honoured): terminate, report, outputs safe. */
  private expire(worker: Worker, task: number, elapsedNs: number): void {
    if (this.worker !== worker || this.state !== 'running') return;
    this.state = 'faulted';
    this.watchdog?.stop();
    void worker.terminate();
    const taskModel = this.model.tasks[task];
    this.metrics.countWatchdogFault(task);
    this.metrics.setFaulted(task, true);
    this.metrics.clearRunning();
    const limitMs = this.watchdogNs[task] / 1e6;
    const detail = Number.isNaN(elapsedNs)
      ? `task ${taskModel?.name} did not stop when asked`
      : `task ${taskModel?.name} did not finish within its watchdog time of ${limitMs} ms`;
    this.setSafeOutputs();
    this.options.onFault({
      kind: 'WATCHDOG',
      ...this.stuckAt(task),
      detail,
      task: taskModel?.name,
      resource: this.model.name,
    });
  }

  /** Publish safe outputs in place of the dead worker (the exchange keeps its state in the buffer). */
  private setSafeOutputs(): void {
    const local = createImageView();
    this.exchange.beginScan(local);
    applySafeOutputs(local, this.safe);
    this.exchange.endScan(local);
  }
}
