import type { FbTypeDeclaration, InterfaceList, ResourceNetwork } from '../../../compiler/iec61499/model.js';
import type { Application } from '../../../compiler/application.js';
import { parseLiteral, LiteralError, normaliseInitial } from '../../../compiler/iec61499/literal.js';
import { Resource61499, ResourceError, SLICE_EVENTS } from '../resource.js';
import { SystemRunner } from '../system-runner.js';
import { toFaultReport, formatFault } from '../../faults.js';
import { RequestError, escapeXml, type ManagementRequest } from './request.js';
import type { TypeProvider } from './type-provider.js';
import { portText } from './port-text.js';
import { EventWatches } from './event-watch.js';
import { applyEdit, planEdit } from '../network-edit.js';
import type { DeviceRetain } from './device-retain.js';

/** How long a change waits for a running event chain to end before it is refused (ms). */
const CHAIN_END_WAIT_MS = 200;

/** What the last change of a running resource's network did. */
export interface NetworkChange {
  /** edited in place (else rebuilt and restarted COLD, and why) */
  inPlace: boolean;
  why?: string;
  kept: number;
  added: number;
  removed: number;
  /** time the executing resource was held for the change: compiled beforehand, applied between two chains */
  appliedMs: number;
  /** the whole request: compilation and application */
  totalMs: number;
}

interface Live { resource: Resource61499; epochNs: bigint; network: ResourceNetwork }

/** The FB every EMB_RES holds: its COLD, WARM and STOP events start the application. */
export const START_FB = { name: 'START', type: 'E_RESTART' } as const;

export type ManagedState = 'IDLE' | 'RUNNING' | 'STOPPED' | 'KILLED';

interface PortKinds { eventIn: boolean; eventOut: boolean; dataIn?: string; dataOut?: string; plug: boolean; socket: boolean }

/**
 * One resource of the device as the management protocol sees it: the declared network (FBs,
 * connections, parameters, the source of truth for boot files and rebuilds) and, once started,
 * the executing Resource61499 built from it. A request that changes the network of a running
 * resource edits the executing one in place, between two event chains: FBs and connections
 * that stay keep their state, timers and sockets.
 */
export class ManagedResource {
  readonly fbs = new Map<string, { type: string; decl: FbTypeDeclaration }>();
  readonly connections: { source: string; destination: string }[] = [];
  /** parameters written before/while deploying, by 'FB.PORT', in order of writing */
  readonly parameters = new Map<string, string>();
  /** watched data ports */
  readonly watches = new Set<string>();
  /** watched event ports: counts, as FORTE's monitoring shows them */
  readonly eventWatches = new EventWatches();
  /** FBs created while the resource ran: values written to them are their parameters */
  private readonly createdRunning = new Set<string>();
  /** forced data ports and their values (WRITE … force="true") */
  readonly forced = new Map<string, string>();
  state: ManagedState = 'IDLE';
  private live: Live | undefined;
  /** the last change of the network while it ran */
  lastChange: NetworkChange | undefined;

  constructor(
    readonly name: string,
    readonly type: string,
    private readonly types: TypeProvider,
    private readonly log: (message: string) => void,
    /** `vplc device --state-dir`: retained values saved, and restored at power-up */
    private readonly retain?: DeviceRetain,
  ) {
    const restart = types.fbType(START_FB.type);
    if (restart) this.fbs.set(START_FB.name, { type: START_FB.type, decl: restart });
  }

  get executing(): Resource61499 | undefined {
    return this.live?.resource;
  }

  /** The executing resource and the network it runs, for saving its retained values. */
  retainSource(): { resource: Resource61499; network: ResourceNetwork } | undefined {
    return this.live && this.state !== 'KILLED' ? { resource: this.live.resource, network: this.live.network } : undefined;
  }

  /** Network requests in the order that rebuilds it: FBs, connections, parameters. */
  networkRequests(): { action: 'CREATE' | 'WRITE'; xml: string }[] {
    const out: { action: 'CREATE' | 'WRITE'; xml: string }[] = [];
    for (const [name, fb] of this.fbs) {
      if (name === START_FB.name) continue;
      out.push({ action: 'CREATE', xml: `<FB Name="${escapeXml(name)}" Type="${escapeXml(fb.type)}" />` });
    }
    for (const c of this.connections) out.push({ action: 'CREATE', xml: `<Connection Source="${escapeXml(c.source)}" Destination="${escapeXml(c.destination)}" />` });
    for (const [target, value] of this.parameters) out.push({ action: 'WRITE', xml: `<Connection Source="${escapeXml(value)}" Destination="${escapeXml(target)}" />` });
    return out;
  }

  private bootText(): string {
    let id = 0;
    return this.networkRequests().map((r) => `${this.name};<Request ID="${++id}" Action="${r.action}">${r.xml}</Request>`).join('\n') + '\n';
  }

  // ------------------------------------------------------------------ requests

  /** Execute one request addressed to this resource; returns the response body, if any. */
  execute(req: ManagementRequest): string | undefined {
    const { id, action, object: o } = req;
    const fail = (reason: ConstructorParameters<typeof RequestError>[1], message: string): never => {
      throw new RequestError(id, reason, message);
    };
    switch (action) {
      case 'CREATE':
        if (o.kind === 'fb') return this.createFb(id, o.name, o.type);
        if (o.kind === 'connection') return this.createConnection(id, o.source, o.destination);
        if (o.kind === 'watch') return this.createWatch(id, o.source);
        return fail('UNSUPPORTED_CMD', 'CREATE applies to an FB, a Connection or a Watch');
      case 'DELETE':
        if (o.kind === 'fb') return this.deleteFb(id, o.name);
        if (o.kind === 'connection') return this.deleteConnection(id, o.source, o.destination);
        if (o.kind === 'watch') {
          if (!this.watches.delete(o.source) && !this.eventWatches.delete(o.source)) fail('NO_SUCH_OBJECT', `no watch on ${o.source}`);
          return undefined;
        }
        return fail('UNSUPPORTED_CMD', 'DELETE applies to an FB, a Connection or a Watch');
      case 'WRITE':
        if (o.kind !== 'connection') return fail('UNSUPPORTED_CMD', 'WRITE needs <Connection Source="value" Destination="FB.PORT"/>');
        if (o.force !== undefined) return this.force(id, o.source, o.destination, o.force);
        return this.write(id, o.source, o.destination);
      case 'READ':
        if (o.kind !== 'connection') return fail('UNSUPPORTED_CMD', 'READ needs <Connection Source="FB.PORT"/>');
        return `<Connection Source="${escapeXml(o.source)}" Destination="${escapeXml(this.readPort(id, o.source, true))}" />`;
      case 'START':
        if (o.kind === 'fb') return this.restartFb(id, o.name, 'COLD');
        this.start(id);
        return undefined;
      case 'STOP':
        if (o.kind === 'fb') return this.restartFb(id, o.name, 'STOP');
        this.stop(id);
        return undefined;
      case 'KILL':
        // as FORTE: only a running resource can be killed
        if (this.state !== 'RUNNING') return fail('INVALID_STATE', `resource ${this.name} is not running`);
        this.kill();
        return undefined;
      case 'RESET':
        this.reset(id);
        return undefined;
      case 'QUERY':
        return this.query(id, req);
    }
  }

  private createFb(id: string, name: string, type: string): undefined {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RequestError(id, 'INVALID_OBJECT', `'${name}' is not an FB name`);
    if (this.fbs.has(name)) throw new RequestError(id, 'INVALID_STATE', `FB ${name} already exists`);
    const decl = this.types.fbType(type);
    if (!decl || decl.kind === 'adapter') throw new RequestError(id, 'UNSUPPORTED_TYPE', `unknown FB type ${type}`);
    this.fbs.set(name, { type, decl });
    this.networkChanged(id, () => this.fbs.delete(name));
    if (this.state === 'RUNNING') this.createdRunning.add(name);
    return undefined;
  }

  private createConnection(id: string, source: string, destination: string): undefined {
    const s = this.portKinds(id, source);
    const d = this.portKinds(id, destination);
    const ok = (s.eventOut && d.eventIn) || (s.dataOut !== undefined && d.dataIn !== undefined) || (s.plug && d.socket);
    if (!ok) throw new RequestError(id, 'INVALID_OBJECT', `cannot connect ${source} to ${destination}`);
    if (this.connections.some((c) => c.source === source && c.destination === destination)) {
      throw new RequestError(id, 'INVALID_STATE', `${source} is already connected to ${destination}`);
    }
    if (d.dataIn !== undefined && this.connections.some((c) => c.destination === destination)) {
      throw new RequestError(id, 'INVALID_STATE', `${destination} already has a data connection`);
    }
    this.connections.push({ source, destination });
    this.networkChanged(id, () => this.connections.pop());
    return undefined;
  }

  private deleteFb(id: string, name: string): undefined {
    if (name === START_FB.name || !this.fbs.has(name)) throw new RequestError(id, 'NO_SUCH_OBJECT', `no FB ${name}`);
    const fbs = [...this.fbs];
    const connections = [...this.connections];
    const parameters = [...this.parameters];
    this.fbs.delete(name);
    this.createdRunning.delete(name);
    const mine = (ref: string) => ref.startsWith(`${name}.`);
    for (let k = this.connections.length - 1; k >= 0; k--) {
      const c = this.connections[k]!;
      if (mine(c.source) || mine(c.destination)) this.connections.splice(k, 1);
    }
    for (const p of [...this.parameters.keys()]) if (mine(p)) this.parameters.delete(p);
    for (const w of [...this.watches]) if (mine(w)) this.watches.delete(w);
    for (const w of this.eventWatches.ports) if (mine(w)) this.eventWatches.delete(w);
    for (const f of [...this.forced.keys()]) if (mine(f)) this.forced.delete(f);
    this.networkChanged(id, () => {
      // refused: the declaration is as it was
      this.fbs.clear();
      for (const [n, f] of fbs) this.fbs.set(n, f);
      this.connections.splice(0, this.connections.length, ...connections);
      this.parameters.clear();
      for (const [t, v] of parameters) this.parameters.set(t, v);
    });
    return undefined;
  }

  private deleteConnection(id: string, source: string, destination: string): undefined {
    const k = this.connections.findIndex((c) => c.source === source && c.destination === destination);
    if (k < 0) throw new RequestError(id, 'NO_SUCH_OBJECT', `no connection ${source} → ${destination}`);
    const [removed] = this.connections.splice(k, 1);
    this.networkChanged(id, () => this.connections.splice(k, 0, removed!));
    return undefined;
  }

  private createWatch(id: string, source: string): undefined {
    const k = this.portKinds(id, source);
    if (k.eventIn || k.eventOut) {
      this.guard(id, () => this.eventWatches.add(source));
      return undefined;
    }
    if (k.dataIn === undefined && k.dataOut === undefined) throw new RequestError(id, 'INVALID_OBJECT', `${source} is not a data port`);
    this.watches.add(source);
    return undefined;
  }

  private write(id: string, value: string, target: string): undefined {
    const k = this.portKinds(id, target);
    if (/^\$e$/i.test(value)) {
      if (!k.eventIn) throw new RequestError(id, 'INVALID_OBJECT', `${target} is not an event input`);
      const live = this.live;
      if (!live || this.state !== 'RUNNING') throw new RequestError(id, 'INVALID_STATE', `resource ${this.name} is not running`);
      this.eventWatches.fired(target);
      this.guard(id, () => live.resource.fireEvent(target));
      this.applyForced();
      return undefined;
    }
    // '$er' resets the count of a watched event
    if (/^\$er$/i.test(value)) {
      this.eventWatches.reset(target);
      return undefined;
    }
    if (k.dataIn === undefined) throw new RequestError(id, 'INVALID_OBJECT', `${target} is not a data input`);
    this.checkValue(id, target, k.dataIn, value);
    if (this.live) {
      const live = this.live;
      this.guard(id, () => live.resource.writeParameter(target, value));
    }
    // values written online are for the moment; the deployed parameters are those written before
    // START, and those of an FB created in the running resource (the IDE parameterises it so)
    if (this.state !== 'RUNNING' || this.createdRunning.has(target.slice(0, target.lastIndexOf('.')))) {
      this.parameters.delete(target);
      this.parameters.set(target, value);
    }
    return undefined;
  }

  /** A value FORTE cannot parse for the port's type is BAD_PARAMS. */
  private checkValue(id: string, target: string, type: string, value: string): void {
    if (/^ANY/i.test(type)) return;
    try {
      parseLiteral(type, normaliseInitial(type, value));
    } catch (e) {
      if (e instanceof LiteralError) throw new RequestError(id, 'BAD_PARAMS', `${target}: ${e.message}`);
      throw e;
    }
  }

  /**
   * `WRITE … force="true"`: the port takes the value now and again after every event chain
   * and clock step until `force="false"`, whatever the network writes to it meanwhile; watches
   * show it with forced="true". Inputs and outputs can be forced, as in FORTE.
   */
  private force(id: string, value: string, target: string, on: boolean): undefined {
    const k = this.portKinds(id, target);
    const type = k.dataIn ?? k.dataOut;
    if (type === undefined) throw new RequestError(id, 'INVALID_OBJECT', `${target} is not a data port`);
    if (!on) {
      this.forced.delete(target);
      return undefined;
    }
    this.checkValue(id, target, type, value);
    const live = this.live;
    if (live) this.guard(id, () => live.resource.writeParameter(target, value));
    this.forced.set(target, value);
    return undefined;
  }

  /** Forced values win over what the network computed. */
  private applyForced(): void {
    const live = this.live;
    if (!live || this.forced.size === 0) return;
    for (const [target, value] of this.forced) {
      try {
        live.resource.writeParameter(target, value);
      } catch {
        this.forced.delete(target); // the port went away with a rebuilt network
      }
    }
  }

  /** A port's current value as text (`read`: for READ, else for a watch). */
  readPort(id: string, ref: string, read = false): string {
    const k = this.portKinds(id, ref);
    const type = k.dataIn ?? k.dataOut;
    if (type === undefined) throw new RequestError(id, 'INVALID_OBJECT', `${ref} is not a data port`);
    const live = this.live;
    if (!live) throw new RequestError(id, 'INVALID_STATE', `resource ${this.name} has not been started`);
    let v: unknown;
    try {
      v = live.resource.read(ref);
    } catch (e) {
      if (e instanceof ResourceError) throw new RequestError(id, 'NO_SUCH_OBJECT', e.message);
      throw e;
    }
    return portText(type, this.liveType(ref) ?? type, v, read);
  }

  /** the concrete type of a port of the executing network (generic ports bound) */
  private liveType(ref: string): string | undefined {
    const dot = ref.lastIndexOf('.');
    const t = this.live?.resource.fbType(ref.slice(0, dot));
    const port = ref.slice(dot + 1);
    // a communication FB's RD that takes the type on the wire: the type of what it holds
    const held = (this.live?.resource.read(`${ref.slice(0, dot)}.$portTypes`) as Record<string, string> | undefined)?.[port];
    if (held) return held;
    const i = t?.interface;
    return i ? [...i.inputVars, ...i.outputVars, ...i.inOutVars].find((v) => v.name === port)?.type : undefined;
  }

  private start(id: string): void {
    if (this.state === 'RUNNING') throw new RequestError(id, 'INVALID_STATE', `resource ${this.name} is already running`);
    if (this.live && this.state === 'STOPPED') {
      const live = this.live;
      this.guard(id, () => live.resource.start('WARM'));
    } else {
      this.build(id);
      const live = this.live!;
      // at power-up, saved retained values come back and the resource starts WARM
      const warm = this.guard(id, () => this.retain?.restore(this.name, live.resource, live.network) ?? false);
      this.guard(id, () => live.resource.start(warm ? 'WARM' : 'COLD'));
    }
    this.state = 'RUNNING';
  }

  /** START/STOP of one FB (`<FB Name="X" Type="*"/>`) while the resource runs. */
  private restartFb(id: string, name: string, mode: 'COLD' | 'STOP'): undefined {
    if (!this.fbs.has(name)) throw new RequestError(id, 'NO_SUCH_OBJECT', `no FB ${name}`);
    const live = this.live;
    if (!live || this.state !== 'RUNNING') throw new RequestError(id, 'INVALID_STATE', `resource ${this.name} is not running`);
    this.guard(id, () => live.resource.restartFb(name, mode));
    return undefined;
  }

  private stop(id: string): void {
    if (this.state !== 'RUNNING' || !this.live) throw new RequestError(id, 'INVALID_STATE', `resource ${this.name} is not running`);
    const live = this.live;
    this.guard(id, () => live.resource.stop());
    this.state = 'STOPPED';
  }

  kill(): void {
    this.live?.resource.kill();
    if (this.state === 'RUNNING' || this.state === 'STOPPED') this.state = 'KILLED';
  }

  private reset(id: string): void {
    if (this.state === 'RUNNING') throw new RequestError(id, 'INVALID_STATE', `resource ${this.name} is running: stop or kill it first`);
    this.setLive(undefined);
    this.state = 'IDLE';
  }

  private query(id: string, req: ManagementRequest): string | undefined {
    const o = req.object;
    if (o.kind === 'fb') {
      if (o.name === '*') {
        // FORTE lists FBs with lower-case attributes
        return `<FBList>\n    ${[...this.fbs].map(([n, f]) => `<FB name="${escapeXml(n)}" type="${escapeXml(f.type)}" />`).join('\n    ')}\n  </FBList>`;
      }
      const fb = this.fbs.get(o.name);
      if (!fb) throw new RequestError(id, 'NO_SUCH_OBJECT', `no FB ${o.name}`);
      if (o.type === '*' || o.type === '') return `<FB Name="${escapeXml(o.name)}" Type="${escapeXml(fb.type)}" />`;
      if (o.type !== fb.type) throw new RequestError(id, 'NO_SUCH_OBJECT', `${o.name} is not a ${o.type}`);
      return `<FBStatus Status="${this.state === 'IDLE' ? 'IDLE' : this.state}" />`;
    }
    if (o.kind === 'connection') {
      const list = this.connections.filter((c) => (o.source === '*' || c.source === o.source) && (o.destination === '*' || o.destination === '' || c.destination === o.destination));
      if (o.source === '*' && (o.destination === '*' || o.destination === '')) {
        if (list.length === 0) return undefined;
        return `<EndpointList>\n    ${list.map((c) => `<Connection Source="${escapeXml(c.source)}" Destination="${escapeXml(c.destination)}" />`).join('\n    ')}\n  </EndpointList>`;
      }
      const ends = list.map((c) => (o.source === '*' ? c.source : c.destination));
      return `<EndpointList>\n    ${ends.map((e) => `<Endpoint Name="${escapeXml(e)}" />`).join('\n    ')}\n  </EndpointList>`;
    }
    throw new RequestError(id, 'UNSUPPORTED_CMD', 'a resource answers QUERY of FBs and connections');
  }

  // ------------------------------------------------------------------ watches and the clock

  /** `<Resource name=…><FB name=…><Port name=…><Data value=… forced="false"/></Port></FB></Resource>` */
  watchXml(): string {
    if (this.watches.size === 0 && this.eventWatches.ports.length === 0) return '';
    const byFb = new Map<string, string[]>();
    for (const w of this.watches) {
      const dot = w.lastIndexOf('.');
      const fb = w.slice(0, dot);
      let value: string;
      try {
        value = this.readPort('', w);
      } catch {
        continue; // not executing yet: nothing to show
      }
      const ports = byFb.get(fb) ?? [];
      ports.push(`<Port name="${escapeXml(w.slice(dot + 1))}"><Data value="${escapeXml(value)}" forced="${this.forced.has(w)}"/></Port>`);
      byFb.set(fb, ports);
    }
    // events: the count and the device time in ms, as FORTE reports them
    const time = Math.floor(performance.now());
    for (const w of this.eventWatches.ports) {
      const dot = w.lastIndexOf('.');
      const fb = w.slice(0, dot);
      const ports = byFb.get(fb) ?? [];
      ports.push(`<Port name="${escapeXml(w.slice(dot + 1))}"><Data value="${this.eventWatches.count(w)}" time="${time}"/>\n</Port>`);
      byFb.set(fb, ports);
    }
    const fbs = [...byFb].map(([fb, ports]) => `<FB name="${escapeXml(fb)}">${ports.join('')}</FB>`).join('');
    return `<Resource name="${escapeXml(this.name)}">${fbs}</Resource>`;
  }

  /**
   * Advance the executing network to the monotonic clock, then go on with a chain that yielded
   * for at most `budgetMs`; a fault kills this resource only. Returns true while a chain is
   * still running (the device calls again as soon as it has served its requests).
   */
  tick(nowNs: bigint, budgetMs: number): boolean {
    const live = this.live;
    // a stopped resource's clock goes on too: a restart must not replay the time it stood still
    if (!live) return false;
    const r = live.resource;
    try {
      const until = performance.now() + budgetMs;
      r.advanceTo(Number(nowNs - live.epochNs));
      this.applyForced();
      while (r.busy() && performance.now() < until) r.runChain();
      this.applyForced();
      return r.busy();
    } catch (e) {
      this.log(`resource ${this.name}: ${formatFault(toFaultReport(e, { resource: this.name }))}`);
      this.kill();
      return false;
    }
  }

  // ------------------------------------------------------------------ internals

  private portKinds(id: string, ref: string): PortKinds {
    const dot = ref.lastIndexOf('.');
    const fb = dot > 0 ? this.fbs.get(ref.slice(0, dot)) : undefined;
    if (!fb) throw new RequestError(id, 'NO_SUCH_OBJECT', `no FB in '${ref}'`);
    const port = ref.slice(dot + 1);
    const i: InterfaceList = fb.decl.interface;
    const k: PortKinds = {
      eventIn: i.eventInputs.some((e) => e.name === port),
      eventOut: i.eventOutputs.some((e) => e.name === port),
      plug: i.plugs.some((a) => a.name === port),
      socket: i.sockets.some((a) => a.name === port),
    };
    const input = [...i.inputVars, ...i.inOutVars].find((v) => v.name === port);
    const output = [...i.outputVars, ...i.inOutVars].find((v) => v.name === port);
    if (input) k.dataIn = input.type;
    if (output) k.dataOut = output.type;
    if (!k.eventIn && !k.eventOut && !k.plug && !k.socket && !input && !output) {
      throw new RequestError(id, 'NO_SUCH_OBJECT', `${fb.type} has no port ${port}`);
    }
    return k;
  }

  /**
   * A change of the declared network. A running resource is edited in place: the new network
   * is compiled first (when it does not compile, the change is undone and the old network goes
   * on), then, between two event chains, the executing resource loses the FBs and connections
   * that went and gains the new ones; the FBs that stay keep their data, ECC state, timers and
   * sockets, START is not fired again. A change the in-place edit cannot make (an adapter
   * connection between two remaining FBs removed) rebuilds the resource and restarts it COLD.
   * A stopped resource is rebuilt at its next START.
   */
  private networkChanged(id: string, undo: () => void): void {
    if (!this.live) return;
    if (this.state !== 'RUNNING') {
      this.setLive(undefined);
      this.state = 'IDLE';
      return;
    }
    const began = performance.now();
    const old = this.live;
    let app: Application | undefined;
    let next: ResourceNetwork;
    if (this.networkRequests().length === 0) {
      // nothing but START is left: there is nothing to compile, the FBs just go
      next = { ...old.network, fbs: old.network.fbs.filter((f) => f.name === START_FB.name), eventConnections: [], dataConnections: [], adapterConnections: [], parameters: [] };
    } else {
      try {
        app = this.compile(id);
      } catch (e) {
        undo();
        throw e;
      }
      next = app.iec61499!.resources[0]!;
    }
    const edit = planEdit(old.network, next);
    if (edit.notInPlace && app) {
      this.log(`resource ${this.name}: rebuilt and restarted COLD: ${edit.notInPlace}`);
      try {
        this.instantiate(id, app);
      } catch (e) {
        undo();
        this.setLive(old);
        throw e;
      }
      old.resource.kill();
      const live = this.live!;
      this.guard(id, () => live.resource.start('COLD'));
      const ms = performance.now() - began;
      this.lastChange = { inPlace: false, why: edit.notInPlace, kept: 0, added: next.fbs.length, removed: old.network.fbs.length, appliedMs: ms, totalMs: ms };
      return;
    }
    const r = old.resource;
    // never inside a chain: one that yielded runs to its end first
    const until = performance.now() + CHAIN_END_WAIT_MS;
    try {
      this.guard(id, () => {
        while (r.busy() && performance.now() < until) r.runChain();
      });
    } catch (e) {
      // the chain faulted (the resource is killed): the change is not made
      undo();
      throw e;
    }
    if (r.busy()) {
      undo();
      throw new RequestError(id, 'INVALID_STATE', `resource ${this.name}: an event chain is still running after ${CHAIN_END_WAIT_MS} ms; the change was not made`);
    }
    const applying = performance.now();
    try {
      this.guard(id, () => applyEdit(r, edit, app, next));
    } catch (e) {
      // half made: the old declaration is rebuilt (COLD) rather than left mixed
      undo();
      if (this.state === 'RUNNING') {
        this.log(`resource ${this.name}: the change could not be made in place (${e instanceof Error ? e.message : String(e)}); rebuilt and restarted COLD`);
        r.kill();
        try {
          this.build(id);
          const live = this.live!;
          this.guard(id, () => live.resource.start('COLD'));
        } catch {
          this.state = 'KILLED';
        }
      }
      throw e;
    }
    old.network = next;
    this.applyForced();
    const done = performance.now();
    this.lastChange = { inPlace: true, kept: edit.kept, added: edit.addedFbs.length, removed: edit.removedFbs.length, appliedMs: done - applying, totalMs: done - began };
  }

  /** Compile the declared network; its errors are the request's. */
  private compile(id: string): Application {
    const r = this.types.compile(this.name, this.bootText());
    if (!r.application?.iec61499?.resources[0]) {
      for (const e of r.errors) this.log(`resource ${this.name}: ${e}`);
      throw new RequestError(id, 'INVALID_OBJECT', r.errors[0] ?? 'the network does not compile');
    }
    return r.application;
  }

  /** Compile the declared network and build an executing resource from it. */
  private build(id: string): void {
    this.instantiate(id, this.compile(id));
  }

  /** An executing resource built from a compiled network. */
  private instantiate(id: string, app: Application): void {
    try {
      const runner = new SystemRunner(app);
      const built = runner.resources[0];
      if (!built) throw new RequestError(id, 'INVALID_OBJECT', 'the network does not compile to a resource');
      // chains yield every slice, so that an endless one leaves the device serving requests
      built.resource.sliceEvents = SLICE_EVENTS;
      this.setLive({ resource: built.resource, epochNs: process.hrtime.bigint(), network: built.network });
      this.applyForced();
    } catch (e) {
      if (e instanceof RequestError) throw e;
      throw new RequestError(id, 'INVALID_OBJECT', e instanceof Error ? e.message : String(e));
    }
  }

  /** The executing network changed: event watches probe the new one. */
  private setLive(live: Live | undefined): void {
    if (this.live === live) return;
    this.live = live;
    this.eventWatches.rebuilt(live?.resource);
  }

  /** Run an operation of the executing resource; its errors and faults become responses. */
  private guard<T>(id: string, op: () => T): T {
    try {
      return op();
    } catch (e) {
      if (e instanceof ResourceError) throw new RequestError(id, 'INVALID_OBJECT', e.message);
      this.log(`resource ${this.name}: ${formatFault(toFaultReport(e, { resource: this.name }))}`);
      this.kill();
      throw new RequestError(id, 'INVALID_STATE', `resource ${this.name} faulted`);
    }
  }
}
