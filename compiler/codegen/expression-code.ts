/**
 * JavaScript for ST expressions: operators with wrap-around at their width, REAL rounding,
 * time arithmetic, checked division, and invariants hoisted before loops.
 */
import type { CallExpr, Expr, Stmt, VarDecl } from '../st/ast.js';
import { concrete } from '../types/common-type.js';
import { ELEMENTARY, type Type, elementary, isBig, isInteger, familyOf, integerRange, sameType } from '../types/types.js';
import type { ElementaryTypeName } from '../application.js';
import { divCode, modCode, notCode } from '../stdlib/functions.js';
import type { Annotations, VarSymbol } from '../semantics/symbols.js';
import { convertCode, wrapInt } from './convert.js';
import { constantInt, constantOf, exprMayChange, integralRealRange, powerOfTwo, rangeOf, valueRange, type IntRange } from './index-range.js';
import { branchFacts } from './branch-facts.js';
import { hoistTarget, loopScope, type LoopScope } from './loop-invariants.js';
import { convertLiteral } from './literal-code.js';
import { roundSingle, isSingle } from './real-rounding.js';
import { isCount } from './loop-counters.js';
import { VariableCode } from './variable-code.js';

const COMPARISONS: ReadonlySet<string> = new Set(['=', '<>', '<', '>', '<=', '>=']);

/** Integers of at most 2^24 in magnitude: every one is exact in single precision. */
const withinSingle = (r: IntRange | undefined): boolean => r !== undefined && r.lo >= -(1n << 24n) && r.hi <= 1n << 24n;

/** Expressions of one body (see variable-code.ts for the emitter's state). */
export abstract class ExpressionCode extends VariableCode {
  /** emitted by call-code.ts */
  abstract call(e: CallExpr, asStatement: boolean): string;

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
  protected readonly loopScopes: LoopScope[] = [];
  /** the code of an expression being moved before a loop is being emitted */
  protected hoisting = false;

  protected pushLoopScope(body: Stmt[], variable?: Expr): void {
    this.loopScopes.push(loopScope(body, variable, this.o.ann, this.lines.length, this.indent));
  }

  /** `code` computed once before the loop of scope `i`, into a temporary (one per distinct code) */
  protected hoistInto(i: number, code: string): string {
    const scope = this.loopScopes[i]!;
    const known = scope.hoisted.get(code);
    if (known) return known;
    const t = this.tmp();
    this.lines.splice(scope.at, 0, `${'  '.repeat(scope.indent)}${t} = ${code};`);
    for (let k = i; k < this.loopScopes.length; k++) this.loopScopes[k]!.at++;
    scope.hoisted.set(code, t);
    return t;
  }

  /** the expression being emitted for a consumer that keeps only its type's bits (see lowBits) */
  protected unmasked: Expr | undefined;

  /**
   * `e` of the bit string or unsigned type `t` (up to 32 bits) for a consumer that keeps only
   * the type's bits: a typed array element of the type, an AND with a value of the type, an
   * AND/OR/XOR made unsigned after. The low bits of a shift, rotation, NOT, AND, OR and XOR
   * depend only on the low bits of their operands, so the mask at its top is left out (the
   * consumer's truncation does it) and AND/OR/XOR pass the same freedom to their operands.
   */
  protected lowBits(e: Expr, t: Type): string {
    if (!isMaskable(e, this.o.ann) || !isWordBits(t) || !sameType(concrete(this.typeOf(e)), t)) return this.expr(e, t);
    const outer = this.unmasked;
    this.unmasked = e;
    const code = this.expr(e, t);
    this.unmasked = outer;
    return code;
  }

  protected exprHere(e: Expr, target?: Type): string {
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
  protected exactInSingle(e: Expr, from: Type): boolean {
    const f = concrete(from);
    if (f.kind !== 'elementary' || !isInteger(f) || ELEMENTARY[f.name].bits > 32) return false;
    return withinSingle(valueRange(e, this.loopFacts, this.o.ann));
  }

  /** counters of the FOR loops being emitted that are wrapped after their loop, not at each count */
  protected readonly openCounters = new Set<VarSymbol>();

  /** A REAL operation on integers whose every result is exact in single precision (`1.0 + INT_TO_REAL(k MOD 3)`)? */
  protected integralInSingle(e: Expr): boolean {
    return withinSingle(integralRealRange(e, this.loopFacts, this.o.ann));
  }

  protected exprRaw(e: Expr, ctxType: Type): string {
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
        if (e.op === 'NOT' && this.unmasked === e) return `(~${this.lowBits(e.operand, ctxType)})`;
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

  /**
   * BOOL AND and OR are `&&` and `||`: the right operand runs only where the left one held (AND)
   * or failed (OR), so it knows what that says of integer variables (branch-facts.ts), as in
   * `WHILE j >= 1 AND a[j] > key`, unless the right operand itself may change them (a call).
   */
  private shortCircuitFacts(e: Extract<Expr, { kind: 'binary' }>): Map<VarDecl, IntRange> | undefined {
    const facts = branchFacts([{ cond: e.left, holds: e.op === 'AND' }], this.loopFacts, this.o.ann);
    if (facts) for (const d of facts.keys()) if (exprMayChange(e.right, d, this.o.ann)) facts.delete(d);
    return facts?.size ? facts : undefined;
  }

  protected binary(e: Extract<Expr, { kind: 'binary' }>, ctxType: Type): string {
    let ot = this.o.ann.operandTypes.get(e.id) ?? ctxType;
    if (ot.kind === 'literalInt' || ot.kind === 'literalReal') {
      const isCompare = COMPARISONS.has(e.op);
      ot = isCompare ? concrete(ot) : ctxType.kind === 'elementary' && ctxType.name !== 'BOOL' ? ctxType : concrete(ot);
    }
    const lt = this.typeOf(e.left);
    const rt = this.typeOf(e.right);
    const fam = familyOf(ot);
    // a count of a FOR loop's counter left unwrapped until the loop ends (loop-counters.ts); no
    // `| 0` either: it stays a small integer, and V8 ran the sieve's count 15% slower with it
    if (isCount(e, this.openCounters, this.o.ann)) return `(${this.expr(e.left, ot)} ${e.op} ${this.expr(e.right, ot)})`;
    const ring = this.ringOperation(e, ot);
    if (ring) return ring;
    // time arithmetic keeps each side in its own type
    if (fam === 'duration' || fam === 'date' || fam === 'tod' || fam === 'dt') {
      if (!COMPARISONS.has(e.op)) return this.timeBinary(e, lt, rt);
    }
    if ((e.op === 'AND' || e.op === 'OR' || e.op === 'XOR') && isWordBits(ot)) return this.bitwise(e, ot);
    const a = this.expr(e.left, ot);
    const b = (e.op === 'AND' || e.op === 'OR') && isBool(ot) ? this.underFacts(this.shortCircuitFacts(e), () => this.expr(e.right, ot)) : this.expr(e.right, ot);
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
        const near = this.nearMod(e, a, b);
        if (near !== undefined) return near;
        const k = this.shiftOf(e);
        if (k !== undefined) return `(${a} & ${(1 << k) - 1})`;
        // a divisor that cannot be zero cannot fault: plain JS (a constant one V8 strength-reduces)
        const mod = !isBig(ot) && this.nonZero(e.right) ? `(${a} % ${b})` : modCode(a, b, ot, site());
        // a negative dividend with no remainder gives -0 in JS, which is no small integer: V8
        // would then hold the variable (and the field it is stored in) as a boxed double
        return ot.kind === 'elementary' && ELEMENTARY[ot.name].family === 'signed' && ELEMENTARY[ot.name].bits <= 32 ? `(${mod} | 0)` : mod;
      }
      case '/':
        if (ot.kind === 'elementary' && isInteger(ot)) {
          const k = this.shiftOf(e);
          if (k !== undefined) return `(${a} >>> ${k})`;
          if (!isBig(ot) && this.nonZero(e.right)) {
            const signed = ELEMENTARY[ot.name].family === 'signed';
            const q = signed ? `(${a} / ${b}) | 0` : `Math.trunc(${a} / ${b})`;
            // |a / b| <= |a| but for the smallest value divided by -1: only that one can wrap
            return signed && this.mayBeMinusOne(e.right) ? wrapInt(q, ot.name) : `(${q})`;
          }
          return isBig(ot) ? divCode(a, b, ot, site()) : wrapInt(divCode(a, b, ot, site()), ot.name);
        }
        return roundSingle(`(${a} / ${b})`, ot);
      case '+':
      case '-':
      case '*': {
        if (ot.kind !== 'elementary' || !isInteger(ot)) return this.integralInSingle(e) ? `(${a} ${e.op} ${b})` : roundSingle(`(${a} ${e.op} ${b})`, ot);
        const info = ELEMENTARY[ot.name];
        if (info.bits === 64) return wrapInt(`${a} ${e.op} ${b}`, ot.name);
        if (e.op === '*' && info.bits === 32) return info.family === 'signed' ? `$imul(${a}, ${b})` : `($imul(${a}, ${b}) >>> 0)`;
        // a result the loop facts keep inside the type cannot wrap: no shifts or mask, and for
        // + and - no `| 0` either (a sum of small integers is one; V8 ran a sort's `j - 1` 10%
        // slower with it); a product keeps it, as 0 times a negative number is -0
        if (info.bits < 32 && rangeOf(e, this.loopFacts, this.o.ann)) return e.op === '*' ? `((${a} * ${b}) | 0)` : `(${a} ${e.op} ${b})`;
        return wrapInt(`${a} ${e.op} ${b}`, ot.name);
      }
    }
  }

  /**
   * `+`, `-` and `*` of integers of up to 32 bits as one wrap around the whole tree of such
   * operations in the same type: wrapping (mod 2^n) commutes with them, so the operations inside
   * need none as long as every intermediate value stays exact (|v| < 2^31 here, so that V8 keeps
   * them 32-bit integers; Math.imul takes its operands mod 2^32 itself). `a * 31 + i` is
   * `((a * 31 + i) << 16 >> 16)`, one shift pair instead of two. Undefined when `e` has no such operation inside (or the facts
   * keep it in range, where the plain operation is emitted).
   */
  protected ringOperation(e: Extract<Expr, { kind: 'binary' }>, ot: Type): string | undefined {
    if (e.op !== '+' && e.op !== '-' && e.op !== '*') return undefined;
    if (ot.kind !== 'elementary' || !isInteger(ot) || ELEMENTARY[ot.name].bits > 32) return undefined;
    if (!this.ringChild(e.left, ot) && !this.ringChild(e.right, ot)) return undefined;
    if (ELEMENTARY[ot.name].bits < 32 && rangeOf(e, this.loopFacts, this.o.ann)) return undefined;
    const r = this.ringTree(e, ot);
    if (!r) return undefined;
    const info = ELEMENTARY[ot.name];
    if (r.imul && info.family === 'signed' && info.bits === 32) return r.code;
    return wrapInt(r.code, ot.name);
  }

  /** A `+`, `-`, `*` or negation in type `ot` whose wrap the operation around it may leave out. */
  private ringChild(c: Expr, ot: Type & { kind: 'elementary' }): c is Extract<Expr, { kind: 'binary' | 'unary' }> {
    if (c.kind === 'unary') {
      if (c.op !== '-') return false;
    } else if (c.kind !== 'binary' || (c.op !== '+' && c.op !== '-' && c.op !== '*')) return false;
    const t = concrete(this.typeOf(c));
    if (t.kind !== 'elementary' || t.name !== ot.name) return false;
    if (c.kind === 'binary') {
      const cot = this.o.ann.operandTypes.get(c.id);
      if (cot && (cot.kind !== 'elementary' || cot.name !== ot.name) && cot.kind !== 'literalInt') return false;
    }
    if (this.loopScopes.length && !this.hoisting && hoistTarget(c, this.loopScopes, this.o.ann) >= 0) return false;
    // a result the facts keep in range is emitted without its wrap anyway
    return !(ELEMENTARY[ot.name].bits < 32 && rangeOf(c, this.loopFacts, this.o.ann));
  }

  /**
   * The code of `e` in type `ot` without its final wrap, with a bound of its magnitude, or
   * undefined when an intermediate value could pass 2^31. `imul`: the code is a Math.imul (a
   * 32-bit signed result already).
   */
  private unwrapped(e: Expr, ot: Type & { kind: 'elementary' }): Unwrapped | undefined {
    if (this.ringChild(e, ot)) return this.ringTree(e, ot);
    // any other operand holds a value of the type
    const r = valueRange(e, this.loopFacts, this.o.ann) ?? integerRange(ot.name)!;
    return { code: this.expr(e, ot), bound: r.hi > -r.lo ? r.hi : -r.lo, imul: false };
  }

  private ringTree(e: Extract<Expr, { kind: 'binary' | 'unary' }>, ot: Type & { kind: 'elementary' }): Unwrapped | undefined {
    if (e.kind === 'unary') {
      const a = this.unwrapped(e.operand, ot);
      return a && { code: `(-(${a.code}))`, bound: a.bound, imul: false };
    }
    const a = this.unwrapped(e.left, ot);
    const b = a && this.unwrapped(e.right, ot);
    if (!a || !b) return undefined;
    if (e.op === '*' && ELEMENTARY[ot.name].bits === 32) return { code: `$imul(${a.code}, ${b.code})`, bound: 1n << 31n, imul: true };
    const bound = e.op === '*' ? a.bound * b.bound : a.bound + b.bound;
    // past 32 bits V8's integer code would deoptimise to doubles (exact up to 2^53, but slower)
    if (bound >= 1n << 31n) return undefined;
    return { code: `(${a.code} ${e.op} ${b.code})`, bound, imul: false };
  }

  /**
   * `x MOD m` by a constant m > 0 of an x the loop facts keep in 0 .. 2m - 1 (the wrap-around
   * neighbour `(c + 1) MOD 48` of a FOR variable): x itself below m, else one compare and
   * subtract instead of V8's multiply-high sequence for a division by a constant.
   */
  protected nearMod(e: Extract<Expr, { kind: 'binary' }>, a: string, b: string): string | undefined {
    const m = constantOf(e.right, this.o.ann);
    if (m === undefined || m <= 0n) return undefined;
    const r = this.loopFacts.size ? rangeOf(e.left, this.loopFacts, this.o.ann) : undefined;
    if (!r || r.lo < 0n || r.hi >= 2n * m) return undefined;
    if (r.hi < m) return a;
    const v = /^[\w$]+$/.test(a) ? a : this.tmp();
    const pick = `(${v} >= ${b} ? ${v} - ${b} : ${v})`;
    return v === a ? pick : `(${v} = ${a}, ${pick})`;
  }

  /** An integer divisor whose range (from its type and the loop facts) may hold -1. */
  protected mayBeMinusOne(e: Expr): boolean {
    const r = valueRange(e, this.loopFacts, this.o.ann);
    return r === undefined || (r.lo <= -1n && r.hi >= -1n);
  }

  /**
   * AND, OR, XOR of a bit string or unsigned type of up to 32 bits. Both operands hold values of
   * the type (every operation wraps) and so does the result; an operand's mask is needed only
   * where the result would keep its bits: not for a consumer that keeps the type's bits only,
   * not before a 32-bit result is made unsigned, not on one side of an AND whose other side is
   * exact.
   */
  protected bitwise(e: Extract<Expr, { kind: 'binary' }>, ot: Type): string {
    const op = e.op === 'AND' ? '&' : e.op === 'OR' ? '|' : '^';
    const whole = this.unmasked === e;
    const wide = ELEMENTARY[(ot as { name: ElementaryTypeName }).name].bits === 32;
    const both = whole || wide;
    const rightLow = both || (e.op === 'AND' && isMaskable(e.right, this.o.ann));
    const leftLow = both || (e.op === 'AND' && !rightLow && isMaskable(e.left, this.o.ann));
    const a = leftLow ? this.lowBits(e.left, ot) : this.expr(e.left, ot);
    const b = rightLow ? this.lowBits(e.right, ot) : this.expr(e.right, ot);
    return wide && !whole ? `((${a} ${op} ${b}) >>> 0)` : `(${a} ${op} ${b})`;
  }

  /**
   * For `x / 2^k` and `x MOD 2^k` of integers up to 32 bits whose dividend is never negative
   * (its type or the loop facts): k, as the quotient is then x >>> k and the remainder its low
   * k bits, one instruction each instead of a division V8 must correct for negative dividends.
   */
  protected shiftOf(e: Extract<Expr, { kind: 'binary' }>): number | undefined {
    const k = powerOfTwo(constantInt(e.right));
    if (k === undefined || k < 1 || k > 30) return undefined;
    const t = concrete(this.typeOf(e.left));
    if (t.kind !== 'elementary' || !isInteger(t) || isBig(t)) return undefined;
    const r = valueRange(e.left, this.loopFacts, this.o.ann);
    if (!r || r.lo < 0n) return undefined;
    return k;
  }

  /** An integer divisor that is no zero: a constant, or a range (from its type and the loop facts) without 0. */
  protected nonZero(e: Expr): boolean {
    const d = constantInt(e);
    if (d !== undefined) return d !== 0n;
    const r = valueRange(e, this.loopFacts, this.o.ann);
    return r !== undefined && (r.lo > 0n || r.hi < 0n);
  }

  protected timeBinary(e: Extract<Expr, { kind: 'binary' }>, lt: Type, rt: Type): string {
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
}

/** Code of an integer operation whose wrap was left out, and the largest magnitude it can have. */
interface Unwrapped {
  code: string;
  bound: bigint;
  /** a Math.imul: already a 32-bit signed value */
  imul: boolean;
}

/** A bit string or unsigned integer of up to 32 bits (a JS number kept inside its type). */
function isWordBits(t: Type): boolean {
  if (t.kind !== 'elementary' || t.subrange) return false;
  const info = ELEMENTARY[t.name];
  return (info.family === 'bits' || info.family === 'unsigned') && info.bits > 1 && info.bits <= 32;
}

/** An expression whose code can leave out its final mask for a consumer that keeps only its type's bits. */
function isMaskable(e: Expr, ann: Annotations): boolean {
  if (e.kind === 'binary') return e.op === 'AND' || e.op === 'OR' || e.op === 'XOR';
  if (e.kind === 'unary') return e.op === 'NOT';
  if (e.kind !== 'call') return false;
  const target = ann.calls.get(e.id);
  return target?.kind === 'builtin' && (target.name === 'SHL' || target.name === 'ROL' || target.name === 'ROR');
}

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
