import type { Application } from '../../compiler/application.js';
import type { ResourceNetwork } from '../../compiler/iec61499/model.js';
import { loadModule } from '../load.js';
import { toFaultReport, type FaultReport } from '../faults.js';
import { Resource61499 } from './resource.js';

export interface RunOutcome {
  /** resource time reached, ns */
  timeNs: number;
  /** events delivered, all resources */
  events: number;
  faults: FaultReport[];
  /** TEST_CONDITION / STEST_END verdicts */
  reports: { resource: string; fb: string; passed: boolean; detail: string }[];
}

/**
 * Runs every resource of an IEC 61499 application on the virtual clock: each resource is
 * built from its network (create, connect, parameters), started COLD, and its timers are
 * delivered in time order. A fault stops its resource only.
 */
export class SystemRunner {
  readonly resources: { key: string; resource: Resource61499; network: ResourceNetwork }[] = [];
  readonly faults: FaultReport[] = [];
  private started = false;

  constructor(readonly app: Application) {
    const model = app.iec61499;
    if (!model) throw new Error('not an IEC 61499 application');
    for (const net of model.resources) {
      const key = model.origin === 'sys' && net.device ? `${net.device}.${net.name}` : net.name;
      // one module per resource: its generated code reads this resource's clock
      let resource!: Resource61499;
      const support = {
        now: () => resource.timeNs,
        get timeNs() {
          return resource.timeNs;
        },
        fault: (...a: Parameters<Resource61499['support']['fault']>) => resource.support.fault(...a) };
      const module = loadModule(app, support);
      resource = new Resource61499(key, model.types, module.pous, app.pouTypes);
      for (const fb of net.fbs) resource.createFb(fb.name, fb.concreteType);
      for (const c of net.adapterConnections) resource.connectAdapter(`${c.plug.fb}.${c.plug.port}`, `${c.socket.fb}.${c.socket.port}`);
      for (const c of [...net.eventConnections, ...net.dataConnections]) resource.connect(`${c.source.fb}.${c.source.port}`, `${c.destination.fb}.${c.destination.port}`, c.convert);
      for (const p of net.parameters) resource.writeParameter(`${p.fb}.${p.port}`, p.value);
      this.resources.push({ key, resource, network: net });
    }
  }

  /** Start every resource (COLD) if not yet started, then run until the clock reaches untilNs. */
  runUntil(untilNs: number): RunOutcome {
    for (const r of this.resources) {
      try {
        if (!this.started) r.resource.start('COLD');
        r.resource.advanceTo(untilNs);
        // input blocks (IX…) report a change of the process image since the last look (IND)
        r.resource.pollInputs();
      } catch (e) {
        this.faults.push(toFaultReport(e, { resource: r.key }));
        r.resource.kill();
      }
    }
    this.started = true;
    return {
      timeNs: untilNs,
      events: this.resources.reduce((n, r) => n + r.resource.eventCount(), 0),
      faults: [...this.faults],
      reports: this.resources.flatMap((r) => r.resource.reports.map((x) => ({ resource: r.key, ...x }))),
    };
  }

  resource(key: string): Resource61499 | undefined {
    return this.resources.find((r) => r.key === key)?.resource;
  }

  /** Every FB variable, keyed Device.Resource.FB.Var (.sys) or Resource.FB.Var (.fboot). */
  /** The declared type of each variable snapshotVars() lists, by the same key. */
  snapshotTypes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.resources) {
      for (const [k, t] of Object.entries(r.resource.snapshotTypes())) out[`${r.key}.${k}`] = t;
    }
    return out;
  }

  snapshotVars(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of this.resources) {
      for (const [k, v] of Object.entries(r.resource.snapshot())) out[`${r.key}.${k}`] = v;
    }
    return out;
  }
}

/**
 * The part of a system that one device runs (`--device NAME`): the same application with the
 * resources of that device only, so that one .sys can be started once per host. A string:
 * why there is no such device.
 */
export function selectDevice(app: Application, device: string): Application | string {
  const model = app.iec61499;
  if (!model || model.origin !== 'sys') return '--device applies to an IEC 61499 system (.sys)';
  const resources = model.resources.filter((r) => r.device === device);
  if (resources.length === 0) {
    const names = [...new Set(model.resources.map((r) => r.device).filter((d): d is string => d !== undefined))];
    return `the system has no device ${device} (its devices: ${names.join(', ') || 'none'})`;
  }
  return { ...app, iec61499: { ...model, resources } };
}
