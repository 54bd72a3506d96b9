import type {
  Application,
  GeneratedModule,
  GeneratedResource,
  ImageView,
  ResourceModel,
} from '../../compiler/application.js';
import { type FaultReport, toFaultReport } from '../faults.js';
import { loadModule } from '../load.js';
import { createImageView } from '../../compiler/contract/process-image.js';
import { TaskSupport } from '../support.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import { ForceTable } from './forces.js';
import { ImageLock } from './image-lock.js';
import { applySafeOutputs, compileSafeValues, type SafeValues } from './safe-outputs.js';
import { TaskScheduler, type TriggerSource } from './task-scheduler.js';
import { VirtualClock } from '../clock.js';
import { runScanLoop } from './scan-loop.js';
import { TaskSet } from './task-set.js';
import { VariablePath } from './variable-path.js';

/** An attention word no other thread sets: runUntil is driven from this thread alone. */
const NOTHING_ASKED = new Int32Array(1);

export interface RunOutcome {
  releases: number;
  timeNs: number;
  fault?: FaultReport;
}

/**
 * The scan-boundary side of a process image exchange (runtime/io/image-exchange.ts): before a
 * scan the latest inputs land in the runner's image, after it the outputs are published.
 */
export interface ScanExchange {
  beginScan(local: ImageView): void;
  endScan(local: ImageView): void;
}

export interface ResourceRunnerOptions {
  /** exchanges `image` with the I/O side at every scan boundary */
  exchange?: ScanExchange;
  /** the process image this resource exchanges with (default: a private one) */
  image?: ImageView;
  /** held while the image is copied in and out (default: a private lock) */
  imageLock?: ImageLock;
  /** an already loaded module; pass the `support` it was loaded with too, so that rt.now() is ours */
  module?: GeneratedModule;
  support?: TaskSupport;
  /** metrics to record into (default: fresh ones); the worker passes a view of the shared buffer */
  metrics?: ResourceMetrics;
  /** safe values of %Q outputs after a fault (default: all zero) */
  safeValues?: SafeValues;
  /** called for every fault as it happens */
  onFault?: (fault: FaultReport) => void;
}

/**
 * One resource of an Application: its generated instance, its tasks and its process image, run
 * scan by scan. Per scan: inputs from the image, the task's programs, outputs to the image.
 * A fault of a task stops that task only (later releases are skipped, others go on) and sets
 * the outputs to their safe values; it is reported, never thrown.
 *
 * The scan loop (scan-loop.ts) drives it through its TaskSet on either clock; `runUntil` and
 * `runCycles` run that loop here, on the virtual clock (time starts at 0 and jumps from
 * release to release).
 */
export class ResourceRunner {
  readonly support: TaskSupport;
  /** module, instance, model and app are replaced by an online change (replaceProgram) */
  module: GeneratedModule;
  instance: GeneratedResource;
  model: ResourceModel;
  readonly metrics: ResourceMetrics;
  readonly image: ImageView;
  readonly imageLock: ImageLock;
  readonly scheduler: TaskScheduler;
  /** every fault so far, in order */
  readonly faults: FaultReport[] = [];
  /** forced variables and addresses, applied at both scan boundaries */
  readonly forces = new ForceTable();
  /** instant (process.hrtime.bigint) that real scan start times count from */
  private epoch: bigint;
  /** the schedulable view of this resource for the scan loop */
  readonly tasks: TaskSet;
  private taskFns: (() => void)[];
  private readonly safe: ReturnType<typeof compileSafeValues>;
  private readonly onFault?: (fault: FaultReport) => void;
  private readonly exchange?: ScanExchange;
  private virtualNs = 0;
  /** the scheduler's SINGLE trigger sources (the same array): bound anew by an online change */
  private readonly triggers: (TriggerSource | null)[];
  /** set by a fault: %Q keeps its safe values until the resource is restarted */
  outputsHeldSafe = false;

  constructor(
    public app: Application,
    readonly resourceName: string,
    options: ResourceRunnerOptions = {},
  ) {
    const model = app.resources.find((r) => r.name === resourceName);
    if (!model) {
      const known = app.resources.map((r) => r.name).join(', ') || 'none';
      throw new Error(`no resource ${resourceName} in application ${app.name} (resources: ${known})`);
    }
    this.model = model;
    this.support = options.support ?? new TaskSupport();
    this.module = options.module ?? loadModule(app, this.support);
    const factory = this.module.resources[resourceName];
    if (!factory) throw new Error(`the generated code has no resource ${resourceName}`);
    this.instance = factory();
    this.taskFns = this.instance.tasks.slice();
    this.image = options.image ?? createImageView();
    this.imageLock = options.imageLock ?? new ImageLock(new ArrayBuffer(4));
    this.safe = compileSafeValues(options.safeValues);
    this.onFault = options.onFault;
    this.exchange = options.exchange;
    this.metrics =
      options.metrics ??
      new ResourceMetrics(
        resourceName,
        model.tasks.map((t) => t.name),
      );
    this.epoch = process.hrtime.bigint();
    this.setEpoch(this.epoch);

    const triggers: (TriggerSource | null)[] = [];
    this.triggers = triggers;
    const unresolved: [number, string][] = [];
    model.tasks.forEach((t, i) => {
      if (!t.single) return void triggers.push(null);
      const p = VariablePath.resolve(app, model, this.instance, t.single);
      if (typeof p === 'string') {
        triggers.push(null);
        unresolved.push([i, p]);
      } else triggers.push(p);
    });
    const cyclic = model.tasks.filter((t) => t.intervalNs > 0).map((t) => t.intervalNs);
    this.scheduler = new TaskScheduler(model.tasks, triggers, cyclic.length ? Math.min(...cyclic) : 1_000_000);
    for (const [i, why] of unresolved) {
      this.stopTask(i, { kind: 'INTERNAL', pou: this.pouOf(i), file: '?', line: 0, detail: `SINGLE trigger: ${why}` });
    }
    for (let i = 0; i < model.tasks.length; i++) if (this.metrics.isFaulted(i)) this.scheduler.disable(i);
    this.tasks = new TaskSet(this);
  }

  get epochNs(): bigint {
    return this.epoch;
  }
  /** Count real time from `epoch` on (the real-time loop's time 0), published for the watchdog. */
  setEpoch(epoch: bigint): void {
    this.epoch = epoch;
    this.metrics.epochNs = epoch;
  }

  /** current virtual time in ns */
  get timeNs(): number {
    return this.virtualNs;
  }

  /** The scan loop's time of a release, time[0] (the virtual clock's; read as timeNs). */
  setTime(time: Float64Array): void {
    this.virtualNs = time[0]!;
  }

  /** the first fault, if any */
  get fault(): FaultReport | undefined {
    return this.faults[0];
  }

  /** The programs a task runs, for reports: `Main (PROG_MAIN), Aux (PROG_AUX)`. */
  pouOf(task: number): string {
    const name = this.model.tasks[task]?.name;
    const progs = this.model.programs.filter((p) => p.task === name);
    return progs.map((p) => p.typeName).join(', ') || '?';
  }

  /**
   * The times of the next scan, written by the caller before `scan`: [0] what rt.now() returns
   * during it (ns), [1] its start lateness (ns, recorded). They are not arguments because a
   * double argument of a call V8 does not inline is boxed: an allocation per scan.
   */
  readonly next = new Float64Array(2);

  /** whether the image holds the initial values of the program's %Q and %M variables yet */
  private imageSeeded = false;

  /**
   * One scan of task `task` at the times in `next`. The real start is published in the
   * metrics for the watchdog. Returns false when the task faulted.
   */
  scan(task: number): boolean {
    const m = this.metrics;
    const lock = this.imageLock;
    m.beginScan(task);
    this.support.timeNs = this.next[0];
    let ok = true;
    try {
      lock.acquire();
      try {
        // the first scan starts from the program's initial %Q/%M values, not from an empty image
        if (!this.imageSeeded) {
          this.instance.writeImage(this.image);
          this.imageSeeded = true;
        }
        if (this.exchange) this.exchange.beginScan(this.image);
        // forces win over the inputs the I/O sent and the %Q/%M it wrote
        this.forces.applyImage(this.image);
        this.instance.readImage(this.image);
        this.forces.applyVariables();
      } finally {
        lock.release();
      }
      this.taskFns[task]();
      lock.acquire();
      try {
        // forces win over what the program wrote
        this.forces.applyVariables();
        this.instance.writeImage(this.image);
        this.forces.applyImage(this.image);
        // after a fault the resource's outputs stay safe while its other tasks go on
        if (this.outputsHeldSafe) applySafeOutputs(this.image, this.safe);
        if (this.exchange) this.exchange.endScan(this.image);
      } finally {
        lock.release();
      }
    } catch (e) {
      ok = false;
      this.stopTask(task, toFaultReport(e));
    }
    // whole ns: below 2^31 a whole number crosses a call as a small integer, not boxed
    m.endScan(task, Math.round(this.next[1]));
    return ok;
  }

  /**
   * Stop a task after a fault: report it, skip its later releases, outputs to safe values (and
   * held there: the other tasks go on, but their writes no longer reach %Q).
   */
  stopTask(task: number, fault: FaultReport): void {
    const report: FaultReport = { ...fault, task: this.model.tasks[task]?.name, resource: this.resourceName };
    if (report.pou === '?') report.pou = this.pouOf(task);
    this.scheduler.disable(task);
    this.metrics.countFault(task);
    this.metrics.setFaulted(task, true);
    this.metrics.clearRunning();
    this.outputsHeldSafe = true;
    this.applySafeOutputs();
    this.faults.push(report);
    this.onFault?.(report);
  }

  /** Outputs to their safe values (after a fault, at a stop), published to the I/O side. */
  applySafeOutputs(): void {
    this.imageLock.acquire();
    try {
      applySafeOutputs(this.image, this.safe);
      if (this.exchange) this.exchange.endScan(this.image);
    } finally {
      this.imageLock.release();
    }
  }

  /**
   * Online change, at a scan boundary: the tasks run `instance` (of the new version, its state
   * already transferred) from the next scan on. Clock, schedule, image and metrics go on as
   * they were: the task set is the same.
   */
  replaceProgram(app: Application, model: ResourceModel, module: GeneratedModule, instance: GeneratedResource): string | undefined {
    // SINGLE triggers read the new instance; their last value stays, so an edge is seen once
    const triggers: (TriggerSource | null)[] = [];
    for (const t of model.tasks) {
      const p = t.single ? VariablePath.resolve(app, model, instance, t.single) : null;
      if (typeof p === 'string') return `SINGLE trigger of task ${t.name}: ${p}`;
      triggers.push(p);
    }
    triggers.forEach((t, i) => {
      if (this.triggers[i] !== null) this.triggers[i] = t;
    });
    this.app = app;
    this.model = model;
    this.module = module;
    this.instance = instance;
    this.taskFns = instance.tasks.slice();
    return undefined;
  }

  /** Real time since the epoch (ns); for reports off the scan path (it allocates a BigInt). */
  realNowNs(): number {
    return Number(process.hrtime.bigint() - this.epoch);
  }

  // ------------------------------------------------------------------ virtual clock

  /** Virtual clock: execute every release whose time is < untilNs, in time order. */
  runUntil(untilNs: number): RunOutcome {
    const clock = new VirtualClock(this.virtualNs);
    const releases = runScanLoop(this.tasks, clock, { untilNs, spinNs: 0, attention: NOTHING_ASKED, onAttention: () => false, endWhenIdle: true });
    if (untilNs > this.virtualNs && Number.isFinite(untilNs)) this.virtualNs = untilNs;
    return this.outcome(releases);
  }

  /** Virtual clock: execute n releases of the fastest cyclic task and everything due before the end of the last one. */
  runCycles(n: number): RunOutcome {
    const s = this.scheduler;
    let fastest = -1;
    for (let i = 0; i < s.count; i++) {
      if (s.enabled[i] && s.intervalNs[i] > 0 && (fastest < 0 || s.intervalNs[i] < s.intervalNs[fastest])) fastest = i;
    }
    if (fastest < 0 || n <= 0) return this.outcome(0);
    return this.runUntil(s.nextRelease[fastest] + n * s.intervalNs[fastest]);
  }

  private outcome(releases: number): RunOutcome {
    const r: RunOutcome = { releases, timeNs: this.virtualNs };
    if (this.faults.length) r.fault = this.faults[0];
    return r;
  }
}
