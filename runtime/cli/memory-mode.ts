import { setFlagsFromString } from 'node:v8';

/**
 * `vplc serve` runs for months on small edge boxes: have V8 favour memory over speed for its
 * heaps. Without this the main thread's young generation grows to 2 × 16 MiB during start-up
 * (node-opcua's modules and the standard nodeset) and its old generation keeps the pages of
 * that start-up's garbage: 190–200 MiB RSS with the OPC UA server against ~135 MiB with this.
 *
 * Set at run time because `vplc` is started as `node dist/runtime/cli/main.js` as often as
 * through its bin link, so command-line flags cannot be relied on. Both flags are read when
 * the heap decides to grow or compact, not when it is created, so they apply from here on:
 * - `--optimize-for-size`: smaller growth steps and compaction of fragmented old-space pages;
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial 2 × 1 MiB.
 * They apply to the scan workers' heaps too; the scan path allocates nothing, and a scan's
 * CPU time measured with and without them is the same (test/bench/footprint.ts notes).
 */
export function favourMemory(): void {
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--semi-space-growth-factor=1');
}
