import type { ResourceMetrics } from '../metrics/resource-metrics.js';

/**
 * The main thread's watch on one resource worker. The worker publishes, in shared memory, which
 * task is scanning and since when; a scan older than its task's watchdog time means the program
 * is stuck (a loop that never ends), and only another thread can stop it: `onExpire` is called
 * once and the caller terminates the worker. Polling runs on the main thread's event loop, which
 * is fine here: the watchdog is a coarse guard, not part of scan timing.
 */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metrics: ResourceMetrics,
    /** watchdog time of each task, ns */
    private readonly limitsNs: readonly number[],
    private readonly onExpire: (task: number, elapsedNs: number) => void,
  ) {}

  /** Check every `pollMs` (default: a quarter of the shortest limit, 1..50 ms). */
  start(pollMs?: number): void {
    this.stop();
    const shortest = Math.min(...this.limitsNs);
    const every = pollMs ?? Math.min(50, Math.max(1, shortest / 4e6));
    this.timer = setInterval(() => this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check; exposed for tests and for a final check before a stop. */
  check(): boolean {
    const task = this.metrics.runningTask;
    if (task < 0) return false;
    const elapsed = Number(process.hrtime.bigint() - this.metrics.epochNs) - this.metrics.scanStartNs;
    if (elapsed <= this.limitsNs[task]) return false;
    this.stop();
    this.onExpire(task, elapsed);
    return true;
  }
}
