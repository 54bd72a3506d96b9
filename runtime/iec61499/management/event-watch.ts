import type { RuntimeFbType } from '../../../compiler/iec61499/model.js';
import type { Resource61499 } from '../resource.js';

/** The runtime type of a probe: a TEST_CONDITION that counts every event it receives. */
export const EVENT_PROBE_TYPE = 'vplc$WATCH_PROBE';

/** Make the probe type known to the types of an executing network (once). */
export function addEventProbeType(types: Record<string, RuntimeFbType>): void {
  if (types[EVENT_PROBE_TYPE]) return;
  const events = { inputs: [{ name: 'REQ', with: [] }], outputs: [{ name: 'CNF', with: [] }] };
  types[EVENT_PROBE_TYPE] = {
    name: EVENT_PROBE_TYPE,
    baseType: 'TEST_CONDITION',
    implementation: { kind: 'native', nativeType: 'TEST_CONDITION' },
    interface: { eventInputs: events.inputs, eventOutputs: events.outputs, inputVars: [{ name: 'check', type: 'BOOL' }], outputVars: [], inOutVars: [], plugs: [], sockets: [] },
    internalVars: [],
    states: [],
    transitions: [],
    guardMethods: [],
    events,
    algorithms: [],
    adapters: [],
  };
}

/**
 * Event watches as FORTE keeps them: a count of the events that passed an event port (UDINT,
 * wrapping) and, when read, the device time in ms. An event output is counted by a probe FB
 * connected to it; an event input by probes on every event output connected to it, plus the
 * events fired at it from outside ($e). Counts survive a rebuild of the executing network.
 */
export class EventWatches {
  private readonly watches = new Map<string, { base: number; external: number; probes: string[] }>();
  private live: Resource61499 | undefined;
  private next = 0;

  has(port: string): boolean {
    return this.watches.has(port);
  }

  get ports(): string[] {
    return [...this.watches.keys()];
  }

  add(port: string, eventOutput: boolean, sourcesOf: (port: string) => string[]): void {
    if (this.watches.has(port)) return;
    this.watches.set(port, { base: 0, external: 0, probes: [] });
    if (this.live) this.attach(this.live, port, eventOutput, sourcesOf);
  }

  delete(port: string): boolean {
    return this.watches.delete(port);
  }

  /** `$e` written to a watched event input. */
  fired(port: string): void {
    const w = this.watches.get(port);
    if (w) w.external++;
  }

  /** `$er`: the count starts again from 0. */
  reset(port: string): void {
    const w = this.watches.get(port);
    if (w) w.base = -this.probeCount(w) - w.external;
  }

  count(port: string): number {
    const w = this.watches.get(port);
    return w ? (w.base + w.external + this.probeCount(w)) >>> 0 : 0;
  }

  /** A new executing network: keep what was counted so far, probe it afresh. */
  rebuilt(resource: Resource61499 | undefined, isEventOutput: (port: string) => boolean, sourcesOf: (port: string) => string[]): void {
    for (const w of this.watches.values()) {
      w.base += this.probeCount(w);
      w.probes = [];
    }
    this.live = resource;
    if (resource) for (const port of this.watches.keys()) this.attach(resource, port, isEventOutput(port), sourcesOf);
  }

  /** The same executing network was edited in place: its probes are made again, the counts go on. */
  reprobe(resource: Resource61499, isEventOutput: (port: string) => boolean, sourcesOf: (port: string) => string[]): void {
    for (const w of this.watches.values()) {
      w.base += this.probeCount(w);
      for (const p of w.probes) if (resource.fbNames().includes(p)) resource.deleteFb(p);
      w.probes = [];
    }
    for (const port of this.watches.keys()) this.attach(resource, port, isEventOutput(port), sourcesOf);
  }

  private attach(resource: Resource61499, port: string, eventOutput: boolean, sourcesOf: (port: string) => string[]): void {
    const w = this.watches.get(port)!;
    for (const source of eventOutput ? [port] : sourcesOf(port)) {
      const probe = `vplc$watch${this.next++}`;
      resource.createFb(probe, EVENT_PROBE_TYPE);
      resource.connect(source, `${probe}.REQ`);
      w.probes.push(probe);
    }
  }

  private probeCount(w: { probes: string[] }): number {
    const r = this.live;
    if (!r) return 0;
    let n = 0;
    for (const p of w.probes) n += Number(r.read(`${p}.passed`)) + Number(r.read(`${p}.failed`));
    return n;
  }
}
