import type { ScanClock } from '../clock.js';
import { RealClock } from '../clock.js';
import type { ResourceMetrics } from '../metrics/resource-metrics.js';
import type { TaskScheduler } from './task-scheduler.js';
import type { Schedulable } from './scan-loop.js';

/** What a task set needs of its resource (ResourceRunner provides it). */
export interface TaskSetHost {
  readonly scheduler: TaskScheduler;
  readonly metrics: ResourceMetrics;
  setEpoch(epoch: bigint): void;
  /** the release's ideal instant, time[0] (ns) */
  setTime(time: Float64Array): void;
  /** [0] task time, [1] lateness of the next scan (ns) */
  readonly next: Float64Array;
  scan(task: number): boolean;
}

/**
 * A 61131 resource's tasks as the scan loop schedules them: cyclic tasks released at
 * k·INTERVAL (absolute deadlines), SINGLE tasks on a rising edge of their trigger; at each
 * wake-up the ready tasks run one after the other, the highest priority first, without
 * preemption. Lateness is the actual start minus the ideal release. A scan that ends after its
 * task's next release is an overrun: counted, and the task resumes at the next interval
 * boundary (TaskScheduler.completed): no catch-up burst. A scan never yields.
 */
export class TaskSet implements Schedulable {
  readonly due = new Float64Array(1);

  constructor(private readonly runner: TaskSetHost) {}

  begin(clock: ScanClock): void {
    // real scan start times (for the watchdog) count from the loop's time 0
    if (clock instanceof RealClock) this.runner.setEpoch(clock.epochNs);
  }

  plan(): void {
    const s = this.runner.scheduler;
    s.findNext();
    this.due[0] = s.at[2]!;
  }

  busy(): boolean {
    return false;
  }

  release(clock: ScanClock): number {
    const runner = this.runner;
    const s = runner.scheduler;
    const next = runner.next;
    const at = s.at;
    const time = clock.slots;
    clock.sample();
    at[0] = time[0]!;
    runner.setTime(this.due);
    s.sampleTriggers();
    let scans = 0;
    for (let task = s.pickReady(); task >= 0; task = s.pickReady()) {
      next[0] = at[0];
      s.findRelease(task);
      next[1] = at[0] - at[3]!;
      runner.scan(task);
      scans++;
      // on the virtual clock a scan takes no time: its end is its start
      clock.sample();
      at[1] = time[0]!;
      if (s.completed(task)) runner.metrics.countOverrun(task);
      at[0] = at[1];
    }
    return scans;
  }

  resume(): number {
    return 0;
  }
}
