import type { TypeInfo } from '../compiler/application.js';
import { LiteralError, parseLiteral } from '../compiler/iec61499/literal.js';
import { INTEGER_RANGES } from '../compiler/st/literals.js';

/**
 * Values between the PLC's raw representation and MQTT payloads: typed as the variable
 * (TIME as an IEC literal, enums as `Type#Value`, 64-bit integers beyond 2^53 as strings,
 * REAL as the shortest decimal that reads back to the same float32), and commands converted
 * with range checks (a value that does not fit is refused, never wrapped).
 */

/** `raw` of type `t` as JSON shows it. */
export function jsonValue(t: TypeInfo, raw: unknown): unknown {
  switch (t.kind) {
    case 'elementary':
      return elementary(t.name, raw);
    case 'string':
      return typeof raw === 'string' ? raw : '';
    case 'enum': {
      const e = t.values.find((x) => x.value === Number(raw));
      return e ? `${t.name}#${e.name}` : Number(raw);
    }
    case 'array':
      return Array.from((raw ?? []) as ArrayLike<unknown>, (x) => jsonValue(t.element, x));
    default:
      return null;
  }
}

function elementary(name: string, v: unknown): unknown {
  switch (name) {
    case 'BOOL':
      return v === true || v === 1;
    case 'REAL':
      return shortestFloat32(Number(v));
    case 'TIME':
    case 'LTIME':
      return durationLiteral(Number(v), name === 'TIME' ? 'T#' : 'LTIME#');
    case 'TOD':
    case 'LTOD': {
      const ns = Number(v);
      const ms = Math.floor(ns / 1e6);
      const d = new Date(ms);
      return `TOD#${d.toISOString().slice(11, 23)}`;
    }
    case 'DATE':
    case 'LDATE':
      return `D#${new Date(Number(v)).toISOString().slice(0, 10)}`;
    case 'DT':
    case 'LDT': {
      const iso = new Date(Number(v)).toISOString();
      return `DT#${iso.slice(0, 10)}-${iso.slice(11, 23)}`;
    }
    case 'CHAR':
    case 'WCHAR':
      return typeof v === 'number' ? String.fromCharCode(v) : String(v ?? '');
    default:
      if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
      return typeof v === 'number' ? v : Number(v ?? 0);
  }
}

/** The shortest decimal that Math.fround reads back as `x`. */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p < 10; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

/** A duration in ns as the shortest IEC literal: T#1s500ms, T#-2m, T#0s. */
export function durationLiteral(ns: number, prefix = 'T#'): string {
  const sign = ns < 0 ? '-' : '';
  let v = Math.abs(Math.round(ns));
  let out = '';
  for (const [u, f] of [['d', 864e11], ['h', 36e11], ['m', 6e10], ['s', 1e9], ['ms', 1e6], ['us', 1e3], ['ns', 1]] as const) {
    const q = Math.floor(v / f);
    if (q > 0) {
      out += `${q}${u}`;
      v -= q * f;
    }
  }
  return `${prefix}${sign}${out || '0s'}`;
}

/** Whether a leaf's raw value moved beyond the deadbands since `last` was published. */
export function changed(last: unknown, now: unknown, deadband: number, relative: number): boolean {
  if (typeof now === 'number' && typeof last === 'number') {
    const d = Math.abs(now - last);
    if (d === 0) return false;
    if (deadband > 0 && d <= deadband) return false;
    if (relative > 0 && d <= relative * Math.abs(last)) return false;
    return true;
  }
  if (now !== null && typeof now === 'object' && last !== null && typeof last === 'object') {
    const a = now as ArrayLike<unknown>;
    const b = last as ArrayLike<unknown>;
    if (a.length !== b.length) return true;
    for (let i = 0; i < a.length; i++) if (changed(b[i], a[i], deadband, relative)) return true;
    return false;
  }
  return now !== last;
}

/** A copy of a raw value that later samples cannot change (arrays are copied). */
export function keep(raw: unknown): unknown {
  return raw !== null && typeof raw === 'object' ? Array.from(raw as ArrayLike<unknown>) : raw;
}

/**
 * A command's value (JSON: a number, boolean, string literal such as 'T#2s' or 'Mode#Fast')
 * as the raw value of `t`, or a message saying why not. Out of range is refused.
 */
export function commandValue(t: TypeInfo, value: unknown): { value: unknown } | string {
  if (t.kind === 'string') {
    if (typeof value !== 'string') return `a STRING needs a string, not ${JSON.stringify(value)}`;
    if (value.length > t.length) return `'${value.slice(0, 20)}…' is longer than ${t.length} characters`;
    return { value };
  }
  if (t.kind === 'enum') {
    const name = typeof value === 'string' ? value.slice(value.indexOf('#') + 1) : undefined;
    const e = t.values.find((x) => (name !== undefined ? x.name.toUpperCase() === name.toUpperCase() : x.value === value));
    return e ? { value: e.value } : `${t.name} has no value ${JSON.stringify(value)}`;
  }
  if (t.kind !== 'elementary') return `${t.kind === 'array' ? 'an array' : 'a structured variable'} cannot be written from MQTT: write its elements`;
  const name = t.name;
  if (typeof value === 'number' && Number.isFinite(value) && name in INTEGER_RANGES) {
    if (!Number.isInteger(value)) return `${value} is not an integer (${name})`;
    const [lo, hi] = INTEGER_RANGES[name]!;
    if (BigInt(value) < lo || BigInt(value) > hi) return `${value} is out of range for ${name} (${lo} … ${hi})`;
    return { value: name === 'LINT' || name === 'ULINT' || name === 'LWORD' ? BigInt(value) : value };
  }
  if (typeof value === 'number' && (name === 'REAL' || name === 'LREAL')) {
    if (name === 'REAL' && Number.isFinite(value) && Math.abs(value) > 3.4028234663852886e38) return `${value} is out of range for REAL`;
    return { value: name === 'REAL' ? Math.fround(value) : value };
  }
  if (typeof value === 'number' && (name === 'TIME' || name === 'LTIME')) return `a ${name} needs a duration literal such as 'T#2s', not ${value}`;
  if (typeof value === 'boolean' && name !== 'BOOL') return `a ${name} needs ${name in INTEGER_RANGES ? 'an integer' : 'a value of its type'}, not ${value}`;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return `a ${name} cannot take ${JSON.stringify(value)}`;
  try {
    const v = parseLiteral(name, String(value));
    if (typeof v === 'bigint') {
      const [lo, hi] = INTEGER_RANGES[name]!;
      if (v < lo || v > hi) return `${value} is out of range for ${name}`;
    }
    return { value: v };
  } catch (e) {
    return e instanceof LiteralError ? e.message : String(e);
  }
}
