/**
 * JavaScript for value conversions between IEC types, implicit (widening) and explicit
 * (`*_TO_*`), and for wrapping integers to their width. Run-time representations are listed in
 * compiler/application.ts: ≤32-bit integers are numbers, 64-bit ones bigint, TIME ns, DATE/DT ms.
 */
import type { ElementaryTypeName } from '../application.js';
import { ELEMENTARY, type Type } from '../types/types.js';
import { fround } from './real-rounding.js';

/** Wrap a JS number expression to an integer type of ≤ 32 bits. */
export function wrapInt(code: string, name: ElementaryTypeName): string {
  const info = ELEMENTARY[name];
  const signed = info.family === 'signed';
  switch (info.bits) {
    case 8:
      return signed ? `((${code}) << 24 >> 24)` : `((${code}) & 255)`;
    case 16:
      return signed ? `((${code}) << 16 >> 16)` : `((${code}) & 65535)`;
    case 32:
      return signed ? `((${code}) | 0)` : `((${code}) >>> 0)`;
    case 64:
      return signed ? `BigInt.asIntN(64, ${code})` : `BigInt.asUintN(64, ${code})`;
    default:
      return code;
  }
}

/**
 * The longest decimal text of an integer or bit string type (its minimum with the sign), of BOOL
 * ('FALSE'); undefined for the other types. A STRING at least this long needs no truncation.
 */
export function textLength(name: ElementaryTypeName): number | undefined {
  const info = ELEMENTARY[name];
  if (info.family === 'bool') return 5;
  if (info.family !== 'signed' && info.family !== 'unsigned' && info.family !== 'bits') return undefined;
  const digits = info.bits === 8 ? 3 : info.bits === 16 ? 5 : info.bits === 32 ? 10 : info.bits === 64 ? (info.family === 'signed' ? 19 : 20) : 20;
  return info.family === 'signed' ? digits + 1 : digits;
}

function isIntFamily(name: ElementaryTypeName): boolean {
  const f = ELEMENTARY[name].family;
  return f === 'signed' || f === 'unsigned' || f === 'bits' || f === 'char';
}

/** Convert `code` of type `from` to `to`. Assumes the checker accepted the conversion. */
export function convertCode(code: string, from: Type, to: Type): string {
  if (from.kind === 'error' || to.kind === 'error' || to.kind === 'void') return code;
  if (to.kind === 'enum') return from.kind === 'elementary' && ELEMENTARY[from.name].bits === 64 ? `Number(${code})` : code;
  if (from.kind === 'enum') {
    if (to.kind === 'elementary') return convertCode(code, { kind: 'elementary', name: from.base }, to);
    if (to.kind === 'string') return `String(${code})`;
    return code;
  }
  if (to.kind === 'string') return toStringCode(code, from, to.length);
  if (to.kind !== 'elementary') return code;
  const t = to.name;
  const ti = ELEMENTARY[t];
  if (from.kind === 'literalInt' || from.kind === 'literalReal') {
    // literals are emitted in the target's representation already (see emitLiteral)
    return ti.family === 'real' && t === 'REAL' ? fround(code) : code;
  }
  if (from.kind === 'string') return fromStringCode(code, t);
  if (from.kind !== 'elementary') return code;
  const f = from.name;
  const fi = ELEMENTARY[f];
  if (f === t) return code;

  // BOOL
  if (f === 'BOOL') {
    if (ti.bits === 64 && isIntFamily(t)) return `(${code} ? 1n : 0n)`;
    if (ti.family === 'real') return `(${code} ? 1 : 0)`;
    if (ti.family === 'duration') return `(${code} ? 1e6 : 0)`;
    return `(${code} ? 1 : 0)`;
  }
  if (t === 'BOOL') {
    if (fi.bits === 64 && isIntFamily(f)) return `(${code} !== 0n)`;
    return `(${code} !== 0)`;
  }

  // integers and bit strings among themselves
  if (isIntFamily(f) && isIntFamily(t)) {
    if (fi.bits === 64 && ti.bits === 64) return fi.family === ti.family || (ti.family !== 'signed' && fi.family !== 'signed') ? code : wrapInt(code, t);
    if (fi.bits === 64) return wrapInt(`Number(BigInt.asIntN(32, ${code}))`, t);
    if (ti.bits === 64) return ti.family === 'signed' ? `BigInt(${code})` : `BigInt.asUintN(64, BigInt(${code}))`;
    const widening = ti.bits > fi.bits && !(fi.family === 'signed' && ti.family !== 'signed');
    if (widening || (ti.bits === fi.bits && ti.family !== 'signed' && fi.family !== 'signed')) return code;
    return wrapInt(code, t);
  }
  // integer → real
  if (isIntFamily(f) && ti.family === 'real') {
    const n = fi.bits === 64 ? `Number(${code})` : code;
    // integers of up to 16 bits are exact in single precision (24-bit significand): no rounding
    return t === 'REAL' && fi.bits > 16 ? fround(n) : n;
  }
  // real → integer: to nearest, ties to even (IEC 60559; CODESYS rounds ties away from zero)
  if (fi.family === 'real' && isIntFamily(t)) {
    if (ti.bits === 64) return `$realToBig(${code}, 64, ${ti.family === 'signed'})`;
    return wrapInt(`$round(${code})`, t);
  }
  if (fi.family === 'real' && ti.family === 'real') return t === 'REAL' ? fround(code) : code;

  // durations: TIME counts milliseconds when converted to numbers, LTIME nanoseconds
  if (fi.family === 'duration' && ti.family === 'duration') return code;
  if (fi.family === 'duration') {
    const unit = f === 'LTIME' ? '' : ' / 1e6';
    if (ti.family === 'real') return t === 'REAL' ? fround(`(${code})${unit}`) : `((${code})${unit})`;
    if (isIntFamily(t)) {
      const whole = `Math.trunc((${code})${unit})`;
      return ti.bits === 64 ? wrapInt(`BigInt(${whole})`, t) : wrapInt(whole, t);
    }
  }
  if (ti.family === 'duration') {
    const unit = t === 'LTIME' ? '' : ' * 1e6';
    if (fi.family === 'real') return `Math.round((${code})${unit})`;
    if (isIntFamily(f)) return fi.bits === 64 ? `(Number(${code})${unit})` : `((${code})${unit})`;
  }
  // dates: DATE and DT count seconds when converted to numbers, TOD milliseconds
  if (fi.family === ti.family) return code; // DATE→LDATE, TOD→LTOD, DT→LDT
  if (fi.family === 'dt' && ti.family === 'tod') return `$dtToTod(${code})`;
  if (fi.family === 'dt' && ti.family === 'date') return `$dtToDate(${code})`;
  if (fi.family === 'date' && ti.family === 'dt') return code;
  if ((fi.family === 'date' || fi.family === 'dt') && (isIntFamily(t) || ti.family === 'real')) {
    const s = `Math.trunc((${code}) / 1000)`;
    return ti.family === 'real' ? s : ti.bits === 64 ? wrapInt(`BigInt(${s})`, t) : wrapInt(s, t);
  }
  if (fi.family === 'tod' && (isIntFamily(t) || ti.family === 'real')) {
    const s = `Math.trunc((${code}) / 1e6)`;
    return ti.family === 'real' ? s : ti.bits === 64 ? wrapInt(`BigInt(${s})`, t) : wrapInt(s, t);
  }
  if ((ti.family === 'date' || ti.family === 'dt') && (isIntFamily(f) || fi.family === 'real')) {
    return `(Number(${code}) * 1000)`;
  }
  if (ti.family === 'tod' && (isIntFamily(f) || fi.family === 'real')) return `(Number(${code}) * 1e6)`;
  return code;
}

function toStringCode(code: string, from: Type, length: number): string {
  let s: string;
  if (from.kind === 'string') return length < from.length ? `$str(${code}, ${length})` : code;
  if (from.kind === 'literalInt' || from.kind === 'literalReal') s = `String(${code})`;
  else if (from.kind !== 'elementary') s = `String(${code})`;
  else {
    const fam = ELEMENTARY[from.name].family;
    switch (fam) {
      case 'bool': s = `(${code} ? 'TRUE' : 'FALSE')`; break;
      // a template, not String(): V8 compiles it to its number-to-string cache lookup, String() is a call
      case 'signed':
      case 'unsigned':
      case 'bits': s = `\`\${${code}}\``; break;
      // the shortest text that reads back to the same value (REAL#0.1 → '0.1', 42.0 → '42')
      case 'real': s = from.name === 'REAL' ? `$singleStr(${code})` : `$realStr(${code})`; break;
      case 'duration': s = `$timeStr(${code}, '${from.name === 'LTIME' ? 'LTIME#' : 'T#'}')`; break;
      case 'date': s = `$dateStr(${code})`; break;
      case 'tod': s = `$todStr(${code})`; break;
      case 'dt': s = `$dtStr(${code})`; break;
      case 'char': s = `String.fromCharCode(${code})`; break;
      default: s = `String(${code})`;
    }
  }
  const most = from.kind === 'elementary' ? textLength(from.name) : undefined;
  return length < 254 && !(most !== undefined && most <= length) ? `$str(${s}, ${length})` : s;
}

function fromStringCode(code: string, t: ElementaryTypeName): string {
  const ti = ELEMENTARY[t];
  switch (ti.family) {
    case 'bool':
      return `(/^\\s*(TRUE|1)\\s*$/i.test(${code}))`;
    case 'real':
      return t === 'REAL' ? fround(`$strToNum(${code})`) : `$strToNum(${code})`;
    case 'duration':
      return `$strToTime(${code})`;
    case 'char':
      return `((${code}).charCodeAt(0) || 0)`;
    case 'signed':
    case 'unsigned':
    case 'bits':
      if (ti.bits === 64) return wrapInt(`BigInt(Math.trunc($strToNum(${code})))`, t);
      return wrapInt(`Math.trunc($strToNum(${code}))`, t);
    default:
      return `0`;
  }
}
