import type { Application } from '../../compiler/application.js';
import { toFaultReport } from '../faults.js';
import { SystemRunner } from '../iec61499/system-runner.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { ResourceMetrics } from '../metrics/resource-metrics.js';
import { EventCounters } from './event-counters.js';
import { EventResource } from './event-resource.js';
import { resourceKey61499 } from './iec61499-resources.js';
import { EditBetweenChains, swapNetwork } from './network-change.js';
import type { ResourceWorkerData, WorkerMessage } from './protocol.js';
import { applyRestore61499, readLeaves61499, retainLeaves61499 } from '../state/retain-61499.js';
import { applyChanges, type WorkerResource } from './worker-resources.js';

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
