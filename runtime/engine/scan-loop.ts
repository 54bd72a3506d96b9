import type { ScanClock } from '../clock.js';

/**
 * What the scan loop drives: a 61131 resource's task set (task-set.ts) or an IEC 61499
 * resource (event-resource.ts). Times are ns since time 0 of the run, on the loop's clock.
 */
export interface Schedulable {
  /** Time 0 of the run (an IEC 61499 resource's START.COLD). */
  begin(clock: ScanClock): void;
  /**
   * [0]: the earliest instant at which something is due (Infinity: nothing timed), as plan()
   * found it last. Times on the scan path travel in typed arrays, not as arguments or results:
   * a double that crosses a call V8 does not inline is boxed, an allocation per release.
   */
  readonly due: Float64Array;
  /** Find the earliest instant at which something is due, into due[0]. */
  plan(): void;
  /** Work is left that needs no waiting: an event chain that yielded after its slice. */
  busy(): boolean;
  /**
   * Run what is due at due[0] (the ideal instant waited for); returns the releases it counts.
   */
  release(clock: ScanClock): number;
  /** Go on with left-over work for one slice; returns the releases it counts. */
  resume(clock: ScanClock): number;
}

export interface ScanLoopOptions {
  /** stop before the first release at or after this time; Infinity: until stopped */
  untilNs: number;
  /** or after this many releases */
  maxReleases?: number;
  /** real clock: spin this long before each deadline instead of sleeping (ns) */
  spinNs: number;
  /** cell 0 is the attention word: 0 while nothing is asked of the loop */
  attention: Int32Array;
  /** called when the attention word is non-zero; return true to stop the loop */
  onAttention: () => boolean;
  /** end when nothing is due any more, instead of waiting for a request */
  endWhenIdle?: boolean;
}

/** A deadline that never comes: wait for the attention word. */
const FOREVER = new Float64Array([Infinity]);

/**
 * The one scan loop of every resource, on the real or the virtual clock: wait for the next
 * instant something is due (absolute deadlines), run it, repeat; work that yields (an endless
 * event chain) is resumed slice by slice without waiting, and between any two steps the
 * attention word (stop, snapshots, writes) and the end of the run are checked, so a stop is
 * honoured within one slice. Overrun handling (no catch-up burst) is the work's own: it is
 * told the ideal instant and the clock. Returns the releases counted.
 */
export function runScanLoop(work: Schedulable, clock: ScanClock, options: ScanLoopOptions): number {
  const { untilNs, spinNs, attention, onAttention } = options;
  const maxReleases = options.maxReleases ?? Infinity;
  let releases = 0;
  while (releases < maxReleases) {
    if (Atomics.load(attention, 0) !== 0 && onAttention()) break;
    if (work.busy()) {
      if (!(clock.nowNs() < untilNs)) break;
      releases += work.resume(clock);
      continue;
    }
    work.plan();
    const due = work.due;
    if (!(due[0]! < untilNs)) {
      if (Number.isFinite(untilNs) || options.endWhenIdle === true) break;
      // nothing timed: wait for a request (an event-driven network, a SINGLE-only set at rest)
      clock.waitUntil(FOREVER, spinNs, attention);
      continue;
    }
    if (!clock.waitUntil(due, spinNs, attention)) continue; // attention: handled at the top
    releases += work.release(clock);
  }
  return releases;
}

/** Atomics.waitAsync (Node 16 and later; not yet in the ES library this project compiles against). */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/** Longest stretch the yielding loop waits before it looks at its work again (ns). */
const YIELD_SLICE_NS = 1_000_000;

/**
 * The scan loop of a resource whose blocks keep sockets (communication FBs): the same steps
 * as runScanLoop on the real clock, but every wait is an asynchronous one, so that the
 * worker's event loop runs between steps and what the sockets receive enters the resource as
 * external events (their chains run in the socket callbacks). The wait is cut into slices of
 * at most 1 ms, so that a timer an external event started is seen in time.
 */
export async function runScanLoopYielding(work: Schedulable, clock: ScanClock, options: ScanLoopOptions): Promise<number> {
  const { untilNs, attention, onAttention } = options;
  const maxReleases = options.maxReleases ?? Infinity;
  let releases = 0;
  let slices = 0;
  while (releases < maxReleases) {
    if (Atomics.load(attention, 0) !== 0 && onAttention()) break;
    if (work.busy()) {
      if (!(clock.nowNs() < untilNs)) break;
      releases += work.resume(clock);
      // an endless chain still lets the sockets in now and then
      if (++slices % 16 === 0) await new Promise((r) => setImmediate(r));
      continue;
    }
    const now = clock.nowNs();
    work.plan();
    const next = Math.min(work.due[0]!, untilNs);
    if (!(now < untilNs)) break;
    if (next > now) {
      const ms = Math.min(next - now, YIELD_SLICE_NS) / 1e6;
      const wait = waitAsync(attention, 0, 0, ms);
      if (wait.async) await wait.value;
      continue;
    }
    if (!(next < untilNs)) break;
    releases += work.release(clock);
  }
  return releases;
}
