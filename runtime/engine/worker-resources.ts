import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Application } from '../../compiler/application.js';
import { parseAddress } from '../../compiler/contract/address.js';
import { toFaultReport } from '../faults.js';
import { SystemRunner } from '../iec61499/system-runner.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import { createImageView } from '../../compiler/contract/process-image.js';
import { TaskSupport } from '../support.js';
import { snapshotResource } from '../values.js';
import { EventCounters } from './event-counters.js';
import { EventResource } from './event-resource.js';
import { resourceKey61499 } from './iec61499-resources.js';
import { EditBetweenChains, swapNetwork } from './network-change.js';
import type { Resource61499 } from '../iec61499/resource.js';
import { TRACE_WORD, type ProgramChange, type ResourceWorkerData, type VariableWrite, type WorkerMessage } from './protocol.js';
import { ChangeAtRelease, swapProgram, type ChangeResult } from './online-change.js';
import { readLeaves, retainLeaves } from '../state/retain-leaves.js';
import { applyRestore61499, readLeaves61499, retainLeaves61499 } from '../state/retain-61499.js';
import { RawVariables } from './raw-vars.js';
import { ResourceRunner } from './resource-runner.js';
import { captureRetain, restoreRetain, type RetainedValues } from './retain.js';
import type { Schedulable } from './scan-loop.js';
import { VariablePath } from './variable-path.js';

/**
 * What the worker entry (resource-worker.ts) needs of the resource it runs, whatever its kind:
 * the work the scan loop drives, snapshots and writes asked for by the main thread, and what
 * happens when the run ends or faults.
 */
export interface WorkerResource {
  readonly work: Schedulable;
  /** the IEC 61499 resource a 61499 worker runs (its sockets are served by the loop, disposed at the end) */
  readonly resource61499?: Resource61499;
  /** interval of the fastest cyclic task, if any (what --cycles counts for a 61131 resource) */
  readonly fastestIntervalNs?: number;
  /** variables for `vars` (keyed as the engine reports them) */
  vars(): Record<string, unknown>;
  /** flat raw values by dotted path; undefined: not offered */
  rawVars?(): Record<string, unknown>;
  /** drain variable writes posted by the main thread */
  applyWrites?(): void;
  /** the RETAIN and PERSISTENT values by path, for saving (61131 resources) */
  retainValues?(): Record<string, unknown>;
  /** apply the online changes waiting on the change port (61131 resources) */
  applyChanges?(): void;
  /** count IEC 61499 events per pin or stop (posts `eventPins`) */
  countEvents?(on: boolean): void;
  /** an exception out of the loop (an IEC 61499 fault): report it, the resource ends */
  fault(e: unknown): void;
  /** the run ended: asked to stop (orderly, or killed), or at its end; returns what `done` carries */
  end(stop: 'none' | 'stop' | 'kill'): { vars: Record<string, unknown>; retained: RetainedValues; faulted: boolean; persistent?: Record<string, unknown> };
}

/** A 61131 resource: its ResourceRunner's task set. Faults are reported by the runner as they happen. */
export function open61131(data: ResourceWorkerData, post: (m: WorkerMessage) => void): WorkerResource {
  let app = data.app;
  const model = app.resources.find((r) => r.name === data.resource)!;
  const metrics = new ResourceMetrics(data.resource, model.tasks.map((t) => t.name), data.metricsBuffer);
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
  let raw = new RawVariables(app, runner.model, runner.instance);
  // paths written from outside, resolved once each
  const written = new Map<string, VariablePath>();
  let leaves = retainLeaves(app, runner.model);
  const fastest = runner.scheduler.fastestTask;
  const work = new ChangeAtRelease(runner.tasks);
  return {
    work,
    ...(fastest >= 0 ? { fastestIntervalNs: runner.scheduler.intervalNs[fastest] } : {}),
    vars: () => snapshotResource(app, runner.model, runner.instance),
    rawVars: () => raw.snapshot(),
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
    retainValues: () => readLeaves(leaves, runner.instance),
    applyChanges: () =>
      applyChanges(data.changePort, work, post, (change) => swapProgram(runner, change.app, data.clock === 'real'), (change, result) => {
        if (!result.ok) return;
        // everything bound to the old instance is bound anew
        app = change.app;
        raw = new RawVariables(app, runner.model, runner.instance);
        written.clear();
        leaves = retainLeaves(app, runner.model);
      }),
    fault: (e) => post({ type: 'fault', fault: toFaultReport(e, { resource: data.resource }) }),
    end: () => {
      const vars = snapshotResource(app, runner.model, runner.instance);
      const retained = captureRetain(app, runner.model, runner.instance);
      const persistent = readLeaves(leaves, runner.instance);
      // the last scan wrote its outputs; a stopped PLC then leaves them at their safe values
      if (data.safeOnStop) runner.applySafeOutputs();
      return { vars, retained, faulted: false, persistent };
    },
  };
}

/**
 * An IEC 61499 resource, built as SystemRunner builds it (the application narrowed to this
 * resource). A fault kills this resource only. Variables are keyed as SystemRunner.snapshotVars keys them.
 */
export function open61499(data: ResourceWorkerData, post: (m: WorkerMessage) => void): WorkerResource {
  const model = data.app.iec61499!;
  const net = model.resources.find((n) => resourceKey61499(data.app, n) === data.resource);
  if (!net) throw new Error(`no IEC 61499 resource ${data.resource}`);
  const app: Application = { ...data.app, iec61499: { ...model, resources: [net] } };
  const runner = new SystemRunner(app);
  const resource = runner.resources[0]!.resource;
  // retained values (a saved generation, or a warm restart) go back before the WARM start
  let leaves = retainLeaves61499((fb) => model.types[fb.concreteType], net);
  let network = net;
  const restored = data.retained?.fbs;
  if (restored) applyRestore61499(resource, restored);
  const metrics = new ResourceMetrics(data.resource, [data.resource], data.metricsBuffer);
  const events = new EventResource(resource, {
    metrics,
    counters: new EventCounters(data.resource, data.eventsBuffer),
    // process-interface FBs (IX, QX…) work on resource.image; exchanged at each step
    exchange: new ImageExchange(data.exchangeBuffer),
    ...(data.chainWatchdogNs !== undefined ? { watchdogNs: data.chainWatchdogNs } : {}),
    ...(restored ? { restart: 'WARM' as const } : {}),
    locate: (fb) => {
      const r = network.fbs.find((f) => f.name === fb)?.range;
      return r && { file: r.file, line: r.line };
    },
  });
  let faulted = false;
  const fail = (e: unknown) => {
    faulted = true;
    metrics.clearRunning();
    metrics.countFault(0);
    metrics.setFaulted(0, true);
    resource.kill();
    post({ type: 'fault', fault: toFaultReport(e, { resource: data.resource }) });
  };
  // online changes are applied between two event chains
  const work = new EditBetweenChains(events);
  let counting = false;
  return {
    work,
    resource61499: resource,
    countEvents: (on) => {
      // answered even when unchanged: the main thread may have switched off and on meanwhile
      if (on !== counting) resource.countEvents(on);
      counting = on;
      const counts = resource.eventPinCounts();
      post(counts ? { type: 'eventPins', pins: [...counts.pins], buffer: counts.buffer } : { type: 'eventPins' });
    },
    vars: () => runner.snapshotVars(),
    // the same keys (Device.Resource.FB.Var or Resource.FB.Var), raw values (TIME in ns)
    rawVars: () => runner.snapshotVars(),
    retainValues: () => readLeaves61499(leaves, resource),
    applyChanges: () =>
      applyChanges(data.changePort, work, post, (change) => {
        const swapped = swapNetwork(resource, data.resource, network, change.app);
        if (swapped.network) {
          network = swapped.network;
          const types = change.app.iec61499!.types;
          leaves = retainLeaves61499((fb) => types[fb.concreteType] ?? resource.fbType(fb.name), network);
        }
        return swapped.result;
      }),
    fault: fail,
    end: (stop) => {
      // orderly (the STOP event and its chain) or killed (nothing more runs); at the end of a
      // duration the run just ends, as on the virtual clock
      if (!faulted && stop !== 'none') {
        try {
          if (stop === 'kill') resource.kill();
          else resource.stop();
        } catch (e) {
          fail(e);
        }
      }
      metrics.clearRunning();
      // after the STOP chain: what it did is part of the result
      if (leaves.length === 0) return { vars: runner.snapshotVars(), retained: { programs: {}, globals: {} }, faulted };
      const persistent = readLeaves61499(leaves, resource);
      return { vars: runner.snapshotVars(), retained: { programs: {}, globals: {}, fbs: persistent }, faulted, persistent };
    },
  };
}

/**
 * Each change waiting on the change port, applied by `swap` when `work` allows it (between
 * scans or event chains); a throw is a refused change. `rebind` follows a swap that returned,
 * then the result goes back to the main thread.
 */
function applyChanges(
  port: MessagePort | undefined,
  work: { schedule(edit: () => void): void },
  post: (m: WorkerMessage) => void,
  swap: (change: ProgramChange) => ChangeResult,
  rebind?: (change: ProgramChange, result: ChangeResult) => void,
): void {
  if (!port) return;
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const change = m.message as ProgramChange;
    work.schedule(() => {
      let result: ChangeResult;
      try {
        result = swap(change);
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      rebind?.(change, result);
      post({ type: 'changed', id: change.id, result });
    });
  }
}
