/**
 * JavaScript for POU bodies: statements and expressions, typed by the checker's annotations.
 * Integers wrap to their width at every operation; REAL is rounded where stored; division and
 * indexing check and fault with the POU, file and line.
 */
import type { ElementaryTypeName } from '../application.js';
import type { CallExpr, Expr, Stmt, VarDecl } from '../st/ast.js';
import { key } from '../st/ast.js';
import { concrete } from '../types/common-type.js';
import { ELEMENTARY, type Type, elementary, isBig, isInteger, familyOf } from '../types/types.js';
import { divCode, modCode, notCode, type FunctionLibrary } from '../stdlib/functions.js';
import type { Annotations, BoundArgument, Pou, VarSymbol } from '../semantics/symbols.js';
import { allVars } from '../semantics/declarations.js';
import { convertCode, wrapInt } from './convert.js';
import { copyValue, isScalar, propName, zeroValue, type ValueEmitter } from './values.js';
import { constantInt, mayChange, rangeOf, valueRange, type IntRange, type LoopFacts } from './index-range.js';
import { bitCode } from './bit-code.js';
import { selectOf } from './if-conversion.js';
import { assignedRange } from './loop-versioning.js';
import { LoopEmitter } from './loop-code.js';
import { hoistTarget, loopScope, type LoopScope } from './loop-invariants.js';
import { convertLiteral } from './literal-code.js';

export { convertLiteral };
import { cellCode, cellRead, cellStore, isCellDeref, isCellTarget, type CellHost } from './references.js';
import { walkStmts } from './ast-walk.js';
import type { WasmLoops } from './wasm/loops.js';

export interface SiteTable {
  /** index of a fault site [pou, file, line] */
  site(pou: string, file: string, line: number): number;
}

export interface BodyOptions {
  ann: Annotations;
  sites: SiteTable;
  values: ValueEmitter;
  /** output objects of functions and methods: `$fo_F` */
  outputObject(pou: Pou): string;
  /** JS class of an FB type */
  className(t: Type): string;
  methodOwnerClass(owner: Pou): string;
  /** the functions of this compilation (the checker resolved calls against the same) */
  functions: FunctionLibrary;
  /** the frame object holding a local whose reference is taken (see references.ts) */
  frameOf?(sym: VarSymbol): string | undefined;
  /** FOR loops as WebAssembly (wasm/loops.ts) */
  wasmLoops?: WasmLoops;
}

const COMPARISONS: ReadonlySet<string> = new Set(['=', '<>', '<', '>', '<=', '>=']);

/** Leading spaces of each nesting depth, made once. */
const INDENTS: string[] = [];
function indentation(depth: number): string {
  return (INDENTS[depth] ??= '  '.repeat(depth));
}

/** Emits one function body (program/FB body, method, action, function). */
export class BodyEmitter {
  private readonly lines: string[] = [];
  private indent = 1;
  private temps = 0;
  private readonly tempNames: string[] = [];
  /** instance variables held in JS locals while the body runs */
  readonly cached = new Map<VarSymbol, string>();
  private loopLabels: string[] = [];
  /** ranges of the FOR variables around the code being emitted (index checks they make needless are left out) */
  private readonly loopFacts: LoopFacts = new Map();

  constructor(
    private readonly o: BodyOptions,
    /** the FB/program whose instance is `this` */
    private readonly instance: Pou | undefined,
    private readonly file: string,
    private readonly pouName: string,
  ) {}

  // ------------------------------------------------------------ output

  emit(line: string): void {
    this.lines.push(indentation(this.indent) + line);
  }

  tmp(): string {
    const n = `$t${++this.temps}`;
    this.tempNames.push(n);
    return n;
  }

  /** The emitted statements, with temporaries declared first. */
  result(): string[] {
    if (this.tempNames.length === 0) return this.lines.slice();
    const out = [`  let ${this.tempNames.join(', ')};`];
    for (const l of this.lines) out.push(l);
    return out;
  }

  // ------------------------------------------------------------ variables

  /** JS reference for a variable symbol. */
  varRef(sym: VarSymbol): string {
    const c = this.cached.get(sym) ?? this.refs.get(sym);
    if (c) return c;
    switch (sym.storage) {
      case 'local': {
        const frame = this.o.frameOf?.(sym);
        if (frame) return `${frame}.${sym.prop}`;
        return sym.prop === '$result' ? '$result' : `v_${sym.prop}`;
      }
      case 'instance':
        return `this.${sym.prop}`;
      case 'global':
        return `$G.${sym.prop}`;
    }
  }

  /**
   * Hold the instance's scalar variables that the body uses in JS locals: V8 keeps locals in
   * registers, object fields in memory. Written back before any call on this instance and at exit.
   */
  cacheInstanceScalars(body: Stmt[]): void {
    if (!this.instance) return;
    const used = new Set<VarSymbol>();
    const symbols = this.o.ann.symbols;
    const mark = (e: Expr | undefined): void => {
      let x = e;
      while (x && (x.kind === 'member' || x.kind === 'index' || x.kind === 'bit')) x = x.object;
      const sym = x?.kind === 'name' ? symbols.get(x.id) : undefined;
      if (sym?.kind === 'var') this.written.add(sym);
    };
    // one walk over the body: which instance variables it uses and which it writes
    walkStmts(body, {
      expr: (e) => {
        if (e.kind === 'name') {
          const s = symbols.get(e.id);
          if (s && s.kind === 'var' && s.storage === 'instance') used.add(s);
        } else if (e.kind === 'call') {
          // outputs bound with => and in-out arguments are written by the call
          for (const b of this.o.ann.boundArgs.get(e.id) ?? []) {
            const section = (b.param as { section: string }).section;
            if (section === 'VAR_OUTPUT' || section === 'VAR_IN_OUT') mark(b.value);
          }
        }
      },
      stmt: (s) => {
        if (s.kind === 'assign') mark(s.target);
        else if (s.kind === 'for') mark(s.variable);
      },
    });
    for (const s of used) {
      // a variable a reference may reach is read and written where it lives
      if (this.o.ann.addressTaken.has(s)) continue;
      // aggregates are never re-seated (assignment copies into them): their reference is constant
      if (isScalar(s.type)) this.cached.set(s, `l_${s.prop}`);
      else this.refs.set(s, `r_${s.prop}`);
    }
  }

  /** cached variables the body may change: only these are written back */
  private readonly written = new Set<VarSymbol>();

  /** instance arrays, structs and FB instances held in JS constants while the body runs */
  private readonly refs = new Map<VarSymbol, string>();

  // forEach, not for-of over entries: no iterator result and [key, value] pair per variable on cold code
  cachePrologue(): void {
    this.cached.forEach((l, s) => this.emit(`let ${l} = this.${s.prop};`));
    this.refs.forEach((r, s) => this.emit(`const ${r} = this.${s.prop};`));
  }

  flushCache(): void {
    this.cached.forEach((l, s) => {
      if (this.written.has(s)) this.emit(`this.${s.prop} = ${l};`);
    });
  }

  reloadCache(): void {
    this.cached.forEach((l, s) => this.emit(`${l} = this.${s.prop};`));
  }

  // ------------------------------------------------------------ statements

  body(stmts: Stmt[]): void {
    if (stmts.some((s) => s.kind === 'label')) return this.bodyWithLabels(stmts);
    // `n := e` with e's range known from the loop facts (an index computed from FOR variables,
    // `n := ch * 4 + s`) holds for the statements after it, until one of them may write n
    // made at the first such statement: most blocks have none
    let saved: Map<VarDecl, IntRange | undefined> | undefined;
    for (const s of stmts) {
      if (saved) for (const d of saved.keys()) if (this.loopFacts.has(d) && mayChange(s, d, this.o.ann)) this.restoreFact(saved, d);
      this.stmt(s);
      const fact = this.loopFacts.size ? assignedRange(s, this.loopFacts, this.o.ann) : undefined;
      if (fact) {
        saved ??= new Map();
        if (!saved.has(fact.decl)) saved.set(fact.decl, this.loopFacts.get(fact.decl));
        this.loopFacts.set(fact.decl, fact.range);
      }
    }
    if (saved) for (const d of saved.keys()) this.restoreFact(saved, d);
  }

  /** Put back the loop fact of `d` from before the block's statements changed it. */
  private restoreFact(saved: Map<VarDecl, IntRange | undefined>, d: VarDecl): void {
    const outer = saved.get(d);
    if (outer) this.loopFacts.set(d, outer);
    else this.loopFacts.delete(d);
  }

  /** label → case number of the dispatch loop of the body being emitted */
  private jumpTargets = new Map<string, number>();

  /**
   * A body with labels becomes a dispatch loop: each label starts a case of a switch that falls
   * through to the next, and JMP sets the case and continues the loop (from any nesting depth).
   * Bodies without labels are emitted as before, so JMP costs nothing where it is not used.
   */
  private bodyWithLabels(stmts: Stmt[]): void {
    const outer = this.jumpTargets;
    this.jumpTargets = new Map();
    for (const s of stmts) if (s.kind === 'label') this.jumpTargets.set(key(s.name), this.jumpTargets.size + 1);
    this.emit('{ let $pc = 0;');
    this.emit('$jmp: for (;;) {');
    this.emit('switch ($pc) {');
    this.emit('case 0:');
    this.indent++;
    for (const s of stmts) {
      if (s.kind === 'label') {
        this.indent--;
        this.emit(`case ${this.jumpTargets.get(key(s.name))}: // ${s.name}`);
        this.indent++;
      } else this.stmt(s);
    }
    this.indent--;
    this.emit('}');
    this.emit('break;');
    this.emit('} }');
    this.jumpTargets = outer;
  }

  private block(stmts: Stmt[]): void {
    this.indent++;
    this.body(stmts);
    this.indent--;
  }

  /** Loops record where they are in $trace, so that a watchdog can name the line that hangs. */
  private readonly loopSites: number[] = [];
  private enterLoop(line: number): void {
    const site = this.site(line);
    this.loopSites.push(site);
    this.emit(`$trace[0] = ${site + 1};`);
  }
  private leaveLoop(): void {
    this.loopSites.pop();
    const outer = this.loopSites[this.loopSites.length - 1];
    this.emit(`$trace[0] = ${outer === undefined ? 0 : outer + 1};`);
  }

  private site(line: number): number {
    return this.o.sites.site(this.pouName, this.file, line);
  }

  private typeOf(e: Expr): Type {
    return this.o.ann.types.get(e.id) ?? { kind: 'error' };
  }

  stmt(s: Stmt): void {
    switch (s.kind) {
      case 'assign':
        return this.assign(s);
      case 'callStmt': {
        const code = this.call(s.call, true);
        if (code) this.emit(`${code};`);
        return;
      }
      case 'if': {
        const select = selectOf(s, this.o.ann);
        if (select) {
          // both sides in the target's type (a subrange keeps its check in storeCode)
          const f = this.tmp();
          const tt = this.typeOf(select.target);
          const info = ELEMENTARY[(select.type as { name: ElementaryTypeName }).name];
          const mix = `${f} ^ ((${this.expr(select.whenTrue, tt)} ^ ${f}) & -((${this.test(select.cond)}) | 0))`;
          this.emit(`${f} = ${this.expr(select.whenFalse, tt)};`);
          this.emit(this.storeCode(select.target, info.bits === 32 && info.family !== 'signed' ? `((${mix}) >>> 0)` : `(${mix})`));
          return;
        }
        s.branches.forEach((b, i) => {
          this.emit(`${i === 0 ? 'if' : '} else if'} (${this.test(b.cond)}) {`);
          this.block(b.body);
        });
        if (s.elseBody) {
          this.emit('} else {');
          this.block(s.elseBody);
        }
        this.emit('}');
        return;
      }
      case 'case': {
        const selType = concrete(this.typeOf(s.selector));
        const sel = this.tmp();
        this.emit(`${sel} = ${this.expr(s.selector, selType)};`);
        s.cases.forEach((c, i) => {
          const conds = c.labels.map((l) =>
            l.kind === 'value'
              ? `${sel} === ${this.expr(l.expr, selType)}`
              : `(${sel} >= ${this.expr(l.lo, selType)} && ${sel} <= ${this.expr(l.hi, selType)})`,
          );
          this.emit(`${i === 0 ? 'if' : '} else if'} (${conds.join(' || ') || 'false'}) {`);
          this.block(c.body);
        });
        if (s.elseBody) {
          if (s.cases.length) this.emit('} else {');
          else this.emit('{');
          this.block(s.elseBody);
        }
        if (s.cases.length || s.elseBody) this.emit('}');
        return;
      }
      case 'for':
        return this.loops.forStmt(s);
      case 'while':
        return this.loops.whileStmt(s);
      case 'repeat': {
        const label = `$L${this.loopLabels.length + this.temps++}`;
        this.loopLabels.push(label);
        this.pushLoopScope(s.body);
        this.enterLoop(s.range.line);
        this.emit(`${label}: do {`);
        this.indent++;
        this.emit(`${label}c: {`);
        this.block(s.body);
        this.emit('}');
        this.indent--;
        this.emit(`} while (!(${this.test(s.until)}));`);
        this.leaveLoop();
        this.loopScopes.pop();
        this.loopLabels.pop();
        return;
      }
      case 'exit':
        this.emit(`break ${this.loopLabels[this.loopLabels.length - 1] ?? ''};`);
        return;
      case 'continue':
        this.emit(`break ${this.loopLabels[this.loopLabels.length - 1] ?? ''}c;`);
        return;
      case 'return':
        this.emit('break $body;');
        return;
      case 'label':
        return;
      case 'jmp':
        this.emit(`{ $pc = ${this.jumpTargets.get(key(s.label)) ?? 0}; continue $jmp; }`);
        return;
      case 'empty':
        return;
    }
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const tt = this.typeOf(s.target);
    if (s.op === 'S=' || s.op === 'R=') {
      this.emit(`if (${this.test(s.value)}) ${this.storeCode(s.target, s.op === 'S=' ? 'true' : 'false')}`);
      return;
    }
    if (s.op === 'REF=') {
      const isNull = s.value.kind === 'name' && !this.o.ann.symbols.get(s.value.id);
      const cell = tt.kind === 'ref' && isCellTarget(tt.target) && !isNull;
      this.emit(this.storeCode(s.target, cell ? cellCode(s.value, this.cellHost) : this.expr(s.value, tt), isSingle(this.typeOf(s.value))));
      return;
    }
    if (!isScalar(tt) && tt.kind !== 'error') {
      this.emit(copyValue(this.lref(s.target), this.expr(s.value, tt), tt, this.o.values));
      return;
    }
    this.emit(this.storeCode(s.target, this.expr(s.value, tt), isSingle(this.typeOf(s.value))));
  }

  /**
   * A statement storing `value` (already of the target's type) into the target expression.
   * `single`: the value is a REAL already (every REAL operation rounds), so it needs no Math.fround.
   */
  storeCode(target: Expr, value: string, single = false): string {
    const t = this.typeOf(target);
    // through a reference to an elementary variable (r^ := v, r^.3 := b): its cell
    const through = cellStore(target, value, single || isRounded(value), this.cellHost, () => this.tmp());
    if (through) return through;
    if (target.kind === 'bit') {
      const obj = this.lref(target.object);
      const ot = concrete(this.typeOf(target.object));
      if (isBig(ot)) {
        const m = `${1n << BigInt(target.bit)}n`;
        return `${obj} = (${value}) ? (${obj} | ${m}) : (${obj} & ~${m}) & 0xFFFFFFFFFFFFFFFFn;`;
      }
      const name = (ot as { name: ElementaryTypeName }).name;
      return `${obj} = (${value}) ? ${wrapInt(`${obj} | ${2 ** target.bit}`, name)} : ${wrapInt(`${obj} & ${~(2 ** target.bit) >>> 0}`, name)};`;
    }
    if (t.kind === 'elementary' && t.subrange) {
      return `${this.lref(target)} = $sub(${value}, ${t.subrange.lo}, ${t.subrange.hi}, ${this.site(target.range.line)});`;
    }
    if (t.kind === 'elementary' && t.name === 'REAL') return `${this.lref(target)} = ${single || isRounded(value) ? value : `Math.fround(${value})`};`;
    if (target.kind === 'index' && t.kind === 'elementary' && t.name === 'BOOL' && this.typeOf(target.object).kind === 'array') {
      // BOOL arrays hold bytes: store a number, not a boolean V8 would have to convert
      const byte = value === 'true' ? '1' : value === 'false' ? '0' : `(${value} ? 1 : 0)`;
      return `${this.lref(target)} = ${byte};`;
    }
    return `${this.lref(target)} = ${value};`;
  }

  /** JS reference for an assignable expression. */
  lref(e: Expr): string {
    switch (e.kind) {
      case 'name': {
        const sym = this.o.ann.symbols.get(e.id);
        if (sym?.kind === 'var') return this.varRef(sym);
        return `undefined /* ${e.name} */`;
      }
      case 'member':
        return this.memberRef(e);
      case 'index':
        return this.indexRef(e);
      case 'deref':
        if (e.object.kind === 'this' || e.object.kind === 'super') return 'this';
        if (isCellDeref(e, this.cellHost)) return cellRead(e, this.cellHost);
        // a NULL reference is a located fault, not a JavaScript TypeError
        return `$deref(${this.expr(e.object)}, ${this.site(e.range.line)})`;
      default:
        return this.expr(e);
    }
  }

  private memberRef(e: Extract<Expr, { kind: 'member' }>): string {
    const obj = this.lref(e.object);
    const ot = this.typeOf(e.object);
    if (ot.kind === 'fb') {
      const sym = this.o.ann.symbols.get(e.id);
      if (sym?.kind === 'var') return `${obj}.${sym.prop}`;
    }
    return `${obj}.${propName(e.member)}`;
  }

  private indexRef(e: Extract<Expr, { kind: 'index' }>): string {
    const t = this.typeOf(e.object);
    if (t.kind === 'string') {
      return `(${this.lref(e.object)}).charCodeAt(${this.expr(e.indices[0]!, elementary('DINT'))} - 1)`;
    }
    const { obj, index } = this.indexParts(e);
    const ref = `${obj}[${index}]`;
    return this.elementAliases.get(ref) ?? ref;
  }

  /** The array object and the flat, checked index of an element. */
  private indexParts(e: Extract<Expr, { kind: 'index' }>): { obj: string; index: string } {
    const obj = this.lref(e.object);
    const t = this.typeOf(e.object);
    if (t.kind !== 'array') return { obj, index: '0' };
    const site = this.site(e.range.line);
    let index = '';
    let stride = 1;
    for (let d = t.dims.length - 1; d >= 0; d--) {
      const dim = t.dims[d]!;
      const it = concrete(this.typeOf(e.indices[d]!));
      let ix = this.expr(e.indices[d]!, it);
      if (isBig(it)) ix = `Number(${ix})`;
      // the in-range test inline (one unsigned compare); the call only on the way to a fault
      const span = dim.hi - dim.lo;
      const known = rangeOf(e.indices[d]!, this.loopFacts, this.o.ann);
      let checked: string;
      if (known && known.lo >= BigInt(dim.lo) && known.hi <= BigInt(dim.hi)) {
        checked = dim.lo === 0 ? `(${ix})` : `(${ix} - ${dim.lo})`;
      } else if (/^[\w$]+$/.test(ix)) {
        const off = dim.lo === 0 ? ix : `(${ix} - ${dim.lo})`;
        checked = `((${off} >>> 0) <= ${span} ? ${off} : $chk(${ix}, ${dim.lo}, ${dim.hi}, ${site}))`;
      } else {
        const t = this.tmp();
        const off = dim.lo === 0 ? t : `(${t} - ${dim.lo})`;
        checked = `((${t} = ${ix}, ${off} >>> 0) <= ${span} ? ${off} : $chk(${t}, ${dim.lo}, ${dim.hi}, ${site}))`;
      }
      const part = stride === 1 ? checked : `${checked} * ${stride}`;
      index = index ? `${part} + ${index}` : part;
      stride *= dim.hi - dim.lo + 1;
    }
    return { obj, index };
  }

  /** element references held in temporaries for one iteration of a FOR loop (see aliasElements) */
  private readonly elementAliases = new Map<string, string>();

  /**
   * In a FOR loop whose variable stays inside the bounds of an array of structures or FB
   * instances, `a[i]` is the same object for the whole iteration (aggregates are never
   * re-seated: assignment copies into them): load it once at the top of the iteration, not
   * again after every call that V8 cannot see through. Returns the aliases to drop after it.
   */
  private aliasElements(s: Extract<Stmt, { kind: 'for' }>, decl: VarDecl, range: IntRange): string[] {
    const added: string[] = [];
    walkStmts(s.body, {
      expr: (e) => {
        if (e.kind !== 'index' || e.indices.length !== 1 || e.object.kind !== 'name') return;
        const ix = e.indices[0]!;
        const is = ix.kind === 'name' ? this.o.ann.symbols.get(ix.id) : undefined;
        if (is?.kind !== 'var' || is.decl !== decl) return;
        const arr = this.o.ann.symbols.get(e.object.id);
        if (arr?.kind !== 'var' || arr.storage === 'global' || arr.section === 'VAR_IN_OUT' || arr.section === 'VAR_EXTERNAL') return;
        const at = concrete(this.typeOf(e.object));
        if (at.kind !== 'array' || at.dims.length !== 1) return;
        const el = concrete(at.element);
        if (el.kind !== 'struct' && el.kind !== 'fb') return;
        if (range.lo < BigInt(at.dims[0]!.lo) || range.hi > BigInt(at.dims[0]!.hi)) return;
        const ref = this.indexRef(e); // the alias itself once this element has one
        if (added.some((a) => this.elementAliases.get(a) === ref)) return;
        const t = this.tmp();
        this.emit(`${t} = ${ref};`);
        this.elementAliases.set(ref, t);
        added.push(ref);
      },
    });
    return added;
  }

  /** Loop statements (loop-code.ts), with what they need from this emitter. */
  private readonly loops = ((me: BodyEmitter) => new LoopEmitter({
    // getters: the fields they read are set after this one
    get ann() {
      return me.o.ann;
    },
    get loopFacts() {
      return me.loopFacts;
    },
    get loopScopes() {
      return me.loopScopes;
    },
    emit: (line) => me.emit(line),
    indent: (by) => {
      me.indent += by;
    },
    tmp: () => me.tmp(),
    expr: (e, t) => me.expr(e, t),
    test: (e) => me.test(e),
    lref: (e) => me.lref(e),
    typeOf: (e) => me.typeOf(e),
    block: (stmts) => me.block(stmts),
    enterLoop: (line) => me.enterLoop(line),
    leaveLoop: () => me.leaveLoop(),
    pushLoopScope: (body, variable) => me.pushLoopScope(body, variable),
    pushLabel: (fresh) => {
      const label = `$L${me.loopLabels.length + (fresh ? me.temps++ : me.temps)}`;
      me.loopLabels.push(label);
      return label;
    },
    popLabel: () => {
      me.loopLabels.pop();
    },
    aliasElements: (s, decl, range) => me.aliasElements(s, decl, range),
    dropAlias: (ref) => {
      me.elementAliases.delete(ref);
    },
    wasmLoop(s, step, v, to, iterations) {
      return me.o.wasmLoops?.loopCode(this, s, step, v, to, iterations);
    },
  }))(this);

  /** What reference code needs from this emitter (references.ts). */
  private readonly cellHost: CellHost = {
    typeOf: (e) => this.typeOf(e),
    lref: (e) => this.lref(e),
    expr: (e, t) => this.expr(e, t),
    symbolOf: (e) => {
      const s = this.o.ann.symbols.get(e.id);
      return s?.kind === 'var' ? s : undefined;
    },
    indexParts: (e) => this.indexParts(e),
    frameOf: (s) => this.o.frameOf?.(s),
    site: (line) => this.site(line),
  };

  /** A BOOL expression as a JS condition. */
  test(e: Expr): string {
    return this.expr(e, elementary('BOOL'));
  }

  // ------------------------------------------------------------ expressions

  /**
   * JS for an expression, converted to `target` when given. Untyped literals take the
   * target's representation.
   */
  expr(e: Expr, target?: Type): string {
    if (this.loopScopes.length && !this.hoisting) {
      const i = hoistTarget(e, this.loopScopes, this.o.ann);
      if (i >= 0) {
        this.hoisting = true;
        const code = this.exprHere(e, target);
        this.hoisting = false;
        return this.hoistInto(i, code);
      }
    }
    return this.exprHere(e, target);
  }

  /** loops around the code being emitted, innermost last (see loop-invariants.ts) */
  private readonly loopScopes: LoopScope[] = [];
  /** the code of an expression being moved before a loop is being emitted */
  private hoisting = false;

  private pushLoopScope(body: Stmt[], variable?: Expr): void {
    this.loopScopes.push(loopScope(body, variable, this.o.ann, this.lines.length, this.indent));
  }

  /** `code` computed once before the loop of scope `i`, into a temporary (one per distinct code) */
  private hoistInto(i: number, code: string): string {
    const scope = this.loopScopes[i]!;
    const known = scope.hoisted.get(code);
    if (known) return known;
    const t = this.tmp();
    this.lines.splice(scope.at, 0, `${'  '.repeat(scope.indent)}${t} = ${code};`);
    for (let k = i; k < this.loopScopes.length; k++) this.loopScopes[k]!.at++;
    scope.hoisted.set(code, t);
    return t;
  }

  private exprHere(e: Expr, target?: Type): string {
    const t = this.typeOf(e);
    const want = target ?? concrete(t);
    if (e.kind === 'literal') return convertLiteral(e.value, t, want);
    // BOOL variables and fields hold true or false, but V8 does not know the type of a value
    // loaded from a field: `if (x)` tests x against every falsy kind of value (false, '', 0,
    // NaN, a BigInt…) and `o.f = x` stores it with a write barrier; `x === true` is one compare
    // and a boolean V8 knows needs no barrier (true and false never move)
    if (isBool(want) && isBoolLoad(e, this.o.ann)) return `(${this.exprRaw(e, want)} === true)`;
    if ((t.kind === 'literalInt' || t.kind === 'literalReal') && (e.kind === 'binary' || e.kind === 'unary')) {
      // constant arithmetic on literals is done in the target type
      return this.exprRaw(e, want);
    }
    const code = this.exprRaw(e, concrete(t));
    // a generic function of literals (MAX(3, 9)) computes in the literal's default type
    if (e.kind === 'call' && (t.kind === 'literalInt' || t.kind === 'literalReal')) return target ? convertCode(code, concrete(t), target) : code;
    if (target && isSingle(target) && this.exactInSingle(e, t)) return code;
    return target ? convertCode(code, t, target) : code;
  }

  /** An integer expression of type `from` whose every value is exact in single precision (|v| <= 2^24)? */
  private exactInSingle(e: Expr, from: Type): boolean {
    const f = concrete(from);
    if (f.kind !== 'elementary' || !isInteger(f) || ELEMENTARY[f.name].bits > 32) return false;
    const r = valueRange(e, this.loopFacts, this.o.ann);
    return r !== undefined && r.lo >= -(1n << 24n) && r.hi <= 1n << 24n;
  }

  private exprRaw(e: Expr, ctxType: Type): string {
    switch (e.kind) {
      case 'literal':
        return convertLiteral(e.value, this.typeOf(e), ctxType);
      case 'name': {
        const sym = this.o.ann.symbols.get(e.id);
        if (!sym) return e.name.toUpperCase() === 'NULL' ? 'null' : 'undefined';
        if (sym.kind === 'enumValue') return String(sym.value);
        if (sym.constValue !== undefined && sym.storage === 'global') return this.varRef(sym);
        return this.varRef(sym);
      }
      case 'enumValue': {
        const sym = this.o.ann.symbols.get(e.id);
        return sym?.kind === 'enumValue' ? String(sym.value) : '0';
      }
      case 'member':
        return this.memberRef(e);
      case 'index': {
        const ot = this.typeOf(e.object);
        const ref = this.indexRef(e);
        return ot.kind === 'array' && ot.element.kind === 'elementary' && ot.element.name === 'BOOL' ? `(${ref} !== 0)` : ref;
      }
      case 'bit': {
        const ot = concrete(this.typeOf(e.object));
        const obj = this.expr(e.object, ot);
        if (isBig(ot)) return `(((${obj}) >> ${e.bit}n) & 1n) !== 0n`;
        return `(((${obj}) >>> ${e.bit}) & 1) !== 0`;
      }
      case 'deref':
        return this.lref(e);
      case 'call':
        return this.call(e, false);
      case 'unary': {
        const operand = this.expr(e.operand, ctxType);
        if (e.op === '+') return operand;
        if (e.op === 'NOT') return notCode(operand, ctxType);
        if (ctxType.kind === 'elementary' && isInteger(ctxType)) return wrapInt(`-(${operand})`, ctxType.name);
        return `(-(${operand}))`;
      }
      case 'binary':
        return this.binary(e, ctxType);
      case 'this':
      case 'super':
        return 'this';
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, ctxType: Type): string {
    let ot = this.o.ann.operandTypes.get(e.id) ?? ctxType;
    if (ot.kind === 'literalInt' || ot.kind === 'literalReal') {
      const isCompare = COMPARISONS.has(e.op);
      ot = isCompare ? concrete(ot) : ctxType.kind === 'elementary' && ctxType.name !== 'BOOL' ? ctxType : concrete(ot);
    }
    const lt = this.typeOf(e.left);
    const rt = this.typeOf(e.right);
    const fam = familyOf(ot);
    // time arithmetic keeps each side in its own type
    if (fam === 'duration' || fam === 'date' || fam === 'tod' || fam === 'dt') {
      if (!COMPARISONS.has(e.op)) return this.timeBinary(e, lt, rt);
    }
    const a = this.expr(e.left, ot);
    const b = this.expr(e.right, ot);
    const site = () => this.site(e.range.line);
    switch (e.op) {
      case '=':
        return `(${a} === ${b})`;
      case '<>':
        return `(${a} !== ${b})`;
      case '<':
      case '>':
      case '<=':
      case '>=':
        return `(${a} ${e.op} ${b})`;
      case 'AND':
      case 'OR':
      case 'XOR': {
        if (isBool(ot)) return `(${a} ${e.op === 'AND' ? '&&' : e.op === 'OR' ? '||' : '!=='} ${b})`;
        const op = e.op === 'AND' ? '&' : e.op === 'OR' ? '|' : '^';
        if (isBig(ot)) return `(${a} ${op} ${b})`;
        // both operands hold values of the type (every operation wraps), and so does the
        // result: only a 32-bit unsigned one must be made unsigned again
        if (ot.kind === 'elementary' && ELEMENTARY[ot.name].bits === 32 && ELEMENTARY[ot.name].family !== 'signed') return `((${a} ${op} ${b}) >>> 0)`;
        return `(${a} ${op} ${b})`;
      }
      case '**':
        return roundSingle(`((${a}) ** (${b}))`, ot);
      case 'MOD': {
        // a divisor that cannot be zero cannot fault: plain JS (a constant one V8 strength-reduces)
        const mod = !isBig(ot) && this.nonZero(e.right) ? `(${a} % ${b})` : modCode(a, b, ot, site());
        // a negative dividend with no remainder gives -0 in JS, which is no small integer: V8
        // would then hold the variable (and the field it is stored in) as a boxed double
        return ot.kind === 'elementary' && ELEMENTARY[ot.name].family === 'signed' && ELEMENTARY[ot.name].bits <= 32 ? `(${mod} | 0)` : mod;
      }
      case '/':
        if (ot.kind === 'elementary' && isInteger(ot)) {
          if (!isBig(ot) && this.nonZero(e.right)) {
            const signed = ELEMENTARY[ot.name].family === 'signed';
            return wrapInt(signed ? `(${a} / ${b}) | 0` : `Math.trunc(${a} / ${b})`, ot.name);
          }
          return isBig(ot) ? divCode(a, b, ot, site()) : wrapInt(divCode(a, b, ot, site()), ot.name);
        }
        return roundSingle(`(${a} / ${b})`, ot);
      case '+':
      case '-':
      case '*': {
        if (ot.kind !== 'elementary' || !isInteger(ot)) return roundSingle(`(${a} ${e.op} ${b})`, ot);
        const info = ELEMENTARY[ot.name];
        if (info.bits === 64) return wrapInt(`${a} ${e.op} ${b}`, ot.name);
        if (e.op === '*' && info.bits === 32) return info.family === 'signed' ? `Math.imul(${a}, ${b})` : `(Math.imul(${a}, ${b}) >>> 0)`;
        // a result the loop facts keep inside the type cannot wrap: no shifts or mask
        if (info.bits < 32 && rangeOf(e, this.loopFacts, this.o.ann)) return `((${a} ${e.op} ${b}) | 0)`;
        return wrapInt(`${a} ${e.op} ${b}`, ot.name);
      }
    }
  }

  /** An integer divisor that is no zero: a constant, or a range (from its type and the loop facts) without 0. */
  private nonZero(e: Expr): boolean {
    const d = constantInt(e);
    if (d !== undefined) return d !== 0n;
    const r = valueRange(e, this.loopFacts, this.o.ann);
    return r !== undefined && (r.lo > 0n || r.hi < 0n);
  }

  private timeBinary(e: Extract<Expr, { kind: 'binary' }>, lt: Type, rt: Type): string {
    const fl = familyOf(lt);
    const fr = familyOf(rt);
    const a = this.expr(e.left, fl ? lt : concrete(lt));
    const b = this.expr(e.right, fr ? rt : concrete(rt));
    const num = (x: string, t: Type) => (isBig(concrete(t)) ? `Number(${x})` : x);
    switch (e.op) {
      case '+':
        if (fl === 'dt' && fr === 'duration') return `(${a} + ${b} / 1e6)`;
        if (fl === 'duration' && fr === 'dt') return `(${a} / 1e6 + ${b})`;
        return `(${a} + ${b})`;
      case '-':
        if (fl === 'dt' && fr === 'duration') return `(${a} - ${b} / 1e6)`;
        if ((fl === 'dt' || fl === 'date') && fl === fr) return `((${a} - ${b}) * 1e6)`;
        return `(${a} - ${b})`;
      case '*': {
        // durations are whole nanoseconds: times an integer they stay whole, only a REAL factor rounds
        const whole = (t: Type) => isInteger(concrete(t));
        if (fl === 'duration') return whole(rt) ? `(${a} * ${num(b, rt)})` : `Math.round(${a} * ${num(b, rt)})`;
        return whole(lt) ? `(${num(a, lt)} * ${b})` : `Math.round(${num(a, lt)} * ${b})`;
      }
      case '/':
        return `$tdiv(${a}, ${num(b, rt)}, ${this.site(e.range.line)})`;
      default:
        return `(${a} ${e.op} ${b})`;
    }
  }

  // ------------------------------------------------------------ calls

  /** JS for a call. As a statement, may emit setup lines and return the final expression. */
  call(e: CallExpr, asStatement: boolean): string {
    const target = this.o.ann.calls.get(e.id);
    const bound = this.o.ann.boundArgs.get(e.id) ?? [];
    if (!target) return 'undefined';
    switch (target.kind) {
      case 'builtin': {
        const b = this.o.functions.lookup(target.name)!;
        // REF(x), ADR(x) of an elementary variable: its cell
        if ((target.name === 'REF' || target.name === 'ADR') && isCellTarget(target.argTypes[0]!)) return cellCode(bound[0]!.value!, this.cellHost);
        const args = bound.map((a, i) => this.expr(a.value!, target.argTypes[i]));
        if (target.name === 'MUX') {
          const k = args[0]!;
          const site = this.site(e.range.line);
          const kk = isBig(target.argTypes[0]!) ? `Number(${k})` : k;
          const tk = this.tmp();
          const chain = args.slice(1).reduceRight((acc, x, i) => `${tk} === ${i} ? ${x} : ${acc}`, `$fault('INDEX_OUT_OF_RANGE', ${site}, 'MUX selector ' + ${tk})`);
          return `(${tk} = ${kk}, ${chain})`;
        }
        if (bound.length === 1 && /_TO_REAL$|^TO_REAL$/.test(target.name) && this.exactInSingle(bound[0]!.value!, target.argTypes[0]!)) return args[0]!;
        const fast = bitCode(target.name, bound, args, target.argTypes, target.resultType, { ann: this.o.ann, facts: this.loopFacts, tmp: () => this.tmp() });
        if (fast) return fast;
        return b.emit(args, { params: target.argTypes, result: target.resultType }, {
          convert: (c, f, t) => convertCode(c, f, t),
          site: this.site(e.range.line),
        });
      }
      case 'function':
        return this.callFunction(target.pou, bound, `${target.pou.jsName}`, asStatement);
      case 'method': {
        const inst = target.instance === 'this' ? 'this' : target.instance === 'super' ? 'this' : this.lref(target.instance);
        const fn = target.instance === 'super' ? `${this.o.methodOwnerClass(target.owner)}.prototype.${target.pou.jsName}.call` : `${inst}.${target.pou.jsName}`;
        const selfArg = target.instance === 'super' ? ['this'] : [];
        const onThis = target.instance === 'this' || target.instance === 'super';
        if (onThis && this.cached.size && asStatement) {
          this.flushCache();
          const code = this.callFunction(target.pou, bound, fn, asStatement, selfArg);
          if (code) this.emit(`${code};`);
          this.reloadCache();
          return '';
        }
        return this.callFunction(target.pou, bound, fn, asStatement, selfArg);
      }
      case 'action': {
        const inst = target.instance === 'this' ? 'this' : this.lref(target.instance);
        const code = `${inst}.$a_${key(target.action.name)}()`;
        if (target.instance === 'this' && this.cached.size) {
          this.flushCache();
          this.emit(`${code};`);
          this.reloadCache();
          return '';
        }
        return code;
      }
      case 'fbInstance':
        this.callFb(target.pou, target.instance, bound);
        return '';
    }
  }

  private callFunction(pou: Pou, bound: BoundArgument[], fn: string, asStatement: boolean, leading: string[] = []): string {
    const params = pou.vars.filter((v) => v.section === 'VAR_INPUT' || v.section === 'VAR_IN_OUT');
    const args = params.map((p) => {
      const b = bound.find((x) => x.param === p);
      if (!b?.value) return p.init?.kind === 'expr' ? this.o.values.initExpr(p.init, p.type) : zeroValue(p.type);
      if (p.section === 'VAR_IN_OUT' && !isScalar(p.type)) return this.lref(b.value);
      return this.expr(b.value, p.type);
    });
    const call = `${fn}(${[...leading, ...args].join(', ')})`;
    const writeBacks: string[] = [];
    const outObj = this.o.outputObject(pou);
    for (const b of bound) {
      const p = b.param as VarSymbol;
      if (!b.value || p.kind !== 'var') continue;
      if (p.section === 'VAR_OUTPUT') {
        const v = b.negated ? `!${outObj}.${p.prop}` : convertCode(`${outObj}.${p.prop}`, p.type, this.typeOf(b.value));
        writeBacks.push(this.storeCode(b.value, v, isSingle(p.type)).replace(/;$/, ''));
      } else if (p.section === 'VAR_IN_OUT' && isScalar(p.type)) {
        writeBacks.push(this.storeCode(b.value, `${outObj}.${p.prop}`, isSingle(p.type)).replace(/;$/, ''));
      }
    }
    if (!writeBacks.length) return call;
    if (asStatement) {
      this.emit(`${call};`);
      for (const w of writeBacks) this.emit(`${w};`);
      return '';
    }
    const r = this.tmp();
    return `(${r} = ${call}, ${writeBacks.join(', ')}, ${r})`;
  }

  private callFb(pou: Pou, instance: Expr, bound: BoundArgument[]): void {
    const inst = this.tmp();
    this.emit(`${inst} = ${this.lref(instance)};`);
    const vars = allVars(pou);
    const after: string[] = [];
    for (const b of bound) {
      const p = b.param as VarSymbol;
      if (p.kind !== 'var' || !b.value) continue;
      const sym = vars.get(key(p.name)) ?? p;
      if (p.section === 'VAR_INPUT') {
        if (isScalar(p.type)) this.emit(storeProp(`${inst}.${sym.prop}`, this.expr(b.value, p.type), p.type, isSingle(this.typeOf(b.value))));
        else this.emit(copyValue(`${inst}.${sym.prop}`, this.expr(b.value, p.type), p.type, this.o.values));
      } else if (p.section === 'VAR_IN_OUT') {
        // aggregates are passed by reference; scalars are copied in and back out
        this.emit(`${inst}.${sym.prop} = ${isScalar(p.type) ? this.expr(b.value, p.type) : this.lref(b.value)};`);
        if (isScalar(p.type)) after.push(this.storeCode(b.value, `${inst}.${sym.prop}`, isSingle(p.type)));
      } else {
        const v = b.negated ? `!${inst}.${sym.prop}` : convertCode(`${inst}.${sym.prop}`, p.type, this.typeOf(b.value));
        if (isScalar(p.type)) after.push(this.storeCode(b.value, v, isSingle(p.type)));
        else after.push(copyValue(this.lref(b.value), `${inst}.${sym.prop}`, p.type, this.o.values));
      }
    }
    this.emit(`${inst}.$body();`);
    for (const a of after) this.emit(a);
  }
}

/**
 * REAL is IEC 60559 single precision in every operation: one double operation rounded with
 * Math.fround is exactly the single-precision result, and V8 lowers such chains to float32.
 */
function roundSingle(code: string, t: Type): string {
  return t.kind === 'elementary' && t.name === 'REAL' ? `Math.fround(${code})` : code;
}

/** Is `code` one Math.fround(…) call as a whole (so storing it as a REAL needs no second one)? */
export function isRounded(code: string): boolean {
  if (!code.startsWith('Math.fround(') || !code.endsWith(')')) return false;
  let depth = 0;
  for (let i = 11; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i === code.length - 1;
    else if (c === "'" || c === '"' || c === '`') return false; // strings may hold parentheses
  }
  return false;
}

/** A value of this type is a float32 already: REAL variables and every REAL operation round. */
function isSingle(t: Type): boolean {
  return t.kind === 'elementary' && t.name === 'REAL';
}

function storeProp(ref: string, value: string, t: Type, single = false): string {
  if (t.kind === 'elementary' && t.name === 'REAL') return `${ref} = ${single || isRounded(value) ? value : `Math.fround(${value})`};`;
  return `${ref} = ${value};`;
}


/** The value of an integer literal (possibly negated), else undefined. */

function isBool(t: Type): boolean {
  return t.kind === 'elementary' && t.name === 'BOOL';
}

/** A BOOL read from a variable or a field (a JS boolean V8 cannot type): not a constant. */
function isBoolLoad(e: Expr, ann: Annotations): boolean {
  const t = ann.types.get(e.id);
  if (!t || !isBool(concrete(t))) return false;
  if (e.kind === 'member') return true;
  if (e.kind !== 'name') return false;
  const s = ann.symbols.get(e.id);
  return s?.kind === 'var' && s.constValue === undefined;
}
