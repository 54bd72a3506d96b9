/**
 * The four-lane form of a FOR loop whose iterations are independent: WebAssembly SIMD (v128 as
 * f32x4 and i32x4) running iterations k, k+1, k+2, k+3 at once, before the scalar loop of
 * loop-compiler.ts, which runs the remaining iterations (fewer than four).
 *
 * A loop qualifies when its step is 1, its body has only assignments, IF/ELSIF/ELSE and FOR
 * loops of constant bounds (outside any IF: the same for every lane, their variables scalars),
 * every array it uses holds REAL or integers of up to 32 bits or BOOL (2- and 1-byte elements
 * widened to i32 lanes as they are loaded, narrowed as they are stored) indexed in its last
 * dimension by the FOR variable itself and in the others by values the same for every lane (so
 * iteration k touches elements of column k only: no dependence between iterations through
 * arrays) or is an array the loop does not write read at indices the same for every lane (one
 * element for all lanes, `a[i, k]` of a matrix product), and every scalar the body writes is
 * private (assigned on every path before any read
 * in the same iteration, so no value flows from one iteration to the next) or a sum
 * (`s := s + e1 - e2…` in every iteration and read nowhere else: the lanes' terms are added to
 * it one after the other, in iteration order, as the scalar loop adds them). Every value
 * computed is a REAL or an integer of up to 32 bits (no LREAL).
 * The loop may itself be an inner FOR loop of the WebAssembly function (a matrix product's
 * column loop): its variable and TO are then the function's locals, not parameters 0 and 1.
 *
 * Each lane computes exactly what the scalar code computes for its iteration: f32x4 add, sub,
 * mul, div and sqrt round per lane as f32 does; MIN, MAX and LIMIT are compare masks and
 * v128.bitselect with the JavaScript helpers' comparisons (f32x4.min/max treat NaN and -0
 * otherwise); integer division and MOD by a constant go through f64x2 division (exact for
 * 32-bit operands, see integerDivision; by -1 lane by lane), REAL to integer, which has no
 * lane form, runs lane by lane with the scalar instructions. IF runs every branch on every lane: an assignment in a
 * branch selects between the new and the old value with the branch's mask, so a lane keeps
 * what its iteration did not assign (nothing here can trap: integer division only by a
 * nonzero constant). Expressions that do not change in the loop (no array, no FOR variable,
 * no scalar the body writes) are computed once before it with the scalar code and splat.
 * BOOL lanes are masks (all ones or zero).
 *
 * After the four-lane loop lane 3 of every private scalar is the value of the last iteration
 * it ran (before any, the splat of the scalar's own value), so the scalar loop continues from
 * the right state and leaves the FOR variable and the scalars as the scalar loop alone would.
 */
import type { Expr, ForStmt, Stmt } from '../../st/ast.js';
import type { Annotations, VarSymbol } from '../../semantics/symbols.js';
import { concrete } from '../../types/common-type.js';
import { ELEMENTARY, type Type } from '../../types/types.js';
import { walkExpr, walkStmts } from '../ast-walk.js';
import { constantInt, powerOfTwo, rangeOf, type LoopFacts } from '../index-range.js';
import { Code, F32, F64, I32, Op, Simd, V128, VOID, type ValType } from './encoder.js';
import { BOOL, canonical, holdsEvery, isLiteralType, isUnsigned, needNum, realToInt32, unsupported, wrap, type Num } from './numeric.js';

export const LANES = 4;

/** What the vector compiler needs from the scalar loop compiler. */
export interface VectorHost {
  /** the body emitter's annotations, loop facts (the FOR variable's range) and types */
  readonly h: { readonly ann: Annotations; readonly loopFacts: LoopFacts; typeOf(e: Expr): Type };
  /** the local and type of a scalar the loop uses */
  scalarOf(e: Expr): { local: number; num: Num };
  /** where an array the loop uses lies in memory, its dimensions (row-major) and element */
  arrayOf(e: Expr): { base: number; lo: number; dims: { lo: number; stride: number }[]; elem: Num; shift: number };
  /** emits into `into` a FOR loop of constant bounds, its variable a scalar, `body` its statements */
  uniformFor(s: ForStmt, into: Code, body: () => void): void;
  temp(vt: ValType): number;
  /** emits `e` converted to `target` with the scalar code into `into` (counts no work) */
  scalarExpr(e: Expr, target: Num | undefined, into: Code): Num;
  /** the operand type of a binary expression in context `ctx`, as the scalar code takes it */
  operandNum(e: Extract<Expr, { kind: 'binary' }>, ctx: Num): Num;
}

export interface VectorCode {
  /** before the four-lane loop: the values that do not change, the private scalars' lanes */
  pre: Code;
  loop: Code;
  /** after it: lane 3 of the private scalars into their scalar locals */
  post: Code;
}

const COMPARE: Record<string, [number, number, number]> = {
  // i32x4 signed, i32x4 unsigned, f32x4
  '=': [Simd.i32x4_eq, Simd.i32x4_eq, Simd.f32x4_eq],
  '<>': [Simd.i32x4_ne, Simd.i32x4_ne, Simd.f32x4_ne],
  '<': [Simd.i32x4_lt_s, Simd.i32x4_lt_u, Simd.f32x4_lt],
  '>': [Simd.i32x4_gt_s, Simd.i32x4_gt_u, Simd.f32x4_gt],
  '<=': [Simd.i32x4_le_s, Simd.i32x4_le_u, Simd.f32x4_le],
  '>=': [Simd.i32x4_ge_s, Simd.i32x4_ge_u, Simd.f32x4_ge],
};

const ARITH: Record<string, [number, number]> = {
  '+': [Simd.i32x4_add, Simd.f32x4_add],
  '-': [Simd.i32x4_sub, Simd.f32x4_sub],
  '*': [Simd.i32x4_mul, Simd.f32x4_mul],
};

function lanesOf(n: Num): Num {
  if (n.vt !== I32 && n.vt !== F32) unsupported('LREAL lanes');
  return n;
}

/**
 * Is every scalar the body writes assigned on every path before it is read in the same
 * iteration? `written`: the scalars assigned somewhere in the body.
 */
export function allPrivate(body: Stmt[], written: Set<VarSymbol>, symbolOf: (e: Expr) => VarSymbol | undefined): boolean {
  let ok = true;
  const reads = (e: Expr, defined: Set<VarSymbol>) =>
    walkExpr(e, {
      expr: (x) => {
        if (x.kind !== 'name') return;
        const s = symbolOf(x);
        if (s && written.has(s) && !defined.has(s)) ok = false;
      },
    });
  const visit = (list: Stmt[], defined: Set<VarSymbol>): Set<VarSymbol> => {
    for (const s of list) {
      if (s.kind === 'assign') {
        reads(s.value, defined);
        if (s.target.kind === 'name') {
          const t = symbolOf(s.target);
          if (t) defined.add(t);
        } else reads(s.target, defined);
      } else if (s.kind === 'if') {
        const outs: Set<VarSymbol>[] = [];
        for (const b of s.branches) {
          reads(b.cond, defined);
          outs.push(visit(b.body, new Set(defined)));
        }
        outs.push(s.elseBody ? visit(s.elseBody, new Set(defined)) : defined);
        defined = new Set([...defined, ...outs[0]!].filter((x) => outs.every((o) => o.has(x))));
      } else if (s.kind === 'for') {
        // its variable is set before its body; what the body assigns may not be (no iteration)
        reads(s.from, defined);
        const v = symbolOf(s.variable);
        if (v) defined.add(v);
        visit(s.body, new Set(defined));
      } else if (s.kind !== 'empty') ok = false;
    }
    return defined;
  };
  visit(body, new Set());
  return ok;
}

class VectorCompiler {
  readonly pre = new Code();
  readonly post = new Code();
  c = new Code();
  private readonly forSym: VarSymbol;
  private readonly forNum: Num;
  private readonly written = new Set<VarSymbol>();
  /** written scalars the body only sums into (findSums) */
  private readonly sums = new Set<VarSymbol>();
  /** v128 locals of the private scalars */
  private readonly lanes = new Map<VarSymbol, { local: number; num: Num; scalar: number }>();
  private kvec = -1;
  /** the variables of FOR loops inside: one value for all lanes, kept in their scalar locals */
  private readonly uniformVars = new Set<VarSymbol>();
  /** the arrays the body writes (elements of the iteration's own column only) */
  private readonly writtenArrays = new Set<VarSymbol>();
  /** the i32 locals of the addresses of the iteration's elements, by the array's address parameter */
  private readonly addresses = new Map<number, number>();

  /**
   * @param forLocal the local of the FOR variable
   * @param toLocal the local of TO
   */
  constructor(
    private readonly x: VectorHost,
    private readonly s: ForStmt,
    private readonly forLocal: number,
    private readonly toLocal: number,
  ) {
    const fs = this.symbolOf(s.variable);
    if (!fs) unsupported('FOR variable');
    this.forSym = fs;
    this.forNum = x.scalarOf(s.variable).num;
  }

  private symbolOf(e: Expr): VarSymbol | undefined {
    const s = e.kind === 'name' ? this.x.h.ann.symbols.get(e.id) : undefined;
    return s?.kind === 'var' ? s : undefined;
  }

  private typeOf(e: Expr): Type {
    return this.x.h.typeOf(e);
  }

  /** Throws Unsupported unless the loop's iterations are independent as the header says. */
  check(): void {
    const { forNum } = this;
    // the exit test widens the FOR variable to i64 as a signed value
    if (forNum.vt !== I32 || forNum.name === 'BOOL' || (isUnsigned(forNum) && ELEMENTARY[forNum.name].bits === 32)) unsupported('FOR variable');
    walkStmts(this.s.body, {
      stmt: (st) => {
        if (st.kind === 'assign' && st.target.kind === 'name') {
          const t = this.symbolOf(st.target);
          if (!t) unsupported('target');
          this.written.add(t);
        } else if (st.kind === 'assign' && st.target.kind === 'index') {
          const t = this.symbolOf(st.target.object);
          if (!t) unsupported('target');
          this.writtenArrays.add(t);
        } else if (st.kind === 'for') {
          const v = this.symbolOf(st.variable);
          if (!v) unsupported('FOR variable');
          this.uniformVars.add(v);
        }
      },
    });
    if (this.written.has(this.forSym) || this.uniformVars.has(this.forSym)) unsupported('FOR variable written');
    for (const v of this.uniformVars) if (this.written.has(v)) unsupported('inner FOR variable assigned');
    walkStmts(this.s.body, {
      stmt: (st) => {
        if (st.kind === 'for' && !this.uniform(st.from)) unsupported('inner FOR start differs by lane');
      },
      expr: (e) => {
        if (e.kind !== 'index') return;
        const a = this.x.arrayOf(e.object);
        if (this.laneElement(e)) {
          if (a.elem.vt !== I32 && (a.elem.vt !== F32 || a.shift !== 2)) unsupported('array element');
        } else if (!this.uniform(e)) unsupported('index other than the FOR variable');
      },
    });
    this.findSums();
    const carried = new Set([...this.written].filter((x) => !this.sums.has(x)));
    for (const v of this.uniformVars) carried.add(v);
    if (!allPrivate(this.s.body, carried, (e) => this.symbolOf(e))) unsupported('value carried between iterations');
  }

  /** `a[u1, …, v]`: the FOR variable last, the other indices the same for every lane? */
  private laneElement(e: Extract<Expr, { kind: 'index' }>): boolean {
    const n = e.indices.length;
    return this.symbolOf(e.indices[n - 1]!) === this.forSym && e.indices.slice(0, n - 1).every((ix) => this.uniform(ix));
  }

  /**
   * Is `e` the same for every lane: no FOR variable, no scalar the lanes hold, no array the loop
   * writes? (It may read an inner FOR loop's variable: computed where it is used, not before.)
   */
  private uniform(e: Expr): boolean {
    let same = true;
    walkExpr(e, {
      expr: (x) => {
        if (x.kind === 'index') {
          const a = this.symbolOf(x.object);
          if (!a || this.writtenArrays.has(a)) same = false;
          return;
        }
        const s = this.symbolOf(x);
        if (s && (s === this.forSym || this.written.has(s))) same = false;
      },
    });
    return same;
  }

  /**
   * The scalars the body only sums into: every assignment of theirs is `s := s ± e1 ± e2…`
   * (s the leftmost operand: ((s ± e1) ± e2)…) outside any IF, so every iteration does it, and
   * nothing else reads them. Each iteration's terms are added to (subtracted from) the scalar in
   * iteration order, one lane after the other: the same operations in the same order as the
   * scalar loop, so the same result.
   */
  private findSums(): void {
    const uses = new Map<VarSymbol, number>();
    walkStmts(this.s.body, {
      expr: (e) => {
        const sym = this.symbolOf(e);
        if (sym && this.written.has(sym)) uses.set(sym, (uses.get(sym) ?? 0) + 1);
      },
    });
    const own = new Map<VarSymbol, number>();
    for (const st of this.s.body) {
      if (st.kind !== 'assign' || st.target.kind !== 'name') continue;
      const t = this.symbolOf(st.target)!;
      if (this.sumTerms(st.value, t)) own.set(t, (own.get(t) ?? 0) + 2);
    }
    // the sum's own statements are every use of its name (its target and leftmost operand)
    for (const [t, n] of own) if (uses.get(t) === n) this.sums.add(t);
  }

  /** The terms of `s ± e1 ± e2…` in order, or undefined when `e` is not that. */
  private sumTerms(e: Expr, s: VarSymbol): Extract<Expr, { kind: 'binary' }>[] | undefined {
    const terms: Extract<Expr, { kind: 'binary' }>[] = [];
    let x = e;
    while (x.kind === 'binary' && (x.op === '+' || x.op === '-')) {
      terms.unshift(x);
      x = x.left;
    }
    return terms.length && this.symbolOf(x) === s ? terms : undefined;
  }

  compile(): VectorCode {
    const { pre, post } = this;
    const c = this.c;
    walkStmts(this.s.body, {
      expr: (e) => {
        const sym = this.symbolOf(e);
        if (!sym || !this.written.has(sym) || this.sums.has(sym) || this.lanes.has(sym)) return;
        const sc = this.x.scalarOf(e);
        const num = lanesOf(sc.num);
        const local = this.x.temp(V128);
        pre.get(sc.local);
        this.splat(pre, num);
        pre.set(local);
        this.lanes.set(sym, { local, num, scalar: sc.local });
      },
    });
    this.kvec = this.x.temp(V128);
    c.opU(Op.block, VOID).opU(Op.loop, VOID);
    // leave when fewer than four iterations are left: v + 3 > TO, in i64 so that it cannot wrap
    const [v, to] = [this.forLocal, this.toLocal];
    c.get(v).op(Op.i64_extend_i32_s).i64(LANES - 1).op(Op.i64_add).get(to).op(Op.i64_extend_i32_s).op(Op.i64_gt_s).opU(Op.br_if, 1);
    c.get(v).simd(Simd.i32x4_splat).i32x4(0, 1, 2, 3).simd(Simd.i32x4_add).set(this.kvec);
    this.stmts(this.s.body, undefined);
    c.get(v).i32(LANES).op(Op.i32_add).set(v);
    c.opU(Op.br, 0).op(Op.end).op(Op.end);
    for (const l of this.lanes.values()) {
      post.get(l.local);
      if (l.num.vt === F32) post.lane(Simd.f32x4_extract_lane, LANES - 1);
      else {
        post.lane(Simd.i32x4_extract_lane, LANES - 1);
        if (l.num.name === 'BOOL') post.i32(1).op(Op.i32_and);
      }
      post.set(l.scalar);
    }
    return { pre, loop: c, post };
  }

  /** the scalar on the stack of `code` to four lanes (a BOOL to a mask) */
  private splat(code: Code, n: Num): void {
    if (n.vt === F32) code.simd(Simd.f32x4_splat);
    else {
      code.simd(Simd.i32x4_splat);
      if (n.name === 'BOOL') code.simd(Simd.i32x4_neg);
    }
  }

  // ------------------------------------------------------------ statements

  /** `mask`: the v128 local of the lanes the statements run for, undefined for all */
  private stmts(list: Stmt[], mask: number | undefined): void {
    for (const s of list) {
      if (s.kind === 'empty') continue;
      if (s.kind === 'assign') this.assign(s, mask);
      else if (s.kind === 'if') this.ifStmt(s.branches, s.elseBody, mask);
      else if (s.kind === 'for' && mask === undefined) this.x.uniformFor(s, this.c, () => this.stmts(s.body, undefined));
      else unsupported(s.kind);
    }
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>, mask: number | undefined): void {
    if (s.op !== ':=') unsupported(s.op);
    const n = lanesOf(needNum(concrete(this.typeOf(s.target))));
    const c = this.c;
    if (s.target.kind === 'name' && this.sums.has(this.symbolOf(s.target)!)) return this.sum(s, n);
    if (s.target.kind === 'name') {
      const l = this.lanes.get(this.symbolOf(s.target)!)!;
      this.expr(s.value, n);
      if (mask !== undefined) c.get(l.local).get(mask).simd(Simd.v128_bitselect);
      c.set(l.local);
      return;
    }
    if (s.target.kind !== 'index') unsupported('target');
    const address = this.element(s.target);
    c.get(address);
    this.expr(s.value, n);
    const a = this.x.arrayOf(s.target.object);
    if (mask !== undefined) {
      c.get(address);
      this.loadLanes(a);
      c.get(mask).simd(Simd.v128_bitselect);
    }
    this.storeLanes(a);
  }

  /** `t := t ± e1 ± e2…` of a sum: each lane's terms into the scalar, lane after lane */
  private sum(s: Extract<Stmt, { kind: 'assign' }>, n: Num): void {
    const c = this.c;
    const t = this.symbolOf(s.target)!;
    const terms = this.sumTerms(s.value, t)!;
    const acc = this.x.scalarOf(s.target).local;
    const lanes = terms.map((term) => {
      const ot = lanesOf(this.x.operandNum(term, n));
      if (ot.name !== n.name || ot.name === 'BOOL') unsupported('sum converted');
      const local = this.x.temp(V128);
      this.expr(term.right, ot);
      c.set(local);
      return local;
    });
    for (let i = 0; i < LANES; i++) {
      terms.forEach((term, j) => {
        c.get(acc).get(lanes[j]!);
        if (n.vt === F32) c.lane(Simd.f32x4_extract_lane, i).op(term.op === '+' ? Op.f32_add : Op.f32_sub);
        else {
          c.lane(Simd.i32x4_extract_lane, i).op(term.op === '+' ? Op.i32_add : Op.i32_sub);
          wrap(c, n);
        }
        c.set(acc);
      });
    }
  }

  private ifStmt(branches: { cond: Expr; body: Stmt[] }[], elseBody: Stmt[] | undefined, mask: number | undefined): void {
    const c = this.c;
    // the lanes no branch so far has taken
    const rest = this.x.temp(V128);
    if (mask !== undefined) c.get(mask);
    else c.i32x4(-1, -1, -1, -1);
    c.set(rest);
    branches.forEach((b, i) => {
      const cond = this.x.temp(V128);
      const m = this.x.temp(V128);
      this.expr(b.cond, BOOL);
      c.tee(cond).get(rest).simd(Simd.v128_and).set(m);
      this.stmts(b.body, m);
      if (i < branches.length - 1 || elseBody?.length) c.get(rest).get(cond).simd(Simd.v128_andnot).set(rest);
    });
    if (elseBody?.length) this.stmts(elseBody, rest);
  }

  /**
   * The i32 local holding the byte address of elements k..k+3 of the array of `e`, set at the
   * first access (the body has no branches: IF is selects). Each access loads or stores them
   * again: keeping them in v128 locals between accesses was slower (real-pi-aw 2.0x → 2.9x of
   * C), the values live longer than V8 keeps them in registers.
   */
  private element(e: Extract<Expr, { kind: 'index' }>): number {
    const a = this.x.arrayOf(e.object);
    const c = this.c;
    if (a.dims.length === 1) {
      let address = this.addresses.get(a.base);
      if (address === undefined) {
        address = this.x.temp(I32);
        this.addresses.set(a.base, address);
        c.get(this.forLocal);
        if (a.lo !== 0) c.i32(a.lo).op(Op.i32_sub);
        if (a.shift) c.i32(1 << a.shift).op(Op.i32_mul);
        c.get(a.base).op(Op.i32_add).set(address);
      }
      return address;
    }
    // the row's offset (indices the same for every lane, computed here: they may follow an
    // inner loop's variable), then the column of the FOR variable
    const address = this.x.temp(I32);
    const last = a.dims.length - 1;
    e.indices.forEach((ix, d) => {
      const dim = a.dims[d]!;
      if (d === last) c.get(this.forLocal);
      else this.x.scalarExpr(ix, undefined, c);
      if (dim.lo !== 0) c.i32(dim.lo).op(Op.i32_sub);
      if (dim.stride !== 1) c.i32(dim.stride).op(Op.i32_mul);
      if (d > 0) c.op(Op.i32_add);
    });
    if (a.shift) c.i32(1 << a.shift).op(Op.i32_mul);
    c.get(a.base).op(Op.i32_add).set(address);
    return address;
  }

  /**
   * The four elements at the address on the stack as lanes: 4-byte elements as they lie, 2-byte
   * and 1-byte ones widened to i32 by their sign (BOOL, 0 or 1 in memory, to a mask).
   */
  private loadLanes(a: { elem: Num; shift: number }): void {
    const c = this.c;
    if (a.shift === 2) {
      c.simdMem(Simd.v128_load, 0);
      return;
    }
    const signed = ELEMENTARY[a.elem.name].family === 'signed';
    if (a.shift === 1) {
      c.simdMem(signed ? Simd.v128_load16x4_s : Simd.v128_load16x4_u, 0);
      return;
    }
    c.simdMem(Simd.v128_load32_zero, 0);
    c.simd(signed ? Simd.i16x8_extend_low_i8x16_s : Simd.i16x8_extend_low_i8x16_u);
    c.simd(signed ? Simd.i32x4_extend_low_i16x8_s : Simd.i32x4_extend_low_i16x8_u);
    if (a.elem.name === 'BOOL') c.simd(Simd.i32x4_neg);
  }

  /**
   * Stores the lanes on the stack (above the address) as four elements. A narrower element's
   * lanes already hold values of its type (every value is wrapped to its type before it is
   * stored), so the saturating narrowing instructions keep them exactly.
   */
  private storeLanes(a: { elem: Num; shift: number }): void {
    const c = this.c;
    if (a.shift === 2) {
      c.simdMem(Simd.v128_store, 0);
      return;
    }
    const signed = ELEMENTARY[a.elem.name].family === 'signed';
    if (a.elem.name === 'BOOL') c.i32x4(1, 1, 1, 1).simd(Simd.v128_and);
    const lanes = this.x.temp(V128);
    c.tee(lanes).get(lanes).simd(signed ? Simd.i16x8_narrow_i32x4_s : Simd.i16x8_narrow_i32x4_u);
    if (a.shift === 1) {
      c.simdMemLane(Simd.v128_store64_lane, 0, 0);
      return;
    }
    const halves = this.x.temp(V128);
    // i16 to i8: the low eight bytes hold the four values
    c.tee(halves).get(halves).simd(signed ? Simd.i8x16_narrow_i16x8_s : Simd.i8x16_narrow_i16x8_u);
    c.simdMemLane(Simd.v128_store32_lane, 0, 0);
  }

  // ------------------------------------------------------------ expressions

  /** Does `e` stay the same in every iteration (reads no array, FOR variable or written scalar)? */
  private invariant(e: Expr): boolean {
    let inv = true;
    walkExpr(e, {
      expr: (x) => {
        if (x.kind === 'index') inv = false;
        const s = this.symbolOf(x);
        if (s && (s === this.forSym || this.written.has(s) || this.uniformVars.has(s))) inv = false;
      },
    });
    return inv;
  }

  /** Pushes the four lanes of `e` converted to `target`; returns the type pushed. */
  expr(e: Expr, target?: Num): Num {
    if (this.invariant(e)) {
      // once before the loop, with the scalar code
      const n = lanesOf(this.x.scalarExpr(e, target, this.pre));
      this.splat(this.pre, n);
      const local = this.x.temp(V128);
      this.pre.set(local);
      this.c.get(local);
      return n;
    }
    if (this.uniform(e)) {
      // the same for every lane but not before the loop (an inner loop's variable, an element
      // it selects): the scalar code where it is used
      const n = lanesOf(this.x.scalarExpr(e, target, this.c));
      this.splat(this.c, n);
      return n;
    }
    const t = this.typeOf(e);
    if (isLiteralType(t)) unsupported('literal type with variables');
    const r = this.raw(e, lanesOf(needNum(concrete(t))));
    if (!target) return r;
    this.convert(r, lanesOf(target));
    return target;
  }

  private raw(e: Expr, ctx: Num): Num {
    const c = this.c;
    switch (e.kind) {
      case 'name': {
        const s = this.symbolOf(e);
        if (s === this.forSym) {
          c.get(this.kvec);
          return this.forNum;
        }
        const l = this.lanes.get(s!);
        if (!l) unsupported('variable');
        c.get(l.local);
        return l.num;
      }
      case 'index': {
        c.get(this.element(e));
        this.loadLanes(this.x.arrayOf(e.object));
        return this.x.arrayOf(e.object).elem;
      }
      case 'unary':
        this.expr(e.operand, ctx);
        if (e.op === '+') return ctx;
        if (e.op === 'NOT') {
          if (ctx.vt !== I32) unsupported('NOT of a real');
          c.simd(Simd.v128_not);
          if (ctx.name !== 'BOOL') this.wrap(ctx);
          return ctx;
        }
        if (ctx.vt === F32) c.simd(Simd.f32x4_neg);
        else {
          c.simd(Simd.i32x4_neg);
          this.wrap(ctx);
        }
        return ctx;
      case 'binary':
        return this.binary(e, ctx);
      case 'call':
        return this.call(e);
      default:
        unsupported(e.kind);
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, ctx: Num): Num {
    const c = this.c;
    const ot = lanesOf(this.x.operandNum(e, ctx));
    if ((e.op === '/' || e.op === 'MOD') && ot.vt === I32) return this.integerDivision(e, ot);
    this.expr(e.left, ot);
    this.expr(e.right, ot);
    const cmp = COMPARE[e.op];
    if (cmp) {
      c.simd(ot.vt === F32 ? cmp[2] : isUnsigned(ot) ? cmp[1] : cmp[0]);
      return BOOL;
    }
    switch (e.op) {
      case 'AND':
      case 'OR':
      case 'XOR':
        if (ot.vt !== I32) unsupported('logic on reals');
        c.simd(e.op === 'AND' ? Simd.v128_and : e.op === 'OR' ? Simd.v128_or : Simd.v128_xor);
        if (ot.name !== 'BOOL') this.wrap(ot);
        return ot;
      case '/':
        c.simd(Simd.f32x4_div);
        return ot;
      case '+':
      case '-':
      case '*': {
        const [i, f] = ARITH[e.op]!;
        if (ot.vt === F32) c.simd(f);
        else if (ot.name === 'BOOL') unsupported('arithmetic on BOOL');
        else {
          c.simd(i);
          this.wrap(ot);
        }
        return ot;
      }
      default:
        unsupported(e.op);
    }
  }

  /**
   * Integer `/` and MOD by a nonzero constant. By -1 lane by lane as the scalar code does (the
   * quotient of the most negative value wraps); by any other divisor d the quotient is
   * trunc(x / d) in floating point: exact when x and d are exact in the format and the
   * division's rounding error, below |x / d| * 2^-p (p the significand's bits), is smaller than
   * the 1 / |d| that separates a quotient that is not whole from the next integer, that is when
   * |x| < 2^p. So f32x4, four lanes in one division, when |x| and |d| stay below 2^24 (16-bit
   * types, loop indices), else f64x2, two lanes at a time. The remainder is x - q * d (as
   * i32.rem_s and JavaScript's %, the sign of x), computed modulo 2^32.
   */
  private integerDivision(e: Extract<Expr, { kind: 'binary' }>, ot: Num): Num {
    const c = this.c;
    const d = constantInt(e.right);
    if (d === undefined || d === 0n || ot.name === 'BOOL' || !canonical(Number(d), ot)) unsupported('division by a variable');
    this.expr(e.left, ot);
    const left = rangeOf(e.left, this.x.h.loopFacts, this.x.h.ann);
    if (e.op === 'MOD' && powerOfTwo(d) !== undefined && left && left.lo >= 0n) {
      // a remainder by a power of two of a value never negative keeps its low bits
      const m = Number(d - 1n);
      c.i32x4(m, m, m, m).simd(Simd.v128_and);
      return ot;
    }
    const signed = ELEMENTARY[ot.name].family === 'signed';
    if (d !== -1n) {
      const x = this.x.temp(V128);
      c.set(x);
      if (e.op === 'MOD') c.get(x);
      const single = 1n << 24n;
      const small = ELEMENTARY[ot.name].bits <= 16 || (left !== undefined && left.lo > -single && left.hi < single);
      if (small && d > -single && d < single) {
        c.get(x).simd(Simd.f32x4_convert_i32x4_s).f32(Number(d)).simd(Simd.f32x4_splat).simd(Simd.f32x4_div).simd(Simd.i32x4_trunc_sat_f32x4_s);
      } else {
        const unsigned32 = !signed && ELEMENTARY[ot.name].bits === 32;
        const half = (high: boolean) => {
          c.get(x);
          // lanes 2 and 3 moved down to 0 and 1
          if (high) c.get(x).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
          c.simd(unsigned32 ? Simd.f64x2_convert_low_i32x4_u : Simd.f64x2_convert_low_i32x4_s);
          c.f64(Number(d)).simd(Simd.f64x2_splat).simd(Simd.f64x2_div);
          c.simd(unsigned32 ? Simd.i32x4_trunc_sat_f64x2_u_zero : Simd.i32x4_trunc_sat_f64x2_s_zero);
        };
        half(false);
        half(true);
        // q0 q1 of the first, q2 q3 of the second
        c.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
      }
      if (e.op === 'MOD') {
        c.i32(Number(BigInt.asIntN(32, d))).simd(Simd.i32x4_splat).simd(Simd.i32x4_mul).simd(Simd.i32x4_sub);
        return ot;
      }
      this.wrap(ot);
      return ot;
    }
    this.lanewise(() => {
      c.lane(Simd.i32x4_extract_lane, 0);
      c.i32(Number(d));
      if (e.op === 'MOD') c.op(signed ? Op.i32_rem_s : Op.i32_rem_u);
      else if (signed && d === -1n) {
        c.op(Op.i32_mul);
        wrap(c, ot);
      } else {
        c.op(signed ? Op.i32_div_s : Op.i32_div_u);
        wrap(c, ot);
      }
    });
    return ot;
  }

  /**
   * The v128 on the stack to an i32x4 lane by lane: `lane` emits the scalar code of one lane
   * with the v128 on the stack; its first instruction, an extract_lane of lane 0, is
   * rewritten to the lane's index.
   */
  private lanewise(lane: () => void): void {
    const c = this.c;
    const src = this.x.temp(V128);
    const dst = this.x.temp(V128);
    c.tee(src).set(dst);
    for (let i = 0; i < LANES; i++) {
      c.get(dst).get(src);
      const at = c.bytes.length;
      lane();
      // the lane immediate follows the prefix and the one-byte opcode of the extract_lane
      c.bytes[at + 2] = i;
      c.lane(Simd.i32x4_replace_lane, i).set(dst);
    }
    c.get(dst);
  }

  /** The lanes on the stack of type `from` converted to `to`, as numeric.ts's convert does. */
  private convert(from: Num, to: Num): void {
    const c = this.c;
    if (from.name === to.name) return;
    if (from.name === 'BOOL') {
      // a mask: all ones to 1 or 1.0
      if (to.vt === F32) c.i32x4(0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000).simd(Simd.v128_and);
      else c.i32x4(1, 1, 1, 1).simd(Simd.v128_and);
      return;
    }
    if (to.name === 'BOOL') {
      if (from.vt !== I32) unsupported('real to BOOL');
      c.i32x4(0, 0, 0, 0).simd(Simd.i32x4_ne);
      return;
    }
    if (from.vt === I32 && to.vt === I32) {
      if (!holdsEvery(from, to)) this.wrap(to);
      return;
    }
    if (from.vt === I32) {
      c.simd(isUnsigned(from) ? Simd.f32x4_convert_i32x4_u : Simd.f32x4_convert_i32x4_s);
      return;
    }
    // REAL to an integer: to nearest, ties to even, modulo 2^32, lane by lane
    const tmp = this.x.temp(F64);
    this.lanewise(() => {
      c.lane(Simd.f32x4_extract_lane, 0).op(Op.f64_promote_f32);
      realToInt32(c, tmp);
      wrap(c, to);
    });
  }

  /** the i32 lanes wrapped to the width of `n` (numeric.ts's wrap, per lane) */
  private wrap(n: Num): void {
    const bits = ELEMENTARY[n.name].bits;
    if (bits !== 8 && bits !== 16) return;
    if (isUnsigned(n)) {
      const m = bits === 8 ? 255 : 65535;
      this.c.i32x4(m, m, m, m).simd(Simd.v128_and);
    } else this.c.i32(32 - bits).simd(Simd.i32x4_shl).i32(32 - bits).simd(Simd.i32x4_shr_s);
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Num {
    const c = this.c;
    const target = this.x.h.ann.calls.get(e.id);
    if (target?.kind !== 'builtin') unsupported('call');
    const bound = this.x.h.ann.boundArgs.get(e.id) ?? [];
    const name = target.name.toUpperCase();
    const result = lanesOf(needNum(concrete(target.resultType)));
    const params = target.argTypes.map((t) => lanesOf(needNum(concrete(t))));
    if (bound.length !== params.length || bound.some((b) => !b.value || b.negated)) unsupported('arguments');
    const arg = (i: number): void => {
      this.expr(bound[i]!.value!, params[i]!);
    };
    const conv = /^(?:(\w+)_)?TO_(\w+)$/.exec(name);
    if (conv && conv[1] !== 'BCD' && conv[2] !== 'BCD') {
      arg(0);
      this.convert(params[0]!, result);
      return result;
    }
    const cmp = (op: string) => {
      const ops = COMPARE[op]!;
      c.simd(result.vt === F32 ? ops[2] : isUnsigned(result) ? ops[1] : ops[0]);
    };
    switch (name) {
      case 'ABS':
        arg(0);
        if (result.vt === F32) c.simd(Simd.f32x4_abs);
        else if (!isUnsigned(result)) {
          c.simd(Simd.i32x4_abs);
          this.wrap(result);
        }
        return result;
      case 'SQRT':
        arg(0);
        if (result.vt !== F32) unsupported('SQRT of an integer');
        c.simd(Simd.f32x4_sqrt);
        return result;
      case 'MAX':
      case 'MIN': {
        // $max(a, b) = a > b ? a : b, folded from the left, as the JavaScript helpers do
        const acc = this.x.temp(V128);
        const x = this.x.temp(V128);
        arg(0);
        c.set(acc);
        for (let i = 1; i < params.length; i++) {
          arg(i);
          c.set(x);
          c.get(acc).get(x).get(acc).get(x);
          cmp(name === 'MAX' ? '>' : '<');
          c.simd(Simd.v128_bitselect).set(acc);
        }
        c.get(acc);
        return result;
      }
      case 'LIMIT': {
        // $limit(mn, x, mx): y = x < mn ? mn : x; y > mx ? mx : y
        const mn = this.x.temp(V128);
        const x = this.x.temp(V128);
        const mx = this.x.temp(V128);
        arg(0);
        c.set(mn);
        arg(1);
        c.set(x);
        arg(2);
        c.set(mx);
        c.get(mn).get(x).get(x).get(mn);
        cmp('<');
        c.simd(Simd.v128_bitselect).set(x);
        c.get(mx).get(x).get(x).get(mx);
        cmp('>');
        c.simd(Simd.v128_bitselect);
        return result;
      }
      case 'SEL': {
        // G ? IN1 : IN0
        const g = this.x.temp(V128);
        arg(0);
        c.set(g);
        arg(2);
        arg(1);
        c.get(g).simd(Simd.v128_bitselect);
        return result;
      }
      default:
        unsupported(name);
    }
  }
}

/**
 * The four-lane loop of `s` (step 1; locals 0 and 1 are the FOR variable and TO), or throws
 * Unsupported when its iterations are not independent or it computes something without lanes.
 */
export function vectorLoop(x: VectorHost, s: ForStmt, forLocal: number, toLocal: number): VectorCode {
  const v = new VectorCompiler(x, s, forLocal, toLocal);
  v.check();
  return v.compile();
}
