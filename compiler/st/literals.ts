/**
 * Decoding of literal tokens into values (IEC 61131-3 ed.3, 6.3 "Literals").
 *
 * Each decoder returns the value, or a message saying why the text is not a valid literal
 * together with a neutral fallback value so that the tree stays complete.
 */
import type { LiteralValue } from './ast.js';

export type Decoded =
  | { ok: true; value: LiteralValue }
  | { ok: false; message: string; fallback: LiteralValue };

/** A typed literal whose prefix is not an elementary type: `Color#Red`. */
export interface EnumValue {
  enumType: string;
  value: string;
}

const ok = (value: LiteralValue): Decoded => ({ ok: true, value });
const bad = (message: string, fallback: LiteralValue): Decoded => ({ ok: false, message, fallback });

// ---------------------------------------------------------------- numbers

/** Ranges of the integer and bit-string types, for typed literals. */
export const INTEGER_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  SINT: [-128n, 127n],
  INT: [-32768n, 32767n],
  DINT: [-2147483648n, 2147483647n],
  LINT: [-9223372036854775808n, 9223372036854775807n],
  USINT: [0n, 255n],
  UINT: [0n, 65535n],
  UDINT: [0n, 4294967295n],
  ULINT: [0n, 18446744073709551615n],
  BYTE: [0n, 255n],
  WORD: [0n, 65535n],
  DWORD: [0n, 4294967295n],
  LWORD: [0n, 18446744073709551615n],
};
const REAL_TYPES = new Set(['REAL', 'LREAL']);
const STRING_TYPES = new Set(['STRING', 'WSTRING', 'CHAR', 'WCHAR']);
/** Elementary type names that cannot prefix a literal of their own here (handled by other tokens or meaningless). */
const OTHER_ELEMENTARY = new Set(['BOOL', 'TIME', 'LTIME', 'DATE', 'LDATE', 'TIME_OF_DAY', 'TOD', 'LTOD', 'DATE_AND_TIME', 'DT', 'LDT']);

export function isElementaryTypeName(name: string): boolean {
  const n = name.toUpperCase();
  return n in INTEGER_RANGES || REAL_TYPES.has(n) || STRING_TYPES.has(n) || OTHER_ELEMENTARY.has(n);
}

const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 16: /^[0-9A-Fa-f]+$/ };

/** `123`, `1_000`, `2#1010`, `8#17`, `16#FF_FF`: the magnitude as bigint, or an error message. */
function integerMagnitude(text: string): bigint | string {
  const hash = text.indexOf('#');
  if (hash < 0) {
    const digits = text.replace(/_/g, '');
    if (!/^\d+$/.test(digits)) return `'${text}' is not a valid integer`;
    return BigInt(digits);
  }
  const base = Number(text.slice(0, hash).replace(/_/g, ''));
  const digits = text.slice(hash + 1).replace(/_/g, '');
  const pattern = DIGITS[base];
  if (!pattern) return `base ${base} is not allowed in '${text}': use 2#, 8# or 16#`;
  if (!pattern.test(digits)) return `'${text}' has digits that are not valid in base ${base}`;
  const prefix = base === 2 ? '0b' : base === 8 ? '0o' : '0x';
  return BigInt(prefix + digits);
}

/** Digits only (`123`): most integer literals, read without copies or patterns. */
function isPlainDecimal(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function decodeInteger(text: string): Decoded {
  if (isPlainDecimal(text)) return { ok: true, value: { type: 'int', value: BigInt(text) } };
  const m = integerMagnitude(text);
  if (typeof m === 'string') return bad(m, { type: 'int', value: 0n });
  return ok({ type: 'int', value: m });
}

export function decodeReal(text: string): Decoded {
  const v = Number(text.indexOf('_') < 0 ? text : text.replace(/_/g, ''));
  if (!Number.isFinite(v)) return bad(`'${text}' is not a valid real number`, { type: 'real', value: 0 });
  return ok({ type: 'real', value: v });
}

// ---------------------------------------------------------------- strings

const SIMPLE_ESCAPES: Record<string, string> = {
  $: '$', "'": "'", '"': '"', L: '\n', N: '\n', P: '\f', R: '\r', T: '\t',
};

/** `'abc'` or `"abc"` with the quotes, $-escapes decoded. */
export function decodeString(quoted: string): Decoded {
  const wide = quoted.startsWith('"');
  const body = quoted.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    const e = body[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e.toUpperCase()];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const width = wide ? 4 : 2;
    const hex = body.slice(i + 1, i + 1 + width);
    if (hex.length === width && /^[0-9A-Fa-f]+$/.test(hex)) {
      out += String.fromCharCode(parseInt(hex, 16));
      i += width;
      continue;
    }
    return bad(
      `invalid escape '$${e}' in ${wide ? 'WSTRING' : 'STRING'} literal: use $$, $', $", $L, $N, $P, $R, $T or $ with ${width} hex digits`,
      { type: 'string', value: '', wide },
    );
  }
  return ok({ type: 'string', value: out, wide });
}

// ---------------------------------------------------------------- durations, dates, times of day

const NS_PER: Record<string, number> = {
  D: 86_400e9, H: 3_600e9, M: 60e9, S: 1e9, MS: 1e6, US: 1e3, NS: 1,
};
const UNIT_ORDER = ['D', 'H', 'M', 'S', 'MS', 'US', 'NS'];

function prefixOf(text: string): [string, string] {
  const hash = text.indexOf('#');
  return [text.slice(0, hash).toUpperCase(), text.slice(hash + 1)];
}

/** `T#1h2m3s4ms`, `TIME#-1.5s`, `LTIME#5us`, `T#1d_2h`: nanoseconds. */
export function decodeDuration(text: string): Decoded {
  const [prefix, rest] = prefixOf(text);
  const long = prefix === 'LTIME' || prefix === 'LT';
  const fallback: LiteralValue = { type: 'time', ns: 0, long };
  let s = rest.replace(/_/g, '');
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '') return bad(`'${text}' has no duration after '#'`, fallback);
  const part = /^(\d+(?:\.\d+)?)(ms|us|ns|d|h|m|s)/i;
  let ns = 0;
  let lastUnit = -1;
  while (s.length > 0) {
    const m = part.exec(s);
    if (!m) return bad(`'${text}' is not a valid duration: use units d, h, m, s, ms, us, ns as in T#1h30m`, fallback);
    const unit = m[2]!.toUpperCase();
    const order = UNIT_ORDER.indexOf(unit);
    if (order <= lastUnit) return bad(`'${text}' is not a valid duration: units must go from days down to nanoseconds, each once`, fallback);
    lastUnit = order;
    const num = m[1]!;
    const [whole, frac = ''] = num.split('.');
    ns += Number(whole) * NS_PER[unit]! + (frac ? Math.round(Number('0.' + frac) * NS_PER[unit]!) : 0);
    s = s.slice(m[0].length);
  }
  if (!Number.isSafeInteger(ns)) return bad(`'${text}' is too long a duration`, fallback);
  return ok({ type: 'time', ns: sign * ns + 0, long });
}

function isValidDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate(); // days in month mo (leap year 2000 for Feb)
  if (d > days) return false;
  if (mo === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return true;
}

function utcMs(y: number, mo: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getTime();
}

/** `D#2024-01-31`: milliseconds since 1970-01-01 UTC. */
export function decodeDate(text: string): Decoded {
  const [prefix, rest] = prefixOf(text);
  const long = prefix.startsWith('L');
  const fallback: LiteralValue = { type: 'date', ms: 0, long };
  const m = /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/.exec(rest.replace(/_/g, ''));
  if (!m) return bad(`'${text}' is not a valid date: write it as D#yyyy-mm-dd`, fallback);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDate(y, mo, d)) return bad(`'${text}' is not a date of the calendar`, fallback);
  return ok({ type: 'date', ms: utcMs(y, mo, d), long });
}

/** `hh:mm:ss.fff` → nanoseconds since midnight, or null. */
function timeOfDayNs(text: string): number | null {
  const m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?$/.exec(text);
  if (!m) return null;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  const frac = m[4] ? Math.round(Number('0.' + m[4]) * 1e9) : 0;
  return ((h * 60 + mi) * 60 + s) * 1e9 + frac;
}

/** `TOD#12:30:15.5`: nanoseconds since midnight. */
export function decodeTimeOfDay(text: string): Decoded {
  const [prefix, rest] = prefixOf(text);
  const long = prefix.startsWith('L');
  const fallback: LiteralValue = { type: 'tod', ns: 0, long };
  const ns = timeOfDayNs(rest.replace(/_/g, ''));
  if (ns === null) return bad(`'${text}' is not a valid time of day: write it as TOD#hh:mm:ss.fff`, fallback);
  return ok({ type: 'tod', ns, long });
}

/** `DT#2024-01-31-12:30:15.5`: milliseconds since 1970-01-01 UTC, fraction kept. */
export function decodeDateAndTime(text: string): Decoded {
  const [prefix, rest] = prefixOf(text);
  const long = prefix.startsWith('L');
  const fallback: LiteralValue = { type: 'dt', ms: 0, long };
  const m = /^(\d{1,4})-(\d{1,2})-(\d{1,2})-(.*)$/.exec(rest.replace(/_/g, ''));
  const ns = m ? timeOfDayNs(m[4]!) : null;
  if (!m || ns === null) return bad(`'${text}' is not a valid date and time: write it as DT#yyyy-mm-dd-hh:mm:ss.fff`, fallback);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDate(y, mo, d)) return bad(`'${text}' is not a date of the calendar`, fallback);
  return ok({ type: 'dt', ms: utcMs(y, mo, d) + ns / 1e6, long });
}

// ---------------------------------------------------------------- typed literals

/**
 * `INT#-5`, `UDINT#16#FF`, `REAL#1`, `BOOL#1`, `STRING#'x'`, or `Color#Red` (an enum value,
 * when the prefix is not an elementary type name).
 */
export function decodeTyped(text: string): Decoded | EnumValue {
  const hash = text.indexOf('#');
  const typeName = text.slice(0, hash);
  const upper = typeName.toUpperCase();
  const rest = text.slice(hash + 1);
  const first = rest.charAt(0);
  const isNumber = /^[+-]?\d/.test(rest);
  const isString = first === "'" || first === '"';

  if (upper === 'BOOL') {
    const v = rest.toUpperCase();
    const fallback: LiteralValue = { type: 'bool', value: false, typeName: upper };
    if (v === '1' || v === 'TRUE') return ok({ type: 'bool', value: true, typeName: upper });
    if (v === '0' || v === 'FALSE') return ok({ type: 'bool', value: false, typeName: upper });
    return bad(`'${text}' is not a BOOL: use BOOL#0, BOOL#1, BOOL#TRUE or BOOL#FALSE`, fallback);
  }
  const range = INTEGER_RANGES[upper];
  if (range) {
    const fallback: LiteralValue = { type: 'int', value: 0n, typeName: upper };
    if (!isNumber) return bad(`'${text}' is not a valid ${upper} literal`, fallback);
    const negative = rest.startsWith('-');
    const digits = rest.replace(/^[+-]/, '');
    if (/[.eE]/.test(digits) && !digits.includes('#')) return bad(`'${text}': ${upper} needs an integer`, fallback);
    const m = integerMagnitude(digits);
    if (typeof m === 'string') return bad(m, fallback);
    const value = negative ? -m : m;
    if (value < range[0] || value > range[1]) {
      return bad(`${upper}#${rest} is out of range for ${upper} (${range[0]} to ${range[1]})`, fallback);
    }
    return ok({ type: 'int', value, typeName: upper });
  }
  if (REAL_TYPES.has(upper)) {
    const fallback: LiteralValue = { type: 'real', value: 0, typeName: upper };
    if (!isNumber || rest.includes('#')) return bad(`'${text}' is not a valid ${upper} literal`, fallback);
    const v = Number(rest.replace(/_/g, ''));
    if (!Number.isFinite(v) || (upper === 'REAL' && Math.abs(v) > 3.4028234663852886e38)) {
      return bad(`'${text}' is out of range for ${upper}`, fallback);
    }
    return ok({ type: 'real', value: v, typeName: upper });
  }
  if (STRING_TYPES.has(upper)) {
    const wide = upper === 'WSTRING' || upper === 'WCHAR';
    const fallback: LiteralValue = { type: 'string', value: '', wide };
    if (!isString) return bad(`'${text}' is not a valid ${upper} literal: put the text in quotes`, fallback);
    const d = decodeString(rest);
    if (!d.ok) return d;
    const value = d.value.type === 'string' ? d.value.value : '';
    if ((upper === 'CHAR' || upper === 'WCHAR') && value.length !== 1) {
      return bad(`'${text}' must hold exactly one character`, fallback);
    }
    return ok({ type: 'string', value, wide });
  }
  if (OTHER_ELEMENTARY.has(upper)) {
    return bad(`'${text}' is not a valid ${upper} literal`, { type: 'int', value: 0n });
  }
  if (isNumber || isString) {
    return bad(`'${typeName}' is not an elementary type, so '${text}' is not a literal`, { type: 'int', value: 0n });
  }
  return { enumType: typeName, value: rest };
}

/**
 * The value of a literal token, by the token's type name (compiler/st/lexer.ts); undefined for
 * a token that is not a literal. Both AST builders read literals through it.
 */
export function decodeLiteralToken(tokenType: string, text: string): Decoded | EnumValue | undefined {
  switch (tokenType) {
    case 'IntegerLiteral':
    case 'BasedInteger':
      return decodeInteger(text);
    case 'RealLiteral':
      return decodeReal(text);
    case 'TRUE':
      return ok({ type: 'bool', value: true });
    case 'FALSE':
      return ok({ type: 'bool', value: false });
    case 'SString':
    case 'DString':
      return decodeString(text);
    case 'DurationLiteral':
      return decodeDuration(text);
    case 'DateLiteral':
      return decodeDate(text);
    case 'TimeOfDayLiteral':
      return decodeTimeOfDay(text);
    case 'DateAndTimeLiteral':
      return decodeDateAndTime(text);
    case 'TypedLiteral':
      return decodeTyped(text);
    default:
      return undefined;
  }
}

/**
 * `-` or `+` on an untyped number or a duration literal, folded into the literal (IEC 61131-3
 * 6.3.2 signed literals: `-5` is the literal -5); undefined where the operator stays an operator.
 */
export function signedLiteral(op: string, v: LiteralValue): LiteralValue | undefined {
  if (op !== '-' && op !== '+') return undefined;
  const neg = op === '-';
  if (v.type === 'int' && v.typeName === undefined) return { type: 'int', value: neg ? -v.value : v.value };
  if (v.type === 'real' && v.typeName === undefined) return { type: 'real', value: neg ? -v.value : v.value };
  if (v.type === 'time') return { type: 'time', ns: neg ? -v.ns + 0 : v.ns, long: v.long };
  return undefined;
}
