/**
 * Compile-time evaluation of constant expressions: array bounds, string lengths, subrange
 * limits, CASE labels, initial values of constants. Returns undefined when the expression is
 * not constant; the caller reports E3006 where a constant is required.
 */
import type { Expr } from '../st/ast.js';
import type { ConstValue } from './symbols.js';

export type ConstLookup = (name: string) => ConstValue | undefined;

export function evalConst(e: Expr, lookup: ConstLookup): ConstValue | undefined {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      switch (v.type) {
        case 'int':
          return v.value;
        case 'real':
          return v.value;
        case 'bool':
          return v.value;
        case 'time':
        case 'tod':
          return v.ns;
        case 'date':
        case 'dt':
          return v.ms;
        case 'string':
          return v.value;
      }
      return undefined;
    }
    case 'name':
      return lookup(e.name);
    case 'enumValue':
      return lookup(`${e.typeName}#${e.value}`);
    case 'unary': {
      const x = evalConst(e.operand, lookup);
      if (x === undefined) return undefined;
      if (e.op === '-') return typeof x === 'bigint' ? -x : typeof x === 'number' ? -x : undefined;
      if (e.op === '+') return x;
      if (e.op === 'NOT') return typeof x === 'boolean' ? !x : typeof x === 'bigint' ? ~x : undefined;
      return undefined;
    }
    case 'binary': {
      const a = evalConst(e.left, lookup);
      const b = evalConst(e.right, lookup);
      if (a === undefined || b === undefined) return undefined;
      return binary(e.op, a, b);
    }
    default:
      return undefined;
  }
}

function binary(op: string, a: ConstValue, b: ConstValue): ConstValue | undefined {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0n ? undefined : a / b;
      case 'MOD': return b === 0n ? undefined : a % b;
      case '**': return b < 0n ? undefined : a ** b;
      case 'AND': return a & b;
      case 'OR': return a | b;
      case 'XOR': return a ^ b;
    }
  }
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    const x = Number(a);
    const y = Number(b);
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/': return x / y;
      case '**': return x ** y;
    }
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    switch (op) {
      case 'AND': return a && b;
      case 'OR': return a || b;
      case 'XOR': return a !== b;
    }
  }
  switch (op) {
    case '=': return a === b || (typeof a !== 'string' && typeof b !== 'string' && Number(a) === Number(b));
    case '<>': return !(a === b || Number(a) === Number(b));
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
  return undefined;
}

/** A constant as a JS number (for bounds and lengths). */
export function constToInt(v: ConstValue | undefined): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return undefined;
}
