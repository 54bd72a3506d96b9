import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import type { SourceRange } from '../source.js';
import type {
  AdapterConnection, Connection, DataTypeDeclaration, EventDeclaration, FbNetworkDeclaration, FbTypeDeclaration,
  InterfaceList, Parameter, ResourceNetwork, RuntimeFbType, VarDeclaration,
} from './model.js';
import type { TypeLibrary } from './library.js';
import type { ResourceDeclaration } from './system-reader.js';
import { literalType, LiteralError, parseLiteral } from './literal.js';
import { isAggregateLiteral, parseAggregate, type ValueShape } from './aggregate-literal.js';
import { adapterToSt, basicFbToSt, dataTypeToSt, guardMethod, normaliseInitial, type GeneratedSt } from './st-generate.js';
import { NATIVE_INTERFACES } from '../contract/native-interface.js';

const ELEMENTARY = new Set([
  'BOOL', 'SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT', 'REAL', 'LREAL', 'BYTE', 'WORD', 'DWORD', 'LWORD',
  'TIME', 'LTIME', 'DATE', 'LDATE', 'TOD', 'LTOD', 'DT', 'LDT', 'CHAR', 'WCHAR', 'STRING', 'WSTRING',
  'TIME_OF_DAY', 'DATE_AND_TIME',
]);

export const isGeneric = (type: string): boolean => /^ANY/i.test(type);

const GENERIC_MEMBERS: Record<string, RegExp> = {
  ANY_INT: /^U?[SDL]?INT$/,
  ANY_REAL: /^L?REAL$/,
  ANY_NUM: /^(U?[SDL]?INT|L?REAL)$/,
  ANY_MAGNITUDE: /^(U?[SDL]?INT|L?REAL|L?TIME)$/,
  ANY_BIT: /^(BOOL|BYTE|[DL]?WORD)$/,
  ANY_STRING: /^W?STRING/,
  ANY_CHARS: /^(W?STRING|W?CHAR)/,
  ANY_DATE: /^(L?DATE|L?TOD|L?DT|TIME_OF_DAY|DATE_AND_TIME)$/,
};
/** The type an unconnected generic port takes when its FB's other ports are of another kind. */
const GENERIC_DEFAULT: Record<string, string> = { ANY_INT: 'DINT', ANY_REAL: 'LREAL', ANY_NUM: 'LREAL', ANY_BIT: 'DWORD', ANY_STRING: 'STRING' };
const genericAccepts = (generic: string, type: string): boolean => GENERIC_MEMBERS[generic]?.test(type.toUpperCase()) ?? true;

/** ST sources to compile, with the file each came from. */
export interface StUnit { path: string; st: GeneratedSt; key: string }

interface Leaf { path: string; decl: FbTypeDeclaration; range?: SourceRange; bindings: Map<string, string> }

/** Builds flat resource networks and the runtime FB types they use. */
export class NetworkBuilder {
  readonly types: Record<string, RuntimeFbType> = {};
  readonly dataTypes: Record<string, DataTypeDeclaration> = {};
  readonly units: StUnit[] = [];
  private readonly unitKeys = new Set<string>();

  constructor(private readonly lib: TypeLibrary, private readonly diagnostics: Diagnostic[]) {}

  private error(code: string, message: string, range: SourceRange | undefined, fallbackFile: string): void {
    this.diagnostics.push(diagnostic(code, message, range ?? { file: fallbackFile, line: 1, col: 1, endLine: 1, endCol: 1 }));
  }

  build(res: ResourceDeclaration, file: string): ResourceNetwork {
    const leaves = new Map<string, Leaf>();
    const pins = new Map<string, InterfaceList>();
    const edges = new Map<string, string[]>();
    const reverse = new Map<string, string>();
    const params = new Map<string, { value: string; range?: SourceRange }>();
    const adapterEdges: { a: string; b: string; range?: SourceRange }[] = [];
    const edgeRange = new Map<string, SourceRange | undefined>();

    const interfaceOf = (path: string): InterfaceList | undefined => leaves.get(path)?.decl.interface ?? pins.get(path);

    const addFb = (path: string, decl: FbTypeDeclaration, range?: SourceRange): void => {
      if (leaves.has(path) || pins.has(path)) {
        this.error('E4009', `FB ${path} is declared twice`, range, file);
        return;
      }
      if (decl.kind === 'composite' || decl.kind === 'subapp') {
        pins.set(path, decl.interface);
        expand(path, decl.network ?? { fbs: [], eventConnections: [], dataConnections: [], adapterConnections: [] }, decl.file);
      } else {
        const leaf: Leaf = { path, decl, bindings: new Map() };
        if (range) leaf.range = range;
        leaves.set(path, leaf);
      }
    };

    const expand = (prefix: string, net: FbNetworkDeclaration, netFile: string): void => {
      const local = new Set<string>();
      for (const fb of net.fbs) {
        const path = prefix ? `${prefix}.${fb.name}` : fb.name;
        local.add(fb.name);
        let decl: FbTypeDeclaration | undefined;
        if (fb.inlineSubApp) {
          decl = { name: fb.name, kind: 'subapp', file: netFile, interface: fb.inlineSubApp.interface, internalVars: [], states: [], transitions: [], algorithms: [], network: fb.inlineSubApp.network };
        } else {
          decl = this.lib.fbType(fb.type);
          if (!decl) {
            this.error('E4003', `unknown FB type ${fb.type} (FB ${path})`, fb.range, netFile);
            continue;
          }
          if (decl.kind === 'adapter') {
            this.error('E4003', `${fb.type} is an adapter type, not an FB type`, fb.range, netFile);
            continue;
          }
        }
        addFb(path, decl, fb.range);
        for (const p of fb.parameters) {
          const v: { value: string; range?: SourceRange } = { value: p.value };
          if (p.range) v.range = p.range;
          params.set(`${path}|${p.name}`, v);
        }
      }
      if (prefix === '' && leaves.has('START')) local.add('START');
      // an endpoint 'A.X' names inner FB A (possibly 'A.adp.X'); anything else is a pin of the enclosing FB
      const node = (end: string): string => {
        const parts = end.split('.');
        for (let cut = parts.length - 1; cut >= 1; cut--) {
          const name = parts.slice(0, cut).join('.');
          if (local.has(name)) return `${prefix ? `${prefix}.` : ''}${name}|${parts.slice(cut).join('.')}`;
        }
        return `${prefix}|${end}`;
      };
      const isAdapterEnd = (n: string): boolean => {
        const [path, port] = n.split('|') as [string, string];
        const i = interfaceOf(path);
        return !!i && [...i.plugs, ...i.sockets].some((a) => a.name === port);
      };
      for (const c of [...net.eventConnections, ...net.dataConnections]) {
        const s = node(c.source);
        const d = node(c.destination);
        if (isAdapterEnd(s) && isAdapterEnd(d)) {
          // boot files list adapter connections among the others
          const e: { a: string; b: string; range?: SourceRange } = { a: s, b: d };
          if (c.range) e.range = c.range;
          adapterEdges.push(e);
          continue;
        }
        if (!edges.has(s)) edges.set(s, []);
        edges.get(s)!.push(d);
        if (reverse.has(d) && !net.eventConnections.includes(c)) {
          this.error('E4005', `data input ${c.destination} has more than one connection`, c.range, netFile);
        }
        reverse.set(d, s);
        edgeRange.set(`${s}>${d}`, c.range);
      }
      for (const c of net.adapterConnections) {
        const e: { a: string; b: string; range?: SourceRange } = { a: node(c.source), b: node(c.destination) };
        if (c.range) e.range = c.range;
        adapterEdges.push(e);
      }
    };

    if (/^EMB_RES$/i.test(res.type) || res.type === '') {
      const restart = this.lib.fbType('E_RESTART');
      if (restart) addFb('START', restart);
    }
    expand('', res.network, file);
    const leafAdapterEdges = this.routeAdaptersThroughPins(adapterEdges, leaves, pins, edges, reverse, edgeRange, file);

    // validate every edge end against the interfaces
    const hasPort = (n: string): 'event-in' | 'event-out' | 'data-in' | 'data-out' | 'data-inout' | 'pin' | undefined => {
      const [path, port] = n.split('|') as [string, string];
      const leaf = leaves.get(path);
      if (leaf) {
        const ev = this.expandedEvents(leaf.decl);
        if (ev && ev.inputs.some((e) => e.name === port)) return 'event-in';
        if (ev && ev.outputs.some((e) => e.name === port)) return 'event-out';
        const i = leaf.decl.interface;
        // an InOut is both: its input side takes a connection, its output side passes the value on
        if (i.inOutVars.some((v) => v.name === port)) return 'data-inout';
        if (i.inputVars.some((v) => v.name === port)) return 'data-in';
        if (i.outputVars.some((v) => v.name === port)) return 'data-out';
        const ad = this.adapterData(leaf.decl);
        if (ad.inputs.includes(port)) return 'data-in';
        if (ad.outputs.includes(port)) return 'data-out';
        return undefined;
      }
      const pin = pins.get(path);
      if (pin) {
        const i = pin;
        const names = [...i.eventInputs, ...i.eventOutputs, ...i.inputVars, ...i.outputVars, ...i.inOutVars].map((x) => x.name);
        for (const a of [...i.plugs, ...i.sockets]) {
          const at = this.lib.fbType(a.type);
          if (at) for (const x of [...at.interface.eventInputs, ...at.interface.eventOutputs, ...at.interface.inputVars, ...at.interface.outputVars]) names.push(`${a.name}.${x.name}`);
        }
        return names.includes(port) ? 'pin' : undefined;
      }
      return undefined;
    };
    const bad = new Set<string>();
    for (const [s, ds] of edges) {
      for (const d of ds) {
        const sk = hasPort(s);
        const dk = hasPort(d);
        const show = (n: string) => n.replace('|', '.').replace(/^\./, '');
        const r = edgeRange.get(`${s}>${d}`);
        if (!sk || !dk) {
          this.error('E4005', `connection ${show(s)} → ${show(d)}: ${!sk ? show(s) : show(d)} does not exist`, r, file);
          bad.add(`${s}>${d}`);
        } else if ((sk === 'event-in' || sk === 'data-in') || (dk === 'event-out' || dk === 'data-out') ||
          (sk === 'event-out' && (dk === 'data-in' || dk === 'data-inout')) || ((sk === 'data-out' || sk === 'data-inout') && dk === 'event-in')) {
          this.error('E4005', `connection ${show(s)} → ${show(d)} joins incompatible ports`, r, file);
          bad.add(`${s}>${d}`);
        }
      }
    }

    // event connections: from each leaf output through composite pins to leaf inputs
    const eventConnections: Connection[] = [];
    for (const leaf of leaves.values()) {
      const ev = this.expandedEvents(leaf.decl);
      if (!ev) continue;
      for (const eo of ev.outputs) {
        const start = `${leaf.path}|${eo.name}`;
        const seen = new Set<string>();
        const walk = (n: string, firstRange: SourceRange | undefined): void => {
          for (const d of edges.get(n) ?? []) {
            if (bad.has(`${n}>${d}`) || seen.has(d)) continue;
            seen.add(d);
            const r = firstRange ?? edgeRange.get(`${n}>${d}`);
            const [p, port] = d.split('|') as [string, string];
            if (leaves.has(p)) {
              const c: Connection = { source: { fb: leaf.path, port: eo.name }, destination: { fb: p, port } };
              if (r) c.range = r;
              eventConnections.push(c);
            } else walk(d, r);
          }
        };
        walk(start, undefined);
      }
    }

    // data connections and parameters: from each leaf input back to a leaf output or a pin's parameter
    const dataConnections: Connection[] = [];
    const parameters: Parameter[] = [];
    for (const leaf of leaves.values()) {
      const adapterInputs = this.adapterData(leaf.decl).inputs.map((name) => ({ name }));
      for (const v of [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars, ...adapterInputs]) {
        let n = `${leaf.path}|${v.name}`;
        const direct = params.get(n);
        if (direct) {
          const p: Parameter = { fb: leaf.path, port: v.name, value: direct.value };
          if (direct.range) p.range = direct.range;
          parameters.push(p);
        }
        // the connection is reported where it reaches this input (the user's level of the network)
        let firstRange: SourceRange | undefined;
        for (let hops = 0; hops < 64; hops++) {
          const s = reverse.get(n);
          if (!s || bad.has(`${s}>${n}`)) break;
          firstRange ??= edgeRange.get(`${s}>${n}`);
          const [p, port] = s.split('|') as [string, string];
          if (leaves.has(p)) {
            const c: Connection = { source: { fb: p, port }, destination: { fb: leaf.path, port: v.name } };
            const r = firstRange;
            if (r) c.range = r;
            dataConnections.push(c);
            break;
          }
          const pv = params.get(s);
          if (pv) {
            const prm: Parameter = { fb: leaf.path, port: v.name, value: pv.value };
            if (pv.range) prm.range = pv.range;
            parameters.push(prm);
          }
          n = s;
        }
      }
    }
    for (const pr of res.parameters) {
      const dot = pr.name.lastIndexOf('.');
      const fb = pr.name.slice(0, dot);
      const port = pr.name.slice(dot + 1);
      const leaf = leaves.get(fb);
      if (!leaf || ![...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars].some((v) => v.name === port)) {
        this.error('E4012', `${pr.name} is not a data input of an FB`, pr.range, file);
        continue;
      }
      const p: Parameter = { fb, port, value: pr.value };
      if (pr.range) p.range = pr.range;
      parameters.push(p);
    }

    // adapters: plug and socket of two leaves
    const adapterConnections: AdapterConnection[] = [];
    for (const e of leafAdapterEdges) {
      const [pa, pn] = e.a.split('|') as [string, string];
      const [sa, sn] = e.b.split('|') as [string, string];
      const pl = leaves.get(pa);
      const sl = leaves.get(sa);
      if (!pl || !sl) {
        this.error('E4013', 'adapter connections through composite or subapplication pins are not supported', e.range, file);
        continue;
      }
      const plug = pl.decl.interface.plugs.find((x) => x.name === pn);
      const sock = sl.decl.interface.sockets.find((x) => x.name === sn);
      if (!plug || !sock) {
        this.error('E4005', `adapter connection ${pa}.${pn} → ${sa}.${sn}: expected a plug and a socket`, e.range, file);
        continue;
      }
      if (plug.type !== sock.type) {
        this.error('E4006', `adapter connection joins ${plug.type} and ${sock.type}`, e.range, file);
        continue;
      }
      const ac: AdapterConnection = { plug: { fb: pa, port: pn }, socket: { fb: sa, port: sn } };
      if (e.range) ac.range = e.range;
      adapterConnections.push(ac);
    }

    this.bindGenerics(leaves, dataConnections, parameters, file);
    this.checkParameters(leaves, parameters, file);

    // type check data connections
    const concreteType = (fb: string, port: string): string | undefined => {
      const leaf = leaves.get(fb)!;
      const v = [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars, ...leaf.decl.interface.outputVars].find((x) => x.name === port);
      if (!v) return undefined;
      const t = (isGeneric(v.type) ? leaf.bindings.get(v.type.toUpperCase()) : v.type)?.toUpperCase();
      return t === 'TIME_OF_DAY' ? 'TOD' : t === 'DATE_AND_TIME' ? 'DT' : t;
    };
    for (const c of dataConnections) {
      const a = concreteType(c.source.fb, c.source.port);
      const b = concreteType(c.destination.fb, c.destination.port);
      if (a && b && a !== b) {
        this.error('E4006', `data connection ${c.source.fb}.${c.source.port} (${a}) → ${c.destination.fb}.${c.destination.port} (${b}): types differ`, c.range, file);
      }
    }

    const fbs = [...leaves.values()].map((leaf) => {
      const concrete = this.runtimeType(leaf.decl, leaf.bindings, leaf.range, file);
      const inst: { name: string; type: string; concreteType: string; range?: SourceRange } = { name: leaf.path, type: leaf.decl.name, concreteType: concrete ?? leaf.decl.name };
      if (leaf.range) inst.range = leaf.range;
      return inst;
    });
    const net: ResourceNetwork = { name: res.name, type: res.type, fbs, eventConnections, dataConnections, adapterConnections, parameters };
    if (res.device !== undefined) net.device = res.device;
    return net;
  }

  /** Generic ports take the type of what they connect to, or of a typed literal parameter. */
  private bindGenerics(leaves: Map<string, Leaf>, conns: Connection[], params: Parameter[], file: string): void {
    const portType = (fb: string, port: string): { generic: boolean; type: string } | undefined => {
      const leaf = leaves.get(fb);
      const v = leaf && [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars, ...leaf.decl.interface.outputVars].find((x) => x.name === port);
      if (!leaf || !v) return undefined;
      if (!isGeneric(v.type)) return { generic: false, type: v.type.toUpperCase() };
      const b = leaf.bindings.get(v.type.toUpperCase());
      return b ? { generic: false, type: b } : { generic: true, type: v.type.toUpperCase() };
    };
    for (const p of params) {
      const pt = portType(p.fb, p.port);
      const lt = literalType(p.value);
      if (pt?.generic && lt) leaves.get(p.fb)!.bindings.set(pt.type, lt);
    }
    for (let round = 0; round < 32; round++) {
      let changed = false;
      for (const c of conns) {
        const a = portType(c.source.fb, c.source.port);
        const b = portType(c.destination.fb, c.destination.port);
        if (!a || !b) continue;
        if (a.generic && !b.generic) { leaves.get(c.source.fb)!.bindings.set(a.type, b.type); changed = true; }
        else if (b.generic && !a.generic) { leaves.get(c.destination.fb)!.bindings.set(b.type, a.type); changed = true; }
      }
      if (!changed) break;
    }
    for (const leaf of leaves.values()) {
      const i = leaf.decl.interface;
      // an unbound group follows a bound one (F_MOD: OUT ANY_NUM takes IN1's ANY_INT binding)
      // unless the bound type is not of its kind (F_LEN: OUT ANY_INT beside IN ANY_STRING): then the kind's default
      const first = [...leaf.bindings.values()][0];
      if (first) for (const v of [...i.inputVars, ...i.inOutVars, ...i.outputVars]) {
        const g = v.type.toUpperCase();
        if (isGeneric(g) && !leaf.bindings.has(g)) leaf.bindings.set(g, genericAccepts(g, first) ? first : GENERIC_DEFAULT[g] ?? first);
      }
      for (const v of [...i.inputVars, ...i.inOutVars, ...i.outputVars]) {
        if (isGeneric(v.type) && !leaf.bindings.has(v.type.toUpperCase())) {
          this.error('E4011', `FB ${leaf.path}: the type of ${v.name} (${v.type}) cannot be determined`, leaf.range, file);
          leaf.bindings.set(v.type.toUpperCase(), 'LREAL');
        }
      }
    }
  }

  /**
   * Parameter values are parsed here, against the port's concrete type, so that an
   * out-of-range integer, a bad date or a malformed struct literal is reported with the line of
   * the .sys/.fboot that wrote it rather than when the runner applies it.
   */
  private checkParameters(leaves: Map<string, Leaf>, params: Parameter[], file: string): void {
    for (const p of params) {
      const leaf = leaves.get(p.fb);
      const v = leaf && [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars].find((x) => x.name === p.port);
      if (!leaf || !v) continue;
      const type = isGeneric(v.type) ? leaf.bindings.get(v.type.toUpperCase()) ?? v.type : v.type;
      const shape = this.shapeOf(type, v.arraySize, 0);
      if (!shape) continue;
      try {
        if (shape.kind === 'elementary') parseLiteral(shape.type, normaliseInitial(shape.type, p.value));
        else if (!isAggregateLiteral(p.value)) {
          throw new LiteralError(`'${p.value}' is not ${shape.kind === 'struct' ? `a ${shape.name} value such as (field:=value, …)` : 'an array value such as [1, 2]'}`);
        } else parseAggregate(shape, p.value);
      } catch (e) {
        if (!(e instanceof LiteralError)) throw e;
        this.error('E4012', `invalid parameter ${p.fb}.${p.port} (${type}): ${e.message}`, p.range, file);
      }
    }
  }

  /** The shape of a declared type: elementary, a .dtp struct (recursively) or an array; undefined when unknown. */
  private shapeOf(type: string, arraySize: string | undefined, depth: number): ValueShape | undefined {
    if (depth > 16) return undefined;
    if (arraySize) {
      const s = arraySize.trim();
      const m = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(s);
      const length = m ? Number(m[2]) - Number(m[1]) + 1 : Number(s);
      const element = this.shapeOf(type, undefined, depth + 1);
      return element && Number.isInteger(length) && length > 0 ? { kind: 'array', length, element } : undefined;
    }
    const up = type.toUpperCase();
    if (ELEMENTARY.has(up) || /^W?STRING\s*\[/.test(up)) return { kind: 'elementary', type: up };
    const dt = this.lib.dataType(type);
    if (!dt) return undefined;
    const fields: { name: string; shape: ValueShape }[] = [];
    for (const f of dt.fields) {
      const shape = this.shapeOf(f.type, f.arraySize, depth + 1);
      if (!shape) return undefined;
      fields.push({ name: f.name, shape });
    }
    return { kind: 'struct', name: dt.name, fields };
  }

  /**
   * The data an FB exchanges through its adapters, as 'adp.VAR': inputs are what the other side
   * writes (a plug's adapter input vars, a socket's adapter output vars), outputs the rest.
   */
  adapterData(decl: FbTypeDeclaration): { inputs: string[]; outputs: string[] } {
    const inputs: string[] = [];
    const outputs: string[] = [];
    for (const [list, plug] of [[decl.interface.plugs, true], [decl.interface.sockets, false]] as const) {
      for (const a of list) {
        const at = this.lib.fbType(a.type);
        if (!at) continue;
        for (const v of at.interface.inputVars) (plug ? inputs : outputs).push(`${a.name}.${v.name}`);
        for (const v of at.interface.outputVars) (plug ? outputs : inputs).push(`${a.name}.${v.name}`);
      }
    }
    return { inputs, outputs };
  }

  /**
   * Adapter connections that end on a composite's or subapplication's adapter pin are split
   * into one event or data connection per element of the adapter type (plug → socket for its
   * outputs, socket → plug for its inputs), so that they chain with the connections inside or
   * outside the composite like any pin (4diac's E_TimeOut wires its socket's START to an
   * E_DELAY). Adapter connections between two leaves are returned unchanged.
   */
  private routeAdaptersThroughPins(
    adapterEdges: { a: string; b: string; range?: SourceRange }[],
    leaves: Map<string, Leaf>,
    pins: Map<string, InterfaceList>,
    edges: Map<string, string[]>,
    reverse: Map<string, string>,
    edgeRange: Map<string, SourceRange | undefined>,
    file: string,
  ): { a: string; b: string; range?: SourceRange }[] {
    const direct: { a: string; b: string; range?: SourceRange }[] = [];
    // which side of the adapter a connection end plays, and the adapter type
    const role = (n: string, other: string): { plug: boolean; type: string } | undefined => {
      const [path, port] = n.split('|') as [string, string];
      const i = leaves.get(path)?.decl.interface ?? pins.get(path);
      if (!i) return undefined;
      const plug = i.plugs.find((a) => a.name === port);
      const sock = i.sockets.find((a) => a.name === port);
      const decl = plug ?? sock;
      if (!decl) return undefined;
      // seen from inside a composite, its socket pin acts as a plug and its plug pin as a socket
      const inside = pins.has(path) && other.startsWith(`${path}.`);
      return { plug: !!plug !== inside, type: decl.type };
    };
    const link = (s: string, d: string, range: SourceRange | undefined): void => {
      if (!edges.has(s)) edges.set(s, []);
      edges.get(s)!.push(d);
      edgeRange.set(`${s}>${d}`, range);
    };
    for (const e of adapterEdges) {
      const [pa] = e.a.split('|') as [string, string];
      const [pb] = e.b.split('|') as [string, string];
      if (leaves.has(pa) && leaves.has(pb)) { direct.push(e); continue; }
      const ra = role(e.a, e.b);
      const rb = role(e.b, e.a);
      if (!ra || !rb || ra.plug === rb.plug) {
        this.error('E4005', `adapter connection ${e.a.replace('|', '.')} → ${e.b.replace('|', '.')}: expected a plug and a socket`, e.range, file);
        continue;
      }
      if (ra.type !== rb.type) {
        this.error('E4006', `adapter connection joins ${ra.type} and ${rb.type}`, e.range, file);
        continue;
      }
      const at = this.lib.fbType(ra.type);
      if (!at) continue;
      const [plug, sock] = ra.plug ? [e.a, e.b] : [e.b, e.a];
      const ai = at.interface;
      for (const x of ai.eventOutputs) link(`${plug}.${x.name}`, `${sock}.${x.name}`, e.range);
      for (const x of ai.eventInputs) link(`${sock}.${x.name}`, `${plug}.${x.name}`, e.range);
      for (const x of ai.outputVars) { link(`${plug}.${x.name}`, `${sock}.${x.name}`, e.range); reverse.set(`${sock}.${x.name}`, `${plug}.${x.name}`); }
      for (const x of ai.inputVars) { link(`${sock}.${x.name}`, `${plug}.${x.name}`, e.range); reverse.set(`${plug}.${x.name}`, `${sock}.${x.name}`); }
    }
    return direct;
  }

  /** Events as the dispatcher numbers them, adapters included; undefined when an adapter type is missing. */
  expandedEvents(decl: FbTypeDeclaration): { inputs: EventDeclaration[]; outputs: EventDeclaration[] } | undefined {
    const inputs = [...decl.interface.eventInputs];
    const outputs = [...decl.interface.eventOutputs];
    for (const [list, plug] of [[decl.interface.plugs, true], [decl.interface.sockets, false]] as const) {
      for (const a of list) {
        const at = this.lib.fbType(a.type);
        if (!at) return undefined;
        const ins = plug ? at.interface.eventInputs : at.interface.eventOutputs;
        const outs = plug ? at.interface.eventOutputs : at.interface.eventInputs;
        // the WITH data is sampled only when the other side is not a leaf sharing the adapter's data
        for (const e of ins) inputs.push({ name: `${a.name}.${e.name}`, with: e.with.map((w) => `${a.name}.${w}`) });
        for (const e of outs) outputs.push({ name: `${a.name}.${e.name}`, with: e.with.map((w) => `${a.name}.${w}`) });
      }
    }
    return { inputs, outputs };
  }

  private typeOfVar(bindings: Map<string, string>, file: string) {
    return (v: VarDeclaration): string => {
      const t = isGeneric(v.type) ? bindings.get(v.type.toUpperCase()) ?? 'LREAL' : v.type;
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
    const suffix = [...bindings.entries()].sort().map(([, t]) => t).join('_');
    const name = suffix ? `${decl.name}__${suffix}` : decl.name;
    if (this.types[name]) return name;
    const events = this.expandedEvents(decl);
    if (!events) {
      this.error('E4003', `an adapter type of ${decl.name} is unknown`, decl.range ?? range, decl.file);
      return undefined;
    }
    const typeOf = this.typeOfVar(bindings, decl.file);
    const concreteVars = (vs: VarDeclaration[]): VarDeclaration[] => vs.map((v) => ({ ...v, type: isGeneric(v.type) ? bindings.get(v.type.toUpperCase()) ?? 'LREAL' : v.type }));
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
    } else if (NATIVE_INTERFACES.has(decl.name)) {
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
