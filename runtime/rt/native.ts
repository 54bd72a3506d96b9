import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What a real-time request did to the calling thread: 0, or the errno of each step; -1: not asked. */
export interface RealtimeOutcome {
  tid: number;
  fifo: number;
  affinity: number;
  slack: number;
  /** threads moved off the scan CPU (after SCHED_FIFO was granted), or -errno */
  others: number;
}

/** What lockMemory locked, bytes, and 0 or the errno of the first refusal. */
export interface LockOutcome {
  stack: number;
  code: number;
  errno: number;
}

/**
 * vPLC's native real-time helper (runtime/rt/vplc_rt.c, built by `npm run build` into
 * build/rt/). Clock slots are a Float64Array: [0] now, [1] deadline (ns since the epoch),
 * [2] and [3] the epoch (CLOCK_MONOTONIC seconds and nanoseconds).
 */
export interface RtHelper {
  /** slots[0] = now */
  now(slots: Float64Array): void;
  /** sleep until slots[1] or until attention[0] is not 0; true at the deadline */
  sleep(slots: Float64Array, attention: Int32Array): boolean;
  /** wake the thread sleeping on word[0] */
  wake(word: Int32Array): void;
  /** for the calling thread: SCHED_FIFO (priority 0: not asked), CPU (-1: not asked), timer slack 1 ns */
  realtime(priority: number, cpu: number): RealtimeOutcome;
  /** the kernel's id of the calling thread */
  tid(): number;
  /** return the C heap's free pages to the system (malloc_trim); true when some were */
  trim(): boolean;
  /** lock the top `stackBytes` of the calling thread's stack and the executable file mappings (not the V8 heap) */
  lockMemory(stackBytes: number): LockOutcome;
  /** out[0] minor, out[1] major page faults of the calling thread so far */
  faults(out: Float64Array): void;
  /** glibc's mmap and trim thresholds, fixed at `bytes` (mallopt); true when set */
  mallocThresholds(bytes: number): boolean;
}

export const CLOCK_SLOTS = 4;

let loaded: RtHelper | string | undefined;

/**
 * The helper, or why it is not there. Loaded once per thread (each worker loads its own).
 * VPLC_NO_RT_HELPER=1 runs without it, to compare (performance.now() and Atomics.wait).
 */
export function rtHelper(): RtHelper | string {
  if (loaded !== undefined) return loaded;
  // from runtime/rt/ (sources) or dist/runtime/rt/ (built): build/ is at the package root
  const candidates = ['../../build/rt/vplc_rt.node', '../../../build/rt/vplc_rt.node'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const file = candidates.find((f) => existsSync(f));
  if (process.env.VPLC_NO_RT_HELPER) loaded = 'the real-time helper is turned off (VPLC_NO_RT_HELPER)';
  else if (process.platform !== 'linux') loaded = `the real-time helper is for Linux (this is ${process.platform})`;
  else if (!file) loaded = 'the real-time helper is not built (npm run build builds it with a C compiler: apt-get install gcc)';
  else {
    try {
      loaded = createRequire(import.meta.url)(file) as RtHelper;
    } catch (e) {
      loaded = `the real-time helper did not load: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return loaded;
}
