/**
 * FBD networks → ST statements.
 *
 * Each element that does something (a block, an output or in-out variable, a return) becomes
 * one ST statement on its own line, mapped to the element's line in the XML. Statements run in
 * `executionOrderId` order when every element has one, otherwise in data-flow order (an element
 * after the elements it reads from). A feedback loop is cut where it passes through a variable
 * (an inOutVariable, read at its current value) or else through a function block instance
 * (its outputs keep last cycle's value), which is what an FBD editor's user expects.
 *
 * Function results go into temporaries (`_TMP_ADD4_OUT`) typed from the function's signature
 * or its inputs, so that a result used twice is computed once, at its place in the order; when
 * no type can be inferred the call is written inline in the expression that uses it.
 */
import type { Code } from '../diagnostics/registry.js';
import { key } from '../st/ast.js';
import type { ImportContext } from './context.js';
import { memberType, type PouSignature, type ProjectIndex } from './project-index.js';
import type { StWriter } from './st-writer.js';
import { attr, childElements, firstChild, textOf, type XmlElement } from './xml.js';

/** A temporary the translation needs declared in the POU (VAR section). */
export interface FbdTemp {
  name: string;
  type: string;
  el: XmlElement;
}

export interface FbdScope {
  ctx: ImportContext;
  index: ProjectIndex;
  /** the POU whose body this is */
  pou: PouSignature;
  /** collected across the POU's body and actions */
  temps: FbdTemp[];
}

export interface Connection {
  ref: string;
  formal?: string;
  el: XmlElement;
}

export interface Pin {
  formal: string;
  negated: boolean;
  edge?: 'rising' | 'falling';
  conn?: Connection;
  el: XmlElement;
}

export type FbdNode =
  | { kind: 'inVariable'; id: string; el: XmlElement; order: number; expr: string; negated: boolean }
  | { kind: 'outVariable'; id: string; el: XmlElement; order: number; expr: string; negated: boolean; input?: Connection }
  | { kind: 'inOutVariable'; id: string; el: XmlElement; order: number; expr: string; negatedIn: boolean; negatedOut: boolean; input?: Connection }
  | { kind: 'block'; id: string; el: XmlElement; order: number; typeName: string; instance?: string; inputs: Pin[]; inOuts: Pin[]; outputs: Pin[] }
  | { kind: 'connector'; id: string; el: XmlElement; order: number; name: string; input?: Connection }
  | { kind: 'continuation'; id: string; el: XmlElement; order: number; name: string }
  | { kind: 'return'; id: string; el: XmlElement; order: number; input?: Connection }
  /** an element of another graphical language drawn in the network (LD contacts, coils, rails) */
  | PowerNode;

/** A node a subclass reads (readOther), evaluates (powerValue) and writes (powerStatement). */
export interface PowerNode {
  kind: 'power';
  id: string;
  el: XmlElement;
  order: number;
  inputs: Connection[];
}

/** Binary and n-ary standard functions written as ST operators. */
const OPERATORS: Readonly<Record<string, string>> = {
  ADD: '+', MUL: '*', SUB: '-', DIV: '/', MOD: 'MOD', EXPT: '**', AND: 'AND', OR: 'OR', XOR: 'XOR',
};
const COMPARISONS: Readonly<Record<string, string>> = { GT: '>', GE: '>=', EQ: '=', LE: '<=', LT: '<', NE: '<>' };
/** Standard functions whose result has the type of their (non-selector) inputs. */
const SAME_TYPE = new Set([
  'ADD', 'MUL', 'SUB', 'DIV', 'MOD', 'EXPT', 'AND', 'OR', 'XOR', 'NOT', 'MOVE', 'MAX', 'MIN', 'LIMIT', 'SEL', 'MUX',
  'ABS', 'NEG', 'SQRT', 'LN', 'LOG', 'EXP', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN', 'SHL', 'SHR', 'ROL', 'ROR',
]);
const STRING_RESULT = new Set(['CONCAT', 'LEFT', 'RIGHT', 'MID', 'INSERT', 'DELETE', 'REPLACE']);
/** Inputs that select rather than carry the value. */
const SELECTORS = new Set(['G', 'K', 'N', 'L', 'P', 'EN']);
const DATE_TYPES = new Set(['DT', 'DATE_AND_TIME', 'DATE', 'TOD', 'TIME_OF_DAY', 'LDT', 'LDATE', 'LTOD']);

export function flag(el: XmlElement, name: string): boolean {
  const v = attr(el, name);
  return v === 'true' || v === '1';
}

/** Put an operand in parentheses unless it is a name, member access or literal. */
export function operand(e: string): string {
  return /^[A-Za-z_][\w.]*(#[\w.:+-]+)?$|^[+-]?\d[\d_.eE+-]*$|^'[^']*'$/.test(e) ? e : `(${e})`;
}

export function negate(e: string, negated: boolean): string {
  return negated ? `NOT ${operand(e)}` : e;
}

export class FbdNetwork {
  protected readonly nodes = new Map<string, FbdNode>();
  protected readonly list: FbdNode[] = [];
  protected readonly connectors = new Map<string, FbdNode & { kind: 'connector' }>();
  /** function blocks (no instance) whose result is inlined: no type known */
  protected readonly inline = new Set<string>();
  private readonly resultTypes = new Map<string, string | undefined>();
  /** which function outputs somebody reads */
  protected readonly used = new Set<string>();
  protected ok = true;

  /** @param tag distinguishes the temporaries of several networks of one POU (its actions) */
  constructor(protected readonly scope: FbdScope, protected readonly body: XmlElement, protected readonly tag = '') {}

  protected get ctx(): ImportContext {
    return this.scope.ctx;
  }

  /** Translate the network; false when it had errors (already reported). */
  translate(w: StWriter, indent: string): boolean {
    this.read();
    if (!this.ok) return false;
    this.planResults();
    if (!this.ok) return false;
    for (const n of this.order()) this.statement(w, n, indent);
    return this.ok;
  }

  // ------------------------------------------------------------------ reading

  protected read(): void {
    let order = 0;
    for (const el of childElements(this.body)) {
      order++;
      switch (el.local) {
        case 'comment':
        case 'addData':
        case 'documentation':
          continue;
        case 'jump':
        case 'label':
          if (this.readsJumps) break;
          this.error('E5006', `FBD <${el.local}> is not supported yet`, el);
          continue;
        case 'vendorElement':
        case 'actionBlock':
          if (!this.ignoresForeign) this.ctx.reportAt('W5001', `<${el.local}> in an FBD body is ignored`, el);
          continue;
      }
      const id = attr(el, 'localId')?.trim();
      if (id === undefined || id === '') {
        this.error('E5003', `<${el.name}> needs a 'localId' attribute`, el);
        continue;
      }
      const node = this.readNode(el, id, order);
      if (!node) continue;
      if (this.nodes.has(id)) {
        this.error('E5005', `localId ${id} is used twice in this network`, el);
        continue;
      }
      this.nodes.set(id, node);
      this.list.push(node);
      if (node.kind === 'connector') this.connectors.set(key(node.name), node);
    }
  }

  private readNode(el: XmlElement, id: string, order: number): FbdNode | undefined {
    const expression = (): string | undefined => {
      const e = firstChild(el, 'expression');
      const text = e ? textOf(e).trim() : '';
      if (text === '') {
        this.error('E5003', `<${el.name}> localId ${id} needs an <expression>`, el);
        return undefined;
      }
      return text;
    };
    switch (el.local) {
      case 'inVariable': {
        const expr = expression();
        return expr === undefined ? undefined : { kind: 'inVariable', id, el, order, expr, negated: flag(el, 'negated') };
      }
      case 'outVariable': {
        const expr = expression();
        if (expr === undefined) return undefined;
        return { kind: 'outVariable', id, el, order, expr, negated: flag(el, 'negated'), input: this.connectionIn(el) };
      }
      case 'inOutVariable': {
        const expr = expression();
        if (expr === undefined) return undefined;
        return {
          kind: 'inOutVariable', id, el, order, expr,
          negatedIn: flag(el, 'negatedIn'), negatedOut: flag(el, 'negatedOut'), input: this.connectionIn(el),
        };
      }
      case 'block': {
        const typeName = this.ctx.required(el, 'typeName');
        if (typeName === undefined) {
          this.ok = false;
          return undefined;
        }
        const instance = attr(el, 'instanceName')?.trim() || undefined;
        const pins = (list: string, out: boolean): Pin[] =>
          childElements(firstChild(el, list) ?? el, 'variable').flatMap((v) => {
            const formal = this.ctx.required(v, 'formalParameter');
            if (formal === undefined) {
              this.ok = false;
              return [];
            }
            const edge = attr(v, 'edge');
            return [{
              formal,
              negated: flag(v, 'negated'),
              edge: edge === 'rising' || edge === 'falling' ? edge : undefined,
              conn: out ? undefined : this.connectionIn(v),
              el: v,
            }];
          });
        return {
          kind: 'block', id, el, order, typeName, instance,
          inputs: pins('inputVariables', false), inOuts: pins('inOutVariables', false), outputs: pins('outputVariables', true),
        };
      }
      case 'connector':
      case 'continuation': {
        const name = this.ctx.required(el, 'name');
        if (name === undefined) {
          this.ok = false;
          return undefined;
        }
        return el.local === 'connector'
          ? { kind: 'connector', id, el, order, name, input: this.connectionIn(el) }
          : { kind: 'continuation', id, el, order, name };
      }
      case 'return':
        return { kind: 'return', id, el, order, input: this.connectionIn(el) };
      default:
        return this.readOther(el, id, order);
    }
  }

  /** Whether elements of another language in the body (an SFC's) are silently left to it. */
  protected get ignoresForeign(): boolean {
    return false;
  }

  /** Whether jumps and labels are elements of this language (they are not, yet, in FBD). */
  protected get readsJumps(): boolean {
    return false;
  }

  /** An element that is not FBD's: a subclass reads its own language's elements here. */
  protected readOther(el: XmlElement, _id: string, _order: number): FbdNode | undefined {
    this.error('E5006', `<${el.name}> is not an FBD element vPLC knows`, el);
    return undefined;
  }

  /** ST expression of what a power node delivers at output `formal`. */
  protected powerValue(_n: PowerNode, _formal: string | undefined): string | undefined {
    return undefined;
  }

  /** The statements of a power node, if it makes any. */
  protected powerStatement(_w: StWriter, _n: PowerNode, _indent: string): void {}

  protected connectionIn(el: XmlElement): Connection | undefined {
    const point = firstChild(el, 'connectionPointIn');
    if (!point) return undefined;
    const conns = childElements(point, 'connection');
    if (conns.length === 0) return undefined;
    if (conns.length > 1) this.error('E5005', `an FBD input can be connected to one output only (found ${conns.length})`, conns[1]!);
    const c = conns[0]!;
    const ref = this.ctx.required(c, 'refLocalId');
    if (ref === undefined) {
      this.ok = false;
      return undefined;
    }
    return { ref, formal: attr(c, 'formalParameter')?.trim() || undefined, el: c };
  }

  protected error(code: Code, message: string, el: XmlElement): void {
    this.ctx.reportAt(code, message, el);
    this.ok = false;
  }

  // ------------------------------------------------------------------ sources

  /** The node and output pin a connection reads from, through connector/continuation pairs. */
  protected source(c: Connection): { node: FbdNode; formal?: string; conn: Connection } | undefined {
    let conn = c;
    for (let hops = 0; hops < 100; hops++) {
      const node = this.nodes.get(conn.ref);
      if (!node) {
        this.error('E5005', `connection to localId ${conn.ref}, which does not exist`, conn.el);
        return undefined;
      }
      if (node.kind === 'continuation') {
        const connector = this.connectors.get(key(node.name));
        if (!connector) {
          this.error('E5005', `continuation '${node.name}' has no connector of that name`, node.el);
          return undefined;
        }
        if (!connector.input) {
          this.error('E5005', `connector '${connector.name}' is not connected`, connector.el);
          return undefined;
        }
        conn = connector.input;
        continue;
      }
      if (node.kind === 'outVariable' || node.kind === 'connector' || node.kind === 'return' || (node.kind === 'power' && !this.hasOutput(node))) {
        this.error('E5005', `connection to localId ${conn.ref}, a <${node.el.local}>, which has no output`, conn.el);
        return undefined;
      }
      let formal = conn.formal;
      if (node.kind === 'block' && formal === undefined) {
        const outs = node.outputs;
        if (outs.length !== 1) {
          this.error('E5005', `connection to block ${node.typeName} (localId ${node.id}) must name one of its ${outs.length} outputs in formalParameter`, conn.el);
          return undefined;
        }
        formal = outs[0]!.formal;
      }
      return { node, formal, conn };
    }
    this.error('E5005', 'connectors and continuations form a loop', c.el);
    return undefined;
  }

  /** Whether a power node can be read from (a right power rail cannot). */
  protected hasOutput(_n: PowerNode): boolean {
    return true;
  }

  /** The node a statement must wait for when it reads `c` (blocks and inOutVariables only). */
  protected dependency(c: Connection | undefined): FbdNode | undefined {
    if (!c) return undefined;
    const s = this.source(c);
    if (!s) return undefined;
    return s.node.kind === 'block' || s.node.kind === 'inOutVariable' ? s.node : undefined;
  }

  /** ST expression of the value a connection delivers. */
  protected value(c: Connection): string | undefined {
    const s = this.source(c);
    if (!s) return undefined;
    const n = s.node;
    switch (n.kind) {
      case 'inVariable':
        return negate(n.expr, n.negated);
      case 'inOutVariable':
        return negate(n.expr, n.negatedOut);
      case 'block': {
        const formal = s.formal!;
        const inOut = n.inOuts.find((p) => key(p.formal) === key(formal));
        if (inOut) return inOut.conn ? this.value(inOut.conn) : undefined;
        const out = n.outputs.find((p) => key(p.formal) === key(formal));
        if (!out) {
          this.error('E5005', `block ${n.typeName} (localId ${n.id}) has no output '${formal}'`, s.conn.el);
          return undefined;
        }
        if (key(formal) === 'ENO') {
          const en = n.inputs.find((p) => key(p.formal) === 'EN');
          return negate(en?.conn ? (this.value(en.conn) ?? 'TRUE') : 'TRUE', out.negated);
        }
        if (n.instance) return negate(`${n.instance}.${formal}`, out.negated);
        if (this.inline.has(n.id)) return negate(this.callExpr(n) ?? '', out.negated);
        return negate(this.tempName(n, formal), out.negated);
      }
      case 'power':
        return this.powerValue(n, s.formal);
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------------ function results

  private tempName(n: FbdNode & { kind: 'block' }, formal: string): string {
    return `_TMP_${this.tag}${n.typeName}${n.id}_${formal}`;
  }

  /** Decide for each function block whether its result gets a typed temporary or is inlined. */
  protected planResults(): void {
    for (const n of this.list) {
      const inputs: (Connection | undefined)[] =
        n.kind === 'block' ? [...n.inputs, ...n.inOuts].map((p) => p.conn)
          : n.kind === 'outVariable' || n.kind === 'inOutVariable' || n.kind === 'return' || n.kind === 'connector' ? [n.input]
            : n.kind === 'power' ? n.inputs : [];
      for (const c of inputs) {
        const s = c && this.source(c);
        if (s && s.node.kind === 'block' && !s.node.instance) this.used.add(s.node.id);
      }
    }
    for (const n of this.list) {
      if (n.kind !== 'block' || n.instance || !this.used.has(n.id)) continue;
      const type = this.resultType(n, new Set());
      const outs = n.outputs.filter((p) => key(p.formal) !== 'ENO');
      if (type === undefined || outs.length !== 1) {
        if (n.inputs.some((p) => p.edge)) {
          this.error('E5006', `cannot tell the result type of ${n.typeName} (localId ${n.id}), needed because an input detects an edge`, n.el);
          continue;
        }
        this.inline.add(n.id);
        continue;
      }
      this.scope.temps.push({ name: this.tempName(n, outs[0]!.formal), type, el: n.el });
    }
  }

  private resultType(n: FbdNode & { kind: 'block' }, visiting: Set<string>): string | undefined {
    if (this.resultTypes.has(n.id)) return this.resultTypes.get(n.id);
    if (visiting.has(n.id)) return undefined;
    visiting.add(n.id);
    const t = this.inferResultType(n, visiting);
    this.resultTypes.set(n.id, t);
    return t;
  }

  private inferResultType(n: FbdNode & { kind: 'block' }, visiting: Set<string>): string | undefined {
    const name = key(n.typeName);
    const user = this.scope.index.pous.get(name);
    if (user) return user.returnType;
    const conv = /_TO_([A-Z_]+)$/.exec(name) ?? /^TO_([A-Z_]+)$/.exec(name);
    if (conv) return conv[1];
    if (name === 'TRUNC') return 'DINT';
    if (name in COMPARISONS) return 'BOOL';
    if (name === 'LEN' || name === 'FIND') return 'INT';
    const inputTypes = () =>
      n.inputs.filter((p) => !SELECTORS.has(key(p.formal))).map((p) => (p.conn ? this.connType(p.conn, visiting) : undefined));
    if (STRING_RESULT.has(name)) {
      const first = inputTypes()[0];
      return first && /^WSTRING/.test(first) ? 'WSTRING' : 'STRING';
    }
    if (SAME_TYPE.has(name)) {
      const types = inputTypes();
      if (name === 'SUB' && types[0] && DATE_TYPES.has(key(types[0])) && types[1] && DATE_TYPES.has(key(types[1]))) {
        return key(types[0]).startsWith('L') ? 'LTIME' : 'TIME';
      }
      return types.find((t) => t !== undefined);
    }
    return undefined;
  }

  /** Type of the value a connection delivers, when it can be known without the compiler. */
  private connType(c: Connection, visiting: Set<string>): string | undefined {
    const s = this.source(c);
    if (!s) return undefined;
    const n = s.node;
    switch (n.kind) {
      case 'inVariable':
      case 'inOutVariable':
        return this.exprType(n.expr);
      case 'block': {
        const formal = s.formal!;
        if (key(formal) === 'ENO') return 'BOOL';
        const inOut = n.inOuts.find((p) => key(p.formal) === key(formal));
        if (inOut) return inOut.conn ? this.connType(inOut.conn, visiting) : undefined;
        if (n.instance) {
          const fbType = this.varType(n.instance);
          return fbType ? memberType(this.scope.index, fbType, formal) : undefined;
        }
        return this.resultType(n, visiting);
      }
      case 'power':
        return 'BOOL';
      default:
        return undefined;
    }
  }

  protected varType(name: string): string | undefined {
    return this.scope.pou.vars.get(key(name)) ?? this.scope.index.globals.get(key(name));
  }

  /** Type of an FBD variable expression: a declared name, `inst.member`, or a typed literal. */
  protected exprType(expr: string): string | undefined {
    const e = expr.trim();
    const typed = /^([A-Za-z_]+)#/.exec(e);
    if (typed) {
      const prefix = key(typed[1]!);
      const literalTypes: Record<string, string> = {
        T: 'TIME', TIME: 'TIME', LT: 'LTIME', LTIME: 'LTIME', D: 'DATE', DATE: 'DATE', TOD: 'TOD', TIME_OF_DAY: 'TOD',
        DT: 'DT', DATE_AND_TIME: 'DT',
      };
      return literalTypes[prefix] ?? (this.scope.index.pous.has(prefix) ? undefined : prefix);
    }
    if (/^(TRUE|FALSE)$/i.test(e)) return 'BOOL';
    if (e.startsWith("'")) return 'STRING';
    if (e.startsWith('"')) return 'WSTRING';
    const member = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(e);
    if (member) {
      const fbType = this.varType(member[1]!);
      return fbType ? memberType(this.scope.index, fbType, member[2]!) : undefined;
    }
    if (/^[A-Za-z_]\w*$/.test(e)) {
      const t = this.varType(e);
      return t && /^[A-Za-z_]\w*(\[\d+\])?$/.test(t) ? t : undefined;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ order

  /** The statement-producing nodes in execution order. */
  protected order(): FbdNode[] {
    const placed = this.list.filter(
      (n) => n.kind === 'block' || n.kind === 'outVariable' || n.kind === 'return' || (n.kind === 'inOutVariable' && n.input),
    );
    const explicit = placed.map((n) => Number(attr(n.el, 'executionOrderId') ?? '0'));
    if (placed.length > 0 && explicit.every((v) => Number.isFinite(v) && v > 0)) {
      return placed.map((n, i) => ({ n, o: explicit[i]! })).sort((a, b) => a.o - b.o || a.n.order - b.n.order).map((x) => x.n);
    }
    const deps = new Map<string, Set<FbdNode>>();
    for (const n of placed) {
      const d = new Set<FbdNode>();
      const add = (c: Connection | undefined) => {
        const m = this.dependency(c);
        if (m && m !== n) d.add(m);
      };
      if (n.kind === 'block') for (const p of [...n.inputs, ...n.inOuts]) add(p.conn);
      else if (n.kind === 'power') for (const c of n.inputs) add(c);
      else if (n.kind !== 'inVariable' && n.kind !== 'continuation') add(n.input);
      deps.set(n.id, d);
    }
    // inlined functions place no statement: whoever reads them waits for what they read
    const expand = (n: FbdNode, seen: Set<string>): FbdNode[] => {
      if (n.kind === 'block' && this.inline.has(n.id) && !seen.has(n.id)) {
        seen.add(n.id);
        return [n, ...[...(deps.get(n.id) ?? [])].flatMap((m) => expand(m, seen))];
      }
      return [n];
    };
    for (const n of placed) {
      const d = deps.get(n.id)!;
      for (const m of [...d]) for (const x of expand(m, new Set())) if (x !== n) d.add(x);
    }
    const done = new Set<string>();
    const result: FbdNode[] = [];
    const pending = [...placed];
    const waitsOnlyOn = (n: FbdNode, ok: (m: FbdNode) => boolean) =>
      [...deps.get(n.id)!].every((m) => done.has(m.id) || ok(m));
    /** Is `n` on a loop of statements not yet placed? Only those may be cut. */
    const onLoop = (n: FbdNode): boolean => {
      const seen = new Set<string>();
      const stack = [...deps.get(n.id)!].filter((m) => !done.has(m.id));
      while (stack.length > 0) {
        const m = stack.pop()!;
        if (m === n) return true;
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        for (const x of deps.get(m.id) ?? []) if (!done.has(x.id)) stack.push(x);
      }
      return false;
    };
    while (pending.length > 0) {
      let pick = pending.find((n) => waitsOnlyOn(n, () => false));
      // a feedback loop: cut it where a statement reads a variable, else a function block instance
      pick ??= pending.find((n) => onLoop(n) && waitsOnlyOn(n, (m) => m.kind === 'inOutVariable'));
      pick ??= pending.find((n) => onLoop(n) && waitsOnlyOn(n, (m) => m.kind === 'inOutVariable' || (m.kind === 'block' && !!m.instance)));
      pick ??= pending.find(onLoop) ?? pending[0]!;
      pending.splice(pending.indexOf(pick), 1);
      done.add(pick.id);
      result.push(pick);
    }
    return result;
  }

  // ------------------------------------------------------------------ statements

  protected callExpr(n: FbdNode & { kind: 'block' }): string | undefined {
    const name = key(n.typeName);
    const args: { formal: string; value: string }[] = [];
    for (const p of [...n.inputs, ...n.inOuts]) {
      if (key(p.formal) === 'EN') continue;
      if (!p.conn) continue;
      let v = this.value(p.conn);
      if (v === undefined) return undefined;
      if (p.edge) v = `${this.edgeInstance(n, p)}.Q`;
      args.push({ formal: p.formal, value: negate(v, p.negated) });
    }
    const op = OPERATORS[name];
    if (op && !n.instance) {
      const connected = n.inputs.filter((p) => key(p.formal) !== 'EN');
      const missing = connected.find((p) => !p.conn);
      if (missing) {
        this.error('E5005', `input ${missing.formal} of ${n.typeName} (localId ${n.id}) is not connected`, missing.el);
        return undefined;
      }
      return args.map((a) => operand(a.value)).join(` ${op} `);
    }
    const cmp = COMPARISONS[name];
    if (cmp && !n.instance && args.length >= 2) {
      const parts: string[] = [];
      for (let i = 0; i + 1 < args.length; i++) parts.push(`${operand(args[i]!.value)} ${cmp} ${operand(args[i + 1]!.value)}`);
      return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' AND ');
    }
    if (name === 'NOT' && !n.instance && args.length === 1) return `NOT ${operand(args[0]!.value)}`;
    if (name === 'MOVE' && !n.instance && args.length === 1) return args[0]!.value;
    if (n.instance || this.scope.index.pous.has(name)) {
      return `${n.instance ?? n.typeName}(${args.map((a) => `${a.formal} := ${a.value}`).join(', ')})`;
    }
    // standard and library functions: positional, in the block's pin order (the declaration
    // order), because extensible functions such as CONCAT or MAX have no formal names
    const pins = [...n.inputs, ...n.inOuts].filter((p) => key(p.formal) !== 'EN');
    const gap = pins.findIndex((p, i) => !p.conn && pins.slice(i + 1).some((q) => q.conn));
    if (gap >= 0) {
      this.error('E5005', `input ${pins[gap]!.formal} of ${n.typeName} (localId ${n.id}) is not connected`, pins[gap]!.el);
      return undefined;
    }
    return `${n.typeName}(${args.map((a) => a.value).join(', ')})`;
  }

  private edgeInstance(n: FbdNode & { kind: 'block' }, p: Pin): string {
    return `_TMP_${this.tag}${p.edge === 'rising' ? 'R_TRIG' : 'F_TRIG'}${n.id}_${p.formal}`;
  }

  protected statement(w: StWriter, n: FbdNode, indent: string): void {
    const at = this.ctx.at(n.el);
    const emit = (text: string) => w.line(`${indent}${text}`, at, indent.length);
    switch (n.kind) {
      case 'outVariable':
      case 'inOutVariable': {
        if (!n.input) {
          if (n.kind === 'outVariable') this.ctx.reportAt('W5001', `output variable '${n.expr}' is not connected`, n.el);
          return;
        }
        const v = this.value(n.input);
        if (v === undefined) return;
        emit(`${n.expr} := ${negate(v, n.kind === 'outVariable' ? n.negated : n.negatedIn)};`);
        return;
      }
      case 'return': {
        const v = n.input ? this.value(n.input) : 'TRUE';
        if (v === undefined) return;
        emit(v === 'TRUE' ? 'RETURN;' : `IF ${v} THEN RETURN; END_IF;`);
        return;
      }
      case 'block': {
        if (this.inline.has(n.id)) return;
        for (const p of n.inputs) {
          if (!p.edge || !p.conn) continue;
          if (this.scope.pou.pouType === 'function') {
            this.error('E5006', `edge detection on input ${p.formal} needs state, which a FUNCTION cannot keep`, p.el);
            return;
          }
          const v = this.value(p.conn);
          if (v === undefined) return;
          const inst = this.edgeInstance(n, p);
          if (!this.scope.temps.some((t) => t.name === inst)) {
            this.scope.temps.push({ name: inst, type: p.edge === 'rising' ? 'R_TRIG' : 'F_TRIG', el: p.el });
          }
          emit(`${inst}(CLK := ${v});`);
        }
        const call = this.callExpr(n);
        if (call === undefined) return;
        let stmt: string;
        if (n.instance) stmt = `${call};`;
        else {
          const out = n.outputs.find((p) => key(p.formal) !== 'ENO');
          stmt = this.used.has(n.id) && out ? `${this.tempName(n, out.formal)} := ${call};` : `${call};`;
        }
        const en = n.inputs.find((p) => key(p.formal) === 'EN');
        const enValue = en?.conn ? this.value(en.conn) : undefined;
        emit(enValue !== undefined ? `IF ${negate(enValue, en!.negated)} THEN ${stmt} END_IF;` : stmt);
        return;
      }
      case 'power':
        this.powerStatement(w, n, indent);
        return;
      default:
        return;
    }
  }
}
