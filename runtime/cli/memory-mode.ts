import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rtHelper, type RtHelper } from '../rt/native.js';

/**
 * `vplc serve` runs for months on small edge boxes: have V8 favour memory over speed for its
 * heaps. Without this the main thread's young generation grows to 2 × 16 MiB during start-up
 * (node-opcua's modules and the standard nodeset) and its old generation keeps the pages of
 * that start-up's garbage (test/bench/footprint.ts: 202 → 156 MiB RSS with the OPC UA server).
 *
 * Set at run time because `vplc` is started as `node dist/runtime/cli/main.js` as often as
 * through its bin link, so command-line flags cannot be relied on. Both flags are read when
 * the heap decides to grow or compact, not when it is created, so they apply from here on:
 * - `--optimize-for-size`: smaller growth steps and compaction of fragmented old-space pages;
 * - `--semi-space-growth-factor=1`: the young generation does not double (1–8 MiB measured, 32 without).
 * They apply to the scan workers' heaps too; the scan path allocates nothing, and the CPU time
 * of a scan-like loop in a worker (1,000 INT updates) measured the same with and without them
 * (1.34–1.40 µs against 1.38–1.39 µs).
 */
export function favourMemory(): void {
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--semi-space-growth-factor=1');
  const helper = cHeapHelper();
  // glibc's own thresholds grow with the largest block freed, so that start-up's big transient blocks
  // (compiler zones, the nodeset's text) stay in the arenas for good; fixed, they go back when freed
  if (helper) helper.mallocThresholds(MALLOC_THRESHOLD);
}

/** Blocks of this size and more are mapped apart and unmapped when freed; free arena tops beyond it are returned. */
const MALLOC_THRESHOLD = 128 * 1024;

/**
 * Give the C heap's free pages back to the system. glibc keeps what is freed inside its arenas
 * (one per thread that allocated: V8's compiler and GC threads, libuv's pool, the scan
 * workers) unless it lies at an arena's top, so the start-up of the OPC UA server leaves
 * memory resident for nothing. Through the native helper (malloc_trim); without it, nothing
 * happens. 0.1–0.2 ms on the main thread; the scan path does not allocate, so the arena locks
 * it takes do not delay scans. `collect`: a full garbage collection first, so that the C
 * memory start-up's garbage holds (buffers, compiler zones) is freed and returned with the rest.
 */
export function returnFreeMemory(options: { collect?: boolean } = {}): boolean {
  const helper = cHeapHelper();
  if (!helper) return false;
  if (options.collect) fullGc();
  return helper.trim();
}

/** Milliseconds between two returns of free C memory while serving: 0.1–0.2 ms each. */
export const RETURN_MEMORY_EVERY_MS = 5000;

function cHeapHelper(): RtHelper | undefined {
  if (process.platform !== 'linux') return undefined;
  const helper = rtHelper();
  return typeof helper === 'string' || typeof helper.trim !== 'function' ? undefined : helper;
}

/** A full garbage collection of the main thread's heap, through V8's own `gc` (exposed for this). */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  // V8 checks a code cache against the flags: one made after this (at serve's stop) must fit the next start
  setFlagsFromString('--no-expose-gc');
  if (typeof gc === 'function') (gc as () => void)();
}
