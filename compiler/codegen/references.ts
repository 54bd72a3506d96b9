/**
 * References to elementary variables (REF_TO INT, POINTER TO REAL…). A function block instance,
 * structure or array is referenced as the object itself; an elementary value has no identity in
 * JavaScript, so its reference is a cell: the object that holds the variable (instance, globals,
 * structure, array, or the frame of a function's locals) and its key there. One cell per variable,
 * made at the first REF() and looked up afterwards, so REF(x) = REF(x) and a scan that takes
 * references allocates nothing once each has been taken. Only variables whose reference is taken
 * pay: the others stay in JS locals and plain fields.
 */
import type { Expr } from '../st/ast.js';
import { ELEMENTARY, type Type } from '../types/types.js';
import type { VarSymbol } from '../semantics/symbols.js';
import { isCellTarget } from '../semantics/references.js';
import { propName } from './values.js';
import { wrapInt } from './convert.js';
import { fround } from './real-rounding.js';

export { isCellTarget };

/** What cell code needs from the body emitter. */
export interface CellHost {
  typeOf(e: Expr): Type;
  /** JS for the object an aggregate expression denotes */
  lref(e: Expr): string;
  /** JS for a value */
  expr(e: Expr, target?: Type): string;
  symbolOf(e: Expr): VarSymbol | undefined;
  /** the holder object and flat index of an array element */
  indexParts(e: Extract<Expr, { kind: 'index' }>): { obj: string; index: string };
  /** the frame object of a local whose reference is taken */
  frameOf(sym: VarSymbol): string | undefined;
  site(line: number): number;
}

/** JS for the cell of the variable `e` denotes (REF(e), ADR(e), r REF= e). */
export function cellCode(e: Expr, h: CellHost): string {
  switch (e.kind) {
    case 'name': {
      const sym = h.symbolOf(e);
      if (!sym) return 'null';
      switch (sym.storage) {
        case 'instance':
          return `$cellOf(this, ${JSON.stringify(sym.prop)}, $Cell)`;
        case 'global':
          return `$cellOf($G, ${JSON.stringify(sym.prop)}, $Cell)`;
        case 'local': {
          const frame = h.frameOf(sym);
          return frame ? `$cellOf(${frame}, ${JSON.stringify(sym.prop)}, $FrameCell)` : 'null';
        }
      }
      return 'null';
    }
    case 'member': {
      const ot = h.typeOf(e.object);
      const sym = ot.kind === 'fb' ? h.symbolOf(e) : undefined;
      return `$cellOf(${h.lref(e.object)}, ${JSON.stringify(sym ? sym.prop : propName(e.member))}, $Cell)`;
    }
    case 'index': {
      const { obj, index } = h.indexParts(e);
      const el = h.typeOf(e);
      // BOOL arrays hold bytes: their cells read and write 0/1
      const cls = el.kind === 'elementary' && el.name === 'BOOL' ? '$BoolCell' : '$Cell';
      return `$cellOf(${obj}, ${index}, ${cls})`;
    }
    case 'deref':
      // REF(r^) is r itself (after the NULL check the dereference makes)
      return `$deref(${h.expr(e.object)}, ${h.site(e.range.line)})`;
    default:
      return 'null';
  }
}

/** Is `e` a dereference of a reference to an elementary variable (read and written through its cell)? */
export function isCellDeref(e: Expr, h: Pick<CellHost, 'typeOf'>): Extract<Expr, { kind: 'deref' }> | undefined {
  return e.kind === 'deref' && e.object.kind !== 'this' && e.object.kind !== 'super' && isCellTarget(h.typeOf(e)) ? e : undefined;
}

/** JS reading the variable a cell reference points at. */
export function cellRead(e: Extract<Expr, { kind: 'deref' }>, h: CellHost): string {
  return `$rd(${h.expr(e.object)}, ${h.site(e.range.line)})`;
}

/** A statement writing `value` (already in the target's representation) through a cell reference. */
export function cellWrite(e: Extract<Expr, { kind: 'deref' }>, value: string, h: CellHost): string {
  return `$wr(${h.expr(e.object)}, ${value}, ${h.site(e.range.line)});`;
}

/** A statement setting bit `bit` of the variable behind a cell reference to `value`. */
export function cellBitWrite(e: Extract<Expr, { kind: 'deref' }>, bit: number, value: string, h: CellHost, tmp: string): string {
  const t = h.typeOf(e);
  const site = h.site(e.range.line);
  const cur = `$rd(${tmp}, ${site})`;
  if (t.kind === 'elementary' && ELEMENTARY[t.name].bits === 64) {
    const m = `${1n << BigInt(bit)}n`;
    return `${tmp} = ${h.expr(e.object)}; $wr(${tmp}, (${value}) ? (${cur} | ${m}) : (${cur} & ~${m}) & 0xFFFFFFFFFFFFFFFFn, ${site});`;
  }
  const name = t.kind === 'elementary' ? t.name : 'DWORD';
  const set = wrapInt(`${cur} | ${2 ** bit}`, name);
  const clear = wrapInt(`${cur} & ${~(2 ** bit) >>> 0}`, name);
  return `${tmp} = ${h.expr(e.object)}; $wr(${tmp}, (${value}) ? ${set} : ${clear}, ${site});`;
}

/**
 * The statement storing `value` into `target` when the target is reached through a reference to
 * an elementary variable (`r^`, or a bit of it), else undefined. `single`: a REAL value is
 * rounded to single precision already.
 */
export function cellStore(target: Expr, value: string, single: boolean, h: CellHost, tmp: () => string): string | undefined {
  const through = isCellDeref(target, h);
  if (through) {
    const t = h.typeOf(target);
    if (t.kind === 'elementary' && t.subrange) return cellWrite(through, `$sub(${value}, ${t.subrange.lo}, ${t.subrange.hi}, ${h.site(target.range.line)})`, h);
    if (t.kind === 'elementary' && t.name === 'REAL') return cellWrite(through, single ? value : fround(value), h);
    return cellWrite(through, value, h);
  }
  const bitThrough = target.kind === 'bit' ? isCellDeref(target.object, h) : undefined;
  if (bitThrough && target.kind === 'bit') return `{ ${cellBitWrite(bitThrough, target.bit, value, h, tmp())} }`;
  return undefined;
}
