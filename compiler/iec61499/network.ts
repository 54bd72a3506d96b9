import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic, type Code } from '../diagnostics/registry.js';
import type { SourceRange } from '../source.js';
import type { DataTypeDeclaration, EventDeclaration, FbTypeDeclaration, InterfaceList, ResourceNetwork, RuntimeFbType, VarDeclaration } from './model.js';
import type { TypeLibrary } from './library.js';
import type { ResourceDeclaration } from './system-reader.js';
import { adapterToSt, basicFbToSt, dataTypeToSt, guardMethod, type GeneratedSt } from './st-generate.js';
import { ELEMENTARY, expandedEvents, isGeneric } from './fb-interface.js';
import type { Report } from './network-graph.js';
import { flattenResource } from './flatten.js';
import { leafAdapterConnections, routeAdaptersThroughPins } from './route-adapters.js';
import { validateConnections } from './validate-connections.js';
import { routeData, routeEvents } from './route-connections.js';
import { checkTypes } from './check-types.js';

/** ST sources to compile, with the file each came from. */
export interface StUnit { path: string; st: GeneratedSt; key: string }

/**
 * Builds flat resource networks and the runtime FB types they use. build() runs the phases in
 * order, each in its own module with a typed result: flatten (composites and subapplications
 * expanded), route adapters through pins, validate connections, route events and data, connect
 * adapters between leaves, check types; then the runtime type of every leaf.
 */
export class NetworkBuilder {
  readonly types: Record<string, RuntimeFbType> = {};
  readonly dataTypes: Record<string, DataTypeDeclaration> = {};
  readonly units: StUnit[] = [];
  private readonly unitKeys = new Set<string>();
  private readonly report: Report;

  constructor(private readonly lib: TypeLibrary, diagnostics: Diagnostic[]) {
    this.report = (code, message, range, fallbackFile) =>
      diagnostics.push(diagnostic(code, message, range ?? { file: fallbackFile, line: 1, col: 1, endLine: 1, endCol: 1 }));
  }

  build(res: ResourceDeclaration, file: string): ResourceNetwork {
    const flat = flattenResource(this.lib, res, file, this.report);
    const leafAdapters = routeAdaptersThroughPins(this.lib, flat, file, this.report);
    const bad = validateConnections(this.lib, flat, file, this.report);
    const eventConnections = routeEvents(this.lib, flat, bad);
    const { dataConnections, parameters } = routeData(this.lib, flat, bad, res, file, this.report);
    const adapterConnections = leafAdapterConnections(flat, leafAdapters, file, this.report);
    checkTypes(this.lib, flat.leaves, dataConnections, parameters, file, this.report);

    const fbs = [...flat.leaves.values()].map((leaf) => {
      const concrete = this.runtimeType(leaf.decl, leaf.bindings, leaf.range, file);
      const inst: { name: string; type: string; concreteType: string; retain?: boolean; range?: SourceRange } = { name: leaf.path, type: leaf.decl.name, concreteType: concrete ?? leaf.decl.name };
      if (leaf.retain) inst.retain = true;
      if (leaf.range) inst.range = leaf.range;
      return inst;
    });
    const net: ResourceNetwork = { name: res.name, type: res.type, fbs, eventConnections, dataConnections, adapterConnections, parameters };
    if (res.device !== undefined) net.device = res.device;
    return net;
  }

  private error(code: Code, message: string, range: SourceRange | undefined, fallbackFile: string): void {
    this.report(code, message, range, fallbackFile);
  }

  private typeOfVar(bindings: Map<string, string>, file: string, decl: { kind: string } = { kind: 'basic' }) {
    return (v: VarDeclaration): string => {
      const t = isGeneric(v.type) ? bindings.get(v.name) ?? 'LREAL' : v.type;
      const up = t.toUpperCase();
      if (!ELEMENTARY.has(up) && !/^STRING\[|^WSTRING\[|^ADAPTER_/i.test(t) && !/^(TON|TOF|TP|CTU|CTD|CTUD|R_TRIG|F_TRIG|SR|RS)$/i.test(t)) {
        const dt = this.lib.dataType(t);
        if (!dt) this.error('E4004', `unknown data type ${t} of ${v.name}`, v.range, file);
        else this.addDataType(dt);
      }
      return t;
    };
  }

  private addDataType(dt: DataTypeDeclaration): void {
    const key = `data:${dt.name}`;
    if (this.unitKeys.has(key)) return;
    this.unitKeys.add(key);
    this.dataTypes[dt.name] = dt;
    this.units.push({ path: dt.file, st: dataTypeToSt(dt, this.typeOfVar(new Map(), dt.file)), key });
  }

  /** The runtime type of a leaf FB; its ST unit is generated once per concrete type. */
  runtimeType(decl: FbTypeDeclaration, bindings: Map<string, string>, range: SourceRange | undefined, file: string): string | undefined {
    // the generic ports are the same for every instance of a type: their types in port order name it
    const suffix = [...bindings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t).join('_');
    const name = suffix ? `${decl.name}__${suffix}` : decl.name;
    if (this.types[name]) return name;
    const events = expandedEvents(this.lib, decl);
    if (!events) {
      this.error('E4003', `an adapter type of ${decl.name} is unknown`, decl.range ?? range, decl.file);
      return undefined;
    }
    const typeOf = this.typeOfVar(withInternalBindings(decl, bindings), decl.file);
    const concreteVars = (vs: VarDeclaration[]): VarDeclaration[] => vs.map((v) => ({ ...v, type: isGeneric(v.type) ? bindings.get(v.name) ?? 'LREAL' : v.type }));
    const iface: InterfaceList = {
      ...decl.interface,
      inputVars: concreteVars(decl.interface.inputVars),
      outputVars: concreteVars(decl.interface.outputVars),
      inOutVars: concreteVars(decl.interface.inOutVars),
    };
    const adapters = [...decl.interface.plugs.map((a) => ({ a, plug: true })), ...decl.interface.sockets.map((a) => ({ a, plug: false }))].map(({ a, plug }) => {
      const at = this.lib.fbType(a.type)!;
      const key = `adapter:${at.name}`;
      if (!this.unitKeys.has(key)) {
        this.unitKeys.add(key);
        this.units.push({ path: at.file, st: adapterToSt(at, this.typeOfVar(new Map(), at.file)), key });
      }
      return { name: a.name, type: a.type, plug, interface: at.interface };
    });
    let implementation: RuntimeFbType['implementation'];
    const guards: string[] = [];
    const guardMethods: (string | undefined)[] = [];
    if (decl.kind === 'basic' || decl.kind === 'simple') {
      const stName = name.replace(/[^A-Za-z0-9_]/g, '_');
      implementation = decl.kind === 'basic' ? { kind: 'basic', stType: stName } : { kind: 'simple', stType: stName };
      this.checkEcc(decl, events);
      for (const t of decl.transitions) {
        if (t.guard === undefined) { guardMethods.push(undefined); continue; }
        let k = guards.indexOf(t.guard);
        if (k < 0) { k = guards.length; guards.push(t.guard); }
        guardMethods.push(guardMethod(k));
      }
      this.units.push({ path: decl.file, st: basicFbToSt(decl, stName, typeOf, guards), key: `fb:${name}` });
    } else if (decl.kind === 'service' && this.lib.isNative(decl.name)) {
      implementation = { kind: 'native', nativeType: decl.name };
    } else {
      this.error('E4013', `FB type ${decl.name} is a service interface FB without an implementation in vPLC`, range ?? decl.range, range ? file : decl.file);
      implementation = { kind: 'native', nativeType: decl.name };
    }
    this.types[name] = {
      name,
      baseType: decl.name,
      implementation,
      interface: iface,
      internalVars: decl.internalVars,
      states: decl.states,
      transitions: decl.transitions,
      guardMethods,
      events,
      algorithms: decl.algorithms.map((a) => a.name),
      adapters,
    };
    return name;
  }

  private checkEcc(decl: FbTypeDeclaration, events: { inputs: EventDeclaration[]; outputs: EventDeclaration[] }): void {
    if (decl.kind !== 'basic') return;
    const states = new Set(decl.states.map((s) => s.name));
    const algs = new Set(decl.algorithms.map((a) => a.name));
    const err = (msg: string, r?: SourceRange) => this.error('E4007', `${decl.name}: ${msg}`, r ?? decl.range, decl.file);
    if (decl.states.length === 0) err('the ECC has no states');
    for (const s of decl.states) {
      for (const a of s.actions) {
        if (a.algorithm && !algs.has(a.algorithm)) err(`state ${s.name} runs unknown algorithm ${a.algorithm}`, s.range);
        if (a.output && !events.outputs.some((e) => e.name === a.output)) err(`state ${s.name} sends unknown event ${a.output}`, s.range);
      }
    }
    for (const t of decl.transitions) {
      if (!states.has(t.source)) err(`transition from unknown state ${t.source}`, t.range);
      if (!states.has(t.destination)) err(`transition to unknown state ${t.destination}`, t.range);
      if (t.event !== undefined && !events.inputs.some((e) => e.name === t.event)) err(`transition on unknown event ${t.event}`, t.range);
    }
  }
}

/**
 * Generic internal variables of a built-in block (F_DIV's ZERO, F_MUX_2's DEFAULT) take the
 * type of an output of the same generic type, else of such an input.
 */
function withInternalBindings(decl: FbTypeDeclaration, bindings: Map<string, string>): Map<string, string> {
  const generic = decl.internalVars.filter((v) => isGeneric(v.type));
  if (generic.length === 0) return bindings;
  const all = new Map(bindings);
  const ports = [...decl.interface.outputVars, ...decl.interface.inputVars, ...decl.interface.inOutVars];
  for (const v of generic) {
    const port = ports.find((p) => p.type.toUpperCase() === v.type.toUpperCase() && bindings.has(p.name));
    if (port) all.set(v.name, bindings.get(port.name)!);
  }
  return all;
}
