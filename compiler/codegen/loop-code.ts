/**
 * Code of FOR and WHILE loops: the loop itself, the copy without index checks chosen by one
 * entry test (see loop-versioning.ts), a FOR loop that fills an array in one call, and what the
 * loop's body knows of its variable while it is emitted. The body emitter (body.ts) is the host.
 */
import type { Expr, Stmt, VarDecl } from '../st/ast.js';
import type { Annotations, VarSymbol } from '../semantics/symbols.js';
import type { ElementaryTypeName } from '../application.js';
import { concrete } from '../types/common-type.js';
import { integerRange, isBig, type Type } from '../types/types.js';
import { wrapInt } from './convert.js';
import { constantInt, constantOf, forVariableRange, rangeOf, type IntRange, type LoopFacts } from './index-range.js';
import { pureOperands, type LoopScope } from './loop-invariants.js';
import { forVersion, whileVersion, type WhileVersion } from './loop-versioning.js';
import { typedArrayFor } from './values.js';
import { faultFree, testedCopies, UNROLL, unrollableBody, whileUnroll } from './loop-unrolling.js';
import { walkStmts } from './ast-walk.js';
import { monotoneVersion } from './monotone-loops.js';
import { branchFacts } from './branch-facts.js';

/** how many loops around one another may be emitted twice (each doubles the code inside) */
const MAX_VERSION_DEPTH = 3;

/** What loop code needs from the body emitter. */
export interface LoopHost {
  readonly ann: Annotations;
  /** ranges of loop variables around the code being emitted */
  readonly loopFacts: LoopFacts;
  /** loops around the code being emitted, innermost last */
  readonly loopScopes: LoopScope[];
  emit(line: string): void;
  /** how many lines have been emitted, and the lines since such a mark */
  emittedLines(): number;
  emittedSince(mark: number): string;
  indent(by: number): void;
  tmp(): string;
  expr(e: Expr, target?: Type): string;
  /** a BOOL expression as a JS condition */
  test(e: Expr): string;
  lref(e: Expr): string;
  typeOf(e: Expr): Type;
  /** `given`: facts that hold where the statements start (branch-facts.ts) */
  block(stmts: Stmt[], given?: Map<VarDecl, IntRange>): void;
  /** `make` run with `facts` among the loop facts, which are then put back */
  underFacts<T>(facts: Map<VarDecl, IntRange> | undefined, make: () => T): T;
  enterLoop(line: number): void;
  leaveLoop(): void;
  pushLoopScope(body: Stmt[], variable?: Expr): void;
  /** a new label for EXIT and CONTINUE of the loop being emitted (`fresh`: a new number) */
  pushLabel(fresh: boolean): string;
  popLabel(): void;
  aliasElements(s: Extract<Stmt, { kind: 'for' }>, decl: VarDecl, range: IntRange): string[];
  /** the counters of `s` left unwrapped while it is emitted (loop-counters.ts) */
  unwrapCounters(s: Extract<Stmt, { kind: 'for' }>): VarSymbol[];
  /** after the loop: those counters wrapped to their types */
  wrapCounters(syms: VarSymbol[]): void;
  dropAlias(ref: string): void;
  /** lines running FOR loop `s` as WebAssembly (wasm/loops.ts), or undefined to emit it here */
  wasmLoop?(s: Extract<Stmt, { kind: 'for' }>, step: bigint, v: string, to: string, iterations: number): string[] | undefined;
}

export class LoopEmitter {
  whileStmt(s: Extract<Stmt, { kind: 'while' }>): void {
    this.h.pushLoopScope(s.body);
    this.h.enterLoop(s.range.line);
    const plan = this.versionDepth < MAX_VERSION_DEPTH ? whileVersion(s, this.h.ann) : undefined;
    const guard = plan && this.whileGuard(plan);
    // a variable that only moves one way stays on the side of its entry value (monotone-loops.ts)
    const mono = !plan && this.versionDepth < MAX_VERSION_DEPTH ? monotoneVersion(s, this.h.ann) : undefined;
    if (plan && guard !== undefined) {
      this.versioned(guard, () => this.whileLoop(s, plan), () => this.whileLoop(s));
    } else if (mono) {
      const v = this.h.expr(mono.variable);
      const entry = mono.down ? `${v} <= ${mono.range.hi}` : `${v} >= ${mono.range.lo}`;
      this.versioned(entry, () => this.whileLoop(s, undefined, mono), () => this.whileLoop(s));
    } else {
      this.whileLoop(s);
    }
    this.h.leaveLoop();
    this.h.loopScopes.pop();
  }

  /** loops emitted twice (checked and unchecked) around the code being emitted */
  private versionDepth = 0;

  constructor(private readonly h: LoopHost) {}

  /** `if (guard) { unchecked } else { checked }`: one test selects the copy of a loop */
  private versioned(guard: string, unchecked: () => void, checked: () => void): void {
    this.versionDepth++;
    this.h.emit(`if (${guard}) {`);
    this.h.indent(1);
    unchecked();
    this.h.indent(-1);
    this.h.emit('} else {');
    this.h.indent(1);
    checked();
    this.h.indent(-1);
    this.h.emit('}');
    this.versionDepth--;
  }

  /** Runs `emit` with the variable of `decl` known to stay in `range` (index checks it makes needless go). */
  private withFact<T>(decl: VarDecl | undefined, range: IntRange | undefined, emit: () => T): T {
    return this.h.underFacts(decl && range ? new Map([[decl, range]]) : undefined, emit);
  }

  forStmt(s: Extract<Stmt, { kind: 'for' }>): void {
    const vt = concrete(this.h.typeOf(s.variable));
    const v = this.h.lref(s.variable);
    const to = this.h.tmp();
    const by = this.h.tmp();
    const big = isBig(vt);
    this.h.emit(`${v} = ${this.h.expr(s.from, vt)}; ${to} = ${this.h.expr(s.to, vt)}; ${by} = ${s.by ? this.h.expr(s.by, vt) : big ? '1n' : '1'};`);
    this.h.pushLoopScope(s.body, s.variable);
    const counters = this.h.unwrapCounters(s);
    const zero = big ? '0n' : '0';
    this.h.enterLoop(s.range.line);
    // a constant step (the usual case) fixes the direction of the test at compile time
    const step = s.by ? constantInt(s.by) : 1n;
    const cond = step === undefined ? `${by} >= ${zero} ? ${v} <= ${to} : ${v} >= ${to}` : step >= 0n ? `${v} <= ${to}` : `${v} >= ${to}`;
    // step past TO as other PLCs do; the last step may leave the type's range (it wraps, and
    // the loop ends): testing against TO - BY keeps the counter an int32 for V8
    const range = vt.kind === 'elementary' ? integerRange(vt.name) : undefined;
    const last = constantInt(s.to);
    const safe = !range || (step !== undefined && last !== undefined && last + step <= range.hi && last + step >= range.lo);
    let past: string | undefined;
    if (!safe && vt.kind === 'elementary') {
      const lim = this.h.tmp();
      this.h.emit(`${lim} = ${to} - ${by};`);
      const test = step === undefined ? `(${by} >= ${zero} ? ${v} > ${lim} : ${v} < ${lim})` : step >= 0n ? `${v} > ${lim}` : `${v} < ${lim}`;
      past = `if (${test}) { ${v} = ${wrapInt(`${v} + ${by}`, vt.name)}; break; }`;
    }
    const known = forVariableRange(s, this.h.ann);
    let plan = !known && !big && this.versionDepth < MAX_VERSION_DEPTH ? forVersion(s, this.h.ann) : undefined;
    if (plan && step === undefined && plan.stepMax === undefined) plan = undefined;
    if (plan) {
      // FROM and TO inside the range: every value of the variable is (forVersion checked the last
      // step); a BY computed at run time is tested too, and the copy counts up
      const { lo, hi } = plan.range;
      const up = step === undefined || step > 0n;
      const guard = up ? `${v} >= ${lo} && ${to} <= ${hi}` : `${v} <= ${hi} && ${to} >= ${lo}`;
      const byGuard = step === undefined ? ` && ${by} >= 1 && ${by} <= ${plan.stepMax}` : '';
      const fast = step === undefined ? `${v} <= ${to}` : cond;
      this.versioned(guard + byGuard, () => this.forLoop(s, v, to, by, fast, plan, undefined, up), () => this.forLoop(s, v, to, by, cond, undefined, past));
    } else {
      this.forLoop(s, v, to, by, cond, known, past, step === undefined ? undefined : step > 0n);
    }
    this.h.leaveLoop();
    this.h.loopScopes.pop();
    this.h.wrapCounters(counters);
  }

  /**
   * The loop of a FOR statement; `known`: the variable's range in the body; `up`: the step is
   * known to be positive (true) or negative (false).
   */
  private forLoop(
    s: Extract<Stmt, { kind: 'for' }>,
    v: string,
    to: string,
    by: string,
    cond: string,
    known: { decl: VarDecl; range: IntRange } | undefined,
    past?: string,
    up?: boolean,
  ): void {
    if (known && !past && this.fillLoop(s, v, to, known.decl)) return;
    if (known && !past && this.copyLoop(s, v, to, known)) return;
    if (known && !past && this.wasmLoop(s, v, to, known)) return;
    // only a FOR loop BY a run-time step: unrolling a constant-step loop was seen to make V8
    // compile the POU around it into slower code (insertion sort after its refill loop, -30 %)
    const varStep = s.by !== undefined && constantInt(s.by) === undefined;
    if (!past && varStep && up !== undefined && !isBig(concrete(this.h.typeOf(s.variable))) && unrollableBody(s.body, this.h.ann)) {
      // four iterations at a time while TO is four steps away (see loop-unrolling.ts)
      const lim = this.h.tmp();
      this.h.emit(`${lim} = ${to} ${up ? '-' : '+'} ${UNROLL - 1} * ${up ? by : `(-${by})`};`);
      this.h.emit(`while (${v} ${up ? '<=' : '>='} ${lim}) {`);
      this.h.indent(1);
      for (let k = 0; k < UNROLL; k++) {
        this.h.emit('{');
        this.forBody(s, known);
        this.h.emit('}');
        this.h.emit(`${v} = ${v} + ${by};`);
      }
      this.h.indent(-1);
      this.h.emit('}');
    }
    const label = this.h.pushLabel(false);
    this.h.emit(`${label}: while (${cond}) {`);
    this.h.indent(1);
    this.h.emit(`${label}c: {`);
    this.forBody(s, known);
    this.h.emit('}');
    if (past) this.h.emit(past);
    this.h.emit(`${v} = ${v} + ${by};`);
    this.h.indent(-1);
    this.h.emit('}');
    this.h.popLabel();
  }

  /** One copy of a FOR loop's body, with the variable's range known and the elements it indexes aliased. */
  private forBody(s: Extract<Stmt, { kind: 'for' }>, known: { decl: VarDecl; range: IntRange } | undefined): void {
    this.withFact(known?.decl, known?.range, () => {
      this.h.indent(1);
      const aliases = known ? this.h.aliasElements(s, known.decl, known.range) : [];
      this.h.indent(-1);
      this.h.block(s.body);
      for (const a of aliases) this.h.dropAlias(a);
    });
  }

  /** A loop with every index proven in range, as a WebAssembly call when its body allows and pays. */
  private wasmLoop(s: Extract<Stmt, { kind: 'for' }>, v: string, to: string, known: { decl: VarDecl; range: IntRange }): boolean {
    const step = s.by ? constantOf(s.by, this.h.ann) : 1n;
    if (step === undefined || !this.h.wasmLoop) return false;
    let lines: string[] | undefined;
    this.withFact(known.decl, known.range, () => {
      const span = known.range.hi - known.range.lo;
      lines = this.h.wasmLoop!(s, step, v, to, Number(span / (step < 0n ? -step : step)) + 1);
    });
    for (const l of lines ?? []) this.h.emit(l);
    return lines !== undefined;
  }

  /**
   * `FOR v := … DO a[v] := value; END_FOR` with a step of 1, an invariant pure value, the
   * variable inside the array (the caller knows its range) and an array of numbers or BOOL: one
   * TypedArray.fill (a memset) instead of one store per iteration. v ends as the loop leaves it.
   */
  private fillLoop(s: Extract<Stmt, { kind: 'for' }>, v: string, to: string, decl: VarDecl): boolean {
    if (s.body.length !== 1 || (s.by && constantInt(s.by) !== 1n)) return false;
    const fill = this.fillOf(s.body[0]!, decl);
    if (!fill) return false;
    this.h.emit(`if (${v} <= ${to}) { ${fill.array}.fill(${fill.value}, ${fill.offset(v)}, ${fill.offset(to)} + 1); ${v} = ${to} + 1; }`);
    return true;
  }

  /**
   * `FOR i := … DO a[i] := b[i]; END_FOR` over every index of two arrays of the same shape and
   * element type held in typed arrays, or the nest `FOR i … FOR j … a[i, j] := b[i, j]` over
   * every element of two 2-D ones: one TypedArray.set (a memmove; b itself, so nothing is
   * allocated) instead of one load and store per element. The variables end as the loops leave
   * them.
   */
  private copyLoop(s: Extract<Stmt, { kind: 'for' }>, v: string, to: string, known: { decl: VarDecl; range: IntRange }): boolean {
    if (s.body.length !== 1 || (s.by && constantInt(s.by) !== 1n)) return false;
    const loops = [{ decl: known.decl, range: known.range }];
    let body = s.body[0]!;
    let inner: Extract<Stmt, { kind: 'for' }> | undefined;
    if (body.kind === 'for') {
      inner = body;
      const k = forVariableRange(inner, this.h.ann);
      if (!k || k.decl === known.decl || inner.body.length !== 1 || (inner.by && constantInt(inner.by) !== 1n)) return false;
      loops.push(k);
      body = inner.body[0]!;
    }
    if (body.kind !== 'assign' || body.op !== ':=' || body.value.kind !== 'index') return false;
    const dst = body.target;
    const src = body.value;
    if (dst.kind !== 'index' || dst.object.kind !== 'name' || src.object.kind !== 'name') return false;
    const at = concrete(this.h.typeOf(dst.object));
    const bt = concrete(this.h.typeOf(src.object));
    if (at.kind !== 'array' || bt.kind !== 'array' || at.dims.length !== loops.length || bt.dims.length !== loops.length) return false;
    const el = concrete(at.element);
    const bl = concrete(bt.element);
    if (el.kind !== 'elementary' || bl.kind !== 'elementary' || el.name !== bl.name || el.subrange || bl.subrange || isBig(el) || !typedArrayFor(el)) return false;
    const ann = this.h.ann;
    const isVar = (e: Expr | undefined, decl: VarDecl) => {
      const sym = e?.kind === 'name' ? ann.symbols.get(e.id) : undefined;
      return sym?.kind === 'var' && sym.decl === decl;
    };
    const whole = loops.every(
      ({ decl, range }, d) =>
        isVar(dst.indices[d], decl) &&
        isVar(src.indices[d], decl) &&
        at.dims[d]!.lo === bt.dims[d]!.lo &&
        at.dims[d]!.hi === bt.dims[d]!.hi &&
        range.lo === BigInt(at.dims[d]!.lo) &&
        range.hi === BigInt(at.dims[d]!.hi),
    );
    if (!whole || dst.indices.length !== loops.length || src.indices.length !== loops.length) return false;
    const ends = inner ? ` ${this.h.lref(inner.variable)} = ${loops[1]!.range.hi + 1n};` : '';
    this.h.emit(`${this.h.expr(dst.object)}.set(${this.h.expr(src.object)}); ${v} = ${to} + 1;${ends}`);
    return true;
  }

  /**
   * `WHILE v <= E DO a[v] := value; v := v + 1; END_WHILE` (or `v < E`) in the copy of a
   * versioned loop (v and E inside the array, v + 1 inside its type): one fill, as fillLoop.
   */
  private whileFill(s: Extract<Stmt, { kind: 'while' }>, p: WhileVersion): boolean {
    if (s.body.length !== 2 || !p.up || p.stepConst !== 1n) return false;
    const fill = this.fillOf(s.body[0]!, p.decl);
    if (!fill) return false;
    const v = this.h.expr(p.variable);
    const e = this.h.expr(p.bound);
    const end = p.strict ? fill.offset(e) : `${fill.offset(e)} + 1`;
    this.h.emit(`if (${v} ${p.strict ? '<' : '<='} ${e}) { ${fill.array}.fill(${fill.value}, ${fill.offset(v)}, ${end}); ${v} = ${p.strict ? e : `${e} + 1`}; }`);
    return true;
  }

  /**
   * `a[v] := value` with v the variable of `decl`, an invariant pure value and an array of
   * numbers or BOOL: the array, the value as stored and the element offset of an index.
   */
  private fillOf(a: Stmt, decl: VarDecl): { array: string; value: string; offset: (x: string) => string } | undefined {
    if (a.kind !== 'assign' || a.op !== ':=' || a.target.kind !== 'index' || a.target.indices.length !== 1) return undefined;
    const ix = a.target.indices[0]!;
    const is = ix.kind === 'name' ? this.h.ann.symbols.get(ix.id) : undefined;
    if (is?.kind !== 'var' || is.decl !== decl || a.target.object.kind !== 'name') return undefined;
    const at = concrete(this.h.typeOf(a.target.object));
    const el = at.kind === 'array' && at.dims.length === 1 ? concrete(at.element) : undefined;
    if (!el || el.kind !== 'elementary' || el.subrange || isBig(el) || !typedArrayFor(el)) return undefined;
    const scope = this.h.loopScopes[this.h.loopScopes.length - 1];
    const out = { decls: [] as VarDecl[], costly: false };
    if (!scope || !pureOperands(a.value, this.h.ann, out) || out.decls.some((d) => scope.written.has(d))) return undefined;
    const lo = at.kind === 'array' ? at.dims[0]!.lo : 0;
    const value = this.h.expr(a.value, el);
    const stored = el.name === 'BOOL' ? (value === 'true' ? '1' : value === 'false' ? '0' : `(${value} ? 1 : 0)`) : value;
    return { array: this.h.expr(a.target.object), value: stored, offset: (x) => (lo === 0 ? x : lo > 0 ? `${x} - ${lo}` : `${x} + ${-lo}`) };
  }

  /** The entry test of a versioned WHILE loop, or undefined when it cannot be written. */
  private whileGuard(p: WhileVersion): string | undefined {
    const v = this.h.expr(p.variable);
    const e = this.h.expr(p.bound);
    const { lo, hi } = p.range;
    const parts = p.up
      ? [`${v} >= ${lo}`, `${e} <= ${p.strict ? hi + 1n : hi}`]
      : [`${v} <= ${hi}`, `${e} >= ${p.strict ? lo - 1n : lo}`];
    if (p.stepConst === undefined) {
      const known = rangeOf(p.step, this.h.loopFacts, this.h.ann);
      if (!known || known.lo < 0n || known.hi > p.stepMax) {
        const c = this.h.expr(p.step);
        parts.push(`${c} >= 0`, `${c} <= ${p.stepMax}`);
      }
    }
    return [...new Set(parts)].join(' && ');
  }

  /**
   * The body of a WHILE or REPEAT loop labelled `label`: four copies with the loop's test between
   * them (`leave`, the JavaScript leaving the loop on `test`, whose JavaScript is `js`) where the
   * body is small (loop-unrolling.ts) and `allowed`, and the first copy calls no helper that may
   * fault; else the one body. CONTINUE leaves its own copy, for the next test.
   */
  bodyCopies(label: string, body: Stmt[], test: Expr, js: string, leave: string, allowed: boolean, emitBody: () => void): void {
    const copies = allowed && testedCopies(body, test, this.h.ann) ? UNROLL : 1;
    for (let k = 0; k < copies; k++) {
      if (k > 0) this.h.emit(leave);
      const mark = this.h.emittedLines();
      this.h.emit(`${label}c: {`);
      emitBody();
      this.h.emit('}');
      if (k === 0 && !faultFree(`${js}\n${this.h.emittedSince(mark)}`)) break;
    }
  }

  /** `known`: the plan of a versioned induction loop; `fact`: what its copy knows of a variable (the plan's, or a monotone loop's). */
  private whileLoop(s: Extract<Stmt, { kind: 'while' }>, known?: WhileVersion, fact: { decl: VarDecl; range: IntRange } | undefined = known): void {
    if (known && this.whileFill(s, known)) return;
    const u = isBig(concrete(this.h.typeOf(s.cond.kind === 'binary' ? s.cond.left : s.cond))) ? undefined : whileUnroll(s, this.h.ann);
    if (u) {
      // four iterations at a time while the bound is four steps away (see loop-unrolling.ts)
      const lim = this.h.tmp();
      const e = this.h.expr(u.bound);
      const c = this.h.expr(u.step);
      const far = `${e} ${u.up ? '-' : '+'} ${UNROLL - 1} * ${c}`;
      const v = this.h.expr(u.variable);
      // a growing variable that starts at 0 or more stays there in the unrolled copies (it
      // stops short of the bound, inside its type): its divisions by powers of two are shifts
      const own = u.up ? integerRange((concrete(this.h.typeOf(u.variable)) as { name: ElementaryTypeName }).name) : undefined;
      const from = own && own.lo < 0n && divides(s.body) ? `${v} >= 0` : undefined;
      const entry = [u.stepKnown ? '' : `${c} >= 0`, from ?? ''].filter(Boolean).join(' && ');
      this.h.emit(`${lim} = ${entry ? `${entry} ? ${far} : ${u.up ? '-Infinity' : 'Infinity'}` : far};`);
      const op = u.up ? (u.strict ? '<' : '<=') : u.strict ? '>' : '>=';
      this.h.emit(`while (${v} ${op} ${lim}) {`);
      this.h.indent(1);
      const base = known?.range ?? own;
      const range = from && base ? { lo: base.lo > 0n ? base.lo : 0n, hi: base.hi } : known?.range;
      for (let k = 0; k < UNROLL; k++) {
        this.h.emit('{');
        this.withFact(from ? u.decl : known?.decl, range, () => this.h.block(s.body));
        this.h.emit('}');
      }
      this.h.indent(-1);
      this.h.emit('}');
    }
    const label = this.h.pushLabel(true);
    // a monotone loop's variable stays in its range at every test too; an induction loop's
    // leaves it at its last test
    const test = known ? this.h.test(s.cond) : this.withFact(fact?.decl, fact?.range, () => this.h.test(s.cond));
    this.h.emit(`${label}: while (${test}) {`);
    this.h.indent(1);
    // the counting copies above already took the iterations they could (the copy of a versioned
    // loop with index checks is never copied: faultFree); each copy runs where the test just held
    const held = this.withFact(fact?.decl, fact?.range, () => branchFacts([{ cond: s.cond, holds: true }], this.h.loopFacts, this.h.ann));
    this.bodyCopies(label, s.body, s.cond, test, `if (!(${test})) break;`, !u, () => this.withFact(fact?.decl, fact?.range, () => this.h.block(s.body, held)));
    this.h.indent(-1);
    this.h.emit('}');
    this.h.popLabel();
  }
}

/** Does the loop body divide (or take MOD) by a constant, which a variable known >= 0 makes a shift? */
function divides(body: Stmt[]): boolean {
  let found = false;
  walkStmts(body, { expr: (e) => void (found ||= e.kind === 'binary' && (e.op === '/' || e.op === 'MOD') && constantInt(e.right) !== undefined) });
  return found;
}
