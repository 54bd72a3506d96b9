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

import { CLOCK_SLOTS, rtHelper, type RtHelper } from './rt/native.js';

export type ClockKind = 'real' | 'virtual';

/** The monotonic clock, in nanoseconds since an arbitrary instant. */
export function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

export interface ScanClock {
  readonly kind: ClockKind;
  /** ns since time 0 of the run */
  nowNs(): number;
  /** [0]: the time sample() read last (ns since time 0) */
  readonly slots: Float64Array;
  /** nowNs() into slots[0], for the scan path: a double returned from a call V8 does not inline is boxed */
  sample(): void;
  /**
   * Wait until `deadline[0]` (ns; Infinity: until woken; in an array so that no time crosses
   * the call boxed). `attention[0]` is a wake-up cell: while it is 0 the wait goes on; when
   * another thread sets it (and notifies, notifyWaiter) the wait ends early. Returns true at
   * the deadline, false when woken by the attention cell.
   */
  waitUntil(deadline: Float64Array, spinNs: number, attention: Int32Array): boolean;
  /** Work ran for `ns` by its own account: virtual time moves on by that much; real time moves by itself. */
  spend(ns: number): void;
}

export class RealClock implements ScanClock {
  readonly kind = 'real';
  /** performance.now() at the epoch, ms: the same monotonic clock, read without allocating a BigInt */
  private readonly perfEpochMs: number;
  /**
   * [0] the time sample() read last (ns since the epoch); for the native helper also [1] a
   * deadline and [2..3] the epoch (s, ns). Callers on the scan path read [0] after sample():
   * a double returned from a call V8 does not inline is boxed.
   */
  readonly slots = new Float64Array(CLOCK_SLOTS);
  private readonly rt: RtHelper | undefined;

  /** With vPLC's real-time helper when it is there; else performance.now() and Atomics.wait. */
  constructor(readonly epochNs: bigint = process.hrtime.bigint()) {
    this.perfEpochMs = performance.now() - Number(process.hrtime.bigint() - epochNs) / 1e6;
    const rt = rtHelper();
    this.rt = typeof rt === 'object' ? rt : undefined;
    // process.hrtime is CLOCK_MONOTONIC too (libuv): the helper counts from the same epoch
    this.slots[2] = Number(epochNs / 1_000_000_000n);
    this.slots[3] = Number(epochNs % 1_000_000_000n);
  }

  /** ns since the epoch */
  nowNs(): number {
    this.sample();
    return this.slots[0]!;
  }

  /** slots[0] = ns since the epoch */
  sample(): void {
    const rt = this.rt;
    if (rt === undefined) this.slots[0] = (performance.now() - this.perfEpochMs) * 1e6;
    else rt.now(this.slots);
  }

  spend(): void {}

  waitUntil(deadline: Float64Array, spinNs: number, attention: Int32Array): boolean {
    const deadlineNs = deadline[0]!;
    const rt = this.rt;
    if (rt !== undefined) {
      // the coarse sleep on the attention word (a futex the main thread wakes), then the spin
      const s = this.slots;
      s[1] = deadlineNs - spinNs;
      if (!rt.sleep(s, attention)) return false;
      for (rt.now(s); s[0] < deadlineNs; rt.now(s)) {
        if (Atomics.load(attention, 0) !== 0) return false;
      }
      return true;
    }
    for (;;) {
      const remaining = deadlineNs - this.nowNs();
      if (remaining <= spinNs) break;
      // Atomics.wait takes milliseconds (fractions allowed) and returns at once if the cell is not 0
      const r = Atomics.wait(attention, 0, 0, remaining === Infinity ? undefined : (remaining - spinNs) / 1e6);
      if (r !== 'timed-out' && Atomics.load(attention, 0) !== 0) return false;
    }
    while (this.nowNs() < deadlineNs) {
      if (Atomics.load(attention, 0) !== 0) return false;
    }
    return true;
  }
}

/**
 * Wake a thread waiting on `word[0]` after setting it: Atomics.notify for Atomics.wait, and the
 * native helper's futex wake for RealClock.waitUntil.
 */
export function notifyWaiter(word: Int32Array): void {
  Atomics.notify(word, 0);
  const rt = rtHelper();
  if (typeof rt === 'object') rt.wake(word);
}

export class VirtualClock implements ScanClock {
  readonly kind = 'virtual';
  /**
   * Initialised here, a number from the start: a field declared without an initialiser starts
   * as undefined, and V8 then keeps it boxed, allocating at every store of a time.
   */
  private timeNs = 0;
  readonly slots = new Float64Array(1);

  constructor(startNs = 0) {
    this.timeNs = startNs;
  }

  nowNs(): number {
    return this.timeNs;
  }

  sample(): void {
    this.slots[0] = this.timeNs;
  }

  spend(ns: number): void {
    this.timeNs += ns;
  }

  /** Jumps to the deadline; with nothing left to happen (Infinity) it waits for the attention cell. */
  waitUntil(deadline: Float64Array, _spinNs: number, attention: Int32Array): boolean {
    const deadlineNs = deadline[0]!;
    if (deadlineNs === Infinity) {
      Atomics.wait(attention, 0, 0);
      return false;
    }
    if (deadlineNs > this.timeNs) this.timeNs = deadlineNs;
    return true;
  }
}
