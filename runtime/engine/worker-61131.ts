import { receiveMessageOnPort } from 'node:worker_threads';
import type { Application, ResourceModel } from '../../compiler/application.js';
import { parseAddress } from '../../compiler/contract/address.js';
import { toFaultReport } from '../faults.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import { createImageView } from '../../compiler/contract/process-image.js';
import { TaskSupport } from '../support.js';
import { snapshotResource } from '../values.js';
import { TRACE_WORD, type ResourceWorkerData, type VariableWrite, type WorkerMessage } from './protocol.js';
import { ChangeAtRelease, swapProgram } from './online-change.js';
import { readLeaves, retainLeaves, type RetainLeaf } from '../state/retain-leaves.js';
import { RawVariables } from './raw-vars.js';
import { ResourceRunner } from './resource-runner.js';
import { captureRetain, restoreRetain } from './retain.js';
import { VariablePath } from './variable-path.js';
import { loadModuleCached } from '../load.js';
import { startMark } from '../start-trace.js';
import { applyChanges, type WorkerResource } from './worker-resources.js';

/** A 61131 resource: its ResourceRunner's task set. Faults are reported by the runner as they happen. */
export function open61131(data: ResourceWorkerData, post: (m: WorkerMessage) => void): WorkerResource {
  let app = data.app;
  const model = app.resources.find((r) => r.name === data.resource)!;
  const metrics = new ResourceMetrics(data.resource, model.tasks.map((t) => t.name), data.metricsBuffer);
  const support = new TaskSupport();
  support.trace = new Int32Array(data.controlBuffer, TRACE_WORD * 4, 2);
  // through V8's code cache when the main thread has one (or wants one made)
  const loaded = data.codeCache ? loadModuleCached(app, support, data.codeCache.data) : undefined;
  if (loaded) startMark(`generated code loaded, code cache ${loaded.cacheUsed ? 'used' : data.codeCache!.data ? 'rejected' : 'absent'}`);
  const runner = new ResourceRunner(app, data.resource, {
    ...(loaded ? { module: loaded.module } : {}),
    support,
    image: createImageView(),
    exchange: new ImageExchange(data.exchangeBuffer),
    metrics,
    safeValues: data.safeValues,
    onFault: (fault) => post({ type: 'fault', fault }),
  });
  if (data.retained) restoreRetain(runner.instance, data.retained);
  // built when first asked for, not at the start: resolving every path of a few hundred FB
  // instances costs tens of ms before the first scan, and `vplc run` never asks
  let raw: RawVariables | undefined;
  // paths written from outside, resolved once each
  const written = new Map<string, VariablePath>();
  let leaves: RetainLeaf[] | undefined;
  // walking every FB instance for RETAIN variables that no type declares costs ms at every end
  const retainedLeaves = () => (leaves ??= declaresRetain(app, runner.model) ? retainLeaves(app, runner.model) : []);
  const fastest = runner.scheduler.fastestTask;
  const work = new ChangeAtRelease(runner.tasks);
  return {
    work,
    ...(fastest >= 0 ? { fastestIntervalNs: runner.scheduler.intervalNs[fastest] } : {}),
    vars: () => snapshotResource(app, runner.model, runner.instance),
    rawVars: () => (raw ??= new RawVariables(app, runner.model, runner.instance)).snapshot(),
    applyWrites: () => {
      const port = data.writePort;
      if (!port) return;
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
        const w = m.message as VariableWrite;
        if (w.op === 'release') {
          if (w.path === '*') runner.forces.releaseAll();
          else runner.forces.release(w.path);
          continue;
        }
        if (w.op === 'force' && w.path.startsWith('%')) {
          const a = parseAddress(w.path);
          if (typeof a === 'string') post({ type: 'writeError', path: w.path, message: a });
          else runner.forces.forceAddress(a, w.value as boolean | number | bigint);
          continue;
        }
        let p = written.get(w.path);
        if (!p) {
          const r = VariablePath.resolve(app, runner.model, runner.instance, w.path);
          if (typeof r === 'string') {
            post({ type: 'writeError', path: w.path, message: r });
            continue;
          }
          written.set(w.path, (p = r));
        }
        if (w.op === 'force') runner.forces.forceVariable(w.path, p, w.value);
        else p.write(w.value);
      }
    },
    retainValues: () => readLeaves(retainedLeaves(), runner.instance),
    ...(loaded && !loaded.cacheUsed ? { codeCache: () => loaded.createCache() } : {}),
    applyChanges: () =>
      applyChanges(data.changePort, work, post, (change) => swapProgram(runner, change.app, data.clock === 'real'), (change, result) => {
        if (!result.ok) return;
        // everything bound to the old instance is bound anew
        app = change.app;
        raw = undefined;
        written.clear();
        leaves = undefined;
      }),
    fault: (e) => post({ type: 'fault', fault: toFaultReport(e, { resource: data.resource }) }),
    end: () => {
      const vars = snapshotResource(app, runner.model, runner.instance);
      const retained = captureRetain(app, runner.model, runner.instance);
      const persistent = readLeaves(retainedLeaves(), runner.instance);
      // the last scan wrote its outputs; a stopped PLC then leaves them at their safe values
      if (data.safeOnStop) runner.applySafeOutputs();
      return { vars, retained, faulted: false, persistent };
    },
  };
}

/** Whether a global or a variable of any POU type is RETAIN or PERSISTENT: without one, a resource has no retain leaves. */
function declaresRetain(app: Application, model: ResourceModel): boolean {
  for (const g of model.globals) if (g.retain !== undefined) return true;
  for (const name in app.pouTypes) for (const v of app.pouTypes[name]!.vars) if (v.retain !== undefined) return true;
  return false;
}
