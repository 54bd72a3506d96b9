/**
 * Variables as users read them: JSON values by dotted name. Integers are JSON numbers (64-bit
 * ones beyond 2^53 as decimal strings), BOOL true/false, TIME an IEC literal ("T#1s500ms"),
 * enums "Type#Value", strings JSON strings, arrays JSON arrays (multi-dimensional ones nested),
 * structs and FB instances objects.
 */
import { timeLiteral } from '../compiler/contract/value-text.js';
import type { Application, GeneratedResource, ResourceModel, TypeInfo, VarInfo } from '../compiler/application.js';

/** Every program instance's variables (by instance name), and the resource's globals by name. */
export function snapshotResource(app: Application, model: ResourceModel, instance: GeneratedResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const g of model.globals) out[g.name] = formatValue(app, g.type, instance.globals[g.prop]);
  // a VAR_EXTERNAL is the global itself, not a copy on the instance: show the global's value
  const byName = new Map(model.globals.map((g) => [g.name.toUpperCase(), g.prop]));
  const external: ExternalLookup = (name) => {
    const prop = byName.get(name.toUpperCase());
    return prop === undefined ? undefined : instance.globals[prop];
  };
  for (const p of model.programs) {
    const obj = instance.programs[p.name] as Record<string, unknown>;
    out[p.name] = formatInstance(app, p.typeName, obj, external);
  }
  return out;
}

/** The raw value of a global by name, for the VAR_EXTERNAL views of instances. */
export type ExternalLookup = (name: string) => unknown;

export function formatInstance(app: Application, typeName: string, obj: Record<string, unknown>, external?: ExternalLookup): Record<string, unknown> {
  const info = app.pouTypes[typeName.toUpperCase()];
  const out: Record<string, unknown> = {};
  if (!info || !obj) return out;
  for (const v of info.vars) {
    const raw = v.section === 'VAR_EXTERNAL' && external ? external(v.name) : obj[v.prop];
    out[v.name] = formatValue(app, v.type, raw, external);
  }
  return out;
}

export function formatValue(app: Application, t: TypeInfo, v: unknown, external?: ExternalLookup): unknown {
  switch (t.kind) {
    case 'elementary':
      return formatElementary(t.name, v);
    case 'string':
      return String(v ?? '');
    case 'enum': {
      const e = t.values.find((x) => x.value === v);
      return e ? `${t.name}#${e.name}` : v;
    }
    case 'array': {
      const arr = v as ArrayLike<unknown>;
      if (!arr) return [];
      const e = t.element;
      // the common case without a call per element: a one-dimensional array of numbers shown as held, or of BOOL
      if (t.dims.length === 1 && e.kind === 'elementary' && (e.name === 'BOOL' || AS_HELD.has(e.name))) {
        const n = t.dims[0]!.hi - t.dims[0]!.lo + 1;
        const res: unknown[] = [];
        if (e.name === 'BOOL') for (let i = 0; i < n; i++) res.push(Boolean(arr[i]));
        else
          for (let i = 0; i < n; i++) {
            const x = arr[i];
            res.push(typeof x === 'bigint' ? bigintValue(x) : x);
          }
        return res;
      }
      const sizes = t.dims.map((d) => d.hi - d.lo + 1);
      const build = (dim: number, offset: number): unknown[] => {
        const n = sizes[dim]!;
        const stride = sizes.slice(dim + 1).reduce((a, b) => a * b, 1);
        const res: unknown[] = [];
        for (let i = 0; i < n; i++) {
          res.push(dim === sizes.length - 1 ? formatValue(app, t.element, arr[offset + i], external) : build(dim + 1, offset + i * stride));
        }
        return res;
      };
      return build(0, 0);
    }
    case 'struct': {
      const obj = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of t.fields as VarInfo[]) out[f.name] = formatValue(app, f.type, obj?.[f.prop]);
      return out;
    }
    case 'fb':
      return formatInstance(app, t.name, v as Record<string, unknown>, external);
    case 'ref':
      return v === null || v === undefined ? null : '<ref>';
  }
}

/** Elementary types whose numbers are shown as they are held (formatElementary's default, bigint aside). */
const AS_HELD = new Set(['SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT', 'BYTE', 'WORD', 'DWORD', 'LWORD', 'LREAL']);

function formatElementary(name: string, v: unknown): unknown {
  // most values of most programs: no literal to build
  if (AS_HELD.has(name)) return typeof v === 'bigint' ? bigintValue(v) : v;
  switch (name) {
    case 'BOOL':
      return Boolean(v);
    case 'TIME':
      return v === 0 ? 'T#0s' : timeLiteral(Number(v), 'T#');
    case 'LTIME':
      return timeLiteral(Number(v), 'LTIME#');
    case 'DATE':
    case 'LDATE':
      return `D#${new Date(Number(v)).toISOString().slice(0, 10)}`;
    case 'TOD':
    case 'LTOD': {
      const ms = Number(v) / 1e6;
      const h = Math.floor(ms / 3600000);
      const m = Math.floor(ms / 60000) % 60;
      const s = (ms / 1000) % 60;
      return `TOD#${pad(h)}:${pad(m)}:${s < 10 ? '0' : ''}${Math.round(s * 1000) / 1000}`;
    }
    case 'DT':
    case 'LDT': {
      const iso = new Date(Number(v)).toISOString();
      const frac = iso.slice(20, 23);
      return `DT#${iso.slice(0, 10)}-${iso.slice(11, 19)}${frac !== '000' ? `.${frac}` : ''}`;
    }
    case 'CHAR':
    case 'WCHAR':
      return String.fromCharCode(Number(v));
    case 'REAL':
      return typeof v === 'number' ? shortestSingle(v) : v;
    default:
      return typeof v === 'bigint' ? bigintValue(v) : v;
  }
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A 64-bit integer as a JSON number when it is one exactly, else as decimal text. */
function bigintValue(v: bigint): number | string {
  return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v.toString();
}

/**
 * A REAL as the number with the shortest decimal text that reads back to the same single-precision
 * value (0.1 rather than 0.10000000149011612, the same float printed as a double).
 */
export function shortestSingle(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p < 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return v;
  }
  return x;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export { timeLiteral };
