import { parentPort, workerData } from 'node:worker_threads';
import type { Application } from '../../compiler/application.js';
import { toFaultReport } from '../faults.js';
import { SystemRunner } from '../iec61499/system-runner.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import { EventCounters } from './event-counters.js';
import { resourceKey61499 } from './iec61499-resources.js';
import { runRealtime61499, runVirtual61499 } from './iec61499-loop.js';
import { ATTENTION_KILL, ATTENTION_STOP, ATTENTION_VARS, type ResourceWorkerData, type WorkerMessage } from './protocol.js';

/**
 * Entry of an IEC 61499 resource's worker thread: builds its one resource as SystemRunner does
 * (the application narrowed to this resource), starts it COLD and runs it on the real or the
 * virtual clock until its end, a stop (orderly: STOP event) or a kill (no STOP event). A fault
 * kills this resource only; the worker reports it and ends. Variables go to the main thread on
 * request and at the end, keyed as SystemRunner.snapshotVars keys them.
 */
function main(data: ResourceWorkerData): void {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const model = data.app.iec61499!;
  const net = model.resources.find((n) => resourceKey61499(data.app, n) === data.resource);
  if (!net) throw new Error(`no IEC 61499 resource ${data.resource}`);
  const app: Application = { ...data.app, iec61499: { ...model, resources: [net] } };
  const runner = new SystemRunner(app);
  const resource = runner.resources[0]!.resource;
  const metrics = new ResourceMetrics(data.resource, [data.resource], data.metricsBuffer);
  const counters = new EventCounters(data.resource, data.eventsBuffer);
  const attention = new Int32Array(data.controlBuffer);
  post({ type: 'ready' });

  let stopRequested = false;
  let killed = false;
  const onAttention = (): boolean => {
    const bits = Atomics.load(attention, 0);
    if (bits & ATTENTION_VARS) {
      Atomics.and(attention, 0, ~ATTENTION_VARS);
      post({ type: 'vars', vars: runner.snapshotVars() });
    }
    if (bits & ATTENTION_KILL) killed = true;
    stopRequested = (bits & ATTENTION_STOP) !== 0;
    return stopRequested;
  };

  const options = {
    untilNs: data.untilNs,
    ...(data.cycles !== undefined ? { wakeups: data.cycles } : {}),
    spinNs: data.spinNs,
    attention,
    onAttention,
    metrics,
    counters,
    // process-interface FBs (IX, QX…) work on resource.image; exchanged at each wake-up
    exchange: new ImageExchange(data.exchangeBuffer),
  };
  let wakeups = 0;
  let faulted = false;
  try {
    wakeups = data.clock === 'virtual' ? runVirtual61499(resource, options) : runRealtime61499(resource, options);
  } catch (e) {
    faulted = true;
    metrics.clearRunning();
    metrics.countFault(0);
    metrics.setFaulted(0, true);
    resource.kill();
    post({ type: 'fault', fault: toFaultReport(e, { resource: data.resource }) });
  }
  if (!faulted && stopRequested) {
    // asked to end: orderly (the STOP event and its chain) or killed (nothing more runs);
    // at the end of a duration the run just ends, as on the virtual clock
    try {
      if (killed) resource.kill();
      else resource.stop();
    } catch (e) {
      faulted = true;
      resource.kill();
      post({ type: 'fault', fault: toFaultReport(e, { resource: data.resource }) });
    }
  }
  const vars = runner.snapshotVars();
  post({ type: 'done', scans: wakeups, timeNs: resource.timeNs, vars, retained: { programs: {}, globals: {} }, faulted });
}

try {
  main(workerData as ResourceWorkerData);
} catch (e) {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
}
