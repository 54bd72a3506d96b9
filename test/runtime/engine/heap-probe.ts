/**
 * Runs a heap probe (heap-probe-worker.ts) in a worker of its own and checks that the young
 * generation did not grow over its stretches: the allocation tests of the engine and of the
 * generated code share it.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { expect } from 'vitest';
import type { HeapProbeRequest, HeapProbeResult } from './heap-probe-worker.js';

/** The probe's result; the variables it answers with on the way (recent copies) are passed over. */
export function probeHeap(req: HeapProbeRequest, resourceLimits?: ResourceLimits): Promise<HeapProbeResult> {
  const here = import.meta.url;
  const worker = new Worker(new URL('../../../runtime/engine/tsx-boot.mjs', here), {
    workerData: { ...req, entry: new URL('./heap-probe-worker.ts', here).href },
    ...(resourceLimits ? { resourceLimits } : {}),
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: HeapProbeResult | { type: 'vars' }) => {
      if ('type' in m) return;
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** The least growth of the young generation over the stretches without a scavenge (bytes). */
export function leastYoungGrowth(r: HeapProbeResult): number {
  return Math.min(...r.stretches.map((s) => s.youngBytes).filter((b) => b >= 0));
}

/**
 * Probes `req` and expects no fault and a stretch in which the young generation grew by less
 * than 4 KiB: an allocation per release would be at least 16 bytes × the stretch's releases.
 * V8 may box one number in a stretch now and then on a loaded machine: measured again once.
 */
export async function expectNoYoungGrowth(req: HeapProbeRequest): Promise<void> {
  let r = await probeHeap(req);
  if (leastYoungGrowth(r) >= 4096) r = await probeHeap(req);
  expect(r.faults).toEqual([]);
  const young = r.stretches.map((s) => s.youngBytes);
  expect(leastYoungGrowth(r), `young generation growth per stretch: ${young.join(', ')} bytes`).toBeLessThan(4096);
}
