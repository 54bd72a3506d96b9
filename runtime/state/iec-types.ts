import type { Application, ElementaryTypeName, TypeInfo, VarInfo } from '../../compiler/application.js';
import { widensImplicitly } from '../../compiler/contract/implicit-conversion.js';

/**
 * Types as the state of a PLC sees them across program versions: a signature that names a
 * type completely (two variables with the same signature hold values of the same shape), and
 * the conversions IEC 61131-3 allows implicitly because they lose nothing (its table of
 * implicit conversions: widening within a family, integers into reals wide enough, durations
 * and dates into their long forms).
 */

/** `INT`, `STRING[10]`, `ARRAY[1..3] OF INT`, `Pt{x:INT;y:REAL}`, `Color(Red=0,Green=1)`, `FB TON`. */
export function typeSignature(app: Application, t: TypeInfo, seen: Set<string> = new Set()): string {
  switch (t.kind) {
    case 'elementary':
      return t.name;
    case 'string':
      return `${t.wide ? 'WSTRING' : 'STRING'}[${t.length}]`;
    case 'array':
      return `ARRAY[${t.dims.map((d) => `${d.lo}..${d.hi}`).join(',')}] OF ${typeSignature(app, t.element, seen)}`;
    case 'struct':
      return `${t.name}{${t.fields.map((f) => `${f.name}:${typeSignature(app, f.type, seen)}`).join(';')}}`;
    case 'enum':
      return `${t.name}(${t.values.map((v) => `${v.name}=${v.value}`).join(',')})`;
    case 'fb': {
      // an FB type is its variables: a changed FB type is another type
      const key = t.name.toUpperCase();
      if (seen.has(key)) return `FB ${t.name}`;
      const vars = fbVars(app, t.name);
      const inner = new Set(seen).add(key);
      return `FB ${t.name}{${(vars ?? []).filter(stateful).map((v) => `${v.name}:${typeSignature(app, v.type, inner)}`).join(';')}}`;
    }
    case 'ref':
      return `REF_TO ${typeSignature(app, t.target, seen)}`;
  }
}

/** A short name for reports: `INT`, `ARRAY[1..3] OF INT`, `Pt`, `Color`, `TON`. */
export function typeName(t: TypeInfo): string {
  switch (t.kind) {
    case 'elementary':
      return t.name;
    case 'string':
      return `${t.wide ? 'WSTRING' : 'STRING'}[${t.length}]`;
    case 'array':
      return `ARRAY[${t.dims.map((d) => `${d.lo}..${d.hi}`).join(',')}] OF ${typeName(t.element)}`;
    case 'struct':
    case 'enum':
    case 'fb':
      return t.name;
    case 'ref':
      return `REF_TO ${typeName(t.target)}`;
  }
}

export function fbVars(app: Application, name: string): VarInfo[] | undefined {
  return (app.pouTypes[name.toUpperCase()] ?? app.pouTypes[name])?.vars;
}

/** Variables that hold state of their own (not temporaries, not references to others' variables). */
export function stateful(v: VarInfo): boolean {
  return v.section !== 'VAR_TEMP' && v.section !== 'VAR_IN_OUT' && v.section !== 'VAR_EXTERNAL';
}

/** 64-bit integers and bit strings are held as bigint; every other number as a JS number. */
export function isBigIntType(name: ElementaryTypeName): boolean {
  return name === 'LINT' || name === 'ULINT' || name === 'LWORD';
}


/** An implicit IEC conversion that keeps the value's kind (BOOL to a bit string changes it: not kept). */
export function widens(from: ElementaryTypeName, to: ElementaryTypeName): boolean {
  return from !== 'BOOL' && widensImplicitly(from, to);
}

/** A scalar value of `from` in the representation of `to` (BOOL stays a boolean, 64-bit a bigint). */
export function convertScalar(value: unknown, to: ElementaryTypeName): unknown {
  if (isBigIntType(to)) return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
  return typeof value === 'bigint' ? Number(value) : value;
}
