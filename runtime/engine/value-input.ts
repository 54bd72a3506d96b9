import type { TypeInfo } from '../../compiler/application.js';
import { SIZE_BITS, type ImageAddress } from '../../compiler/contract/address.js';
import { parseDurationNs } from '../duration.js';

/**
 * Values typed in by a person (the web console, `vplc run --force`) checked strictly against
 * the type they are for: a value out of range or of the wrong kind is refused with a message
 * that says what the type takes, never wrapped or guessed. Accepts JSON values and text.
 */

const INT_RANGE: Record<string, [number, number]> = {
  SINT: [-128, 127], INT: [-32768, 32767], DINT: [-2147483648, 2147483647],
  USINT: [0, 255], UINT: [0, 65535], UDINT: [0, 4294967295], BYTE: [0, 255], WORD: [0, 65535], DWORD: [0, 4294967295],
};
const BIG_RANGE: Record<string, [bigint, bigint]> = {
  LINT: [-(2n ** 63n), 2n ** 63n - 1n], ULINT: [0n, 2n ** 64n - 1n], LWORD: [0n, 2n ** 64n - 1n],
};
const REAL_MAX = 3.4028234663852886e38;

/** `value` for a variable of type `t`, in a form prepareWrite converts exactly; or what is wrong. */
export function checkInput(t: TypeInfo, value: unknown): { value: unknown } | string {
  switch (t.kind) {
    case 'elementary':
      return checkElementary(t.name, value);
    case 'string': {
      if (typeof value !== 'string') return `${t.wide ? "WSTRING" : "STRING"} takes text, not ${show(value)}`;
      if (value.length > t.length) return `${show(value)} is longer than the ${t.length} characters of the ${t.wide ? "WSTRING" : "STRING"}`;
      return { value };
    }
    case 'enum': {
      const name = String(value).replace(/^.*#/, '');
      const e = t.values.find((x) => x.name.toUpperCase() === name.toUpperCase());
      if (!e) return `${show(value)} is not a value of ${t.name} (${t.values.map((x) => x.name).join(', ')})`;
      return { value: e.name };
    }
    default:
      return `a ${t.kind === 'array' ? 'whole array' : t.kind === 'ref' ? 'reference' : 'structured variable'} cannot be set at once: set its elements one by one`;
  }
}

function checkElementary(name: string, value: unknown): { value: unknown } | string {
  if (name === 'BOOL') {
    const b = boolOf(value);
    return b === undefined ? `BOOL takes TRUE or FALSE, not ${show(value)}` : { value: b };
  }
  if (name === 'TIME' || name === 'LTIME') {
    if (typeof value === 'string' && !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
      const ns = parseDurationNs(value);
      return ns === undefined ? `${name} takes a duration such as T#500ms or 2s, not ${show(value)}` : { value: ns };
    }
    const n = numberOf(value);
    return n === undefined || !Number.isInteger(n) ? `${name} takes a duration such as T#500ms (or whole ns), not ${show(value)}` : { value: n };
  }
  const big = BIG_RANGE[name];
  if (big) {
    const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'bigint' ? String(value) : '';
    if (!/^[-+]?\d+$/.test(text)) return `${name} takes a whole number, not ${show(value)}`;
    const b = BigInt(text);
    return b < big[0] || b > big[1] ? `${text} is out of the range of ${name} (${big[0]} … ${big[1]})` : { value: b };
  }
  const n = numberOf(value);
  const range = INT_RANGE[name];
  if (range) {
    if (n === undefined || !Number.isInteger(n)) return `${name} takes a whole number, not ${show(value)}`;
    if (n < range[0] || n > range[1]) return `${n} is out of the range of ${name} (${range[0]} … ${range[1]})`;
    return { value: n };
  }
  if (name === 'REAL' || name === 'LREAL') {
    if (n === undefined || !Number.isFinite(n)) return `${name} takes a finite number, not ${show(value)}`;
    if (name === 'REAL' && Math.abs(n) > REAL_MAX) return `${n} is out of the range of REAL (±3.4E38)`;
    return { value: n };
  }
  if (n === undefined || !Number.isFinite(n)) return `${name} takes a number, not ${show(value)}`;
  return { value: n };
}

/** A value for a process image element: BOOL for %X, an unsigned (or signed) integer of its width otherwise. */
export function checkAddressInput(a: ImageAddress, value: unknown): { value: boolean | number | bigint } | string {
  if (a.size === 'X') {
    const b = boolOf(value);
    return b === undefined ? `${a.text} is a bit: it takes TRUE or FALSE, not ${show(value)}` : { value: b };
  }
  const bits = SIZE_BITS[a.size];
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'bigint' ? String(value) : '';
  if (!/^[-+]?\d+$/.test(text)) return `${a.text} takes a whole number, not ${show(value)}`;
  const b = BigInt(text);
  const lo = -(2n ** BigInt(bits - 1));
  const hi = 2n ** BigInt(bits) - 1n;
  if (b < lo || b > hi) return `${text} does not fit the ${bits} bits of ${a.text} (${lo} … ${hi})`;
  const unsigned = BigInt.asUintN(bits, b);
  return { value: bits === 64 ? unsigned : Number(unsigned) };
}

function boolOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'string') {
    if (/^\s*(true|1)\s*$/i.test(value)) return true;
    if (/^\s*(false|0)\s*$/i.test(value)) return false;
  }
  return undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}
