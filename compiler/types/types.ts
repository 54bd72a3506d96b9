/**
 * Types as the checker and code generator see them (resolved, with constant bounds), and the
 * facts about elementary types the standard fixes: widths, signedness, implicit widening.
 */
import type { ElementaryTypeName } from '../application.js';
import type { FunctionBlockDecl, InterfaceDecl, ProgramDecl, StructTypeRef } from '../st/ast.js';

export type Type =
  | ElementaryType
  | StringType
  | ArrayType
  | StructType
  | EnumType
  | PouInstanceType
  | InterfaceType
  | RefType
  | LiteralIntType
  | LiteralRealType
  | VoidType
  | ErrorType;

export interface ElementaryType { kind: 'elementary'; name: ElementaryTypeName; subrange?: { lo: number; hi: number } }
export interface StringType { kind: 'string'; wide: boolean; length: number }
export interface ArrayType { kind: 'array'; dims: { lo: number; hi: number }[]; element: Type }
export interface StructType { kind: 'struct'; name: string; fields: StructField[]; decl: StructTypeRef }
export interface StructField { name: string; type: Type }
export interface EnumType { kind: 'enum'; name: string; values: { name: string; value: number }[]; base: ElementaryTypeName }
/** A FUNCTION_BLOCK or PROGRAM type used as the type of an instance. */
export interface PouInstanceType { kind: 'fb'; name: string; decl: FunctionBlockDecl | ProgramDecl }
export interface InterfaceType { kind: 'interface'; name: string; decl: InterfaceDecl }
export interface RefType { kind: 'ref'; target: Type }
/** An integer literal (or constant expression of literals) not yet given a type: fits any integer type it is in range of. */
export interface LiteralIntType { kind: 'literalInt'; value: bigint }
/** A real literal not yet given a type: REAL or LREAL as the context needs. */
export interface LiteralRealType { kind: 'literalReal' }
export interface VoidType { kind: 'void' }
/** The type of an expression that already has an error: suppresses follow-on diagnostics. */
export interface ErrorType { kind: 'error' }

export const VOID: VoidType = { kind: 'void' };

/** Initial values given by TYPE declarations (`TYPE Level : INT := 5; END_TYPE`), by resolved type. */
const TYPE_DEFAULTS = new WeakMap<Type, import('../st/ast.js').Initializer>();
export function setTypeDefault(t: Type, init: import('../st/ast.js').Initializer): void {
  TYPE_DEFAULTS.set(t, init);
}
export function typeDefault(t: Type): import('../st/ast.js').Initializer | undefined {
  return TYPE_DEFAULTS.get(t);
}
export const ERROR: ErrorType = { kind: 'error' };

const elementaryCache = new Map<ElementaryTypeName, ElementaryType>();
export function elementary(name: ElementaryTypeName): ElementaryType {
  let t = elementaryCache.get(name);
  if (!t) elementaryCache.set(name, (t = { kind: 'elementary', name }));
  return t;
}
export const BOOL = elementary('BOOL');
export const DINT = elementary('DINT');
export const LREAL = elementary('LREAL');
export const TIME = elementary('TIME');

/** Facts about each elementary type. */
export interface ElementaryInfo {
  family: 'bool' | 'signed' | 'unsigned' | 'bits' | 'real' | 'duration' | 'date' | 'tod' | 'dt' | 'char';
  bits: number;
}

export const ELEMENTARY: Record<ElementaryTypeName, ElementaryInfo> = {
  BOOL: { family: 'bool', bits: 1 },
  SINT: { family: 'signed', bits: 8 },
  INT: { family: 'signed', bits: 16 },
  DINT: { family: 'signed', bits: 32 },
  LINT: { family: 'signed', bits: 64 },
  USINT: { family: 'unsigned', bits: 8 },
  UINT: { family: 'unsigned', bits: 16 },
  UDINT: { family: 'unsigned', bits: 32 },
  ULINT: { family: 'unsigned', bits: 64 },
  BYTE: { family: 'bits', bits: 8 },
  WORD: { family: 'bits', bits: 16 },
  DWORD: { family: 'bits', bits: 32 },
  LWORD: { family: 'bits', bits: 64 },
  REAL: { family: 'real', bits: 32 },
  LREAL: { family: 'real', bits: 64 },
  TIME: { family: 'duration', bits: 64 },
  LTIME: { family: 'duration', bits: 64 },
  DATE: { family: 'date', bits: 64 },
  LDATE: { family: 'date', bits: 64 },
  TOD: { family: 'tod', bits: 64 },
  LTOD: { family: 'tod', bits: 64 },
  DT: { family: 'dt', bits: 64 },
  LDT: { family: 'dt', bits: 64 },
  CHAR: { family: 'char', bits: 8 },
  WCHAR: { family: 'char', bits: 16 },
};

/** Names the standard gives the same elementary type under. */
export const ELEMENTARY_ALIASES: Record<string, ElementaryTypeName> = {
  TIME_OF_DAY: 'TOD',
  LTIME_OF_DAY: 'LTOD',
  DATE_AND_TIME: 'DT',
  LDATE_AND_TIME: 'LDT',
};

export function elementaryByName(name: string): ElementaryTypeName | undefined {
  const upper = name.toUpperCase();
  if (upper in ELEMENTARY) return upper as ElementaryTypeName;
  return ELEMENTARY_ALIASES[upper];
}

export function isInteger(t: Type): boolean {
  if (t.kind === 'literalInt') return true;
  if (t.kind !== 'elementary') return false;
  const f = ELEMENTARY[t.name].family;
  return f === 'signed' || f === 'unsigned';
}
export function isBits(t: Type): boolean {
  return t.kind === 'elementary' && (ELEMENTARY[t.name].family === 'bits' || t.name === 'BOOL');
}
export function isReal(t: Type): boolean {
  return t.kind === 'literalReal' || (t.kind === 'elementary' && ELEMENTARY[t.name].family === 'real');
}
export function isNumeric(t: Type): boolean {
  return isInteger(t) || isReal(t);
}
export function isBool(t: Type): boolean {
  return t.kind === 'elementary' && t.name === 'BOOL';
}
export function isAnyString(t: Type): boolean {
  return t.kind === 'string';
}
export function familyOf(t: Type): ElementaryInfo['family'] | undefined {
  return t.kind === 'elementary' ? ELEMENTARY[t.name].family : undefined;
}
/** 64-bit integers and bit strings are bigint at run time. */
export function isBig(t: Type): boolean {
  return t.kind === 'elementary' && ELEMENTARY[t.name].bits === 64 && ['signed', 'unsigned', 'bits'].includes(ELEMENTARY[t.name].family);
}
/** integer-like at run time: wraps on store (ints, bit strings except BOOL, chars, enums). */
export function isIntLike(t: Type): boolean {
  if (t.kind === 'enum') return true;
  if (t.kind !== 'elementary') return false;
  const f = ELEMENTARY[t.name].family;
  return f === 'signed' || f === 'unsigned' || f === 'bits' || f === 'char';
}

/** The range of values of an integer type (for literal fitting). */
export function integerRange(name: ElementaryTypeName): { lo: bigint; hi: bigint } | undefined {
  const info = ELEMENTARY[name];
  if (info.family === 'signed') return { lo: -(1n << BigInt(info.bits - 1)), hi: (1n << BigInt(info.bits - 1)) - 1n };
  if (info.family === 'unsigned' || info.family === 'bits' || info.family === 'char') {
    return { lo: 0n, hi: (1n << BigInt(info.bits)) - 1n };
  }
  if (info.family === 'bool') return { lo: 0n, hi: 1n };
  return undefined;
}

/**
 * Implicit widening of elementary types (IEC 61131-3 ed.3 table 11), extended as users of
 * C and of common PLC IDEs expect: any integer may become a REAL or LREAL, and integers and
 * bit strings convert to each other when no bits are lost.
 */
export function widensTo(from: ElementaryTypeName, to: ElementaryTypeName): boolean {
  if (from === to) return true;
  const a = ELEMENTARY[from];
  const b = ELEMENTARY[to];
  switch (a.family) {
    case 'signed':
      if (b.family === 'signed') return b.bits > a.bits;
      if (b.family === 'real') return true;
      if (b.family === 'bits') return b.bits > a.bits;
      return false;
    case 'unsigned':
      if (b.family === 'unsigned') return b.bits > a.bits;
      if (b.family === 'signed') return b.bits > a.bits;
      if (b.family === 'real') return true;
      if (b.family === 'bits') return b.bits >= a.bits;
      return false;
    case 'bits':
      if (b.family === 'bits') return b.bits > a.bits;
      if (b.family === 'unsigned') return b.bits >= a.bits;
      if (b.family === 'signed') return b.bits > a.bits;
      return false;
    case 'bool':
      return b.family === 'bits';
    case 'real':
      return to === 'LREAL';
    case 'duration':
      return to === 'LTIME';
    case 'date':
      return to === 'LDATE';
    case 'tod':
      return to === 'LTOD';
    case 'dt':
      return to === 'LDT';
    case 'char':
      return to === 'WCHAR';
  }
}

export function typeName(t: Type): string {
  switch (t.kind) {
    case 'elementary':
      return t.subrange ? `${t.name}(${t.subrange.lo}..${t.subrange.hi})` : t.name;
    case 'string':
      return `${t.wide ? 'WSTRING' : 'STRING'}[${t.length}]`;
    case 'array':
      return `ARRAY[${t.dims.map((d) => `${d.lo}..${d.hi}`).join(', ')}] OF ${typeName(t.element)}`;
    case 'struct':
    case 'enum':
    case 'fb':
    case 'interface':
      return t.name;
    case 'ref':
      return `REF_TO ${typeName(t.target)}`;
    case 'literalInt':
      return 'ANY_INT';
    case 'literalReal':
      return 'ANY_REAL';
    case 'void':
      return 'VOID';
    case 'error':
      return '?';
  }
}

export function sameType(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'elementary':
      return a.name === (b as ElementaryType).name;
    case 'string':
      return a.wide === (b as StringType).wide;
    case 'array': {
      const bb = b as ArrayType;
      return a.dims.length === bb.dims.length && a.dims.every((d, i) => d.lo === bb.dims[i]!.lo && d.hi === bb.dims[i]!.hi) && sameType(a.element, bb.element);
    }
    case 'struct':
    case 'enum':
    case 'fb':
    case 'interface':
      return a.name.toUpperCase() === (b as { name: string }).name.toUpperCase();
    case 'ref':
      return sameType(a.target, (b as RefType).target);
    default:
      return true;
  }
}

/** Number of elements of an array type (all dimensions). */
export function arrayLength(t: ArrayType): number {
  return t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
}
