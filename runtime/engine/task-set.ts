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
  setTime(ns: number): void;
  scan(task: number, taskTimeNs: number, latenessNs: number): number;
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
  constructor(private readonly runner: TaskSetHost) {}

  begin(clock: ScanClock): void {
    // real scan start times (for the watchdog) count from the loop's time 0
    if (clock instanceof RealClock) this.runner.setEpoch(clock.epochNs);
  }

  nextInstant(): number {
    return this.runner.scheduler.nextInstant();
  }

  busy(): boolean {
    return false;
  }

  release(clock: ScanClock, dueNs: number): number {
    const runner = this.runner;
    const s = runner.scheduler;
    let now = clock.nowNs();
    runner.setTime(dueNs);
    s.sampleTriggers(now);
    let scans = 0;
    for (let task = s.pickReady(now); task >= 0; task = s.pickReady(now)) {
      runner.scan(task, now, now - s.releaseOf(task, now));
      scans++;
      // on the virtual clock a scan takes no time: its end is its start
      const end = clock.nowNs();
      if (s.completed(task, now, end)) runner.metrics.countOverrun(task);
      now = end;
    }
    return scans;
  }

  resume(): number {
    return 0;
  }
}
