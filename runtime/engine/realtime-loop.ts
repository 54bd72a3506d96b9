import { RealClock } from '../clock.js';
import type { ResourceRunner } from './resource-runner.js';

export interface RealtimeOptions {
  /** stop before the first release at or after this time (ns since the start); Infinity: until stopped */
  untilNs: number;
  /** spin this long before each deadline instead of sleeping (ns) */
  spinNs: number;
  /** cell 0 is the attention word: 0 while nothing is asked of the loop */
  attention: Int32Array;
  /** called when the attention word is non-zero; return true to stop the loop */
  onAttention: () => boolean;
}

/**
 * Drive a ResourceRunner on the real clock: time 0 is now; cyclic tasks are released at
 * k·INTERVAL (absolute deadlines); at each wake-up the ready tasks run one after the other, the
 * highest priority first, without preemption. Lateness is the actual start minus the ideal
 * release. A scan that ends after its task's next release is an overrun: counted, and the task
 * resumes at the next interval boundary. Returns the number of scans.
 */
export function runRealtime(runner: ResourceRunner, options: RealtimeOptions): number {
  const s = runner.scheduler;
  const clock = new RealClock();
  runner.setEpoch(clock.epochNs);
  const { untilNs, spinNs, attention, onAttention } = options;
  let scans = 0;
  for (;;) {
    if (Atomics.load(attention, 0) !== 0 && onAttention()) return scans;
    const next = s.nextInstant();
    if (!(next < untilNs)) return scans;
    if (!clock.sleepUntil(next, spinNs, attention, 0)) continue; // attention: handled at the top
    let now = clock.nowNs();
    s.sampleTriggers(now);
    for (let task = s.pickReady(now); task >= 0; task = s.pickReady(now)) {
      const release = s.releaseOf(task, now);
      const end = runner.scan(task, now, now - release);
      scans++;
      const endNs = end >= 0 ? end : clock.nowNs();
      if (s.completed(task, now, endNs)) runner.metrics.countOverrun(task);
      now = endNs;
    }
  }
}
