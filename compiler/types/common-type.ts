/**
 * The common type of two operands (for binary operators, comparisons and overloaded
 * functions) and the concrete type of an untyped literal in context.
 */
import type { ElementaryTypeName } from '../application.js';
import {
  DINT, ELEMENTARY, LREAL, type Type, elementary, integerRange, isInteger, sameType, widensTo,
} from './types.js';

/** An untyped literal becomes `fallback` (DINT / LREAL, or LINT when it does not fit DINT). */
export function concrete(t: Type, fallback?: Type): Type {
  if (t.kind === 'literalInt') {
    if (fallback) return fallback;
    const r = integerRange('DINT')!;
    return t.value >= r.lo && t.value <= r.hi ? DINT : elementary('LINT');
  }
  if (t.kind === 'literalReal') return fallback && fallback.kind === 'elementary' && ELEMENTARY[fallback.name].family === 'real' ? fallback : LREAL;
  if (t.kind === 'elementary' && t.subrange) return elementary(t.name);
  return t;
}

export function fitsInteger(value: bigint, name: ElementaryTypeName): boolean {
  const r = integerRange(name);
  return !!r && value >= r.lo && value <= r.hi;
}

const SIGNED_BY_BITS: ElementaryTypeName[] = ['SINT', 'INT', 'DINT', 'LINT'];

/** The smallest signed type holding every value of both (INT and UINT → DINT). */
function signedCover(a: ElementaryTypeName, b: ElementaryTypeName): ElementaryTypeName | undefined {
  for (const s of SIGNED_BY_BITS) if (widensOrSame(a, s) && widensOrSame(b, s)) return s;
  return undefined;
}
function widensOrSame(a: ElementaryTypeName, b: ElementaryTypeName): boolean {
  return a === b || widensTo(a, b);
}

/** undefined when the two cannot meet. */
export function commonType(a: Type, b: Type): Type | undefined {
  if (a.kind === 'error' || b.kind === 'error') return a.kind === 'error' ? a : b;
  if (a.kind === 'elementary' && a.subrange) a = elementary(a.name);
  if (b.kind === 'elementary' && b.subrange) b = elementary(b.name);
  if (a.kind === 'literalInt' && b.kind === 'literalInt') return a;
  if (a.kind === 'literalReal' && (b.kind === 'literalReal' || b.kind === 'literalInt')) return a;
  if (b.kind === 'literalReal' && a.kind === 'literalInt') return b;
  if (a.kind === 'literalInt' || a.kind === 'literalReal') return literalWith(a, b);
  if (b.kind === 'literalInt' || b.kind === 'literalReal') return literalWith(b, a);
  if (sameType(a, b)) return a.kind === 'string' && b.kind === 'string' ? (a.length >= b.length ? a : b) : a;
  if (a.kind === 'elementary' && b.kind === 'elementary') {
    if (widensTo(a.name, b.name)) return b;
    if (widensTo(b.name, a.name)) return a;
    const fa = ELEMENTARY[a.name].family;
    const fb = ELEMENTARY[b.name].family;
    if ((fa === 'signed' || fa === 'unsigned') && (fb === 'signed' || fb === 'unsigned')) {
      const s = signedCover(a.name, b.name);
      return s ? elementary(s) : undefined;
    }
    if ((fa === 'bits' || fa === 'signed' || fa === 'unsigned') && (fb === 'bits' || fb === 'signed' || fb === 'unsigned')) {
      return ELEMENTARY[a.name].bits >= ELEMENTARY[b.name].bits ? a : b;
    }
  }
  return undefined;
}

function literalWith(lit: Type, other: Type): Type | undefined {
  if (other.kind !== 'elementary') return undefined;
  const f = ELEMENTARY[other.name].family;
  if (lit.kind === 'literalReal') {
    if (f === 'real') return other;
    if (f === 'signed' || f === 'unsigned') return lit; // stays flexible: REAL or LREAL by context
    return undefined;
  }
  const value = (lit as { value: bigint }).value;
  if (f === 'real') return other;
  if (f === 'signed' || f === 'unsigned' || f === 'bits' || f === 'char') {
    if (fitsInteger(value, other.name)) return other;
    // 1000 with a SINT: the smallest signed type holding both
    for (const s of SIGNED_BY_BITS) if (fitsInteger(value, s) && widensOrSame(other.name, s)) return elementary(s);
    return undefined;
  }
  if (f === 'bool' && (value === 0n || value === 1n)) return other;
  return undefined;
}

export { isInteger };
