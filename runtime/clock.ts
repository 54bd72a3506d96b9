/**
 * Time for the scan engine, behind one interface so that one loop (engine/scan-loop.ts) drives
 * every resource on either clock.
 *
 * The real clock is the monotonic clock read relative to an epoch; deadlines are absolute
 * instants since that epoch, so that an interval is never stretched by the time spent waking up
 * (no drift). Waiting is a coarse sleep with Atomics.wait (which a stop request can interrupt)
 * followed by a short spin to the deadline: timers of the event loop (setTimeout) drift by tens
 * of percent at 1 ms and are never used here.
 *
 * The virtual clock starts at 0 and jumps to each deadline at once, so that a test of a
 * 10-minute timer takes milliseconds; work that reports its own duration (spend: an IEC 61499
 * event chain that yields after a slice) moves it on by that much.
 */

export type ClockKind = 'real' | 'virtual';

/** The monotonic clock, in nanoseconds since an arbitrary instant. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

export interface ScanClock {
  readonly kind: ClockKind;
  /** ns since time 0 of the run */
  nowNs(): number;
  /**
   * Wait until `deadlineNs` (Infinity: until woken). `attention[index]` is a wake-up cell:
   * while it is 0 the wait goes on; when another thread sets it (and notifies) the wait ends
   * early. Returns true at the deadline, false when woken by the attention cell.
   */
  waitUntil(deadlineNs: number, spinNs: number, attention: Int32Array, index?: number): boolean;
  /** Work ran for `ns` by its own account: virtual time moves on by that much; real time moves by itself. */
  spend(ns: number): void;
}

export class RealClock implements ScanClock {
  readonly kind = 'real';
  /** performance.now() at the epoch, ms: the same monotonic clock, read without allocating a BigInt */
  private readonly perfEpochMs: number;

  constructor(readonly epochNs: bigint = process.hrtime.bigint()) {
    this.perfEpochMs = performance.now() - Number(process.hrtime.bigint() - epochNs) / 1e6;
  }

  /** ns since the epoch, from performance.now(): no BigInt per read on the scan path */
  nowNs(): number {
    return (performance.now() - this.perfEpochMs) * 1e6;
  }

  spend(): void {}

  waitUntil(deadlineNs: number, spinNs: number, attention: Int32Array, index = 0): boolean {
    for (;;) {
      const remaining = deadlineNs - this.nowNs();
      if (remaining <= spinNs) break;
      // Atomics.wait takes milliseconds (fractions allowed) and returns at once if the cell is not 0
      const r = Atomics.wait(attention, index, 0, remaining === Infinity ? undefined : (remaining - spinNs) / 1e6);
      if (r !== 'timed-out' && Atomics.load(attention, index) !== 0) return false;
    }
    while (this.nowNs() < deadlineNs) {
      if (Atomics.load(attention, index) !== 0) return false;
    }
    return true;
  }
}

export class VirtualClock implements ScanClock {
  readonly kind = 'virtual';

  constructor(private timeNs = 0) {}

  nowNs(): number {
    return this.timeNs;
  }

  spend(ns: number): void {
    this.timeNs += ns;
  }

  /** Jumps to the deadline; with nothing left to happen (Infinity) it waits for the attention cell. */
  waitUntil(deadlineNs: number, _spinNs: number, attention: Int32Array, index = 0): boolean {
    if (deadlineNs === Infinity) {
      Atomics.wait(attention, index, 0);
      return false;
    }
    if (deadlineNs > this.timeNs) this.timeNs = deadlineNs;
    return true;
  }
}
