/**
 * Typing rules the checker applies that need no checker state: assignability, literal and
 * time arithmetic types, integer folding, standard function constants, and expression text
 * for messages.
 */
import type { SourceRange } from '../source.js';
import type { Expr } from '../st/ast.js';
import { commonType, fitsInteger } from '../types/common-type.js';
import {
  BOOL, ELEMENTARY, ERROR, TIME, VOID, type Type, elementary, elementaryByName, familyOf, sameType, widensTo,
} from '../types/types.js';
import type { Pou, VarSymbol } from './symbols.js';

/** Families whose + and - are time arithmetic. */
export const TIME_FAMILIES = new Set<string>(['duration', 'date', 'tod', 'dt']);

export const OP_NAMES: Record<string, string> = { '+': 'addition', '-': 'subtraction', '*': 'multiplication', '/': 'division', MOD: 'MOD' };

/** Operators whose operand must denote a variable. */
export const REFERENCE_OPERATORS = new Set(['REF', 'ADR']);

/** The type of NULL: a reference that matches every REF_TO. */
export const NULL_REF: Type = { kind: 'ref', target: ERROR };

export function isUntyped(t: Type): boolean {
  return t.kind === 'literalInt' || t.kind === 'literalReal';
}

/** The type an expected result gives generic arguments: a number or bit string, not BOOL. */
export function genericTarget(expected: Type | undefined): Type | undefined {
  if (!expected || expected.kind !== 'elementary') return undefined;
  const f = ELEMENTARY[expected.name].family;
  if (f !== 'signed' && f !== 'unsigned' && f !== 'bits' && f !== 'real') return undefined;
  return elementary(expected.name);
}

/** Whether an FB or one of its ancestors has methods (a PROPERTY's setter is one): most have none, and an assignment need not look for a setter. */
export function hasMethods(pou: Pou): boolean {
  for (let p: Pou | undefined = pou; p; p = p.base) if (p.methods.size > 0) return true;
  return false;
}

/** Standard functions whose result has the type of their arguments. */
export const GENERIC_NUMERIC = new Set(['ABS', 'MAX', 'MIN', 'LIMIT', 'ADD', 'MUL', 'SUB', 'DIV', 'MOD', 'MOVE', 'SEL', 'MUX', 'EXPT']);

/** The value of a generic function of integer literals, for range checks where it is stored. */
export function constantResult(name: string, args: { value: bigint }[]): bigint {
  const v = args.map((a) => a.value);
  switch (name) {
    case 'ABS': return v[0]! < 0n ? -v[0]! : v[0]!;
    case 'MAX': return v.reduce((a, b) => (a > b ? a : b));
    case 'MIN': return v.reduce((a, b) => (a < b ? a : b));
    case 'LIMIT': { const lo = v[1]! < v[0]! ? v[0]! : v[1]!; return lo > v[2]! ? v[2]! : lo; }
    case 'ADD': return v.reduce((a, b) => a + b);
    case 'MUL': return v.reduce((a, b) => a * b);
    case 'SUB': return v[0]! - v[1]!;
    case 'DIV': return v[1] === 0n ? 0n : v[0]! / v[1]!;
    case 'MOD': return v[1] === 0n ? 0n : v[0]! % v[1]!;
    case 'MOVE': return v[0]!;
    case 'SEL': return v[0] ? v[2]! : v[1]!;
    case 'MUX': return v[Number(v[0]!) + 1] ?? 0n;
    default: return 0n;
  }
}

/** The result variable of a function or method (its name used inside its body). */
const RESULTS = new WeakMap<Pou, VarSymbol>();
export function resultSymbol(pou: Pou): VarSymbol {
  let r = RESULTS.get(pou);
  if (!r) {
    r = {
      kind: 'var',
      name: pou.name,
      prop: '$result',
      type: pou.returnType ?? VOID,
      section: 'VAR',
      constant: false,
      decl: { id: -1, range: pou.decl.range, name: pou.name, nameRange: pou.decl.range, type: { id: -1, range: pou.decl.range, kind: 'named', name: 'VOID' } },
      storage: 'local',
    };
    RESULTS.set(pou, r);
  }
  return r;
}

export function isAssignable(from: Type, to: Type): boolean {
  if (from.kind === 'error' || to.kind === 'error') return true;
  if (from.kind === 'literalInt') {
    if (to.kind !== 'elementary') return false;
    const f = ELEMENTARY[to.name].family;
    if (f === 'real') return true;
    if (f === 'signed' || f === 'unsigned' || f === 'bits' || f === 'char') return fitsInteger(from.value, to.name);
    // the standard allows 0 and 1 for BOOL
    if (f === 'bool') return from.value === 0n || from.value === 1n;
    return false;
  }
  if (from.kind === 'literalReal') return to.kind === 'elementary' && ELEMENTARY[to.name].family === 'real';
  if (from.kind === 'elementary' && to.kind === 'elementary') return from.name === to.name || widensTo(from.name, to.name);
  if (from.kind === 'string' && to.kind === 'string') return from.wide === to.wide;
  if (from.kind === 'elementary' && to.kind === 'string') return (from.name === 'CHAR' && !to.wide) || (from.name === 'WCHAR' && to.wide);
  if (from.kind === 'fb' && to.kind === 'interface') return implementsInterface(from, to.name);
  if (from.kind === 'interface' && to.kind === 'interface') return from.name.toUpperCase() === to.name.toUpperCase();
  if (from.kind === 'ref' && to.kind === 'ref') return from === NULL_REF || to === NULL_REF || sameType(from.target, to.target);
  return sameType(from, to);
}

function implementsInterface(fb: Extract<Type, { kind: 'fb' }>, itf: string): boolean {
  const decl = fb.decl;
  if (decl.kind !== 'functionBlock') return false;
  return decl.implements.some((i) => i.toUpperCase() === itf.toUpperCase());
}

export function literalType(
  v: Extract<Expr, { kind: 'literal' }>['value'],
  unknown: (name: string, range: SourceRange) => Type,
  range: SourceRange,
): Type {
  switch (v.type) {
    case 'int': {
      if (!v.typeName) return { kind: 'literalInt', value: v.value };
      const el = elementaryByName(v.typeName);
      if (!el) return unknown(v.typeName, range);
      return elementary(el);
    }
    case 'real': {
      if (!v.typeName) return { kind: 'literalReal' };
      const el = elementaryByName(v.typeName);
      return el ? elementary(el) : unknown(v.typeName, range);
    }
    case 'bool':
      return BOOL;
    case 'time':
      return v.long ? elementary('LTIME') : TIME;
    case 'date':
      return elementary(v.long ? 'LDATE' : 'DATE');
    case 'tod':
      return elementary(v.long ? 'LTOD' : 'TOD');
    case 'dt':
      return elementary(v.long ? 'LDT' : 'DT');
    case 'string':
      return { kind: 'string', wide: v.wide, length: Math.max(1, v.value.length) };
  }
}

export function timeArith(op: '+' | '-', l: Type, r: Type): Type | undefined {
  const fl = familyOf(l);
  const fr = familyOf(r);
  if (fl === 'duration' && fr === 'duration') return commonType(l, r);
  if ((fl === 'date' || fl === 'tod' || fl === 'dt') && fr === 'duration') return fl === 'date' ? undefined : l;
  if (op === '+' && fl === 'duration' && (fr === 'tod' || fr === 'dt')) return r;
  if (op === '-' && fl && fl === fr && fl !== 'duration') return elementary((l as { name: string }).name.startsWith('L') ? 'LTIME' : 'TIME');
  return undefined;
}

export function foldInt(op: string, l: Type, r: Type): Type | undefined {
  if (l.kind !== 'literalInt' || r.kind !== 'literalInt') return undefined;
  const a = l.value;
  const b = r.value;
  switch (op) {
    case '+': return { kind: 'literalInt', value: a + b };
    case '-': return { kind: 'literalInt', value: a - b };
    case '*': return { kind: 'literalInt', value: a * b };
    case '/': return b === 0n ? undefined : { kind: 'literalInt', value: a / b };
    case 'MOD': return b === 0n ? undefined : { kind: 'literalInt', value: a % b };
  }
  return undefined;
}

export function rootOf(e: Expr): Expr {
  let x = e;
  while (x.kind === 'member' || x.kind === 'index' || x.kind === 'bit') x = x.object;
  return x;
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'name': return e.name;
    case 'member': return `${exprText(e.object)}.${e.member}`;
    case 'index': return `${exprText(e.object)}[…]`;
    default: return 'expression';
  }
}
