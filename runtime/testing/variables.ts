import type { Application, GeneratedResource, ResourceModel, TypeInfo, VarInfo } from '../../compiler/application.js';
import { formatValue } from '../values.js';
import { durationNs } from './duration.js';

/**
 * A variable of a 61131 resource reached by a dotted path (`Main.pid.Kp`, `gLevel`,
 * `Main.buffer[3]`), resolved to the object and property that hold it, with its type so that
 * values can be converted both ways. Names match case-insensitively, as IEC identifiers do.
 */
export interface VariableRef {
  path: string;
  type: TypeInfo;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
}

export function resolveVariable(app: Application, model: ResourceModel, instance: GeneratedResource, path: string): VariableRef {
  const parts = path.split('.');
  const upper = (s: string) => s.toUpperCase();
  const nameOf = (p: string) => /^[^[]*/.exec(p)![0];
  const program = model.programs.find((p) => upper(p.name) === upper(parts[0]!));
  let holder: Record<string, unknown>;
  let vars: VarInfo[] | undefined;
  let rest = parts;
  if (program) {
    const key = Object.keys(instance.programs).find((k) => upper(k) === upper(program.name));
    holder = instance.programs[key ?? program.name] as Record<string, unknown>;
    vars = app.pouTypes[upper(program.typeName)]?.vars ?? app.pouTypes[program.typeName]?.vars;
    rest = parts.slice(1);
  } else {
    holder = instance.globals as Record<string, unknown>;
    vars = model.globals;
  }
  if (rest.length === 0) throw new Error(`${path}: a program, not a variable (read one of its variables, e.g. ${path}.x)`);
  let ref: VariableRef | undefined;
  for (let i = 0; i < rest.length; i++) {
    const part = rest[i]!;
    if (ref) {
      const next = ref.holder[ref.key as never] as Record<string, unknown>;
      holder = next;
      vars = fieldsOf(app, ref.type);
    }
    const v = vars?.find((x) => upper(x.name) === upper(nameOf(part)));
    if (!v) {
      const known = (vars ?? []).map((x) => x.name).join(', ');
      throw new Error(`${path}: no variable '${nameOf(part)}'${known ? ` (known: ${known})` : ''}`);
    }
    // a VAR_EXTERNAL names the resource's global: read and write the global itself
    const global = v.section === 'VAR_EXTERNAL' ? model.globals.find((g) => upper(g.name) === upper(v.name)) : undefined;
    ref = global ? { path, type: global.type, holder: instance.globals as Record<string, unknown>, key: global.prop } : { path, type: v.type, holder, key: v.prop };
    for (const m of part.matchAll(/\[([^\]]+)\]/g)) {
      if (ref.type.kind !== 'array') throw new Error(`${path}: '${nameOf(part)}' is not an array`);
      const idx = m[1]!.split(',').map((s) => Number(s.trim()));
      const dims = ref.type.dims;
      if (idx.length !== dims.length || idx.some((x, k) => !Number.isInteger(x) || x < dims[k]!.lo || x > dims[k]!.hi)) {
        throw new Error(`${path}: index [${m[1]}] outside ${dims.map((d) => `${d.lo}..${d.hi}`).join(', ')}`);
      }
      let flat = 0;
      for (let k = 0; k < dims.length; k++) flat = flat * (dims[k]!.hi - dims[k]!.lo + 1) + (idx[k]! - dims[k]!.lo);
      ref = { path, type: ref.type.element, holder: ref.holder[ref.key as never] as unknown[], key: flat };
    }
  }
  return ref!;
}

function fieldsOf(app: Application, t: TypeInfo): VarInfo[] | undefined {
  if (t.kind === 'struct') return t.fields;
  if (t.kind === 'fb') return app.pouTypes[t.name.toUpperCase()]?.vars ?? app.pouTypes[t.name]?.vars;
  if (t.kind === 'ref') return fieldsOf(app, t.target);
  return undefined;
}

export function readRawRef(ref: VariableRef): unknown {
  return (ref.holder as Record<string | number, unknown>)[ref.key];
}

/** The value as `vplc run --json` shows it (TIME as `T#5s`, enums as `Type#Value`). */
export function readFormatted(app: Application, ref: VariableRef): unknown {
  return formatValue(app, ref.type, readRawRef(ref));
}

/** Store a JS value converted to the variable's representation. */
export function writeRef(ref: VariableRef, value: unknown): void {
  (ref.holder as Record<string | number, unknown>)[ref.key] = toPlcValue(ref.type, value, ref.path);
}

const INT_RANGE: Record<string, [number, number]> = {
  SINT: [-128, 127], INT: [-32768, 32767], DINT: [-2147483648, 2147483647],
  USINT: [0, 255], UINT: [0, 65535], UDINT: [0, 4294967295], BYTE: [0, 255], WORD: [0, 65535], DWORD: [0, 4294967295],
};

export function toPlcValue(t: TypeInfo, value: unknown, path: string): unknown {
  switch (t.kind) {
    case 'elementary': {
      const n = t.name;
      if (n === 'BOOL') return Boolean(value);
      if (n === 'LINT' || n === 'ULINT' || n === 'LWORD') return BigInt(value as number | bigint | string);
      if (n === 'TIME' || n === 'LTIME') return typeof value === 'string' ? durationNs(value) : Number(value);
      if (n === 'REAL') return Math.fround(Number(value));
      if (n === 'LREAL') return Number(value);
      const range = INT_RANGE[n];
      if (range) {
        const x = Number(value);
        if (!Number.isInteger(x) || x < range[0] || x > range[1]) throw new RangeError(`${path}: ${String(value)} is not a ${n}`);
        return x;
      }
      return Number(value);
    }
    case 'string':
      return String(value);
    case 'enum': {
      if (typeof value === 'number') return value;
      const name = String(value).replace(/^.*#/, '').toUpperCase();
      const e = t.values.find((x) => x.name.toUpperCase() === name);
      if (!e) throw new RangeError(`${path}: '${String(value)}' is not a value of ${t.name} (${t.values.map((x) => x.name).join(', ')})`);
      return e.value;
    }
    default:
      throw new TypeError(`${path}: only elementary, string and enum variables can be written (this one is ${t.kind})`);
  }
}
