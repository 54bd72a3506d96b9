/**
 * JavaScript for default values, initialisers, typed-array choices and deep copies of
 * structured values. Shared by instance constructors, function locals and globals.
 */
import type { ElementaryTypeName } from '../application.js';
import type { Initializer } from '../st/ast.js';
import { key } from '../st/ast.js';
import { ELEMENTARY, arrayLength, typeDefault, type ArrayType, type Type } from '../types/types.js';

/** The typed array that stores elements of an elementary type, or undefined for a JS array. */
export function typedArrayFor(t: Type): string | undefined {
  if (t.kind === 'enum') return 'Int32Array';
  if (t.kind !== 'elementary') return undefined;
  const map: Partial<Record<ElementaryTypeName, string>> = {
    // BOOL elements are bytes (read back as booleans, see BodyEmitter): V8 keeps them unboxed
    BOOL: 'Uint8Array',
    SINT: 'Int8Array', INT: 'Int16Array', DINT: 'Int32Array', LINT: 'BigInt64Array',
    USINT: 'Uint8Array', UINT: 'Uint16Array', UDINT: 'Uint32Array', ULINT: 'BigUint64Array',
    BYTE: 'Uint8Array', WORD: 'Uint16Array', DWORD: 'Uint32Array', LWORD: 'BigUint64Array',
    CHAR: 'Uint8Array', WCHAR: 'Uint16Array', REAL: 'Float32Array', LREAL: 'Float64Array',
    TIME: 'Float64Array', LTIME: 'Float64Array', DATE: 'Float64Array', LDATE: 'Float64Array',
    TOD: 'Float64Array', LTOD: 'Float64Array', DT: 'Float64Array', LDT: 'Float64Array',
  };
  return map[t.name];
}

/**
 * The statement giving a field of a type held as a double (REAL, LREAL, durations, dates) a
 * fraction before its initial value, or undefined for other types. V8 picks a field's
 * representation from the first value stored: started as 0, a small integer, the field turns
 * into a double at its first fraction or at a time past 2^31 ns (a timer's start once the task
 * clock passes 2.1 s), which deprecates the map of every instance, discards the optimised code
 * built on it and leaves a map check on each load of an instance held in a field or element.
 */
export function doubleField(target: string, t: Type): string | undefined {
  if (t.kind !== 'elementary') return undefined;
  const f = ELEMENTARY[t.name].family;
  if (f !== 'real' && f !== 'duration' && f !== 'date' && f !== 'tod' && f !== 'dt') return undefined;
  return `${target} = 0.5;`;
}

/** The zero value of a scalar type as JS source. */
export function zeroValue(t: Type): string {
  switch (t.kind) {
    case 'elementary': {
      if (t.name === 'BOOL') return 'false';
      const info = ELEMENTARY[t.name];
      if (info.bits === 64 && ['signed', 'unsigned', 'bits'].includes(info.family)) return '0n';
      if (t.subrange && t.subrange.lo > 0) return String(t.subrange.lo);
      return '0';
    }
    case 'string':
      return "''";
    case 'enum':
      return String(t.values[0]?.value ?? 0);
    case 'ref':
    case 'interface':
      return 'null';
    default:
      return '0';
  }
}

export function isScalar(t: Type): boolean {
  return t.kind === 'elementary' || t.kind === 'string' || t.kind === 'enum' || t.kind === 'ref' || t.kind === 'interface';
}

export interface ValueEmitter {
  /** JS for a constant initial value expression converted to `t` */
  initExpr(init: Extract<Initializer, { kind: 'expr' }>, t: Type): string;
  /** class name of a struct or FB type */
  className(t: Type): string;
  /** a member of a struct or FB type: its JS property and type */
  fieldOf(t: Type, name: string): { prop: string; type: Type } | undefined;
}

/** JS for the initial value of a scalar of type `t`: its initialiser, else the type's zero. */
export function scalarInit(t: Type, init: Initializer | undefined, ve: ValueEmitter): string {
  return init?.kind === 'expr' ? ve.initExpr(init, t) : zeroValue(t);
}

/**
 * Statements that create the value of type `t` (with its initialiser) and store it in `target`.
 * `tmp` hands out fresh temporary names. `inMemory`: an array of numbers is made in the memory
 * of the module's WebAssembly loops (`$wnew`, wasm/loops.ts), which work on it in place.
 */
export function createValue(target: string, t: Type, init: Initializer | undefined, ve: ValueEmitter, out: string[], tmp: () => string, inMemory = false): void {
  init ??= typeDefault(t);
  if (isScalar(t)) {
    out.push(`${target} = ${scalarInit(t, init, ve)};`);
    return;
  }
  if (t.kind === 'array') {
    const n = arrayLength(t);
    const ta = typedArrayFor(t.element);
    const fill = scalarInit(t.element, typeDefault(t.element), ve);
    if (ta) {
      out.push(inMemory ? `${target} = $wnew(${ta}, ${n});` : `${target} = new ${ta}(${n});`);
      if (fill !== '0' && fill !== '0n' && fill !== 'false') out.push(`${target}.fill(${fill});`);
    } else if (isScalar(t.element)) {
      // built by push, not new Array(n): V8 keeps a packed array (no hole checks on every read)
      out.push(`{ const $a = []; for (let $k = 0; $k < ${n}; $k++) $a.push(${fill}); ${target} = $a; }`);
    } else {
      const a = tmp();
      const i = tmp();
      out.push(`{ const ${a} = []; for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
      const inner: string[] = [];
      createValue(`${a}[${i}]`, t.element, undefined, ve, inner, tmp);
      out.push(...inner.map((l) => `  ${l}`));
      out.push(`} ${target} = ${a}; }`);
    }
    if (init) initArray(target, t, init, ve, out, tmp);
    return;
  }
  if (t.kind === 'struct' || t.kind === 'fb') {
    out.push(`${target} = new ${ve.className(t)}();`);
    if (init?.kind === 'struct') initStruct(target, t, init, ve, out, tmp);
    return;
  }
  out.push(`${target} = ${zeroValue(t)};`);
}

export function initArray(target: string, t: ArrayType, init: Initializer, ve: ValueEmitter, out: string[], tmp: () => string): void {
  if (init.kind !== 'array') return;
  let index = 0;
  const n = arrayLength(t);
  for (const el of init.elements) {
    const count = el.count && el.count.kind === 'literal' && el.count.value.type === 'int' ? Number(el.count.value.value) : 1;
    for (let c = 0; c < count && index < n; c++, index++) {
      if (!el.value) continue;
      if (isScalar(t.element) && el.value.kind === 'expr') out.push(`${target}[${index}] = ${ve.initExpr(el.value, t.element)};`);
      else if (el.value.kind === 'struct' && (t.element.kind === 'struct' || t.element.kind === 'fb')) initStruct(`${target}[${index}]`, t.element, el.value, ve, out, tmp);
      else if (el.value.kind === 'array' && t.element.kind === 'array') initArray(`${target}[${index}]`, t.element, el.value, ve, out, tmp);
    }
  }
}

export function initStruct(target: string, t: Type, init: Extract<Initializer, { kind: 'struct' }>, ve: ValueEmitter, out: string[], tmp: () => string): void {
  for (const f of init.fields) {
    const field = ve.fieldOf(t, f.name);
    if (!field) continue;
    const dst = `${target}.${field.prop}`;
    if (isScalar(field.type)) {
      if (f.value.kind === 'expr') out.push(`${dst} = ${ve.initExpr(f.value, field.type)};`);
    } else if (field.type.kind === 'array') initArray(dst, field.type, f.value, ve, out, tmp);
    else if (f.value.kind === 'struct') initStruct(dst, field.type, f.value, ve, out, tmp);
  }
}

const RESERVED = new Set(['CONSTRUCTOR', '__PROTO__', 'PROTOTYPE', 'TOSTRING', 'VALUEOF', 'HASOWNPROPERTY']);
/** The JS property of a struct member (the same rule as for variables). */
export function propName(name: string): string {
  return RESERVED.has(key(name)) || name.startsWith('$') ? `$v_${name}` : name;
}

/** Statements copying a value of type `t` from `src` into `dst` (deep, for arrays and structs). */
export function copyValue(dst: string, src: string, t: Type, ve: ValueEmitter): string {
  if (isScalar(t)) return `${dst} = ${src};`;
  if (t.kind === 'array') {
    if (typedArrayFor(t.element) || isScalar(t.element)) return `${copyArrayCall(dst, src)}`;
    return `$copyArray(${dst}, ${src}, ${ve.className(t.element)}.$copy);`;
  }
  return `${ve.className(t)}.$copy(${dst}, ${src});`;
}

function copyArrayCall(dst: string, src: string): string {
  return `{ const $s = ${src}, $d = ${dst}; const $n = Math.min($s.length, $d.length); for (let $i = 0; $i < $n; $i++) $d[$i] = $s[$i]; }`;
}
