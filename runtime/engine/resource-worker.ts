import { parentPort, workerData } from 'node:worker_threads';
import { RealClock, VirtualClock, type ScanClock } from '../clock.js';
import { useVirtualDateAndTime } from '../../blocks/native/timing.js';
import {
  ATTENTION_CHANGE,
  ATTENTION_EVENT_PINS,
  EVENT_PINS_WORD,
  ATTENTION_KILL,
  ATTENTION_RETAIN,
  ATTENTION_RAW_VARS,
  ATTENTION_STOP,
  ATTENTION_VARS,
  ATTENTION_WRITES,
  type ResourceWorkerData,
  type WorkerMessage,
} from './protocol.js';
import { makeScanThreadRealtime } from '../rt/realtime.js';
import { runScanLoop, runScanLoopYielding, type Schedulable } from './scan-loop.js';
import { startMark, startTracing } from '../start-trace.js';
import type { PrestartData } from './worker-prestart.js';
import type { WorkerResource } from './worker-resources.js';

/** Builds the resource a worker runs (open61131, open61499). */
export type OpenResource = (data: ResourceWorkerData, post: (m: WorkerMessage) => void) => WorkerResource;

/**
 * What every resource's worker thread runs, 61131 and IEC 61499 alike, started by the entry
 * of its kind (scan-worker-61131.ts, scan-worker-61499.ts: an IEC 61131-3 application does
 * not load the IEC 61499 runtime, nor the reverse), which builds the resource with `open`. A
 * worker started ahead (worker-prestart.ts) has loaded its modules while the main thread
 * compiled or read the compile cache, and gets its resource in its first message.
 */
export function runResourceWorker(open: OpenResource): void {
  startMark('scan worker modules loaded');
  const failed = (e: unknown) => {
    parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
  };
  const boot = workerData as ResourceWorkerData | PrestartData;
  if ('prestart' in boot) {
    parentPort!.once('message', (data: ResourceWorkerData) => {
      startMark(`application for ${data.resource} received`);
      main(data, open).catch(failed);
    });
  } else main(boot, open).catch(failed);
}

/**
 * Runs the resource in the one scan loop on the real or the virtual clock until its end or a
 * stop request, serves the main thread's requests (snapshots, writes) between steps, and
 * reports faults, variables and RETAIN values.
 */
async function main(data: ResourceWorkerData, open: OpenResource): Promise<void> {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const iec61499 = data.eventsBuffer !== undefined;
  const side = open(data, post);
  const attention = new Int32Array(data.controlBuffer);
  // in this thread, the scan thread: the main thread (I/O) keeps its policy
  if (data.realtime) post({ type: 'realtime', report: makeScanThreadRealtime(data.realtime) });
  startMark(`resource ${data.resource} ready`);
  post({ type: 'ready' });
  if (data.startGate) awaitStartGate(new Int32Array(data.startGate), attention);

  let stop: 'none' | 'stop' | 'kill' = 'none';
  // a request from the main thread; true: stop
  const onAttention = (): boolean => {
    const bits = Atomics.load(attention, 0);
    if (bits & ATTENTION_VARS) {
      Atomics.and(attention, 0, ~ATTENTION_VARS);
      post({ type: 'vars', vars: side.vars() });
    }
    // the bit is cleared before the port is drained: a write posted meanwhile sets it again
    if (bits & ATTENTION_WRITES) {
      Atomics.and(attention, 0, ~ATTENTION_WRITES);
      side.applyWrites?.();
    }
    if (bits & ATTENTION_RAW_VARS) {
      Atomics.and(attention, 0, ~ATTENTION_RAW_VARS);
      if (side.rawVars) post({ type: 'rawVars', vars: side.rawVars() });
    }
    if (bits & ATTENTION_RETAIN) {
      Atomics.and(attention, 0, ~ATTENTION_RETAIN);
      if (side.retainValues) post({ type: 'retain', values: side.retainValues() });
    }
    if (bits & ATTENTION_CHANGE) {
      Atomics.and(attention, 0, ~ATTENTION_CHANGE);
      side.applyChanges?.();
    }
    if (bits & ATTENTION_EVENT_PINS) {
      Atomics.and(attention, 0, ~ATTENTION_EVENT_PINS);
      side.countEvents?.(Atomics.load(attention, EVENT_PINS_WORD) === 1);
    }
    if (bits & ATTENTION_STOP) stop = bits & ATTENTION_KILL ? 'kill' : 'stop';
    return (bits & ATTENTION_STOP) !== 0;
  };

  const clock: ScanClock = data.clock === 'virtual' ? new VirtualClock() : new RealClock();
  // F_NOW on the virtual clock: a date and time that is the same on every run
  if (data.clock === 'virtual') useVirtualDateAndTime();
  // --cycles: of a 61131 resource, releases of its fastest task (a time); of an IEC 61499 one, wake-ups
  let untilNs = data.untilNs;
  const fastest = side.fastestIntervalNs;
  if (!iec61499 && data.cycles !== undefined && fastest !== undefined) untilNs = data.cycles * fastest;
  let releases = 0;
  try {
    side.work.begin(clock);
    const options = {
      untilNs,
      ...(iec61499 && data.cycles !== undefined ? { maxReleases: data.cycles } : {}),
      spinNs: data.spinNs,
      attention,
      onAttention,
      // a 61131 resource with nothing timed (every task stopped by a fault) has nothing more to
      // do on either clock; an IEC 61499 one waits for events from outside on the real clock,
      // but on the virtual clock nothing from outside can come: its run is over
      endWhenIdle: !iec61499 || data.clock === 'virtual',
    };
    // communication FBs need the worker's event loop for their sockets (real clock only)
    const sockets = side.resource61499 !== undefined && side.resource61499.usesEventLoop() && clock.kind === 'real';
    const work = startTracing() ? markFirstRelease(side.work, data.resource) : side.work;
    releases = sockets ? await runScanLoopYielding(work, clock, options) : runScanLoop(work, clock, options);
  } catch (e) {
    side.fault(e);
  }
  // made after the run: it then holds the functions the scans compiled, not only the top level
  const codeCache = side.codeCache?.();
  if (codeCache) parentPort!.postMessage({ type: 'codeCache', data: codeCache } satisfies WorkerMessage);
  // sockets of communication FBs would keep the worker alive
  side.resource61499?.dispose();
  const { vars, retained, faulted, persistent } = side.end(stop);
  post({ type: 'done', scans: releases, timeNs: clock.nowNs(), vars, retained, faulted, ...(persistent ? { persistent } : {}) });
  data.writePort?.close();
  data.changePort?.close();
}

/** Block until the engine opens the start gate, or asks this resource to stop meanwhile. */
function awaitStartGate(gate: Int32Array, attention: Int32Array): void {
  while (Atomics.load(gate, 0) === 0 && (Atomics.load(attention, 0) & ATTENTION_STOP) === 0) Atomics.wait(gate, 0, 0, 50);
}

/** The work as it is, but the end of its first release is marked (VPLC_START_TRACE=1 only: a call more per release). */
function markFirstRelease(work: Schedulable, resource: string): Schedulable {
  let first = true;
  return {
    get due() {
      return work.due;
    },
    begin: (clock) => work.begin(clock),
    plan: () => work.plan(),
    busy: () => work.busy(),
    release: (clock) => {
      const n = work.release(clock);
      if (first) {
        first = false;
        startMark(`first scan of ${resource} ended`);
      }
      return n;
    },
    resume: (clock) => work.resume(clock),
  };
}
