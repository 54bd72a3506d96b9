import { parentPort, workerData } from 'node:worker_threads';
import { createImageView } from '../process-image.js';
import { ImageExchange } from '../io/image-exchange.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import { ATTENTION_STOP, ATTENTION_VARS, TRACE_WORD, type ResourceWorkerData, type WorkerMessage } from './protocol.js';
import { TaskSupport } from '../support.js';
import { runRealtime } from './realtime-loop.js';
import { ResourceRunner } from './resource-runner.js';
import { captureRetain, restoreRetain } from './retain.js';
import { snapshotResource } from '../values.js';

/**
 * Entry of a resource's worker thread: builds the ResourceRunner over the shared metrics and
 * process image exchange, runs it on the real or the virtual clock until its end or a stop
 * request, and reports faults, variables and RETAIN values to the main thread.
 */
async function main(data: ResourceWorkerData): Promise<void> {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const app = data.app;
  const model = app.resources.find((r) => r.name === data.resource)!;
  const metrics = new ResourceMetrics(
    data.resource,
    model.tasks.map((t) => t.name),
    data.metricsBuffer,
  );
  const support = new TaskSupport();
  support.trace = new Int32Array(data.controlBuffer, TRACE_WORD * 4, 2);
  const runner = new ResourceRunner(app, data.resource, {
    support,
    image: createImageView(),
    exchange: new ImageExchange(data.exchangeBuffer),
    metrics,
    safeValues: data.safeValues,
    onFault: (fault) => post({ type: 'fault', fault }),
  });
  if (data.retained) restoreRetain(runner.instance, data.retained);
  const attention = new Int32Array(data.controlBuffer);
  const vars = () => snapshotResource(app, runner.model, runner.instance);
  post({ type: 'ready' });

  // a request from the main thread; true: stop
  const onAttention = (): boolean => {
    const bits = Atomics.load(attention, 0);
    if (bits & ATTENTION_VARS) {
      Atomics.and(attention, 0, ~ATTENTION_VARS);
      post({ type: 'vars', vars: vars() });
    }
    return (bits & ATTENTION_STOP) !== 0;
  };

  const s = runner.scheduler;
  const fastest = s.fastestTask;
  let scans = 0;
  if (data.clock === 'virtual') {
    const until = data.cycles !== undefined && fastest >= 0 ? data.cycles * s.intervalNs[fastest] : data.untilNs;
    // in slices, so that stop and snapshot requests are served while it runs flat out
    const slice = fastest >= 0 ? 256 * s.intervalNs[fastest] : 256_000_000;
    while (runner.timeNs < until && Number.isFinite(s.nextInstant())) {
      if (Atomics.load(attention, 0) !== 0 && onAttention()) break;
      scans += runner.runUntil(Math.min(runner.timeNs + slice, until)).releases;
    }
  } else {
    const until = data.cycles !== undefined && fastest >= 0 ? data.cycles * s.intervalNs[fastest] : data.untilNs;
    scans = runRealtime(runner, { untilNs: until, spinNs: data.spinNs, attention, onAttention });
  }
  const timeNs = data.clock === 'virtual' ? runner.timeNs : Number(process.hrtime.bigint() - runner.epochNs);
  const done: WorkerMessage = { type: 'done', scans, timeNs, vars: vars(), retained: captureRetain(app, model, runner.instance) };
  // the last scan wrote its outputs; a stopped PLC then leaves them at their safe values
  if (data.safeOnStop) runner.applySafeOutputs();
  post(done);
}

main(workerData as ResourceWorkerData).catch((e: unknown) => {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
});
