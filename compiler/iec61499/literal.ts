/**
 * IEC 61131-3 literals as 4diac writes parameter values (`T#100ms`, `INT#-5`, `16#AFFE`,
 * `'text'`, `TRUE`, `1`), converted to vPLC's value representation (see vplc-codegen):
 * TIME in ns, 64-bit integers as bigint, REAL rounded to float32.
 */

import { decodeDate, decodeDateAndTime, decodeTimeOfDay, type Decoded } from '../st/literals.js';

const INT_RANGES: Record<string, [number, number]> = {
  SINT: [-128, 127], INT: [-32768, 32767], DINT: [-2147483648, 2147483647],
  USINT: [0, 255], UINT: [0, 65535], UDINT: [0, 4294967295],
  BYTE: [0, 255], WORD: [0, 65535], DWORD: [0, 4294967295],
};
const BIG = new Set(['LINT', 'ULINT', 'LWORD']);
const TIME_UNITS: [string, number][] = [['d', 86400e9], ['h', 3600e9], ['ms', 1e6], ['us', 1e3], ['ns', 1], ['m', 60e9], ['s', 1e9]];

const DATE_KINDS: Record<string, { prefixes: string[]; decode: (text: string) => Decoded }> = {
  DATE: { prefixes: ['D', 'DATE'], decode: decodeDate },
  TOD: { prefixes: ['TOD', 'TIME_OF_DAY'], decode: decodeTimeOfDay },
  TIME_OF_DAY: { prefixes: ['TOD', 'TIME_OF_DAY'], decode: decodeTimeOfDay },
  DT: { prefixes: ['DT', 'DATE_AND_TIME'], decode: decodeDateAndTime },
  DATE_AND_TIME: { prefixes: ['DT', 'DATE_AND_TIME'], decode: decodeDateAndTime },
};

export type LiteralValue = boolean | number | bigint | string;

export class LiteralError extends Error {}

function stripPrefix(text: string): { type?: string; body: string } {
  const m = /^([A-Za-z_]+)#(.*)$/s.exec(text);
  if (m && !/^(2|8|16)$/.test(m[1]!)) return { type: m[1]!.toUpperCase(), body: m[2]! };
  return { body: text };
}

function parseInteger(body: string): bigint {
  const b = body.replace(/_/g, '');
  const m = /^([+-]?)(2|8|16)#([0-9A-Fa-f]+)$/.exec(b);
  if (m) {
    const v = BigInt((m[2] === '2' ? '0b' : m[2] === '8' ? '0o' : '0x') + m[3]);
    return m[1] === '-' ? -v : v;
  }
  if (!/^[+-]?\d+$/.test(b)) throw new LiteralError(`'${body}' is not an integer`);
  return BigInt(b);
}

/** Duration literal body ('1s500ms', '-2.5s', '100') to nanoseconds. */
export function parseDuration(body: string): number {
  let s = body.replace(/_/g, '').trim();
  let sign = 1;
  if (s.startsWith('-')) { sign = -1; s = s.slice(1); }
  if (/^\d+(\.\d+)?$/.test(s)) return sign * Math.round(Number(s) * 1e6); // bare number: milliseconds
  let total = 0;
  let rest = s.toLowerCase();
  if (rest === '') throw new LiteralError(`'${body}' is not a duration`);
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(d|h|ms|us|ns|m|s)/.exec(rest);
    if (!m) throw new LiteralError(`'${body}' is not a duration`);
    total += Number(m[1]) * TIME_UNITS.find(([u]) => u === m[2])![1];
    rest = rest.slice(m[0].length);
  }
  return sign * Math.round(total);
}

function parseString(body: string): string {
  const q = body[0];
  if ((q !== "'" && q !== '"') || body[body.length - 1] !== q || body.length < 2) return body; // 4diac accepts bare text
  const inner = body.slice(1, -1);
  return inner.replace(/\$([0-9A-Fa-f]{2}|.)/g, (_m, c: string) => {
    if (c.length === 2) return String.fromCharCode(parseInt(c, 16));
    switch (c.toUpperCase()) {
      case 'N': case 'L': return '\n';
      case 'R': return '\r';
      case 'T': return '\t';
      case 'P': return '\f';
      default: return c;
    }
  });
}

/** Parse `text` as a literal of elementary type `type` (upper case). */
export function parseLiteral(type: string, text: string): LiteralValue {
  // STRING[80]: the length bounds storage, not the literal
  const t = type.toUpperCase().replace(/^(W?STRING)\s*\[.*\]$/, '$1');
  const { type: prefix, body: rawBody } = stripPrefix(text.trim());
  const body = rawBody.trim();
  if (t === 'BOOL') {
    if (/^(true|1)$/i.test(body)) return true;
    if (/^(false|0)$/i.test(body)) return false;
    throw new LiteralError(`'${text}' is not a BOOL`);
  }
  if (t in INT_RANGES) {
    const v = parseInteger(body);
    const [lo, hi] = INT_RANGES[t]!;
    if (v < BigInt(lo) || v > BigInt(hi)) throw new LiteralError(`${text} is out of range for ${t}`);
    return Number(v);
  }
  if (BIG.has(t)) return parseInteger(body);
  if (t === 'REAL' || t === 'LREAL') {
    const n = Number(body.replace(/_/g, ''));
    if (body === '' || Number.isNaN(n)) throw new LiteralError(`'${text}' is not a ${t}`);
    return t === 'REAL' ? Math.fround(n) : n;
  }
  if (t === 'TIME' || t === 'LTIME') {
    if (prefix && !/^(T|TIME|LT|LTIME)$/.test(prefix)) throw new LiteralError(`'${text}' is not a ${t}`);
    return parseDuration(body);
  }
  if (t === 'STRING' || t === 'WSTRING' || t === 'CHAR' || t === 'WCHAR') return parseString(body);
  // dates as the ST runtime holds them: DATE and DT in ms since 1970 (UTC), TOD in ns since midnight
  const date = DATE_KINDS[t];
  if (date) {
    if (prefix && !date.prefixes.includes(prefix)) throw new LiteralError(`'${text}' is not a ${t}`);
    const d = date.decode(`${date.prefixes[0]}#${body}`);
    if (!d.ok) throw new LiteralError(d.message);
    const v = d.value as { ms?: number; ns?: number };
    return v.ms ?? v.ns ?? 0;
  }
  throw new LiteralError(`parameters of type ${t} are not supported`);
}

/** literal prefixes that are not the type's name */
const PREFIX_TYPES: Record<string, string> = {
  T: 'TIME', LT: 'LTIME', D: 'DATE', LD: 'LDATE', TIME_OF_DAY: 'TOD', LTIME_OF_DAY: 'LTOD', DATE_AND_TIME: 'DT', LDATE_AND_TIME: 'LDT',
};

/** The type a typed literal names (`INT#5` → INT, `T#1s` → TIME), for binding generic ports. */
export function literalType(text: string): string | undefined {
  const m = /^([A-Za-z_]+)#/.exec(text.trim());
  if (!m) return /^'/.test(text.trim()) ? 'STRING' : undefined;
  const p = m[1]!.toUpperCase();
  return PREFIX_TYPES[p] ?? p;
}

/** 4diac writes BOOL initial values as 1/0 too; ST wants TRUE/FALSE. */
export function normaliseInitial(type: string, value: string): string {
  const v = value.trim();
  if (type.toUpperCase() === 'BOOL') {
    if (v === '1' || /^true$/i.test(v) || /^BOOL#(1|true)$/i.test(v)) return 'TRUE';
    if (v === '0' || /^false$/i.test(v) || /^BOOL#(0|false)$/i.test(v)) return 'FALSE';
  }
  return v;
}
