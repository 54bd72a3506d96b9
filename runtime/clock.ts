/**
 * Time for the scan engine. The real clock is the monotonic clock (process.hrtime.bigint) read
 * relative to an epoch; deadlines are absolute instants since that epoch, so that an interval is
 * never stretched by the time spent waking up (no drift). Waiting is a coarse sleep with
 * Atomics.wait (which a stop request can interrupt) followed by a short spin to the deadline:
 * timers of the event loop (setTimeout) drift by tens of percent at 1 ms and are never used here.
 *
 * The virtual clock is not a clock at all: the runner sets the time of each release itself
 * (ResourceRunner.runUntil), so that a test of a 10-minute timer takes milliseconds.
 */

export type ClockKind = 'real' | 'virtual';

/** The monotonic clock, in nanoseconds since an arbitrary instant. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

export class RealClock {
  /** performance.now() at the epoch, ms: the same monotonic clock, read without allocating a BigInt */
  private readonly perfEpochMs: number;

  constructor(readonly epochNs: bigint = process.hrtime.bigint()) {
    this.perfEpochMs = performance.now() - Number(process.hrtime.bigint() - epochNs) / 1e6;
  }

  /** ns since the epoch from performance.now(): for spinning, where a BigInt per read would feed the GC */
  private fastNowNs(): number {
    return (performance.now() - this.perfEpochMs) * 1e6;
  }

  /** ns since the epoch */
  nowNs(): number {
    return Number(process.hrtime.bigint() - this.epochNs);
  }

  /**
   * Wait until `deadlineNs` (since the epoch): sleep with Atomics.wait until `spinNs` before it,
   * then spin. `attention[index]` is a wake-up cell: while it is 0 the wait goes on; when another
   * thread sets it (and notifies) the wait ends early. Returns true at the deadline, false when
   * woken by the attention cell.
   */
  sleepUntil(deadlineNs: number, spinNs: number, attention: Int32Array, index = 0): boolean {
    for (;;) {
      const remaining = deadlineNs - this.fastNowNs();
      if (remaining <= spinNs) break;
      // Atomics.wait takes milliseconds (fractions allowed) and returns at once if the cell is not 0
      const r = Atomics.wait(attention, index, 0, (remaining - spinNs) / 1e6);
      if (r !== 'timed-out' && Atomics.load(attention, index) !== 0) return false;
    }
    while (this.fastNowNs() < deadlineNs) {
      if (Atomics.load(attention, index) !== 0) return false;
    }
    return true;
  }
}
