/**
 * One FOR loop as a WebAssembly function, for loops whose every index is proven inside its
 * dimension (the fast copy of loop versioning, or constant bounds; arrays of any number of
 * dimensions, flattened as the JavaScript path flattens them) and whose body only computes
 * with numbers: REAL and LREAL in f32/f64, where each operation rounds as IEC 60559 single or
 * double precision does without the two conversions Math.fround costs JavaScript, and integers
 * of up to 32 bits wrapped exactly as the JavaScript path wraps them.
 *
 * The function mirrors the JavaScript code generation (expression-code.ts, body.ts) expression
 * by expression: the same operand types, the same conversions (numeric.ts), MIN/MAX/LIMIT/SEL
 * with the same comparisons, integer division and MOD only by a nonzero constant (a variable
 * divisor faults at a located site: JavaScript),
 * FOR loops inside with constant bounds. A watchdog that stops a scan inside the call names
 * the outer loop's line ($trace is written around the call, not inside it).
 * Anything else throws Unsupported and the loop stays JavaScript. A loop of step 1 whose
 * iterations are independent runs four at a time first (vector-loop.ts, unless VPLC_NO_SIMD=1),
 * this scalar loop then running the iterations left.
 *
 * Calling convention: the FOR variable, TO, every scalar the body uses, then the byte address of
 * every array in the module's memory are parameters (an array made there is used in place,
 * another is copied to its offset in the loop's area, loops.ts); at the end the function
 * stores the FOR variable and every scalar the body writes into result slots of that memory.
 */
import type { Expr, ForStmt, LiteralValue, Stmt, VarDecl } from '../../st/ast.js';
import type { Annotations, VarSymbol } from '../../semantics/symbols.js';
import { concrete } from '../../types/common-type.js';
import { ELEMENTARY, integerRange, type Type } from '../../types/types.js';
import { walkStmts } from '../ast-walk.js';
import { constantInt, constantOf, forVariableRange, mayChange, rangeOf, type IntRange, type LoopFacts } from '../index-range.js';
import { assignedRange } from '../loop-versioning.js';
import { typedArrayFor } from '../values.js';
import { Code, F32, F64, I32, Op, VOID, type ValType, type WasmFunction } from './encoder.js';
import { BOOL, canonical, convert, isLiteralType, isUnsigned, needNum, numOf, Unsupported, unsupported, wrap, type Num, type Work } from './numeric.js';
import { vectorLoop, type VectorCode, type VectorHost } from './vector-loop.js';

/** What the loop compiler needs from the body emitter. */
export interface WasmLoopHost {
  readonly ann: Annotations;
  readonly loopFacts: LoopFacts;
  typeOf(e: Expr): Type;
  /** JavaScript reference of a variable or array */
  lref(e: Expr): string;
  /** a fresh temporary of the generated function */
  tmp(): string;
}

export interface LoopArray {
  /** JavaScript of the typed array */
  js: string;
  ctor: string;
  /** where the call copies it when it does not lie in the memory already (see loops.ts) */
  offset: number;
  length: number;
  /** bytes of one element */
  elementBytes: number;
  /** written by the loop: copied back after the call */
  written: boolean;
  /** the variable: an instance variable may be made in the memory (loops.ts) */
  symbol: VarSymbol;
}

export interface LoopResult {
  /** JavaScript reference the value is stored back into */
  js: string;
  num: Num;
  /** byte offset in memory */
  offset: number;
}

export interface CompiledLoop {
  fn: Omit<WasmFunction, 'name'>;
  /** JavaScript of the arguments, in order */
  args: string[];
  arrays: LoopArray[];
  results: LoopResult[];
  /** memory the loop uses, in bytes from 0 */
  bytes: number;
  work: Work;
}

/** An inner FOR loop being emitted: its variable, the local holding TO, its step and range. */
interface InnerFor {
  v: Scalar;
  last: number;
  step: bigint;
  known: { decl: VarDecl; range: IntRange };
}

interface Scalar {
  local: number;
  num: Num;
  js: string;
  written: boolean;
}

interface ArrayInfo {
  data: LoopArray;
  /** the parameter holding the array's byte address in memory */
  base: number;
  /** lower bound of the first dimension (a one-dimensional array's only one) */
  lo: number;
  /** every dimension's bounds and the elements one step of its index spans (row-major, as indexParts of variable-code.ts flattens them) */
  dims: { lo: number; hi: number; stride: number }[];
  elem: Num;
  /** log2 of the element size */
  shift: number;
}

const COMPARE: Record<string, [number, number, number, number]> = {
  // i32 signed, i32 unsigned, f32, f64
  '=': [Op.i32_eq, Op.i32_eq, Op.f32_eq, Op.f64_eq],
  '<>': [Op.i32_ne, Op.i32_ne, Op.f32_ne, Op.f64_ne],
  '<': [Op.i32_lt_s, Op.i32_lt_u, Op.f32_lt, Op.f64_lt],
  '>': [Op.i32_gt_s, Op.i32_gt_u, Op.f32_gt, Op.f64_gt],
  '<=': [Op.i32_le_s, Op.i32_le_u, Op.f32_le, Op.f64_le],
  '>=': [Op.i32_ge_s, Op.i32_ge_u, Op.f32_ge, Op.f64_ge],
};

function compareOp(op: string, n: Num): number {
  const ops = COMPARE[op]!;
  return n.vt === F32 ? ops[2] : n.vt === F64 ? ops[3] : isUnsigned(n) ? ops[1] : ops[0];
}

const ARITH: Record<string, [number, number, number]> = {
  '+': [Op.i32_add, Op.f32_add, Op.f64_add],
  '-': [Op.i32_sub, Op.f32_sub, Op.f64_sub],
  '*': [Op.i32_mul, Op.f32_mul, Op.f64_mul],
};

class LoopCompiler implements VectorHost {
  /** where code is emitted (the scalar loop, or the values a four-lane loop computes before it) */
  c = new Code();
  readonly work: Work = { single: 0, weight: 1 };
  private readonly scalars = new Map<VarSymbol, Scalar>();
  private readonly arrays = new Map<string, ArrayInfo>();
  private readonly locals: ValType[] = [];
  private nParams = 0;
  private sealed = false;
  private bytes = 0;

  constructor(readonly h: WasmLoopHost) {}

  private typeOf(e: Expr): Type {
    return this.h.typeOf(e);
  }

  /** where the last REAL operation counted ends in the code */
  private lastSingleEnd = -1;

  /** Counts the REAL operation just emitted. */
  private single(): void {
    this.work.single += this.work.weight;
    this.lastSingleEnd = this.c.bytes.length;
  }

  temp(vt: ValType): number {
    this.locals.push(vt);
    return this.nParams + this.locals.length - 1;
  }

  /** A variable a loop may hold in a local or an array it may copy: nothing else reaches it meanwhile. */
  private plainSymbol(e: Expr): VarSymbol {
    const s = e.kind === 'name' ? this.h.ann.symbols.get(e.id) : undefined;
    if (s?.kind !== 'var' || s.section === 'VAR_IN_OUT' || this.h.ann.addressTaken.has(s)) unsupported('variable');
    return s;
  }

  /** Every variable of the loop: the FOR variable first, then scalars and arrays as they appear. */
  collect(s: ForStmt): void {
    this.scalarOf(s.variable);
    walkStmts(s.body, {
      expr: (e) => {
        if (e.kind === 'index') {
          this.arrayOf(e.object);
        } else if (e.kind === 'name') {
          const sym = this.h.ann.symbols.get(e.id);
          if (sym?.kind === 'var' && concrete(this.typeOf(e)).kind !== 'array') this.scalarOf(e);
        } else if (e.kind === 'member' || e.kind === 'deref' || e.kind === 'bit' || e.kind === 'this' || e.kind === 'super' || e.kind === 'enumValue') {
          unsupported(e.kind);
        }
      },
    });
    // the arrays' addresses are the parameters after the scalars'
    let base = 1 + this.scalars.size;
    for (const a of this.arrays.values()) a.base = base++;
    this.nParams = base;
  }

  scalarOf(e: Expr): Scalar {
    const sym = this.plainSymbol(e);
    let v = this.scalars.get(sym);
    if (!v) {
      if (this.sealed) unsupported('variable not seen');
      // the FOR variable is local 0, TO local 1, the other scalars after them
      const local = this.scalars.size === 0 ? 0 : this.scalars.size + 1;
      v = { local, num: needNum(concrete(this.typeOf(e))), js: this.h.lref(e), written: false };
      this.scalars.set(sym, v);
    }
    return v;
  }

  scalarExpr(e: Expr, target: Num | undefined, into: Code): Num {
    const [c, single] = [this.c, this.work.single];
    this.c = into;
    try {
      return this.expr(e, target);
    } finally {
      this.c = c;
      this.work.single = single;
    }
  }

  arrayOf(e: Expr): ArrayInfo {
    const symbol = this.plainSymbol(e);
    const js = this.h.lref(e);
    let a = this.arrays.get(js);
    if (a) return a;
    if (this.sealed) unsupported('array not seen');
    const t = concrete(this.typeOf(e));
    if (t.kind !== 'array') unsupported('array');
    const el = concrete(t.element);
    const elem = needNum(el);
    const ctor = typedArrayFor(el);
    if (!ctor) unsupported('array element');
    const size = elem.vt === F64 ? 8 : elem.vt === F32 ? 4 : ELEMENTARY[elem.name].bits === 1 ? 1 : ELEMENTARY[elem.name].bits / 8;
    const dims: ArrayInfo['dims'] = [];
    let length = 1;
    for (let d = t.dims.length - 1; d >= 0; d--) {
      const { lo, hi } = t.dims[d]!;
      dims.unshift({ lo, hi, stride: length });
      length *= hi - lo + 1;
    }
    this.bytes = Math.ceil(this.bytes / 8) * 8;
    a = { data: { js, ctor, offset: this.bytes, length, elementBytes: size, written: false, symbol }, base: -1, lo: dims[0]!.lo, dims, elem, shift: Math.log2(size) };
    this.bytes += length * size;
    this.arrays.set(js, a);
    return a;
  }

  // ------------------------------------------------------------ statements

  /** The statements of a body, with the facts `n := e` gives the statements after it (as body.ts does). */
  stmts(list: Stmt[]): void {
    const facts = this.h.loopFacts;
    const ann = this.h.ann;
    const saved = new Map<VarDecl, IntRange | undefined>();
    const restore = (d: VarDecl) => {
      const outer = saved.get(d);
      if (outer) facts.set(d, outer);
      else facts.delete(d);
    };
    try {
      for (const s of list) {
        for (const d of saved.keys()) if (facts.has(d) && mayChange(s, d, ann)) restore(d);
        this.stmt(s);
        const fact = facts.size ? assignedRange(s, facts, ann) : undefined;
        if (fact) {
          if (!saved.has(fact.decl)) saved.set(fact.decl, facts.get(fact.decl));
          facts.set(fact.decl, fact.range);
        }
      }
    } finally {
      for (const d of saved.keys()) restore(d);
    }
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'empty':
        return;
      case 'assign':
        return this.assign(s);
      case 'if':
        return this.ifStmt(s.branches, s.elseBody);
      case 'for':
        return this.innerFor(s);
      default:
        unsupported(s.kind);
    }
  }

  /**
   * A FOR loop inside the loop: constant bounds and step, its variable unchanged by its body
   * and its last step inside the variable's type (so it needs no wrap test), as JavaScript runs
   * it: `v := FROM; WHILE v <= TO DO body; v := v + BY; END_WHILE`. Of step 1 and independent
   * iterations, it runs four at a time first (vector-loop.ts), the scalar loop the rest.
   */
  private innerFor(s: ForStmt): void {
    const f = this.forStart(s, this.c);
    this.withForFacts(f, () => {
      const outer = this.c;
      const scalar = new Code();
      this.c = scalar;
      try {
        this.forLoop(f, scalar, () => this.stmts(s.body));
      } finally {
        this.c = outer;
      }
      const vector = f.step === 1n && simdEnabled() ? this.vector(s, f.v.local, f.last) : undefined;
      if (vector) outer.append(vector.pre).append(vector.loop).append(vector.post);
      outer.append(scalar);
    });
  }

  /**
   * A FOR loop inside a four-lane loop, the same for every lane (vector-loop.ts): its frame
   * emitted into `into` as innerFor's, `body` emitting the lanes' statements.
   */
  uniformFor(s: ForStmt, into: Code, body: () => void): void {
    const f = this.forStart(s, into);
    this.withForFacts(f, () => this.forLoop(f, into, body));
  }

  /** The checks of an inner FOR loop and its start: the variable set to FROM, TO into a local. */
  private forStart(s: ForStmt, into: Code): InnerFor {
    const known = forVariableRange(s, this.h.ann);
    const step = s.by ? constantOf(s.by, this.h.ann) : 1n;
    const to = constantOf(s.to, this.h.ann);
    if (!known || step === undefined || to === undefined) unsupported('FOR without constant bounds');
    const v = this.scalarOf(s.variable);
    const own = integerRange(v.num.name);
    if (v.num.vt !== I32 || v.num.name === 'BOOL' || !own || to + step > own.hi || to + step < own.lo) unsupported('FOR variable');
    const last = this.temp(I32);
    this.scalarExpr(s.from, v.num, into);
    into.set(v.local);
    this.scalarExpr(s.to, v.num, into);
    into.set(last);
    v.written = true;
    return { v, last, step, known };
  }

  /** Runs `emit` with the FOR variable's range among the loop facts and the work weighed by its iterations. */
  private withForFacts(f: InnerFor, emit: () => void): void {
    const facts = this.h.loopFacts;
    const outer = facts.get(f.known.decl);
    facts.set(f.known.decl, f.known.range);
    const weight = this.work.weight;
    const { lo, hi } = f.known.range;
    this.work.weight *= Number((hi - lo) / (f.step < 0n ? -f.step : f.step)) + 1;
    try {
      emit();
    } finally {
      this.work.weight = weight;
      if (outer) facts.set(f.known.decl, outer);
      else facts.delete(f.known.decl);
    }
  }

  /** The loop of an inner FOR into `into`: leave past TO, the body, the step. */
  private forLoop(f: InnerFor, into: Code, body: () => void): void {
    into.opU(Op.block, VOID).opU(Op.loop, VOID);
    into.get(f.v.local).get(f.last).op(compareOp(f.step > 0n ? '>' : '<', f.v.num)).opU(Op.br_if, 1);
    body();
    into.get(f.v.local).i32(Number(f.step)).op(Op.i32_add).set(f.v.local);
    into.opU(Op.br, 0).op(Op.end).op(Op.end);
  }

  private ifStmt(branches: { cond: Expr; body: Stmt[] }[], elseBody: Stmt[] | undefined): void {
    const [first, ...rest] = branches;
    this.expr(first!.cond, BOOL);
    this.c.opU(Op.if, VOID);
    this.stmts(first!.body);
    if (rest.length || elseBody?.length) {
      this.c.op(Op.else);
      if (rest.length) this.ifStmt(rest, elseBody);
      else this.stmts(elseBody!);
    }
    this.c.op(Op.end);
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>): void {
    if (s.op !== ':=') unsupported(s.op);
    const tt = concrete(this.typeOf(s.target));
    const n = needNum(tt);
    if (s.target.kind === 'name') {
      const v = this.scalarOf(s.target);
      this.expr(s.value, n);
      this.c.set(v.local);
      v.written = true;
      return;
    }
    if (s.target.kind !== 'index') unsupported('target');
    const a = this.address(s.target);
    a.data.written = true;
    this.expr(s.value, n);
    // V8 leaves out the Math.fround of an operation stored straight into a Float32Array: no gain
    if (n.vt === F32 && this.lastSingleEnd === this.c.bytes.length) this.work.single -= this.work.weight;
    this.store(a);
  }

  /**
   * Pushes the byte address of an element whose every index is proven inside its dimension:
   * the sum of (index - lower bound) x stride over the dimensions, as the JavaScript path flattens them.
   */
  private address(e: Extract<Expr, { kind: 'index' }>): ArrayInfo {
    const a = this.arrayOf(e.object);
    if (e.indices.length !== a.dims.length) unsupported('index count');
    e.indices.forEach((ix, d) => {
      const dim = a.dims[d]!;
      const known = rangeOf(ix, this.h.loopFacts, this.h.ann);
      if (!known || known.lo < BigInt(dim.lo) || known.hi > BigInt(dim.hi)) unsupported('index not proven in range');
      const it = numOf(concrete(this.typeOf(ix)));
      if (!it || it.vt !== I32) unsupported('index type');
      this.expr(ix, it);
      if (dim.lo !== 0) this.c.i32(dim.lo).op(Op.i32_sub);
      if (dim.stride !== 1) this.c.i32(dim.stride).op(Op.i32_mul);
      if (d > 0) this.c.op(Op.i32_add);
    });
    if (a.shift) this.c.i32(a.shift === 1 ? 2 : a.shift === 2 ? 4 : 8).op(Op.i32_mul);
    this.c.get(a.base).op(Op.i32_add);
    return a;
  }

  private load(a: ArrayInfo): void {
    const el = a.elem;
    if (el.vt === F32) this.c.mem(Op.f32_load, 2, 0);
    else if (el.vt === F64) this.c.mem(Op.f64_load, 3, 0);
    else if (el.name === 'BOOL') this.c.mem(Op.i32_load8_u, 0, 0).i32(0).op(Op.i32_ne);
    else if (a.shift === 0) this.c.mem(isUnsigned(el) ? Op.i32_load8_u : Op.i32_load8_s, 0, 0);
    else if (a.shift === 1) this.c.mem(isUnsigned(el) ? Op.i32_load16_u : Op.i32_load16_s, 1, 0);
    else this.c.mem(Op.i32_load, 2, 0);
  }

  private store(a: ArrayInfo): void {
    const el = a.elem;
    if (el.vt === F32) this.c.mem(Op.f32_store, 2, 0);
    else if (el.vt === F64) this.c.mem(Op.f64_store, 3, 0);
    else if (a.shift === 0) this.c.mem(Op.i32_store8, 0, 0);
    else if (a.shift === 1) this.c.mem(Op.i32_store16, 1, 0);
    else this.c.mem(Op.i32_store, 2, 0);
  }

  // ------------------------------------------------------------ expressions

  /** Pushes `e` converted to `target` (exprHere of expression-code.ts); returns the type pushed. */
  expr(e: Expr, target?: Num): Num {
    const t = this.typeOf(e);
    if (e.kind === 'literal') return this.literal(e.value, t, target ?? needNum(concrete(t)));
    if (isLiteralType(t) && (e.kind === 'binary' || e.kind === 'unary')) {
      // constant arithmetic on literals is done in the target type
      const want = target ?? needNum(concrete(t));
      const r = this.raw(e, want);
      if (r.name !== want.name) unsupported('literal expression type');
      return r;
    }
    if (e.kind === 'call' && isLiteralType(t)) unsupported('generic call of literals');
    const r = this.raw(e, needNum(concrete(t)));
    if (!target) return r;
    convert(this.c, r, target, () => this.temp(F64), this.work);
    return target;
  }

  private literal(v: LiteralValue, own: Type, target: Num): Num {
    const lit = isLiteralType(own);
    const t = lit ? target : needNum(own);
    let value: number;
    switch (v.type) {
      case 'int':
        value = Number(v.value);
        if (t.vt === F32 && Math.fround(value) !== value) unsupported('integer literal inexact in REAL');
        break;
      case 'real':
        if (t.vt === I32) unsupported('real literal as an integer');
        value = t.vt === F32 ? Math.fround(v.value) : v.value;
        break;
      case 'bool':
        value = v.value ? 1 : 0;
        break;
      default:
        unsupported('literal');
    }
    if (t.name === 'BOOL' && v.type === 'int') value = value !== 0 ? 1 : 0;
    // an integer literal has no sign of zero; a REAL/LREAL -0.0 keeps its sign, as in the JavaScript path
    if (t.vt !== F32 && t.vt !== F64 && Object.is(value, -0)) value = 0;
    if (!canonical(value, t)) unsupported('literal outside its type');
    if (t.vt === F32) this.c.f32(value);
    else if (t.vt === F64) this.c.f64(value);
    else this.c.i32(value);
    convert(this.c, t, target, () => this.temp(F64), this.work);
    return target;
  }

  private raw(e: Expr, ctx: Num): Num {
    switch (e.kind) {
      case 'literal':
        return this.literal(e.value, this.typeOf(e), ctx);
      case 'name': {
        const v = this.scalarOf(e);
        this.c.get(v.local);
        return v.num;
      }
      case 'index': {
        const a = this.address(e);
        this.load(a);
        return a.elem;
      }
      case 'unary':
        return this.unary(e, ctx);
      case 'binary':
        return this.binary(e, ctx);
      case 'call':
        return this.call(e);
      default:
        unsupported(e.kind);
    }
  }

  private unary(e: Extract<Expr, { kind: 'unary' }>, ctx: Num): Num {
    this.expr(e.operand, ctx);
    if (e.op === '+') return ctx;
    if (e.op === 'NOT') {
      if (ctx.name === 'BOOL') this.c.op(Op.i32_eqz);
      else if (ctx.vt === I32) {
        this.c.i32(-1).op(Op.i32_xor);
        wrap(this.c, ctx);
      } else unsupported('NOT of a real');
      return ctx;
    }
    if (ctx.vt === F32) this.c.op(Op.f32_neg);
    else if (ctx.vt === F64) this.c.op(Op.f64_neg);
    else {
      // -(x) wrapped: x * -1 gives the same bits as 0 - x
      this.c.i32(-1).op(Op.i32_mul);
      wrap(this.c, ctx);
    }
    return ctx;
  }

  operandNum(e: Extract<Expr, { kind: 'binary' }>, ctx: Num): Num {
    const otType = this.h.ann.operandTypes.get(e.id);
    if (!otType) return ctx;
    if (isLiteralType(otType)) return e.op in COMPARE ? needNum(concrete(otType)) : ctx.name !== 'BOOL' ? ctx : needNum(concrete(otType));
    return needNum(concrete(otType));
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, ctx: Num): Num {
    const isCompare = e.op in COMPARE;
    const ot = this.operandNum(e, ctx);
    const fam = ELEMENTARY[ot.name].family;
    this.expr(e.left, ot);
    this.expr(e.right, ot);
    if (isCompare) {
      this.c.op(compareOp(e.op, ot));
      return BOOL;
    }
    switch (e.op) {
      case 'AND':
      case 'OR':
      case 'XOR':
        if (ot.vt !== I32) unsupported('logic on reals');
        this.c.op(e.op === 'AND' ? Op.i32_and : e.op === 'OR' ? Op.i32_or : Op.i32_xor);
        if (ot.name !== 'BOOL') wrap(this.c, ot);
        return ot;
      case 'MOD':
      case '/': {
        if (ot.vt !== I32) {
          if (e.op === 'MOD') unsupported('MOD of reals');
          this.c.op(ot.vt === F32 ? Op.f32_div : Op.f64_div);
          if (ot.vt === F32) this.single();
          return ot;
        }
        // a variable divisor may be zero: that faults at a located site, in JavaScript
        const d = constantInt(e.right);
        if (d === undefined || d === 0n || ot.name === 'BOOL') unsupported('division by a variable');
        const signed = fam === 'signed';
        if (e.op === 'MOD') {
          this.c.op(signed ? Op.i32_rem_s : Op.i32_rem_u);
        } else if (signed && d === -1n) {
          // i32.div_s traps on the minimum by -1, where JavaScript wraps: x * -1 wraps the same
          this.c.op(Op.i32_mul);
          wrap(this.c, ot);
        } else {
          this.c.op(signed ? Op.i32_div_s : Op.i32_div_u);
          wrap(this.c, ot);
        }
        return ot;
      }
      case '+':
      case '-':
      case '*': {
        const [i, f, g] = ARITH[e.op]!;
        if (ot.vt === F32) {
          this.c.op(f);
          this.single();
        } else if (ot.vt === F64) this.c.op(g);
        else if (ot.name === 'BOOL') unsupported('arithmetic on BOOL');
        else {
          this.c.op(i);
          wrap(this.c, ot);
        }
        return ot;
      }
      default:
        unsupported(e.op);
    }
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Num {
    const target = this.h.ann.calls.get(e.id);
    if (target?.kind !== 'builtin') unsupported('call');
    const bound = this.h.ann.boundArgs.get(e.id) ?? [];
    const name = target.name.toUpperCase();
    const result = needNum(concrete(target.resultType));
    const params = target.argTypes.map((t) => needNum(concrete(t)));
    if (bound.length !== params.length || bound.some((b) => !b.value || b.negated)) unsupported('arguments');
    const arg = (i: number): void => {
      this.expr(bound[i]!.value!, params[i]!);
    };
    const conv = /^(?:(\w+)_)?TO_(\w+)$/.exec(name);
    if (conv && conv[1] !== 'BCD' && conv[2] !== 'BCD') {
      arg(0);
      convert(this.c, params[0]!, result, () => this.temp(F64), this.work);
      return result;
    }
    switch (name) {
      case 'ABS': {
        arg(0);
        if (result.vt === F32) this.c.op(Op.f32_abs);
        else if (result.vt === F64) this.c.op(Op.f64_abs);
        else if (!isUnsigned(result)) {
          const x = this.temp(I32);
          // select(x, 0 - x, x >= 0)
          this.c.tee(x).i32(0).get(x).op(Op.i32_sub).get(x).i32(0).op(Op.i32_ge_s).op(Op.select);
          wrap(this.c, result);
        }
        return result;
      }
      case 'SQRT':
        arg(0);
        if (result.vt === F32) {
          this.c.op(Op.f32_sqrt);
          this.single();
        } else if (result.vt === F64) this.c.op(Op.f64_sqrt);
        else unsupported('SQRT of an integer');
        return result;
      case 'MAX':
      case 'MIN': {
        // $max(a, b) = a > b ? a : b, folded from the left, as the JavaScript helpers do
        const acc = this.temp(result.vt);
        const x = this.temp(result.vt);
        arg(0);
        this.c.set(acc);
        for (let i = 1; i < params.length; i++) {
          arg(i);
          this.c.set(x);
          this.c.get(acc).get(x).get(acc).get(x).op(compareOp(name === 'MAX' ? '>' : '<', result)).op(Op.select).set(acc);
        }
        this.c.get(acc);
        return result;
      }
      case 'LIMIT': {
        // $limit(mn, x, mx): y = x < mn ? mn : x; y > mx ? mx : y
        const mn = this.temp(result.vt);
        const x = this.temp(result.vt);
        const mx = this.temp(result.vt);
        arg(0);
        this.c.set(mn);
        arg(1);
        this.c.set(x);
        arg(2);
        this.c.set(mx);
        this.c.get(mn).get(x).get(x).get(mn).op(compareOp('<', result)).op(Op.select).set(x);
        this.c.get(mx).get(x).get(x).get(mx).op(compareOp('>', result)).op(Op.select);
        return result;
      }
      case 'SEL': {
        // G ? IN1 : IN0
        const g = this.temp(I32);
        arg(0);
        this.c.set(g);
        arg(2);
        arg(1);
        this.c.get(g).op(Op.select);
        return result;
      }
      default:
        unsupported(name);
    }
  }

  /** The function for loop `s` (collect() ran): `v` and `to` are the JavaScript of the FOR variable and TO. */
  finish(s: ForStmt, step: bigint, v: string, to: string): CompiledLoop {
    let c = this.c;
    const all = [...this.scalars.values()];
    const fv = all[0]!;
    if (fv.num.vt !== I32 || fv.num.name === 'BOOL') unsupported('FOR variable type');
    this.sealed = true;
    c.opU(Op.block, VOID).opU(Op.loop, VOID);
    // leave when the FOR variable is past TO (the step's sign fixes the test)
    c.get(0).get(1).op(compareOp(step > 0n ? '>' : '<', fv.num)).opU(Op.br_if, 1);
    this.stmts(s.body);
    // the caller proved that the last step stays inside the variable's type: no wrap
    c.get(0).i32(Number(step)).op(Op.i32_add).set(0);
    c.opU(Op.br, 0).op(Op.end).op(Op.end);
    const vector = step === 1n && simdEnabled() ? this.vector(s, 0, 1) : undefined;
    if (vector) {
      // the four-lane loop first; the scalar loop runs the iterations left
      c = new Code().append(vector.pre).append(vector.loop).append(vector.post).append(this.c);
      this.c = c;
    }
    fv.written = true;
    let at = Math.ceil(this.bytes / 8) * 8;
    const results: LoopResult[] = [];
    for (const x of all) {
      if (!x.written) continue;
      c.i32(at).get(x.local);
      if (x.num.vt === F32) c.mem(Op.f32_store, 2, 0);
      else if (x.num.vt === F64) c.mem(Op.f64_store, 3, 0);
      else c.mem(Op.i32_store, 2, 0);
      results.push({ js: x.js, num: x.num, offset: at });
      at += 8;
    }
    const arrays = [...this.arrays.values()];
    const params: ValType[] = [fv.num.vt, fv.num.vt, ...all.slice(1).map((x) => x.num.vt), ...arrays.map((): ValType => I32)];
    return {
      fn: { params, locals: this.locals, code: c },
      args: [v, to, ...all.slice(1).map((x) => x.js)],
      arrays: [...this.arrays.values()].map((a) => a.data),
      results,
      bytes: at,
      work: this.work,
    };
  }

  /**
   * The four-lane loop of `s`, its FOR variable and TO in locals `v` and `to`, or undefined when
   * it does not qualify (the locals it took are given back).
   */
  private vector(s: ForStmt, v: number, to: number): VectorCode | undefined {
    const locals = this.locals.length;
    try {
      return vectorLoop(this, s, v, to);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      this.locals.length = locals;
      return undefined;
    }
  }
}

/** Is the four-lane (SIMD) form on (VPLC_NO_SIMD unset or not 1)? */
export function simdEnabled(): boolean {
  return process.env.VPLC_NO_SIMD !== '1';
}

/**
 * The WebAssembly function of FOR loop `s`, or undefined when its body does something the
 * WebAssembly path does not handle. The loop facts must hold the FOR variable's range.
 */
export function compileLoop(h: WasmLoopHost, s: ForStmt, step: bigint, v: string, to: string): CompiledLoop | undefined {
  const lc = new LoopCompiler(h);
  try {
    lc.collect(s);
    return lc.finish(s, step, v, to);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
