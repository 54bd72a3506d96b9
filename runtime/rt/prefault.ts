import { getHeapSpaceStatistics } from 'node:v8';
import type { RtHelper } from './native.js';

/** What prefaulting the young generation did. */
export interface PrefaultReport {
  /** passes through the young generation until one faulted no page */
  passes: number;
  /** page faults of the calling thread meanwhile */
  faults: number;
  /** the young generation's committed size at the end, bytes */
  committed: number;
  /** false: still faulting after the last pass allowed */
  settled: boolean;
}

const MAX_PASSES = 16;
/** one short-lived object: a small array (about 100 bytes) */
const SLOTS = 8;

function youngGeneration(): { size: number; committed: number } {
  const s = getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  return { size: s?.space_size ?? 0, committed: s?.physical_space_size ?? 0 };
}

/**
 * Touch every page of the calling isolate's young generation before the first scan, so that
 * what a scan still allocates (a slow task's code before V8 optimises it) lands on pages
 * already there. Measured (perf, 2-core Firecracker VM with free page reporting): without it
 * the scan thread faulted a fresh page of the young generation every few scans of a slow task,
 * and such a fault on memory the guest had given back to the host stalled the virtual CPU for
 * 8–22 ms. The young generation cannot be locked instead: V8 aborts when it gives back a locked
 * page (vplc_rt.c); its size is fixed (v8-realtime.ts), so the pages stay. Allocates short-lived
 * objects, a pass the size of the young generation at a time, until a pass faults no page.
 */
export function prefaultYoungGeneration(rt: RtHelper): PrefaultReport {
  const counts = new Float64Array(2);
  rt.faults(counts);
  const start = counts[0]! + counts[1]!;
  let passes = 0;
  let settled = false;
  let last: unknown = null;
  while (passes < MAX_PASSES && !settled) {
    passes++;
    rt.faults(counts);
    const before = counts[0]! + counts[1]!;
    const objects = Math.ceil(youngGeneration().size / (16 + SLOTS * 8 + 16));
    for (let i = 0; i < objects; i++) last = new Array<number>(SLOTS).fill(i);
    rt.faults(counts);
    settled = counts[0]! + counts[1]! === before;
  }
  last = null;
  rt.faults(counts);
  return { passes, faults: counts[0]! + counts[1]! - start, committed: youngGeneration().committed, settled: settled && last === null };
}
