/**
 * REAL in generated JavaScript: IEC 60559 single precision in every operation, by Math.fround
 * where a value is made or stored.
 */
import type { Type } from '../types/types.js';

/**
 * `code` rounded to single precision: Math.fround through the module's constant `$fround`
 * (prelude.ts). The call through a constant is recognised by V8 as Math.fround itself but is
 * 9 bytes of bytecode where `Math.fround(…)` is 14: a REAL FB body of some 20 operations then
 * stays under V8's limit for inlining it into the loop that calls it (460 bytes).
 */
export function fround(code: string): string {
  return `${FROUND}${code})`;
}

const FROUND = '$fround(';

/**
 * REAL is IEC 60559 single precision in every operation: one double operation rounded with
 * Math.fround is exactly the single-precision result.
 */
export function roundSingle(code: string, t: Type): string {
  return t.kind === 'elementary' && t.name === 'REAL' ? fround(code) : code;
}

/** Is `code` one $fround(…) call as a whole (so storing it as a REAL needs no second one)? */
export function isRounded(code: string): boolean {
  if (!code.startsWith(FROUND) || !code.endsWith(')')) return false;
  let depth = 0;
  for (let i = FROUND.length - 1; i < code.length; i++) {
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

/** `value` as stored into a variable of type `t` (`single`: already a REAL). */
export function storedValue(value: string, t: Type, single = false): string {
  return t.kind === 'elementary' && t.name === 'REAL' && !single && !isRounded(value) ? fround(value) : value;
}

export function storeProp(ref: string, value: string, t: Type, single = false): string {
  return `${ref} = ${storedValue(value, t, single)};`;
}
