/**
 * Helpers every generated module starts with. Small functions that V8 inlines: integer
 * division with the fault check, bounds checks, string and time functions, 64-bit shifts.
 * `$sites` is filled by the module: one entry [pou, file, line] per place that can fault.
 */

/**
 * Math functions the prelude holds as constants `$name`: a call through one is shorter bytecode
 * than `Math.name(…)` (see real-rounding.ts), and V8 still recognises the builtin.
 */
const MATH_CONSTANTS = ['fround', 'imul'];

/**
 * `code` of this module's emitters for a place without the prelude (a 61499 connection's
 * conversion): the constants standing for Math functions spelled as those functions.
 */
export function withoutPreludeConstants(code: string): string {
  return code.replace(new RegExp(`\\$(${MATH_CONSTANTS.join('|')})\\(`, 'g'), 'Math.$1(');
}

export const PRELUDE = String.raw`
"use strict";
${MATH_CONSTANTS.map((f) => `const $${f} = Math.${f};`).join('\n')}
let $G = null;
const $trace = rt.trace || new Int32Array(2);
function $fault(kind, site, detail) { const s = $sites[site]; return rt.fault(kind, s[0], s[1], s[2], detail); }
function $idiv(a, b, site) { if (b === 0) $fault('DIVISION_BY_ZERO', site, 'integer division by zero'); return (a / b) | 0; }
function $udiv(a, b, site) { if (b === 0) $fault('DIVISION_BY_ZERO', site, 'integer division by zero'); return Math.trunc(a / b); }
function $imod(a, b, site) { if (b === 0) $fault('DIVISION_BY_ZERO', site, 'MOD by zero'); return a % b; }
function $div64(a, b, site, signed) { if (b === 0n) $fault('DIVISION_BY_ZERO', site, 'integer division by zero'); return signed ? BigInt.asIntN(64, a / b) : a / b; }
function $mod64(a, b, site) { if (b === 0n) $fault('DIVISION_BY_ZERO', site, 'MOD by zero'); return a % b; }
function $tdiv(a, b, site) { if (b === 0) $fault('DIVISION_BY_ZERO', site, 'time divided by zero'); return Math.trunc(a / b); }
function $chk(i, lo, hi, site) { if (i < lo || i > hi) $fault('INDEX_OUT_OF_RANGE', site, 'index ' + i + ' outside ' + lo + '..' + hi); return i - lo; }
function $sub(v, lo, hi, site) { if (v < lo || v > hi) $fault('SUBRANGE', site, 'value ' + v + ' outside ' + lo + '..' + hi); return v; }
function $deref(r, site) { if (r === null || r === undefined) $fault('NULL_REFERENCE', site, 'dereference of a NULL reference'); return r; }
// references to elementary variables: a cell is the holder object and the key of the variable
// there, one per variable (REF(x) = REF(x)); a frame cell reaches a function's or VAR_TEMP local
// and faults once that call has returned
class $Cell { constructor(o, k) { this.o = o; this.k = k; } get(site) { return this.o[this.k]; } set(v, site) { this.o[this.k] = v; } }
class $BoolCell extends $Cell { get(site) { return this.o[this.k] !== 0; } set(v, site) { this.o[this.k] = v ? 1 : 0; } }
class $FrameCell extends $Cell {
  get(site) { if (!this.o.$live) $fault('DANGLING_REFERENCE', site, 'dereference of a reference to a local of a call that has returned'); return this.o[this.k]; }
  set(v, site) { if (!this.o.$live) $fault('DANGLING_REFERENCE', site, 'dereference of a reference to a local of a call that has returned'); this.o[this.k] = v; }
}
const $cells = new WeakMap();
function $cellOf(o, k, C) {
  let m = $cells.get(o);
  if (m === undefined) { m = new Map(); $cells.set(o, m); }
  let c = m.get(k);
  if (c === undefined) { c = new C(o, k); m.set(k, c); }
  return c;
}
function $rd(r, site) { if (r === null || r === undefined) $fault('NULL_REFERENCE', site, 'dereference of a NULL reference'); return r.get(site); }
function $wr(r, v, site) { if (r === null || r === undefined) $fault('NULL_REFERENCE', site, 'dereference of a NULL reference'); r.set(v, site); }
function $limit(mn, x, mx) { const y = x < mn ? mn : x; return y > mx ? mx : y; }
function $max(a, b) { return a > b ? a : b; }
function $min(a, b) { return a < b ? a : b; }
function $abs64(x) { return x < 0n ? BigInt.asIntN(64, -x) : x; }
// to nearest, ties to even, without branches: adding 1.5 * 2^52 leaves no fraction bits and the
// FPU rounds ties to even (|x| >= 2^51 is integral already)
function $round(x) { return x > -2251799813685248 && x < 2251799813685248 ? (x + 6755399441055744) - 6755399441055744 : x; }
function $realToBig(x, bits, signed) { if (!Number.isFinite(x)) return 0n; const v = BigInt($round(x)); return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v); }
function $rol(x, n, bits) { n = ((n % bits) + bits) % bits; if (bits === 32) { x = x >>> 0; return n === 0 ? x : ((x << n) | (x >>> (32 - n))) >>> 0; } const m = (1 << bits) - 1; x = x & m; return ((x << n) | (x >>> (bits - n))) & m; }
function $ror(x, n, bits) { n = ((n % bits) + bits) % bits; return $rol(x, (bits - n) % bits, bits); }
function $shl64(x, n) { return n >= 64 ? 0n : BigInt.asUintN(64, x << BigInt(n)); }
function $shr64(x, n) { return n >= 64 ? 0n : BigInt.asUintN(64, x) >> BigInt(n); }
function $rol64(x, n) { n = ((n % 64) + 64) % 64; x = BigInt.asUintN(64, x); return n === 0 ? x : BigInt.asUintN(64, (x << BigInt(n)) | (x >> BigInt(64 - n))); }
function $ror64(x, n) { n = ((n % 64) + 64) % 64; return $rol64(x, (64 - n) % 64); }
function $str(s, n) { return s.length > n ? s.slice(0, n) : s; }
function $left(s, l) { return l <= 0 ? '' : s.slice(0, l); }
function $right(s, l) { return l <= 0 ? '' : l >= s.length ? s : s.slice(s.length - l); }
function $mid(s, l, p) { return l <= 0 || p < 1 ? '' : s.substr(p - 1, l); }
function $insert(a, b, p) { return a.slice(0, Math.max(0, p)) + b + a.slice(Math.max(0, p)); }
function $delete(s, l, p) { return p < 1 ? s : s.slice(0, p - 1) + s.slice(p - 1 + Math.max(0, l)); }
function $replace(a, b, l, p) { return p < 1 ? a : a.slice(0, p - 1) + b + a.slice(p - 1 + Math.max(0, l)); }
function $dtToTod(ms) { const d = ((ms % 86400000) + 86400000) % 86400000; return Math.round(d * 1e6); }
function $dtToDate(ms) { return ms - (((ms % 86400000) + 86400000) % 86400000); }
function $fromBcd(x, site) { let v = 0, m = 1; x = Number(x); while (x > 0) { v += (x % 16) * m; m *= 10; x = Math.floor(x / 16); } return v; }
function $toBcd(x, site) { x = Number(x); if (x < 0) $fault('INTERNAL', site, 'negative value has no BCD form'); let v = 0, m = 1; while (x > 0) { v += (x % 10) * m; m *= 16; x = Math.floor(x / 10); } return v >>> 0; }
function $realStr(x) { return String(x); }
function $singleStr(x) { if (x !== x || x === Infinity || x === -Infinity) return String(x); for (let p = 1; p < 9; p++) { const s = x.toPrecision(p); if (Math.fround(+s) === x) return String(+s); } return String(x); }
function $timeStr(ns, prefix) {
  let s = ns < 0 ? '-' : ''; let v = Math.abs(ns);
  const parts = [['d', 864e11], ['h', 36e11], ['m', 6e10], ['s', 1e9], ['ms', 1e6], ['us', 1e3], ['ns', 1]];
  let out = '';
  for (const [u, f] of parts) { const q = Math.floor(v / f); if (q > 0) { out += q + u; v -= q * f; } }
  return prefix + s + (out || '0s');
}
function $pad(n, w) { return String(n).padStart(w, '0'); }
function $dateStr(ms) { const d = new Date(ms); return 'D#' + d.getUTCFullYear() + '-' + $pad(d.getUTCMonth() + 1, 2) + '-' + $pad(d.getUTCDate(), 2); }
function $todStr(ns) { const ms = ns / 1e6; const h = Math.floor(ms / 3600000), m = Math.floor(ms / 60000) % 60, s = (ms / 1000) % 60; return 'TOD#' + $pad(h, 2) + ':' + $pad(m, 2) + ':' + (s < 10 ? '0' : '') + String(Math.round(s * 1000) / 1000); }
function $dtStr(ms) { const d = new Date(ms); return 'DT#' + d.getUTCFullYear() + '-' + $pad(d.getUTCMonth() + 1, 2) + '-' + $pad(d.getUTCDate(), 2) + '-' + $pad(d.getUTCHours(), 2) + ':' + $pad(d.getUTCMinutes(), 2) + ':' + $pad(d.getUTCSeconds(), 2) + (d.getUTCMilliseconds() ? '.' + $pad(d.getUTCMilliseconds(), 3) : ''); }
function $strToNum(s) { const t = String(s).trim().replace(/_/g, ''); const m = /^([+-]?)(2|8|16)#([0-9a-f]+)$/i.exec(t); if (m) { const v = parseInt(m[3], Number(m[2])); return m[1] === '-' ? -v : v; } const v = Number(t); return Number.isFinite(v) ? v : 0; }
function $strToTime(s) { const t = String(s).trim().toUpperCase().replace(/^(T|TIME|LTIME)#/, '').replace(/_/g, ''); const neg = t.startsWith('-'); let ns = 0; const re = /(\d+(?:\.\d+)?)(D|H|MS|M|S|US|NS)/g; let m; const f = { D: 864e11, H: 36e11, M: 6e10, S: 1e9, MS: 1e6, US: 1e3, NS: 1 }; while ((m = re.exec(t))) ns += Number(m[1]) * f[m[2]]; return Math.round(neg ? -ns : ns); }
const $cvb = new ArrayBuffer(8); const $f32 = new Float32Array($cvb); const $u32 = new Uint32Array($cvb); const $f64 = new Float64Array($cvb); const $u64 = new BigUint64Array($cvb);
function $bitsToReal(u) { $u32[0] = u; return $f32[0]; }
function $realToBits(x) { $f32[0] = x; return $u32[0]; }
function $bitsToLreal(u) { $u64[0] = u; return $f64[0]; }
function $lrealToBits(x) { $f64[0] = x; return $u64[0]; }
function $copyArray(dst, src, copy) { const n = Math.min(dst.length, src.length); for (let i = 0; i < n; i++) copy(dst[i], src[i]); }
`;
