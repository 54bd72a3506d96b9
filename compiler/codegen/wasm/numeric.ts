/**
 * The numeric types a WebAssembly loop handles and how their values live there: BOOL and the
 * integers of up to 32 bits in an i32 (signed ones sign-extended, unsigned ones zero-extended,
 * as their JavaScript numbers are), REAL in an f32, LREAL in an f64. Also the wrap of an i32 to
 * its type and the conversions, each giving exactly what convert.ts's JavaScript gives.
 */
import type { ElementaryTypeName } from '../../application.js';
import { ELEMENTARY, type Type } from '../../types/types.js';
import { Code, F32, F64, I32, Op, type ValType } from './encoder.js';

export interface Num {
  name: ElementaryTypeName;
  vt: ValType;
}

/** Thrown for anything the WebAssembly path does not handle: that loop stays JavaScript. */
export class Unsupported extends Error {}

export function unsupported(what: string): never {
  throw new Unsupported(what);
}

/** The numeric type of `t`, or undefined (64-bit integers, times, strings, subranges, enums…). */
export function numOf(t: Type): Num | undefined {
  if (t.kind !== 'elementary' || t.subrange) return undefined;
  const info = ELEMENTARY[t.name];
  if (t.name === 'REAL') return { name: t.name, vt: F32 };
  if (t.name === 'LREAL') return { name: t.name, vt: F64 };
  if (info.family === 'bool' || ((info.family === 'signed' || info.family === 'unsigned' || info.family === 'bits') && info.bits <= 32)) return { name: t.name, vt: I32 };
  return undefined;
}

export function needNum(t: Type): Num {
  return numOf(t) ?? unsupported('type');
}

export const BOOL: Num = { name: 'BOOL', vt: I32 };

/** The type of an untyped literal (or an expression of them only), which takes its context's. */
export const isLiteralType = (t: Type): boolean => t.kind === 'literalInt' || t.kind === 'literalReal';

export function isUnsigned(n: Num): boolean {
  const f = ELEMENTARY[n.name].family;
  return f === 'unsigned' || f === 'bits' || f === 'bool';
}

function isIntFamily(n: Num): boolean {
  return n.vt === I32 && n.name !== 'BOOL';
}

/** Is `v` a value of `n` as its JavaScript number would be (so an i32 constant means the same)? */
export function canonical(v: number, n: Num): boolean {
  if (n.vt !== I32) return true;
  if (n.name === 'BOOL') return v === 0 || v === 1;
  const bits = ELEMENTARY[n.name].bits;
  const lo = isUnsigned(n) ? 0 : -(2 ** (bits - 1));
  const hi = isUnsigned(n) ? 2 ** bits - 1 : 2 ** (bits - 1) - 1;
  return Number.isInteger(v) && v >= lo && v <= hi;
}

/** The i32 on the stack wrapped to the width of `n` (wrapInt of convert.ts). */
export function wrap(c: Code, n: Num): void {
  const info = ELEMENTARY[n.name];
  if (info.bits === 8) {
    if (isUnsigned(n)) c.i32(255).op(Op.i32_and);
    else c.op(Op.i32_extend8_s);
  } else if (info.bits === 16) {
    if (isUnsigned(n)) c.i32(65535).op(Op.i32_and);
    else c.op(Op.i32_extend16_s);
  }
}

/**
 * The f64 on the stack to an i32 as JavaScript's ToInt32 of `$round(x)` does: to nearest, ties
 * to even, then modulo 2^32; NaN and the infinities give 0. `tmp`: an f64 local.
 */
export function realToInt32(c: Code, tmp: number): void {
  c.op(Op.f64_nearest).tee(tmp).get(tmp).op(Op.f64_sub).f64(0).op(Op.f64_eq);
  c.opU(Op.if, I32);
  // x - trunc(x / 2^32) * 2^32 is exact for an integral x and keeps its low 32 bits
  c.get(tmp).get(tmp).f64(2 ** -32).op(Op.f64_mul).op(Op.f64_trunc).f64(2 ** 32).op(Op.f64_mul).op(Op.f64_sub);
  c.op(Op.i64_trunc_f64_s).op(Op.i32_wrap_i64);
  c.op(Op.else).i32(0).op(Op.end);
}

/** Counts the REAL operations an iteration of a loop does (each costs JavaScript a Math.fround). */
export interface Work {
  single: number;
  /** what one operation counts where it is being emitted: the iterations of the FOR loops inside around it */
  weight: number;
}

/**
 * Whether integer type `to` holds every value of integer type `from` as it is (a widening that
 * keeps the sign, or the same width and both signed): the conversion then needs no wrap.
 */
export function holdsEvery(from: Num, to: Num): boolean {
  const fb = ELEMENTARY[from.name].bits;
  const tb = ELEMENTARY[to.name].bits;
  const fs = !isUnsigned(from);
  const ts = !isUnsigned(to);
  return (tb > fb && !(fs && !ts)) || (tb === fb && !ts && !fs);
}

/**
 * The value of type `from` on the stack converted to `to`, as convertCode does. `f64tmp` gives
 * an f64 local for real-to-integer conversions.
 */
export function convert(c: Code, from: Num, to: Num, f64tmp: () => number, work: Work): void {
  if (from.name === to.name) return;
  if (from.name === 'BOOL') {
    // 0 or 1 already
    if (to.vt === F32) c.op(Op.f32_convert_i32_u);
    else if (to.vt === F64) c.op(Op.f64_convert_i32_u);
    return;
  }
  if (to.name === 'BOOL') {
    if (from.vt !== I32) unsupported('real to BOOL');
    c.i32(0).op(Op.i32_ne);
    return;
  }
  if (isIntFamily(from) && isIntFamily(to)) {
    if (!holdsEvery(from, to)) wrap(c, to);
    return;
  }
  if (isIntFamily(from)) {
    // the JavaScript number is exact; one rounding to single precision, as Math.fround does
    const u = isUnsigned(from);
    if (to.vt === F32) {
      c.op(u ? Op.f32_convert_i32_u : Op.f32_convert_i32_s);
      work.single += work.weight;
    } else c.op(u ? Op.f64_convert_i32_u : Op.f64_convert_i32_s);
    return;
  }
  if (isIntFamily(to)) {
    if (from.vt === F32) c.op(Op.f64_promote_f32);
    realToInt32(c, f64tmp());
    wrap(c, to);
    return;
  }
  if (from.vt === F32 && to.vt === F64) c.op(Op.f64_promote_f32);
  else if (from.vt === F64 && to.vt === F32) {
    c.op(Op.f32_demote_f64);
    work.single += work.weight;
  }
}
