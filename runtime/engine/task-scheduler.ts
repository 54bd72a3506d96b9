import type { TaskModel } from '../../compiler/application.js';

/** Reads a SINGLE task's trigger variable. */
export interface TriggerSource {
  read(): unknown;
}

/**
 * Release bookkeeping of one resource's tasks, shared by the virtual and the real clock.
 * Cyclic tasks are released at k·INTERVAL from time 0 (absolute deadlines: no drift); SINGLE
 * tasks on a rising edge of their trigger, sampled at every release instant. Among tasks ready
 * together the one with the lowest PRIORITY number runs first, then declaration order; a task
 * is never preempted.
 *
 * The instants a step works with are in `at` ([0] now, [1] the end of the scan just run), set
 * by the caller, not passed: a double argument of a call V8 does not inline is boxed, and the
 * scan path allocates nothing.
 */
export class TaskScheduler {
  readonly count: number;
  readonly intervalNs: Float64Array;
  /** next ideal release of each cyclic task (ns); Infinity for a SINGLE-only or stopped task */
  readonly nextRelease: Float64Array;
  /** task indices by priority, then declaration order */
  readonly byPriority: Int32Array;
  readonly enabled: Uint8Array;
  /** a rising edge was seen and the task has not run for it yet */
  readonly pending: Uint8Array;
  /** instant at which the pending edge was seen */
  readonly pendingSince: Float64Array;
  private readonly triggers: (TriggerSource | null)[];
  private readonly lastTrigger: Uint8Array;
  /** when no task is cyclic, SINGLE triggers are sampled on this grid */
  readonly pollNs: number;
  /** initialised, so that V8 stores it unboxed (see VirtualClock.timeNs) */
  private nextPoll = Infinity;
  readonly fastestNs: number;
  readonly fastestTask: number;
  /**
   * [0] the instant of this step (ns), [1] the end of the scan just run (ns), [2] what
   * findNext() found, [3] what findRelease() found
   */
  readonly at = new Float64Array(4);

  constructor(tasks: readonly TaskModel[], triggers: (TriggerSource | null)[], pollNs = 1_000_000) {
    const n = tasks.length;
    this.count = n;
    this.intervalNs = new Float64Array(n);
    this.nextRelease = new Float64Array(n);
    this.enabled = new Uint8Array(n).fill(1);
    this.pending = new Uint8Array(n);
    this.pendingSince = new Float64Array(n);
    this.lastTrigger = new Uint8Array(n);
    this.triggers = triggers;
    let fastest = Infinity;
    let fastestTask = -1;
    tasks.forEach((t, i) => {
      this.intervalNs[i] = t.intervalNs;
      this.nextRelease[i] = t.intervalNs > 0 ? 0 : Infinity;
      if (t.intervalNs > 0 && t.intervalNs < fastest) {
        fastest = t.intervalNs;
        fastestTask = i;
      }
    });
    this.fastestNs = fastest;
    this.fastestTask = fastestTask;
    const order = tasks.map((_, i) => i).sort((a, b) => tasks[a].priority - tasks[b].priority || a - b);
    this.byPriority = Int32Array.from(order);
    const hasSingle = triggers.some((t) => t !== null);
    this.pollNs = pollNs;
    this.nextPoll = hasSingle && fastestTask < 0 ? 0 : Infinity;
  }

  /** The earliest instant at which something is due (a cyclic release or a trigger poll). */
  nextInstant(): number {
    this.findNext();
    return this.at[2]!;
  }

  /** nextInstant() into at[2], for the scan loop. */
  findNext(): void {
    let t = this.nextPoll;
    for (let i = 0; i < this.count; i++) {
      if (this.enabled[i] && this.nextRelease[i]! < t) t = this.nextRelease[i]!;
    }
    this.at[2] = t;
  }

  /** Sample SINGLE triggers at instant `at[0]`; mark tasks whose trigger rose. */
  sampleTriggers(): void {
    const nowNs = this.at[0];
    for (let i = 0; i < this.count; i++) {
      const trig = this.triggers[i];
      if (trig === null) continue;
      const v = trig.read() ? 1 : 0;
      if (v && !this.lastTrigger[i] && this.enabled[i] && !this.pending[i]) {
        this.pending[i] = 1;
        this.pendingSince[i] = nowNs;
      }
      this.lastTrigger[i] = v;
    }
    while (this.nextPoll <= nowNs) this.nextPoll += this.pollNs;
  }

  /** Highest-priority task ready at `at[0]`, or -1. */
  pickReady(): number {
    const nowNs = this.at[0];
    const order = this.byPriority;
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      if (this.enabled[i] && (this.pending[i] || this.nextRelease[i] <= nowNs)) return i;
    }
    return -1;
  }

  /**
   * The ideal release instant of a ready task (at `at[0]`) into at[3]. Not returned: a double
   * returned from a call V8 does not inline is boxed, and V8 did leave this call out of the
   * optimised release of bottling's scan worker (16 bytes per release, a scavenge every two
   * minutes), seen with the sampling heap profiler.
   */
  findRelease(task: number): void {
    const at = this.at;
    const nowNs = at[0]!;
    const r = this.nextRelease[task]!;
    if (r <= nowNs) at[3] = this.pending[task] ? Math.min(r, this.pendingSince[task]!) : r;
    else at[3] = this.pendingSince[task]!;
  }

  /**
   * The task ran (released at `at[0]`, its scan ended at `at[1]`). A cyclic task's next
   * release is the next interval boundary; when that boundary has already passed, the scan
   * overran: the task resumes at the first boundary after the end, never with catch-up scans.
   * Returns true on an overrun.
   */
  completed(task: number): boolean {
    const nowNs = this.at[0];
    const endNs = this.at[1];
    this.pending[task] = 0;
    const interval = this.intervalNs[task];
    const r = this.nextRelease[task];
    if (interval <= 0 || r > nowNs) return false; // a SINGLE release, or an edge between cyclic releases
    let next = r + interval;
    if (next > endNs) {
      this.nextRelease[task] = next;
      return false;
    }
    next += Math.floor((endNs - next) / interval + 1) * interval;
    this.nextRelease[task] = next;
    return true;
  }

  disable(task: number): void {
    this.enabled[task] = 0;
    this.pending[task] = 0;
  }
}
