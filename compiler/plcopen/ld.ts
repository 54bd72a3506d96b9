/**
 * LD (ladder diagram) networks → ST statements, with the power flow semantics Beremiz and
 * OpenPLC give them (MatIEC compiles what Beremiz's generator writes):
 *
 * - the left power rail is TRUE; a contact is `flow AND v` (`NOT v` negated; an R_TRIG/F_TRIG
 *   on `v` for an edge contact); several connections into one point are a wired OR;
 * - a coil writes its variable from the flow it receives: `v := flow` (`NOT flow` negated),
 *   set and reset coils latch only when the flow is TRUE, edge coils are TRUE for the one scan
 *   in which the flow rises (falls); a coil passes its flow on unchanged;
 * - blocks are FBD blocks (EN/ENO, temporaries for function results: ./fbd.ts);
 * - statements run rung by rung, top to bottom (elements whose y differ by less than 10 are one
 *   row, left to right), elements with an `executionOrderId` first in that order; a block or
 *   edge contact runs just before the first statement that reads it, so each rung is evaluated
 *   on the values the rungs above it left. A variable read in a rung is read where it is used.
 *
 * LdNetwork extends FbdNetwork: an LD body may draw any FBD element too.
 */
import { key } from '../st/ast.js';
import { FbdNetwork, flag, type Connection, type FbdNode, type FbdScope, type PowerNode } from './fbd.js';
import type { StWriter } from './st-writer.js';
import { attr, childElements, firstChild, textOf, type XmlElement } from './xml.js';

type LdKind = 'leftPowerRail' | 'rightPowerRail' | 'contact' | 'coil' | 'or' | 'jump' | 'label';

interface LdInfo {
  kind: LdKind;
  /** contact and coil: the variable; jump and label: the label */
  name: string;
  negated: boolean;
  edge?: 'rising' | 'falling';
  storage?: 'set' | 'reset';
  /** the `<variable>` element of a contact or coil */
  variableEl?: XmlElement;
}

export interface LdOptions {
  /** distinguishes the temporaries of several networks of one POU (its actions) */
  tag?: string;
  /** elements of another language in the same body (an SFC's steps) are not LD's to report */
  ignoreForeign?: boolean;
}

/** Is `t` a BOOL type name (or an address of one bit)? undefined when it cannot be told. */
function isBool(type: string | undefined): boolean | undefined {
  return type === undefined ? undefined : key(type) === 'BOOL';
}

/** `a AND b`, parenthesising what binds looser than AND. */
function and(flow: string, v: string): string {
  if (flow === 'TRUE') return v;
  const wrap = (e: string) => (/\b(OR|XOR)\b/i.test(e) ? `(${e})` : e);
  return `${wrap(flow)} AND ${wrap(v)}`;
}

export class LdNetwork extends FbdNetwork {
  private readonly info = new Map<string, LdInfo>();
  private ors = 0;

  constructor(scope: FbdScope, body: XmlElement, private readonly options: LdOptions = {}) {
    super(scope, body, options.tag ?? '');
  }

  /**
   * The ST expression of the power flow into `point` (a connectionPointIn that refers to LD
   * elements of this body, as an SFC transition's condition does), after writing the
   * statements it needs (edge contacts, blocks). undefined on errors (reported).
   */
  condition(point: XmlElement, w: StWriter, indent: string): string | undefined {
    this.read();
    const c = this.connectionIn({ ...point, local: 'holder', children: [point] } as XmlElement);
    if (!c) this.error('E5021', 'the condition is connected to nothing', point);
    else if (!this.nodes.has(c.ref)) this.error('E5021', `dangling connection: localId ${c.ref} is not in this network`, c.el);
    this.checkConnections();
    if (!this.ok || !c) return undefined;
    this.planResults();
    if (!this.ok) return undefined;
    const done = new Set<string>();
    const out: FbdNode[] = [];
    for (const d of this.needs([c], new Set())) this.visit(d, done, new Set(), out);
    for (const n of out) this.statement(w, n, indent);
    const v = this.value(c);
    return this.ok ? v : undefined;
  }

  override translate(w: StWriter, indent: string): boolean {
    this.read();
    this.checkConnections();
    if (!this.ok) return false;
    this.planResults();
    if (!this.ok) return false;
    for (const n of this.order()) this.statement(w, n, indent);
    return this.ok;
  }

  // ------------------------------------------------------------------ reading

  protected override get ignoresForeign(): boolean {
    return this.options.ignoreForeign === true;
  }

  protected override get readsJumps(): boolean {
    return true;
  }

  protected override readOther(el: XmlElement, id: string, order: number): FbdNode | undefined {
    const node = (inputs: Connection[], info: LdInfo): PowerNode => {
      this.info.set(id, info);
      return { kind: 'power', id, el, order, inputs };
    };
    const one = (c: Connection | undefined) => (c ? [c] : []);
    switch (el.local) {
      case 'leftPowerRail':
        return node([], { kind: 'leftPowerRail', name: '', negated: false });
      case 'rightPowerRail': {
        const inputs = childElements(el, 'connectionPointIn').flatMap((p) => one(this.connectionIn({ ...el, children: [p] })));
        return node(inputs, { kind: 'rightPowerRail', name: '', negated: false });
      }
      case 'contact':
      case 'coil': {
        const v = firstChild(el, 'variable');
        const name = v ? textOf(v).trim() : '';
        if (name === '') {
          this.error('E5003', `<${el.name}> localId ${id} needs a <variable>`, el);
          return undefined;
        }
        const input = this.connectionIn(el);
        if (!input) this.error('E5021', `${el.local} '${name}' (localId ${id}) is connected to nothing on its left`, el);
        const edge = attr(el, 'edge');
        const storage = attr(el, 'storage');
        return node(one(input), {
          kind: el.local,
          name,
          negated: flag(el, 'negated'),
          edge: edge === 'rising' || edge === 'falling' ? edge : undefined,
          storage: storage === 'set' || storage === 'reset' ? storage : undefined,
          variableEl: v,
        });
      }
      case 'jump':
      case 'label': {
        const label = this.ctx.required(el, 'label');
        if (label === undefined) {
          this.ok = false;
          return undefined;
        }
        const input = el.local === 'jump' ? this.connectionIn(el) : undefined;
        if (el.local === 'jump' && !input) this.error('E5021', `jump to '${label}' (localId ${id}) is connected to nothing on its left`, el);
        return node(one(input), { kind: el.local, name: label, negated: false });
      }
      default:
        if (this.options.ignoreForeign) return undefined;
        this.error('E5006', `<${el.name}> is not an LD element vPLC knows`, el);
        return undefined;
    }
  }

  /** Several connections into one point are a wired OR: a node of their own. */
  protected override connectionIn(el: XmlElement): Connection | undefined {
    const point = firstChild(el, 'connectionPointIn');
    const conns = point ? childElements(point, 'connection') : [];
    if (conns.length <= 1) return super.connectionIn(el);
    const inputs: Connection[] = [];
    for (const c of conns) {
      const ref = this.ctx.required(c, 'refLocalId');
      if (ref === undefined) this.ok = false;
      else inputs.push({ ref, formal: attr(c, 'formalParameter')?.trim() || undefined, el: c });
    }
    const id = `~or${++this.ors}`;
    const or: PowerNode = { kind: 'power', id, el: point!, order: 0, inputs };
    this.info.set(id, { kind: 'or', name: '', negated: false });
    this.nodes.set(id, or);
    this.list.push(or);
    return { ref: id, el: point! };
  }

  /** A connection to a localId that is not in the body is a dangling one. */
  private checkConnections(): void {
    for (const n of this.list) {
      for (const c of this.inputsOf(n)) {
        if (!this.nodes.has(c.ref)) this.error('E5021', `dangling connection: localId ${c.ref} is not in this network`, c.el);
      }
      const i = n.kind === 'power' ? this.info.get(n.id) : undefined;
      if (i && (i.kind === 'contact' || i.kind === 'coil')) this.checkBool(i);
    }
  }

  private checkBool(i: LdInfo): void {
    const name = i.name.trim();
    const address = /^%[IQM]([XBWDL]?)/i.exec(name);
    const bool = address ? address[1] === '' || address[1]!.toUpperCase() === 'X' : isBool(this.exprType(name));
    if (bool === false) {
      const type = address ? `an address of ${address[1]!.toUpperCase()} size` : `of type ${this.exprType(name)}`;
      this.error('E5020', `${i.kind} on '${name}', which is ${type}: contacts and coils take BOOL variables`, i.variableEl!);
    }
  }

  private inputsOf(n: FbdNode): Connection[] {
    switch (n.kind) {
      case 'block':
        return [...n.inputs, ...n.inOuts].flatMap((p) => (p.conn ? [p.conn] : []));
      case 'power':
        return n.inputs;
      case 'inVariable':
      case 'continuation':
        return [];
      default:
        return n.input ? [n.input] : [];
    }
  }

  // ------------------------------------------------------------------ values

  private trigName(n: PowerNode, i: LdInfo): string {
    return `_TMP_${this.tag}${i.edge === 'rising' ? 'R_TRIG' : 'F_TRIG'}${n.id}`;
  }

  private flowInto(n: PowerNode): string | undefined {
    const vs = n.inputs.map((c) => this.value(c));
    if (vs.some((v) => v === undefined)) return undefined;
    return vs.length === 0 ? 'TRUE' : vs.includes('TRUE') ? 'TRUE' : vs.join(' OR ');
  }

  protected override hasOutput(n: PowerNode): boolean {
    const k = this.info.get(n.id)?.kind;
    return k !== 'rightPowerRail' && k !== 'jump' && k !== 'label';
  }

  protected override powerValue(n: PowerNode): string | undefined {
    const i = this.info.get(n.id)!;
    switch (i.kind) {
      case 'leftPowerRail':
        return 'TRUE';
      case 'or':
      case 'coil':
        return this.flowInto(n);
      case 'contact': {
        const flow = this.flowInto(n);
        if (flow === undefined) return undefined;
        const v = i.edge ? `${this.trigName(n, i)}.Q` : i.negated ? `NOT ${i.name}` : i.name;
        return and(flow, v);
      }
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------------ order

  /** Is `n` a statement of its own (rather than an expression its readers inline)? */
  private isStatement(n: FbdNode): boolean {
    if (n.kind === 'block') return !this.inline.has(n.id);
    if (n.kind === 'outVariable' || n.kind === 'return') return true;
    if (n.kind === 'inOutVariable') return n.input !== undefined;
    if (n.kind !== 'power') return false;
    const i = this.info.get(n.id)!;
    return i.kind === 'coil' || i.kind === 'jump' || i.kind === 'label' || (i.kind === 'contact' && i.edge !== undefined);
  }

  /** The statements that must run before what reads `conns`: through contacts, ORs, inlined calls. */
  private needs(conns: Connection[], seen: Set<string>): FbdNode[] {
    const out: FbdNode[] = [];
    for (const c of conns) {
      const s = this.nodes.has(c.ref) ? this.source(c) : undefined;
      if (!s || seen.has(s.node.id)) continue;
      seen.add(s.node.id);
      const m = s.node;
      const i = m.kind === 'power' ? this.info.get(m.id) : undefined;
      // an edge contact and a block are statements; a variable is read where it is used (Beremiz)
      if ((m.kind === 'block' && !this.inline.has(m.id)) || (i?.kind === 'contact' && i.edge !== undefined)) {
        out.push(m);
      } else if (m.kind !== 'inOutVariable') {
        out.push(...this.needs(this.inputsOf(m), seen));
      }
    }
    return out;
  }

  private visit(n: FbdNode, done: Set<string>, active: Set<string>, out: FbdNode[]): void {
    if (done.has(n.id) || active.has(n.id)) return; // a loop reads last scan's value
    active.add(n.id);
    for (const d of this.needs(this.inputsOf(n), new Set())) this.visit(d, done, active, out);
    active.delete(n.id);
    done.add(n.id);
    out.push(n);
  }

  private position(n: FbdNode): { x: number; y: number } {
    const p = firstChild(n.el, 'position');
    return { x: Number(attr(p ?? n.el, 'x') ?? 0) || 0, y: Number(attr(p ?? n.el, 'y') ?? 0) || 0 };
  }

  protected override order(): FbdNode[] {
    const sinks = this.list.filter((n) => this.isStatement(n) && !(n.kind === 'power' && this.info.get(n.id)!.kind === 'contact'));
    const ordered = sinks
      .map((n) => ({ n, o: Number(attr(n.el, 'executionOrderId') ?? '0') }))
      .filter((x) => Number.isFinite(x.o) && x.o > 0)
      .sort((a, b) => a.o - b.o || a.n.order - b.n.order)
      .map((x) => x.n);
    // rows: top to bottom, elements less than 10 apart in y in one row, left to right
    const rest = sinks.filter((n) => !ordered.includes(n)).map((n) => ({ n, ...this.position(n) }));
    rest.sort((a, b) => a.y - b.y || a.x - b.x || a.n.order - b.n.order);
    const rows: (typeof rest)[] = [];
    for (const e of rest) {
      const row = rows[rows.length - 1];
      if (row && e.y - row[0]!.y < 10) row.push(e);
      else rows.push([e]);
    }
    const placed = [...ordered, ...rows.flatMap((r) => r.sort((a, b) => a.x - b.x || a.n.order - b.n.order).map((e) => e.n))];
    const done = new Set<string>();
    const out: FbdNode[] = [];
    for (const n of placed) this.visit(n, done, new Set(), out);
    return out;
  }

  // ------------------------------------------------------------------ statements

  protected override powerStatement(w: StWriter, n: PowerNode, indent: string): void {
    const i = this.info.get(n.id)!;
    const at = this.ctx.at(n.el);
    const emit = (text: string) => w.line(`${indent}${text}`, at, indent.length);
    const trig = () => {
      if (this.scope.pou.pouType === 'function') {
        this.error('E5006', `an edge-detecting ${i.kind} needs state, which a FUNCTION cannot keep`, n.el);
        return undefined;
      }
      const name = this.trigName(n, i);
      if (!this.scope.temps.some((t) => t.name === name)) {
        this.scope.temps.push({ name, type: i.edge === 'rising' ? 'R_TRIG' : 'F_TRIG', el: n.el });
      }
      return name;
    };
    switch (i.kind) {
      case 'contact': {
        const t = trig();
        if (t !== undefined) emit(`${t}(CLK := ${i.negated ? `NOT ${i.name}` : i.name});`);
        return;
      }
      case 'coil': {
        const flow = this.flowInto(n);
        if (flow === undefined) return;
        if (i.negated) emit(`${i.name} := ${flow === 'TRUE' ? 'FALSE' : `NOT (${flow})`};`);
        else if (i.storage) {
          const v = i.storage === 'set' ? 'TRUE' : 'FALSE';
          emit(flow === 'TRUE' ? `${i.name} := ${v};` : `IF ${flow} THEN ${i.name} := ${v}; END_IF;`);
        } else if (i.edge) {
          const t = trig();
          if (t === undefined) return;
          emit(`${t}(CLK := ${flow});`);
          emit(`${i.name} := ${t}.Q;`);
        } else emit(`${i.name} := ${flow};`);
        return;
      }
      case 'jump': {
        const flow = this.flowInto(n);
        if (flow === undefined) return;
        emit(flow === 'TRUE' ? `JMP ${i.name};` : `IF ${flow} THEN JMP ${i.name}; END_IF;`);
        return;
      }
      case 'label':
        emit(`${i.name}:`);
        return;
      default:
        return;
    }
  }
}

/** Translate an LD body into `w`; false when it had errors (reported). */
export function translateLd(scope: FbdScope, body: XmlElement, w: StWriter, indent: string, options: LdOptions = {}): boolean {
  return new LdNetwork(scope, body, options).translate(w, indent);
}
