import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { createImageView } from '../../compiler/contract/process-image.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import {
  ATTENTION_RAW_VARS,
  ATTENTION_STOP,
  ATTENTION_VARS,
  ATTENTION_WRITES,
  TRACE_WORD,
  type ResourceWorkerData,
  type VariableWrite,
  type WorkerMessage,
} from './protocol.js';
import { RawVariables } from './raw-vars.js';
import { VariablePath } from './variable-path.js';
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
  const raw = new RawVariables(app, runner.model, runner.instance);
  // paths written from outside, resolved once each
  const written = new Map<string, VariablePath>();
  const applyWrites = () => {
    const port = data.writePort;
    if (!port) return;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const w = m.message as VariableWrite;
      let p = written.get(w.path);
      if (!p) {
        const r = VariablePath.resolve(app, runner.model, runner.instance, w.path);
        if (typeof r === 'string') {
          post({ type: 'writeError', path: w.path, message: r });
          continue;
        }
        written.set(w.path, (p = r));
      }
      p.write(w.value);
    }
  };
  post({ type: 'ready' });

  // a request from the main thread; true: stop
  const onAttention = (): boolean => {
    const bits = Atomics.load(attention, 0);
    if (bits & ATTENTION_VARS) {
      Atomics.and(attention, 0, ~ATTENTION_VARS);
      post({ type: 'vars', vars: vars() });
    }
    // the bit is cleared before the port is drained: a write posted meanwhile sets it again
    if (bits & ATTENTION_WRITES) {
      Atomics.and(attention, 0, ~ATTENTION_WRITES);
      applyWrites();
    }
    if (bits & ATTENTION_RAW_VARS) {
      Atomics.and(attention, 0, ~ATTENTION_RAW_VARS);
      post({ type: 'rawVars', vars: raw.snapshot() });
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
  data.writePort?.close();
}

main(workerData as ResourceWorkerData).catch((e: unknown) => {
  parentPort!.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
});
