/**
 * An IEC 61499 resource's network and its management operations (create, delete, connect,
 * disconnect, write, restart of an FB), as a boot file, a .sys and the FORTE management
 * protocol all use them; the values of its FBs; the dispatch compiled from the network.
 */
import type { PouTypeInfo, RuntimeSupport, FaultKind, TypeInfo } from '../../compiler/application.js';
import { typeInfoOfDeclared } from '../../blocks/native/comm/port-type.js';
import type { RuntimeFbType, VarDeclaration } from '../../compiler/iec61499/model.js';
import { parseLiteral, LiteralError, normaliseInitial, literalType } from '../../compiler/iec61499/literal.js';
import { isAggregateLiteral, parseAggregate, type ValueShape } from '../../compiler/iec61499/aggregate-literal.js';
import { shapeOfTypeInfo, writeAggregate } from './aggregate-write.js';
import { NativeFb, type NativeContext } from '../../blocks/native/native-fb.js';
import { bindEmit, createNative, NativeBindingError, type NativeBinding } from './native-binding.js';
import { PlcFault } from '../faults.js';
import type { ImageView } from '../../compiler/application.js';
import { createImageView } from '../../compiler/contract/process-image.js';
import { allocateLike, copierFor, copyInto, type Copier } from './value-copy.js';
import { generateDispatch, type Dispatcher, type DispatchNetwork } from './dispatch-codegen.js';
import { EventPinCounts } from './event-pin-counts.js';

/** Thrown when the FIFO ring of a resource is full: an event storm, reported as a fault. */
export class EventQueueOverflow extends Error {
  constructor() {
    super('event queue full');
    this.name = 'EventQueueOverflow';
  }
}

export type ResourceState = 'idle' | 'running' | 'stopped' | 'killed';

export interface FbSlot {
  name: string;
  type: RuntimeFbType;
  obj: Record<string, unknown>;
  native?: NativeFb;
  binding?: NativeBinding;
  props: Map<string, string>;
}

/** `rearmedIn`: the advanceTo pass in which the FB re-armed this timer from its own $timer (periodic), else -1 */
export interface Timer { fb: NativeFb; at: number; seq: number; rearmedIn: number }

export class ResourceError extends Error {}

/**
 * The state of an IEC 61499 resource and its management: FB instances and their connections,
 * as the management operations build them, the values read, written and restored, and the
 * dispatch compiled from the network. Resource61499 (resource.ts) runs it.
 */
export abstract class ResourceNetwork implements NativeContext {
  timeNs = 0;
  state: ResourceState = 'idle';
  readonly support: RuntimeSupport;
  /** verdicts of TEST_CONDITION / STEST_END blocks */
  readonly reports: { fb: string; passed: boolean; detail: string }[] = [];
  protected readonly slots: FbSlot[] = [];
  protected readonly byName = new Map<string, number>();
  protected readonly eventConns: { src: number; eo: number; dst: number; ei: number }[] = [];
  protected readonly dataConns = new Map<string, { fb: number; variable: string; convert?: string }>();
  protected readonly queue = new Int32Array(1 << 16);
  /**
   * InOut storage: each FB's InOut has a cell (FORTE's output-side InOut connection value);
   * an InOut connected from another FB's InOut uses the cell at the head of its chain instead
   */
  protected readonly cells: unknown[] = [];
  protected readonly ownCell = new Map<string, number>();
  /** 'fb.PORT' → the type a typed literal written to it names (SD_1 := INT#5: an INT on the wire, as in FORTE) */
  protected readonly literalTypes = new Map<string, string>();
  protected ecc = new Int32Array(0);
  protected dispatcher: Dispatcher | undefined;
  protected eventBase: number[] = [];
  protected deliveredBefore = 0;
  /** watchers of the per-pin event counts (countEvents); none: the dispatch has no counting code */
  protected pinWatchers = 0;
  protected pinCounts: EventPinCounts | undefined;
  /** while counting: the counter of each FB's first event output (by slot) */
  protected outputPin: number[] = [];
  protected timers: Timer[] = [];
  /** the due time of the timer whose $timer runs now (rearm's base) */
  protected readonly firingAt = new Float64Array(1);
  /** timer records no longer armed, reused by schedule: a periodic timer allocates nothing per tick */
  protected readonly spareTimers: Timer[] = [];
  protected timerSeq = 0;
  /** the FB whose $timer runs now, and the number of the advanceTo pass it runs in */
  protected firing: NativeFb | undefined;
  protected advancePass = 0;
  /** input blocks (IX, IW…) told of each exchange of the process image, for their IND */
  protected readonly inputWatchers: NativeFb[] = [];
  /**
   * The resource's local process image: process-interface FBs (IX, QX…) read and write it;
   * the worker exchanges it with the I/O at each wake-up (beginScan before, endScan after).
   */
  readonly image: ImageView = createImageView();
  /**
   * Events delivered at most per run of the queue: a chain that does not end by then yields
   * with its events still queued (busy()), so that the caller can look at the clock, stop
   * requests and due timers before runChain() goes on. Undefined: every chain runs to its end.
   */
  sliceEvents: number | undefined;
  /**
   * advanceTo(advanceUntil[0]): the scan loop's form, the instant not an argument (a double
   * argument of a call V8 does not inline is boxed, an allocation per wake-up).
   */
  readonly advanceUntil = new Float64Array(1);
  /** Time of the next timer (Infinity: none) as findNextTimer() last found it. */
  readonly nextTimerAt = new Float64Array(1);

  constructor(
    readonly name: string,
    protected readonly types: Record<string, RuntimeFbType>,
    protected readonly pous: Record<string, new () => object>,
    protected readonly pouTypes: Record<string, PouTypeInfo>,
  ) {
    const self = this;
    this.support = {
      now: () => self.timeNs,
      get timeNs() {
        return self.timeNs;
      },
      fault(kind: FaultKind, pou: string, file: string, line: number, detail?: string): never {
        throw new PlcFault(kind, pou, file, line, detail);
      },
    };
  }

  /** the clock, timers and input watching are the running resource's (resource.ts) */
  abstract now(): number;
  abstract schedule(fb: NativeFb, atNs: number): void;
  abstract rearm(fb: NativeFb, periodNs: number): void;
  abstract cancel(fb: NativeFb): void;
  abstract watchInputs(fb: NativeFb, on: boolean): void;

  // ---------------------------------------------------------------- management operations

  createFb(name: string, typeName: string): void {
    if (this.byName.has(name)) throw new ResourceError(`FB ${name} already exists`);
    const type = this.types[typeName];
    if (!type) throw new ResourceError(`unknown FB type ${typeName}`);
    const props = new Map<string, string>();
    let obj: Record<string, unknown>;
    let native: NativeFb | undefined;
    let binding: NativeBinding | undefined;
    if (type.implementation.kind === 'native') {
      try {
        binding = createNative(type, type.implementation.nativeType, this);
      } catch (e) {
        if (e instanceof NativeBindingError) throw new ResourceError(e.message);
        throw e;
      }
      native = binding.fb;
      native.$name = name;
      obj = native as unknown as Record<string, unknown>;
    } else {
      const cls = this.pous[type.implementation.stType.toUpperCase()];
      if (!cls) throw new ResourceError(`FB type ${typeName} was not compiled`);
      obj = new cls() as Record<string, unknown>;
      for (const v of this.pouTypes[type.implementation.stType.toUpperCase()]?.vars ?? []) {
        props.set(v.name.toUpperCase(), v.prop);
        // adapter data 'adp.VAR' is a field of the adapter's struct: a dotted property path
        if (v.type.kind === 'struct' && type.adapters.some((a) => a.name.toUpperCase() === v.name.toUpperCase())) {
          for (const f of v.type.fields) props.set(`${v.name}.${f.name}`.toUpperCase(), `${v.prop}.${f.prop}`);
        }
      }
      // a function's unnamed result pin (`F1.`) is the ST variable named after the function
      const result = props.get(type.baseType.toUpperCase());
      if (result !== undefined && type.interface.outputVars.some((v) => v.name === '')) props.set('', result);
    }
    const slot: FbSlot = { name, type, obj, props };
    if (native) slot.native = native;
    if (binding) slot.binding = binding;
    this.byName.set(name, this.slots.length);
    this.slots.push(slot);
    const ecc = new Int32Array(this.slots.length);
    ecc.set(this.ecc.subarray(0, Math.min(this.ecc.length, ecc.length)));
    this.ecc = ecc;
    this.applyInitialValues(slot);
    const index = this.slots.length - 1;
    for (const v of type.interface.inOutVars) {
      const value = this.valueAt(slot, v.name);
      this.ownCell.set(`${index}.${v.name}`, this.cells.length);
      this.cells.push(typeof value === 'object' && value !== null ? allocateLike(value) : value);
    }
    this.invalidate();
  }

  /**
   * Connect 'FB.PORT' to 'FB.PORT': an event or data connection, by the kind of the ports. A
   * data connection between two types carries the compiler's conversion (Connection.convert).
   */
  connect(source: string, destination: string, convert?: string): void {
    const [sfb, sport] = this.port(source);
    const [dfb, dport] = this.port(destination);
    const st = this.slots[sfb]!.type;
    const dt = this.slots[dfb]!.type;
    const eo = st.events.outputs.findIndex((e) => e.name === sport);
    const ei = dt.events.inputs.findIndex((e) => e.name === dport);
    if (eo >= 0 && ei >= 0) {
      this.eventConns.push({ src: sfb, eo, dst: dfb, ei });
    } else if ((this.varDecl(st, sport, 'out') || st.interface.inOutVars.some((v) => v.name === sport)) && this.varDecl(dt, dport, 'in')) {
      this.dataConns.set(`${dfb}.${dport}`, convert === undefined ? { fb: sfb, variable: sport } : { fb: sfb, variable: sport, convert });
    } else {
      throw new ResourceError(`cannot connect ${source} to ${destination}`);
    }
    this.invalidate();
  }

  /**
   * Remove a connection made by connect(), between two event chains (queued events would
   * address a dispatch that is recompiled): the other connections and all state stay.
   */
  disconnect(source: string, destination: string): void {
    const [sfb, sport] = this.port(source);
    const [dfb, dport] = this.port(destination);
    const eo = this.slots[sfb]!.type.events.outputs.findIndex((e) => e.name === sport);
    const ei = this.slots[dfb]!.type.events.inputs.findIndex((e) => e.name === dport);
    const k = this.eventConns.findIndex((c) => c.src === sfb && c.eo === eo && c.dst === dfb && c.ei === ei);
    const data = this.dataConns.get(`${dfb}.${dport}`);
    if (k < 0 && !(data && data.fb === sfb && data.variable === sport)) throw new ResourceError(`no connection ${source} to ${destination}`);
    this.invalidate();
    if (k >= 0) this.eventConns.splice(k, 1);
    else this.dataConns.delete(`${dfb}.${dport}`);
  }

  /**
   * Take an FB out of the network between two event chains: its connections go with it, its
   * timers are cancelled and its sockets closed; every other FB keeps its data, its ECC state
   * and its timers (FORTE's STOP then DELETE of one FB in a running resource).
   */
  deleteFb(name: string): void {
    const index = this.byName.get(name);
    if (index === undefined) throw new ResourceError(`no FB ${name}`);
    this.invalidate();
    const slot = this.slots[index]!;
    if (slot.native) {
      this.cancel(slot.native);
      this.watchInputs(slot.native, false);
      slot.native.$dispose();
    }
    const at = (i: number): number => (i > index ? i - 1 : i);
    const events = this.eventConns.filter((c) => c.src !== index && c.dst !== index).map((c) => ({ ...c, src: at(c.src), dst: at(c.dst) }));
    this.eventConns.length = 0;
    this.eventConns.push(...events);
    // maps keyed 'slot.PORT': the deleted FB's entries go, the later slots move down by one
    const renumber = <V>(m: Map<string, V>, keep: (v: V) => V | undefined): void => {
      const entries = [...m];
      m.clear();
      for (const [key, v] of entries) {
        const dot = key.indexOf('.');
        const fb = Number(key.slice(0, dot));
        const kept = fb === index ? undefined : keep(v);
        if (kept !== undefined) m.set(`${at(fb)}${key.slice(dot)}`, kept);
      }
    };
    renumber(this.dataConns, (c) => (c.fb === index ? undefined : { ...c, fb: at(c.fb) }));
    // InOut cells stay where they are in `cells` (the dispatch addresses them by number)
    renumber(this.ownCell, (cell) => cell);
    // keyed by name: a later FB of the same name must not inherit the types literals gave these ports
    for (const key of this.literalTypes.keys()) if (key.startsWith(`${slot.name}.`)) this.literalTypes.delete(key);
    this.slots.splice(index, 1);
    this.byName.clear();
    this.slots.forEach((s, i) => this.byName.set(s.name, i));
    const ecc = new Int32Array(this.slots.length);
    ecc.set(this.ecc.subarray(0, index));
    ecc.set(this.ecc.subarray(index + 1), index);
    this.ecc = ecc;
  }

  /**
   * START or STOP of one FB of a running resource (FORTE's management of a single FB; an FB
   * created in a running resource is started so): a native block hears COLD or STOP (an
   * E_RESTART sends it, an E_CYCLE stops), the resource's other FBs hear nothing.
   */
  restartFb(name: string, mode: 'COLD' | 'STOP'): void {
    const index = this.byName.get(name);
    if (index === undefined) throw new ResourceError(`no FB ${name}`);
    const native = this.slots[index]!.native;
    if (!native || this.state !== 'running') return;
    const d = this.ensureDispatcher();
    native.$restart(mode);
    d.run(this.sliceEvents);
  }

  /**
   * Types, compiled classes and type information of a newer compilation of the network, for
   * the FBs an in-place change creates; those the resource has keep their own.
   */
  learnTypes(types: Record<string, RuntimeFbType>, pous: Record<string, new () => object>, pouTypes: Record<string, PouTypeInfo>): void {
    for (const [k, v] of Object.entries(types)) if (!(k in this.types)) this.types[k] = v;
    for (const [k, v] of Object.entries(pous)) if (!(k in this.pous)) this.pous[k] = v;
    for (const [k, v] of Object.entries(pouTypes)) if (!(k in this.pouTypes)) this.pouTypes[k] = v;
  }

  /** Share an adapter's data between a plug and a socket. */
  connectAdapter(plug: string, socket: string): void {
    const [pfb, pport] = this.port(plug);
    const [sfb, sport] = this.port(socket);
    const p = this.slots[pfb]!;
    const s = this.slots[sfb]!;
    const pp = p.props.get(pport.toUpperCase()) ?? pport;
    const sp = s.props.get(sport.toUpperCase()) ?? sport;
    if (p.obj[pp] !== undefined) s.obj[sp] = p.obj[pp];
    const pa = p.type.adapters.find((a) => a.name === pport);
    const sa = s.type.adapters.find((a) => a.name === sport);
    if (!pa || !sa) throw new ResourceError(`cannot connect adapter ${plug} to ${socket}`);
    // plug sends its adapter type's outputs to the socket; the socket sends the inputs back
    for (const e of pa.interface.eventOutputs) this.connect(`${plug}.${e.name}`, `${socket}.${e.name}`);
    for (const e of pa.interface.eventInputs) this.connect(`${socket}.${e.name}`, `${plug}.${e.name}`);
  }

  /** Write a parameter (IEC literal text) to a data input, as WRITE does. */
  writeParameter(target: string, value: string): void {
    const [fb, port] = this.port(target);
    const slot = this.slots[fb]!;
    const decl = this.varDecl(slot.type, port, 'any');
    if (!decl) throw new ResourceError(`${target} is not a data port`);
    this.setVar(slot, decl, value);
    // an InOut's own storage takes the value too: the next event reads it back from there
    const cell = this.ownCell.get(`${fb}.${port}`);
    if (cell !== undefined) {
      const v = this.valueAt(slot, port);
      const copy = copierFor(v);
      if (copy) copy(this.cells[cell], v);
      else this.cells[cell] = v;
    }
  }

  /** The storage cell an InOut uses: the head of the chain of InOut connections it is on. */
  protected chainCell(fb: number, variable: string): number {
    let at = { fb, variable };
    for (let hops = 0; hops < this.slots.length; hops++) {
      const conn = this.dataConns.get(`${at.fb}.${at.variable}`);
      if (!conn || !this.slots[conn.fb]!.type.interface.inOutVars.some((v) => v.name === conn.variable)) break;
      at = conn;
    }
    return this.ownCell.get(`${at.fb}.${at.variable}`)!;
  }

  // ---------------------------------------------------------------- values and types

  fbNames(): string[] {
    return this.slots.map((s) => s.name);
  }

  fbType(name: string): RuntimeFbType | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.slots[i]!.type;
  }

  /** Current value of 'FB.VAR'. */
  read(target: string): unknown {
    const [fb, port] = this.port(target);
    const slot = this.slots[fb]!;
    let value: unknown = slot.obj;
    for (const key of (slot.props.get(port.toUpperCase()) ?? port).split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    return value;
  }

  /**
   * Put a saved value back into 'FB.VAR' (RETAIN restored before a WARM start): an elementary
   * value replaces the old one, an array or struct is copied into the variable's own storage
   * (connections sample that object).
   */
  restoreValue(target: string, value: unknown): void {
    const [fb, port] = this.port(target);
    const slot = this.slots[fb]!;
    const current = this.valueAt(slot, port);
    if (typeof current === 'object' && current !== null) {
      if (typeof value !== 'object' || value === null) throw new ResourceError(`${target}: a saved ${typeof value} does not fit`);
      copyInto(current, value);
    } else {
      this.assignAt(slot, port, value);
    }
  }

  /** Every FB's inputs, outputs and internal variables, keyed FB.VAR. */
  snapshot(): Record<string, unknown> {
    const r: Record<string, unknown> = {};
    for (const s of this.slots) {
      const t = s.type;
      for (const v of [...t.interface.inputVars, ...t.interface.inOutVars, ...t.interface.outputVars, ...t.internalVars]) {
        r[`${s.name}.${v.name}`] = s.obj[s.props.get(v.name.toUpperCase()) ?? v.name];
      }
    }
    return r;
  }

  /** The declared type of each variable snapshot() lists, by the same key (for display). */
  snapshotTypes(): Record<string, string> {
    const r: Record<string, string> = {};
    for (const s of this.slots) {
      const t = s.type;
      for (const v of [...t.interface.inputVars, ...t.interface.inOutVars, ...t.interface.outputVars, ...t.internalVars]) r[`${s.name}.${v.name}`] = v.type;
    }
    return r;
  }

  portType(fb: NativeFb, port: string): TypeInfo | undefined {
    const index = this.slots.findIndex((s) => s.native === fb);
    if (index < 0) return undefined;
    const src = this.dataConns.get(`${index}.${port}`);
    if (src) return this.declaredType(src.fb, src.variable);
    const written = this.literalTypes.get(`${this.slots[index]!.name}.${port}`);
    if (written) return typeInfoOfDeclared(written);
    for (const [key, conn] of this.dataConns) {
      if (conn.fb !== index || conn.variable !== port) continue;
      const dot = key.indexOf('.');
      const t = this.declaredType(Number(key.slice(0, dot)), key.slice(dot + 1));
      if (t) return t;
    }
    return undefined;
  }

  /** The type of a data port as its FB declares it (compiled FBs: the ST compiler's type info). */
  protected declaredType(fb: number, variable: string): TypeInfo | undefined {
    const slot = this.slots[fb]!;
    const impl = slot.type.implementation;
    if (impl.kind !== 'native') {
      const info = this.pouTypes[impl.stType.toUpperCase()]?.vars.find((v) => v.name.toUpperCase() === variable.toUpperCase());
      if (info) return info.type;
    }
    const decl = this.varDecl(slot.type, variable, 'any');
    return decl && typeInfoOfDeclared(decl.type);
  }

  // ---------------------------------------------------------------- internals
  protected port(ref: string): [number, string] {
    const dot = ref.lastIndexOf('.');
    // adapter ports are 'FB.adp.EVENT': the FB name is everything before the adapter
    for (let cut = dot; cut > 0; cut = ref.lastIndexOf('.', cut - 1)) {
      const fb = this.byName.get(ref.slice(0, cut));
      if (fb !== undefined) return [fb, ref.slice(cut + 1)];
    }
    throw new ResourceError(`unknown FB in ${ref}`);
  }

  protected varDecl(t: RuntimeFbType, name: string, dir: 'in' | 'out' | 'any'): VarDeclaration | undefined {
    const i = t.interface;
    const ins = [...i.inputVars, ...i.inOutVars];
    const outs = i.outputVars;
    const list = dir === 'in' ? ins : dir === 'out' ? outs : [...ins, ...outs, ...t.internalVars];
    return list.find((v) => v.name === name) ?? this.adapterVarDecl(t, name);
  }

  /** 'adp.VAR' of an adapter: connected through a composite's adapter pin, it is a data port. */
  protected adapterVarDecl(t: RuntimeFbType, name: string): VarDeclaration | undefined {
    const dot = name.indexOf('.');
    if (dot < 0) return undefined;
    const a = t.adapters.find((x) => x.name === name.slice(0, dot));
    const v = a && [...a.interface.inputVars, ...a.interface.outputVars].find((x) => x.name === name.slice(dot + 1));
    return v && { ...v, name };
  }

  protected setVar(slot: FbSlot, decl: VarDeclaration, text: string): void {
    const prop = slot.props.get(decl.name.toUpperCase()) ?? decl.name;
    const lt = literalType(text);
    const key = `${slot.name}.${decl.name}`;
    if (lt) this.literalTypes.set(key, lt);
    else this.literalTypes.delete(key);
    try {
      const shape = this.shapeOf(slot, decl.name);
      if (shape && shape.kind !== 'elementary') {
        if (!isAggregateLiteral(text)) throw new LiteralError(`'${text}' is not a ${shape.kind === 'struct' ? `${shape.name} value such as (field:=value, …)` : 'array value such as [1, 2]'}`);
        // written into the variable's own storage: connections sample into that same object
        writeAggregate(this.valueAt(slot, decl.name), parseAggregate(shape, text));
        return;
      }
      slot.obj[prop] = parseLiteral(decl.type, normaliseInitial(decl.type, text));
    } catch (e) {
      if (e instanceof LiteralError) throw new ResourceError(`${slot.name}.${decl.name}: ${e.message}`);
      throw e;
    }
  }

  /** Native blocks get their declared initial values here; compiled ones have them already. */
  protected applyInitialValues(slot: FbSlot): void {
    if (!slot.native) return;
    for (const v of [...slot.type.interface.inputVars, ...slot.type.interface.outputVars]) {
      if (v.initialValue !== undefined) this.setVar(slot, v, v.initialValue);
    }
  }

  /** The shape of a compiled FB's variable, from the ST compiler's type info. */
  protected shapeOf(slot: FbSlot, name: string): ValueShape | undefined {
    const impl = slot.type.implementation;
    if (impl.kind === 'native') return undefined;
    const info = this.pouTypes[impl.stType.toUpperCase()]?.vars.find((v) => v.name.toUpperCase() === name.toUpperCase());
    return info && shapeOfTypeInfo(info.type);
  }

  /** The value of a variable ('adp.VAR' is a path into the adapter's struct). */
  protected valueAt(slot: FbSlot, name: string): unknown {
    let value: unknown = slot.obj;
    for (const key of (slot.props.get(name.toUpperCase()) ?? name).split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    return value;
  }

  protected assignAt(slot: FbSlot, name: string, value: unknown): void {
    const path = (slot.props.get(name.toUpperCase()) ?? name).split('.');
    let holder = slot.obj;
    for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
    holder[path[path.length - 1]!] = value;
  }

  protected invalidate(): void {
    if (this.dispatcher) {
      this.deliveredBefore += this.dispatcher.count();
      if (this.dispatcher.pending() > 0) throw new ResourceError('the network changed while events were queued');
    }
    this.dispatcher = undefined;
  }

  protected ensureDispatcher(prepare = true): Dispatcher {
    if (this.dispatcher) return this.dispatcher;
    const slots = this.slots;
    const isInOut = (fb: number, v: string): boolean => slots[fb]!.type.interface.inOutVars.some((x) => x.name === v);
    const net: DispatchNetwork = {
      fbs: slots.map((s, index) => ({ index, type: s.type, prop: (n: string) => s.props.get(n.toUpperCase()) ?? n })),
      eventTargets: (fb, eo) => this.eventConns.filter((c) => c.src === fb && c.eo === eo).map((c) => ({ fb: c.dst, ei: c.ei })),
      dataSource: (fb, input) => {
        const conn = this.dataConns.get(`${fb}.${input}`);
        const fromInOut = !!conn && isInOut(conn.fb, conn.variable);
        // an InOut reads the storage of its chain (its own when unconnected), as FORTE reads
        // through the InOut's output-side connection; fed by a plain output it samples that output
        if (isInOut(fb, input) && (!conn || fromInOut)) return { cell: this.chainCell(fb, input) };
        if (conn && fromInOut) return { cell: this.chainCell(conn.fb, conn.variable) };
        return conn;
      },
      copier: (dst, src) => {
        const sample = 'cell' in src ? this.cells[src.cell] : this.valueAt(slots[src.fb]!, src.variable);
        const copy = copierFor(sample);
        if (!copy) return undefined;
        if (!('cell' in dst)) {
          // a sink without storage of its own (a native block's ANY input) gets it now, once
          const current = this.valueAt(slots[dst.fb]!, dst.variable);
          if (typeof current !== 'object' || current === null) this.assignAt(slots[dst.fb]!, dst.variable, allocateLike(sample));
        }
        copiers.push(copy);
        return copiers.length - 1;
      },
      inOutWrites: (fb, eo) =>
        slots[fb]!.type.events.outputs[eo]!.with.filter((v) => isInOut(fb, v)).map((variable) => ({ variable, cell: this.chainCell(fb, variable) })),
    };
    if (prepare) for (const s of slots) s.native?.$prepare();
    const copiers: Copier[] = [];
    const g = generateDispatch(net, this.pinWatchers > 0);
    this.eventBase = g.eventBase;
    this.outputPin = g.outputBase;
    if (this.pinWatchers > 0) {
      const pins = g.pins.map((p) => `${slots[p.fb]!.name}.${p.event}`);
      const old = this.pinCounts;
      if (!old || old.pins.length !== pins.length) {
        this.pinCounts = new EventPinCounts(pins);
        if (old) this.pinCounts.carryFrom(old);
      }
    }
    const eccLoop = (fb: number): never => {
      throw new PlcFault('INTERNAL', slots[fb]!.type.name, slots[fb]!.name, 0, 'ECC does not settle (endless transition loop)');
    };
    const factory = new Function('F', 'S', 'Q', 'C', 'IO', 'EventQueueOverflow', 'eccLoop', 'E', 'R', g.code) as (
      f: object[], s: Int32Array, q: Int32Array, c: Copier[], io: unknown[], o: typeof EventQueueOverflow, l: (fb: number) => never, e: Float64Array, r: ResourceNetwork,
    ) => Dispatcher;
    const counts = this.pinWatchers > 0 ? this.pinCounts!.slots : new Float64Array(0);
    this.dispatcher = factory(slots.map((s) => s.obj), this.ecc, this.queue, copiers, this.cells, EventQueueOverflow, eccLoop, counts, this);
    for (const s of slots) if (s.binding) bindEmit(s.binding);
    return this.dispatcher;
  }
}
