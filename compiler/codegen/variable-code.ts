/**
 * JavaScript for the variables of a POU body: the output lines and temporaries, variables
 * held in JS locals, references to variables, members and array elements, and stores.
 */
import type { ElementaryTypeName } from '../application.js';
import type { Expr, Stmt, VarDecl } from '../st/ast.js';
import { concrete } from '../types/common-type.js';
import { type Type, elementary, isBig } from '../types/types.js';
import type { FunctionLibrary } from '../stdlib/functions.js';
import type { Annotations, Pou, VarSymbol } from '../semantics/symbols.js';
import { wrapInt } from './convert.js';
import { isScalar, propName, type ValueEmitter } from './values.js';
import { rangeOf, type IntRange, type LoopFacts } from './index-range.js';
import { cellRead, cellStore, isCellDeref, type CellHost } from './references.js';
import { walkStmts, walkWrites } from './ast-walk.js';
import type { WasmLoops } from './wasm/loops.js';
import { fround, isRounded } from './real-rounding.js';

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
  /** the copy of an FB's body reading `given` inputs as constants, when there is one (constant-inputs.ts) */
  bodyCopy?(pou: Pou, given: Map<VarSymbol, string>): string | undefined;
}

/** Leading spaces of each nesting depth, made once. */
const INDENTS: string[] = [];
function indentation(depth: number): string {
  return (INDENTS[depth] ??= '  '.repeat(depth));
}

/**
 * One function body's output, variables and the places they are stored (references, array
 * elements, members); expressions are emitted by expression-code.ts, calls by call-code.ts,
 * statements by body.ts, which extend this class.
 */
export abstract class VariableCode {
  protected readonly lines: string[] = [];
  protected indent = 1;
  protected temps = 0;
  protected readonly tempNames: string[] = [];
  /** instance variables held in JS locals while the body runs */
  readonly cached = new Map<VarSymbol, string>();
  /** instance inputs a copy of the body reads as constants (constant-inputs.ts) */
  readonly constantInputs = new Map<VarSymbol, string>();
  /** ranges of the FOR variables around the code being emitted (index checks they make needless are left out) */
  protected readonly loopFacts: LoopFacts = new Map();

  /** `make` run with `facts` among the loop facts, which are then put back. */
  protected underFacts<T>(facts: Map<VarDecl, IntRange> | undefined, make: () => T): T {
    if (!facts) return make();
    const saved = new Map<VarDecl, IntRange | undefined>();
    for (const [d, r] of facts) {
      saved.set(d, this.loopFacts.get(d));
      this.loopFacts.set(d, r);
    }
    try {
      return make();
    } finally {
      for (const d of saved.keys()) this.restoreFact(saved, d);
    }
  }

  /** Put back the loop fact of `d` from before the block's statements changed it. */
  protected restoreFact(saved: Map<VarDecl, IntRange | undefined>, d: VarDecl): void {
    const outer = saved.get(d);
    if (outer) this.loopFacts.set(d, outer);
    else this.loopFacts.delete(d);
  }

  constructor(
    protected readonly o: BodyOptions,
    /** the FB/program whose instance is `this` */
    protected readonly instance: Pou | undefined,
    protected readonly file: string,
    protected readonly pouName: string,
  ) {}

  // ------------------------------------------------------------ output

  emit(line: string): void {
    this.lines.push(indentation(this.indent) + line);
  }

  /** How many lines have been emitted: a mark for emittedSince. */
  emittedLines(): number {
    return this.lines.length;
  }

  /** The lines emitted since `mark`, as one text. */
  emittedSince(mark: number): string {
    return this.lines.slice(mark).join('\n');
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
    const c = this.constantInputs.get(sym) ?? this.cached.get(sym) ?? this.refs.get(sym);
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
    walkWrites(body, this.o.ann, mark, (e) => {
      if (e.kind !== 'name') return;
      const s = symbols.get(e.id);
      if (s && s.kind === 'var' && s.storage === 'instance') used.add(s);
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
  protected readonly written = new Set<VarSymbol>();

  /** instance arrays, structs and FB instances held in JS constants while the body runs */
  protected readonly refs = new Map<VarSymbol, string>();

  // forEach, not for-of over entries: no iterator result and [key, value] pair per variable on cold code
  cachePrologue(): void {
    this.cached.forEach((l, s) => this.emit(`let ${l} = this.${s.prop};`));
    this.refs.forEach((r, s) => this.emit(`const ${r} = this.${s.prop};`));
  }

  flushCache(): void {
    for (const w of this.cacheWriteBack()) this.emit(`${w};`);
  }

  reloadCache(): void {
    for (const r of this.cacheReload()) this.emit(`${r};`);
  }

  /** The assignments writing the cached variables the body may change back to the instance. */
  protected cacheWriteBack(): string[] {
    const out: string[] = [];
    this.cached.forEach((l, s) => {
      if (this.written.has(s)) out.push(`this.${s.prop} = ${l}`);
    });
    return out;
  }

  /** The assignments reading every cached variable again from the instance. */
  protected cacheReload(): string[] {
    const out: string[] = [];
    this.cached.forEach((l, s) => out.push(`${l} = this.${s.prop}`));
    return out;
  }

  protected site(line: number): number {
    return this.o.sites.site(this.pouName, this.file, line);
  }

  protected typeOf(e: Expr): Type {
    return this.o.ann.types.get(e.id) ?? { kind: 'error' };
  }

  /** emitted by expression-code.ts */
  abstract expr(e: Expr, target?: Type): string;

  // ------------------------------------------------------------ stores and references

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
    if (t.kind === 'elementary' && t.name === 'REAL') return `${this.lref(target)} = ${single || isRounded(value) ? value : fround(value)};`;
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

  protected memberRef(e: Extract<Expr, { kind: 'member' }>): string {
    const obj = this.lref(e.object);
    const ot = this.typeOf(e.object);
    if (ot.kind === 'fb') {
      const sym = this.o.ann.symbols.get(e.id);
      if (sym?.kind === 'var') return `${obj}.${sym.prop}`;
    }
    return `${obj}.${propName(e.member)}`;
  }

  protected indexRef(e: Extract<Expr, { kind: 'index' }>): string {
    const t = this.typeOf(e.object);
    if (t.kind === 'string') {
      return `(${this.lref(e.object)}).charCodeAt(${this.expr(e.indices[0]!, elementary('DINT'))} - 1)`;
    }
    const { obj, index } = this.indexParts(e);
    const ref = `${obj}[${index}]`;
    return this.elementAliases.get(ref) ?? ref;
  }

  /** The array object and the flat, checked index of an element. */
  protected indexParts(e: Extract<Expr, { kind: 'index' }>): { obj: string; index: string } {
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
  protected readonly elementAliases = new Map<string, string>();

  /**
   * In a FOR loop whose variable stays inside the bounds of an array of structures or FB
   * instances, `a[i]` is the same object for the whole iteration (aggregates are never
   * re-seated: assignment copies into them): load it once at the top of the iteration, not
   * again after every call that V8 cannot see through. Returns the aliases to drop after it.
   */
  protected aliasElements(s: Extract<Stmt, { kind: 'for' }>, decl: VarDecl, range: IntRange): string[] {
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

  /** What reference code needs from this emitter (references.ts). */
  protected readonly cellHost: CellHost = {
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
}
