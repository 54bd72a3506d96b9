import type { Application, ElementaryTypeName, ResourceModel, TypeInfo, VarInfo } from '../../compiler/application.js';
import { fieldsOf, pathStep } from './variable-path.js';

/**
 * Writes to symbolic variables from outside the scan (OPC UA clients, symbolic I/O bindings):
 * the path checked against the declarations and the value converted to the variable's
 * run-time representation in the main thread, so that the worker only stores it.
 */

/**
 * The variable an access path of the configuration's VAR_ACCESS names (`Speed` → `Line1.speed`),
 * when `path` is one and no variable of the resource has that name.
 */
export function accessTarget(model: ResourceModel, path: string): { path: string; readOnly: boolean } | undefined {
  if (!model.access || path.includes('.')) return undefined;
  const upper = path.toUpperCase();
  if (model.globals.some((g) => g.name.toUpperCase() === upper) || model.programs.some((p) => p.name.toUpperCase() === upper)) return undefined;
  const a = model.access.find((x) => x.name.toUpperCase() === upper);
  return a ? { path: a.path, readOnly: a.readOnly } : undefined;
}

/** The variable path `path` names (an access name becomes its variable's path), or why it may not be written. */
export function writablePath(model: ResourceModel, path: string): string | { error: string } {
  const a = accessTarget(model, path);
  if (!a) return path;
  if (a.readOnly) return { error: `${path} is a READ_ONLY access path (VAR_ACCESS, ${model.name}.${a.path}): it can be read, not written` };
  return a.path;
}

/** The declaration a dotted path (`Main.setpoint`, `Main.s.x`, `gLevel`, an access name) ends at, or why there is none. */
export function declarationOf(app: Application, model: ResourceModel, path: string): VarInfo | string {
  const access = accessTarget(model, path);
  if (access) return declarationOf(app, model, access.path);
  const parts = path.split('.');
  const upper = (s: string) => s.toUpperCase();
  const program = model.programs.find((p) => upper(p.name) === upper(parts[0]!));
  let vars: VarInfo[] | undefined;
  let rest = parts.slice(1);
  if (program) {
    vars = app.pouTypes[upper(program.typeName)]?.vars ?? app.pouTypes[program.typeName]?.vars;
  } else {
    vars = model.globals;
    rest = parts;
  }
  let leaf: VarInfo | undefined;
  for (const part of rest) {
    const step = pathStep(vars, part);
    if (typeof step === 'string') return `${path}: ${step} in resource ${model.name}`;
    leaf = step.leaf;
    vars = fieldsOf(app, leaf.type);
  }
  if (!leaf) return `${path}: not a variable`;
  return leaf;
}

/** Check that `path` may be written and convert `value`; returns the stored value or an error message. */
export function prepareWrite(app: Application, model: ResourceModel, path: string, value: unknown): { value: unknown } | { error: string } {
  const decl = declarationOf(app, model, path);
  if (typeof decl === 'string') return { error: decl };
  if (decl.constant) return { error: `${path} is a constant` };
  if (decl.section === 'VAR_IN_OUT' || decl.section === 'VAR_EXTERNAL') return { error: `${path} is a reference (${decl.section}): write the variable it refers to` };
  const converted = convertValue(decl.type, value);
  return typeof converted === 'string' ? { error: `${path}: ${converted}` } : converted;
}

/** `value` in the run-time representation of `t`, or an error message. */
export function convertValue(t: TypeInfo, value: unknown): { value: unknown } | string {
  switch (t.kind) {
    case 'elementary':
      return convertElementary(t.name, value);
    case 'string': {
      if (typeof value !== 'string') return `a STRING needs a string, not ${describe(value)}`;
      return { value: value.slice(0, t.length) };
    }
    case 'enum': {
      if (typeof value === 'string') {
        const name = value.includes('#') ? value.slice(value.indexOf('#') + 1) : value;
        const e = t.values.find((x) => x.name.toUpperCase() === name.toUpperCase());
        return e ? { value: e.value } : `${t.name} has no value ${name}`;
      }
      const n = Number(value);
      return t.values.some((x) => x.value === n) ? { value: n } : `${t.name} has no value ${describe(value)}`;
    }
    case 'array': {
      const src = value as unknown;
      if (!Array.isArray(src) && !ArrayBuffer.isView(src)) return `an ARRAY needs an array, not ${describe(value)}`;
      const flat = Array.isArray(src) ? (src as unknown[]).flat(t.dims.length) : Array.from(src as unknown as ArrayLike<unknown>);
      const size = t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
      if (flat.length !== size) return `the array has ${size} elements, the value ${flat.length}`;
      const out: unknown[] = [];
      for (let i = 0; i < flat.length; i++) {
        const c = convertValue(t.element, flat[i]);
        if (typeof c === 'string') return `element ${i}: ${c}`;
        // BOOL array elements are stored as bytes
        out.push(t.element.kind === 'elementary' && t.element.name === 'BOOL' ? (c.value ? 1 : 0) : c.value);
      }
      return { value: out };
    }
    case 'struct':
    case 'fb':
      return `${t.name} is structured: write its elements one by one`;
    case 'ref':
      return 'references cannot be written';
  }
}

const INT_WIDTH: Partial<Record<ElementaryTypeName, [bits: number, signed: boolean]>> = {
  SINT: [8, true], INT: [16, true], DINT: [32, true], USINT: [8, false], UINT: [16, false], UDINT: [32, false],
  BYTE: [8, false], WORD: [16, false], DWORD: [32, false],
};

function convertElementary(name: ElementaryTypeName, value: unknown): { value: unknown } | string {
  if (name === 'BOOL') {
    if (typeof value === 'boolean') return { value };
    if (typeof value === 'number' || typeof value === 'bigint') return { value: value !== 0 && value !== 0n };
    if (typeof value === 'string' && /^(true|false|1|0)$/i.test(value)) return { value: /^(true|1)$/i.test(value) };
    return `a BOOL needs true or false, not ${describe(value)}`;
  }
  if (name === 'CHAR' || name === 'WCHAR') {
    if (typeof value === 'string') return { value: value.length ? value.charCodeAt(0) & (name === 'CHAR' ? 0xff : 0xffff) : 0 };
  }
  if (name === 'LINT' || name === 'ULINT' || name === 'LWORD') {
    const b = toBigInt(value);
    if (b === undefined) return `a ${name} needs an integer, not ${describe(value)}`;
    return { value: name === 'LINT' ? BigInt.asIntN(64, b) : BigInt.asUintN(64, b) };
  }
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'boolean' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (name === 'REAL') return Number.isNaN(n) && typeof value !== 'number' ? `a REAL needs a number, not ${describe(value)}` : { value: Math.fround(n) };
  if (name === 'LREAL') return Number.isNaN(n) && typeof value !== 'number' ? `an LREAL needs a number, not ${describe(value)}` : { value: n };
  if (!Number.isFinite(n)) return `a ${name} needs a finite number, not ${describe(value)}`;
  const width = INT_WIDTH[name];
  if (width) {
    const [bits, signed] = width;
    const i = Math.trunc(n);
    // wrap to the width, as a store of a wider integer into the variable would
    if (bits === 32) return { value: signed ? i | 0 : i >>> 0 };
    const mask = (1 << bits) - 1;
    const u = i & mask;
    return { value: signed && u >= 1 << (bits - 1) ? u - (1 << bits) : u };
  }
  if (name === 'CHAR') return { value: Math.trunc(n) & 0xff };
  if (name === 'WCHAR') return { value: Math.trunc(n) & 0xffff };
  // TIME, LTIME, TOD, LTOD: ns; DATE, DT: as the program holds them (a number)
  return { value: Math.round(n) };
}

function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : undefined;
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return BigInt(value.trim());
  return undefined;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}
