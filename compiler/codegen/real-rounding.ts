/**
 * REAL in generated JavaScript: IEC 60559 single precision in every operation, by Math.fround
 * where a value is made or stored.
 */
import type { Type } from '../types/types.js';

/**
 * REAL is IEC 60559 single precision in every operation: one double operation rounded with
 * Math.fround is exactly the single-precision result, and V8 lowers such chains to float32.
 */
export function roundSingle(code: string, t: Type): string {
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
export function isSingle(t: Type): boolean {
  return t.kind === 'elementary' && t.name === 'REAL';
}

export function storeProp(ref: string, value: string, t: Type, single = false): string {
  if (t.kind === 'elementary' && t.name === 'REAL') return `${ref} = ${single || isRounded(value) ? value : `Math.fround(${value})`};`;
  return `${ref} = ${value};`;
}
