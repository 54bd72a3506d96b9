/**
 * A resource's scan loop in a worker thread of its own, built as the engine's worker builds it
 * (worker-resources.ts: the same runner, metrics in shared memory and process image exchange),
 * with the heap measured around a stretch of steady-state scans: used heap before and after,
 * and the young generation's use (a scavenge empties it, so a drop means a collection ran).
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { Application } from '../../../compiler/application.js';
import { ImageExchange } from '../../../compiler/contract/image-exchange.js';
import { RealClock, VirtualClock, type ScanClock } from '../../../runtime/clock.js';
import { EventCounters } from '../../../runtime/engine/event-counters.js';
import { ATTENTION_VARS, CONTROL_WORDS, type ResourceWorkerData, type WorkerMessage } from '../../../runtime/engine/protocol.js';
import { runScanLoop } from '../../../runtime/engine/scan-loop.js';
import { open61131 } from '../../../runtime/engine/worker-61131.js';
import { open61499 } from '../../../runtime/engine/worker-61499.js';
import { ResourceMetrics, metricsBufferBytes } from '../../../runtime/metrics/resource-metrics.js';

export interface HeapProbeRequest {
  app: Application;
  resource: string;
  iec61499: boolean;
  clock: 'real' | 'virtual';
  /** releases before the stretches measured: enough for the code of the slowest task to be optimised */
  warmup: number;
  scans: number;
  spinNs: number;
  /** stretches of `scans` releases measured one after the other */
  stretches: number;
  /**
   * The control buffer (attention word first) another thread asks requests through, as the
   * engine's main thread does: a variables request is answered as the resource worker answers
   * it (a `vars` message). Default: one no other thread sees.
   */
  controlBuffer?: SharedArrayBuffer;
}

/** One stretch: bytes the young generation grew by (negative: a scavenge ran) and the used heap. */
export interface HeapStretch {
  youngBytes: number;
  usedBytes: number;
}

export interface HeapProbeResult {
  releases: number;
  /** variables requests answered */
  varsAnswered: number;
  stretches: HeapStretch[];
  cycles: number;
  faults: string[];
}

function newSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_used_size ?? -1;
}

const req = workerData as HeapProbeRequest;
const taskCount = req.iec61499 ? 1 : req.app.resources.find((r) => r.name === req.resource)!.tasks.length;
const faults: string[] = [];
const data: ResourceWorkerData = {
  app: req.app,
  resource: req.resource,
  clock: req.clock,
  untilNs: Infinity,
  spinNs: req.spinNs,
  metricsBuffer: new SharedArrayBuffer(metricsBufferBytes(taskCount)),
  controlBuffer: req.controlBuffer ?? new SharedArrayBuffer(CONTROL_WORDS * 4),
  exchangeBuffer: new ImageExchange().buffer,
  safeOnStop: false,
  ...(req.iec61499 ? { eventsBuffer: new EventCounters(req.resource).buffer } : {}),
};
const post = (m: WorkerMessage) => {
  if (m.type === 'fault') faults.push(m.fault.detail ?? m.fault.kind);
};
const side = req.iec61499 ? open61499(data, post) : open61131(data, post);
const attention = new Int32Array(data.controlBuffer);
const clock: ScanClock = req.clock === 'virtual' ? new VirtualClock() : new RealClock();
let varsAnswered = 0;
// a variables request between two scans, answered as resource-worker.ts answers it
const onAttention = (): boolean => {
  if (Atomics.load(attention, 0) & ATTENTION_VARS) {
    Atomics.and(attention, 0, ~ATTENTION_VARS);
    parentPort!.postMessage({ type: 'vars', vars: side.vars() } satisfies WorkerMessage);
    varsAnswered++;
  }
  return false;
};
const loop = (n: number) => runScanLoop(side.work, clock, { untilNs: Infinity, maxReleases: n, spinNs: req.spinNs, attention, onAttention, endWhenIdle: true });
side.work.begin(clock);
let releases = loop(req.warmup);
const stretches: HeapStretch[] = [];
for (let k = 0; k < req.stretches; k++) {
  // the statistics objects are made before the stretch measured; reading them again allocates a fixed amount
  const usedBefore = getHeapStatistics().used_heap_size;
  const youngBefore = newSpaceUsed();
  releases += loop(req.scans);
  const youngAfter = newSpaceUsed();
  const usedAfter = getHeapStatistics().used_heap_size;
  stretches.push({ youngBytes: youngAfter - youngBefore, usedBytes: usedAfter - usedBefore });
}
const metrics = new ResourceMetrics(req.resource, Array.from({ length: taskCount }, (_, i) => `t${i}`), data.metricsBuffer);
const result: HeapProbeResult = { releases, varsAnswered, stretches, cycles: metrics.cycles(0), faults };
parentPort!.postMessage(result);
