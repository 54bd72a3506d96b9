/**
 * JavaScript for literals in the representation of the type they are used as: an untyped
 * literal takes its context's type (an integer literal stored in a REAL is a number, in a LINT a
 * bigint), a typed one is converted as a value of its own type would be.
 */
import type { LiteralValue } from '../st/ast.js';
import { ELEMENTARY, type Type, isBig } from '../types/types.js';
import { convertCode } from './convert.js';

/** A literal in the representation of `target` (or of its own type). */
export function convertLiteral(v: LiteralValue, own: Type, target: Type): string {
  const t = own.kind === 'literalInt' || own.kind === 'literalReal' ? target : own;
  switch (v.type) {
    case 'int': {
      if (t.kind === 'elementary') {
        if (isBig(t)) return `${BigInt.asUintN(64, v.value) === v.value || v.value >= 0n ? v.value : v.value}n`;
        if (ELEMENTARY[t.name].family === 'real') return numberLiteral(Number(v.value));
        if (t.name === 'BOOL') return v.value !== 0n ? 'true' : 'false';
      }
      const n = Number(v.value);
      const code = numberLiteral(n);
      return own !== t ? convertCode(code, own.kind === 'literalInt' ? t : own, target) : convertCode(code, own, target);
    }
    case 'real': {
      const code = numberLiteral(t.kind === 'elementary' && t.name === 'REAL' ? Math.fround(v.value) : v.value);
      return own.kind === 'literalReal' ? code : convertCode(code, own, target);
    }
    case 'bool':
      return convertCode(v.value ? 'true' : 'false', own, target);
    case 'time':
    case 'tod':
      return convertCode(numberLiteral(v.ns), own, target);
    case 'date':
    case 'dt':
      return convertCode(numberLiteral(v.ms), own, target);
    case 'string':
      return convertCode(JSON.stringify(v.value), own, target);
  }
}

function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  // String(-0) is '0': a REAL#-0.0 keeps its sign (1.0 / it is -Inf, as in IEC 60559)
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${n})` : String(n);
}
