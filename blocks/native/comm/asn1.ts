import type { ElementaryTypeName, TypeInfo } from '../../../compiler/application.js';

/**
 * The data encoding of the IEC 61499 Compliance Profile for Feasibility Demonstrations (the
 * ASN.1 / ISO 8825 based encoding FBDK and FORTE put on the wire): every value is one tag
 * byte (class APPLICATION, 0x40, plus the type's tag number; CONSTRUCTED, 0x20, for ARRAY and
 * STRUCT) and its value, big-endian. BOOL carries its value in the tag (0x40 FALSE, 0x41 TRUE).
 * Integers and bit strings have their type's width; REAL/LREAL are IEC 60559 bits; TIME is a
 * signed 64-bit count of microseconds; DATE, TOD and DT are 64-bit counts of nanoseconds
 * (since 1970-01-01 or since midnight), as FORTE holds them; STRING is a 16-bit length and its
 * UTF-8 bytes; WSTRING a 16-bit count of UTF-16 units and those units. An ARRAY is a 16-bit
 * element count, the element tag once and the element values (a BOOL array: each element with
 * its own tag); a STRUCT is its members' values in order (BOOL members with their tag).
 * An SD-less message is the single NULL byte 0x05.
 */

export const APPLICATION = 0x40;
export const CONSTRUCTED = 0x20;
/** the one byte of a message without data (PUBLISH_0, CLIENT_0 …) */
export const NULL_TAG = 0x05;

/** Tag numbers of the compliance profile (plus FORTE's for CHAR, WCHAR and the long types). */
export const TAG: Readonly<Record<ElementaryTypeName | 'STRING' | 'WSTRING' | 'ARRAY' | 'STRUCT', number>> = {
  BOOL: 1, SINT: 2, INT: 3, DINT: 4, LINT: 5, USINT: 6, UINT: 7, UDINT: 8, ULINT: 9,
  REAL: 10, LREAL: 11, TIME: 12, DATE: 13, TOD: 14, DT: 15, STRING: 16,
  BYTE: 17, WORD: 18, DWORD: 19, LWORD: 20, WSTRING: 21, ARRAY: 22,
  CHAR: 23, WCHAR: 24, LDATE: 25, LTOD: 26, LDT: 27, LTIME: 28,
  // FORTE's CIEC_STRUCT: APPLICATION + CONSTRUCTED + 1
  STRUCT: 1,
};

/** Value width in bytes of the fixed-size elementary types (BOOL: 0, in the tag). */
const WIDTH: Readonly<Record<ElementaryTypeName, number>> = {
  BOOL: 0, SINT: 1, USINT: 1, BYTE: 1, CHAR: 1, INT: 2, UINT: 2, WORD: 2, WCHAR: 2,
  DINT: 4, UDINT: 4, DWORD: 4, REAL: 4, LINT: 8, ULINT: 8, LWORD: 8, LREAL: 8,
  TIME: 8, LTIME: 8, DATE: 8, LDATE: 8, TOD: 8, LTOD: 8, DT: 8, LDT: 8,
};

export class Asn1Error extends Error {}

const charCode = (v: unknown): number => (typeof v === 'string' ? v.charCodeAt(0) || 0 : Number(v));

/** The tag byte of a value of type t. */
export function tagOf(t: TypeInfo): number {
  switch (t.kind) {
    case 'elementary': return APPLICATION | TAG[t.name];
    case 'enum': return APPLICATION | TAG[t.base];
    case 'string': return APPLICATION | (t.wide ? TAG.WSTRING : TAG.STRING);
    case 'array': return APPLICATION | CONSTRUCTED | TAG.ARRAY;
    case 'struct': return APPLICATION | CONSTRUCTED | TAG.STRUCT;
    default: throw new Asn1Error(`a ${t.kind} cannot be sent`);
  }
}

function elementCount(t: TypeInfo & { kind: 'array' }): number {
  return t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
}

/** A growable byte buffer reused from message to message. */
export class Asn1Writer {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** One data point: tag and value. */
  dataPoint(t: TypeInfo, v: unknown): void {
    this.byte(tagOf(t));
    if (t.kind === 'elementary' && t.name === 'BOOL') {
      if (!v) this.buf[this.pos - 1] = APPLICATION; // FALSE: the tag without its number
      return;
    }
    this.value(t, v);
  }

  /** A value without its tag (BOOL needs its tag: use dataPoint). */
  value(t: TypeInfo, v: unknown): void {
    switch (t.kind) {
      case 'elementary': return this.elementary(t.name, v);
      case 'enum': return this.elementary(t.base, v);
      case 'string': return t.wide ? this.wstring(String(v ?? '')) : this.string(String(v ?? ''));
      case 'array': return this.array(t, v as ArrayLike<unknown>);
      case 'struct': {
        const o = v as Record<string, unknown>;
        for (const f of t.fields) {
          if (f.type.kind === 'elementary' && f.type.name === 'BOOL') this.dataPoint(f.type, o[f.prop]);
          else this.value(f.type, o[f.prop]);
        }
        return;
      }
      default: throw new Asn1Error(`a ${t.kind} cannot be sent`);
    }
  }

  private array(t: TypeInfo & { kind: 'array' }, v: ArrayLike<unknown>): void {
    const n = elementCount(t);
    if (n > 0xffff) throw new Asn1Error(`an ARRAY of ${n} elements is longer than the encoding's 65535`);
    this.room(3);
    this.view.setUint16(this.pos, n);
    this.pos += 2;
    const e = t.element;
    if (e.kind === 'elementary' && e.name === 'BOOL') {
      for (let k = 0; k < n; k++) this.dataPoint(e, v[k]);
      return;
    }
    this.byte(tagOf(e));
    for (let k = 0; k < n; k++) this.value(e, v[k]);
  }

  private string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    if (bytes.length > 0xffff) throw new Asn1Error('a STRING longer than 65535 bytes cannot be sent');
    this.room(2 + bytes.length);
    this.view.setUint16(this.pos, bytes.length);
    this.buf.set(bytes, this.pos + 2);
    this.pos += 2 + bytes.length;
  }

  private wstring(s: string): void {
    if (s.length > 0xffff) throw new Asn1Error('a WSTRING longer than 65535 characters cannot be sent');
    this.room(2 + 2 * s.length);
    this.view.setUint16(this.pos, s.length);
    this.pos += 2;
    for (let k = 0; k < s.length; k++, this.pos += 2) this.view.setUint16(this.pos, s.charCodeAt(k));
  }

  private elementary(name: ElementaryTypeName, v: unknown): void {
    const w = WIDTH[name];
    this.room(w);
    const d = this.view;
    const p = this.pos;
    switch (name) {
      case 'SINT': d.setInt8(p, Number(v)); break;
      case 'USINT': case 'BYTE': d.setUint8(p, Number(v) & 0xff); break;
      // a CHAR parameter (CHAR#'a') is held as its text, a computed one as its code
      case 'CHAR': d.setUint8(p, charCode(v) & 0xff); break;
      case 'WCHAR': d.setUint16(p, charCode(v) & 0xffff); break;
      case 'INT': d.setInt16(p, Number(v)); break;
      case 'UINT': case 'WORD': d.setUint16(p, Number(v) & 0xffff); break;
      case 'DINT': d.setInt32(p, Number(v)); break;
      case 'UDINT': case 'DWORD': d.setUint32(p, Number(v) >>> 0); break;
      case 'LINT': d.setBigInt64(p, BigInt(v as bigint)); break;
      case 'ULINT': case 'LWORD': d.setBigUint64(p, BigInt.asUintN(64, BigInt(v as bigint))); break;
      case 'REAL': d.setFloat32(p, Number(v)); break;
      case 'LREAL': d.setFloat64(p, Number(v)); break;
      // TIME is held in ns: the profile counts µs
      case 'TIME': case 'LTIME': d.setBigInt64(p, BigInt(Math.trunc(Number(v) / 1000))); break;
      // DATE and DT are held in ms since 1970, TOD in ns since midnight: on the wire, ns
      case 'DATE': case 'LDATE': case 'DT': case 'LDT': d.setBigUint64(p, BigInt(Math.trunc(Number(v))) * 1_000_000n); break;
      case 'TOD': case 'LTOD': d.setBigUint64(p, BigInt(Math.trunc(Number(v)))); break;
      default: throw new Asn1Error(`${name} cannot be sent`);
    }
    this.pos += w;
  }
}

/** Why a message could not be read: the type of a data point differs, or the message ends early. */
export type Asn1ReadError = 'type' | 'truncated';

/** Reads data points from a received message; -errors are returned by the caller's check of `error`. */
export class Asn1Reader {
  pos = 0;
  error: Asn1ReadError | undefined;
  private view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): boolean {
    if (this.pos + n <= this.buf.length) return true;
    this.error ??= 'truncated';
    return false;
  }

  /** One data point of type t; `into` is the existing storage of an ARRAY or STRUCT (filled in place). */
  dataPoint(t: TypeInfo, into?: unknown): unknown {
    if (!this.need(1)) return undefined;
    const tag = this.buf[this.pos++]!;
    if (t.kind === 'elementary' && t.name === 'BOOL') {
      if (tag === APPLICATION) return false;
      if (tag === (APPLICATION | TAG.BOOL)) return true;
      this.error ??= 'type';
      return undefined;
    }
    if (tag !== tagOf(t)) {
      this.error ??= 'type';
      return undefined;
    }
    return this.value(t, into);
  }

  value(t: TypeInfo, into?: unknown): unknown {
    switch (t.kind) {
      case 'elementary': return this.elementary(t.name);
      case 'enum': return this.elementary(t.base);
      case 'string': return t.wide ? this.wstring() : this.string();
      case 'array': return this.array(t, into as { [k: number]: unknown; length: number } | undefined);
      case 'struct': {
        const o = (into ?? {}) as Record<string, unknown>;
        for (const f of t.fields) {
          const cur = o[f.prop];
          const v = f.type.kind === 'elementary' && f.type.name === 'BOOL' ? this.dataPoint(f.type) : this.value(f.type, cur);
          if (this.error) return o;
          if (v !== cur) o[f.prop] = v;
        }
        return o;
      }
      default:
        this.error ??= 'type';
        return undefined;
    }
  }

  private array(t: TypeInfo & { kind: 'array' }, into: { [k: number]: unknown; length: number } | undefined): unknown {
    if (!this.need(2)) return into;
    const count = this.view.getUint16(this.pos);
    this.pos += 2;
    const n = elementCount(t);
    const out = into ?? new Array<unknown>(n);
    const e = t.element;
    const isBool = e.kind === 'elementary' && e.name === 'BOOL';
    if (count > 0 && !isBool) {
      if (!this.need(1)) return out;
      if (this.buf[this.pos++] !== tagOf(e)) {
        this.error ??= 'type';
        return out;
      }
    }
    // as FORTE: elements beyond the receiver's length are read and dropped
    for (let k = 0; k < count; k++) {
      const cur = k < n ? out[k] : undefined;
      const v = isBool ? this.dataPoint(e) : this.value(e, cur);
      if (this.error) return out;
      if (k < n && v !== cur) out[k] = v;
    }
    return out;
  }

  private string(): string | undefined {
    if (!this.need(2)) return undefined;
    const n = this.view.getUint16(this.pos);
    if (!this.need(2 + n)) return undefined;
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos + 2, n).toString('utf8');
    this.pos += 2 + n;
    return s;
  }

  private wstring(): string | undefined {
    if (!this.need(2)) return undefined;
    const n = this.view.getUint16(this.pos);
    if (!this.need(2 + 2 * n)) return undefined;
    let s = '';
    for (let k = 0; k < n; k++) s += String.fromCharCode(this.view.getUint16(this.pos + 2 + 2 * k));
    this.pos += 2 + 2 * n;
    return s;
  }

  private elementary(name: ElementaryTypeName): unknown {
    const w = WIDTH[name];
    if (!this.need(w)) return undefined;
    const d = this.view;
    const p = this.pos;
    this.pos += w;
    switch (name) {
      case 'SINT': return d.getInt8(p);
      case 'USINT': case 'BYTE': case 'CHAR': return d.getUint8(p);
      case 'INT': return d.getInt16(p);
      case 'UINT': case 'WORD': case 'WCHAR': return d.getUint16(p);
      case 'DINT': return d.getInt32(p);
      case 'UDINT': case 'DWORD': return d.getUint32(p);
      case 'LINT': return d.getBigInt64(p);
      case 'ULINT': case 'LWORD': return d.getBigUint64(p);
      case 'REAL': return d.getFloat32(p);
      case 'LREAL': return d.getFloat64(p);
      case 'TIME': case 'LTIME': return Number(d.getBigInt64(p)) * 1000;
      case 'DATE': case 'LDATE': case 'DT': case 'LDT': return Number(d.getBigUint64(p) / 1_000_000n);
      case 'TOD': case 'LTOD': return Number(d.getBigUint64(p));
      default:
        this.error ??= 'type';
        return undefined;
    }
  }
}

/** Encode the data points of one message (SD_1 … SD_n); no data: the NULL byte. */
export function encodeMessage(w: Asn1Writer, types: readonly TypeInfo[], values: readonly unknown[]): Uint8Array {
  w.reset();
  if (types.length === 0) w.byte(NULL_TAG);
  for (let k = 0; k < types.length; k++) w.dataPoint(types[k]!, values[k]);
  return w.bytes();
}

/**
 * Decode one message into `out` (RD_1 … RD_n; ARRAY and STRUCT values filled in place).
 * Returns undefined, or what is wrong with the message.
 */
export function decodeMessage(bytes: Uint8Array, types: readonly TypeInfo[], out: unknown[]): Asn1ReadError | undefined {
  const r = decodePrefix(bytes, types, out);
  return typeof r === 'number' ? undefined : r;
}

/**
 * Decode one message from the start of `bytes` (a TCP stream may hold less or more than one):
 * the number of bytes it took, or what is wrong ('truncated': wait for more).
 */
export function decodePrefix(bytes: Uint8Array, types: readonly TypeInfo[], out: unknown[]): Asn1ReadError | number {
  if (types.length === 0) {
    if (bytes.length === 0) return 'truncated';
    return bytes[0] === NULL_TAG ? 1 : 'type';
  }
  const r = new Asn1Reader(bytes);
  const values: unknown[] = [];
  for (let k = 0; k < types.length; k++) {
    values.push(r.dataPoint(types[k]!, out[k]));
    if (r.error) return r.error;
  }
  // elementary values are taken whole or not at all (ARRAY and STRUCT storage is filled as read)
  for (let k = 0; k < values.length; k++) out[k] = values[k];
  return r.pos;
}

/** The type a received tag names, for an RD port whose type nothing tells (not connected). */
export function typeOfTag(tag: number): TypeInfo | undefined {
  if (tag === APPLICATION) return { kind: 'elementary', name: 'BOOL' };
  if ((tag & 0xe0) !== APPLICATION) return undefined;
  const n = tag & 0x1f;
  if (n === TAG.STRING || n === TAG.WSTRING) return { kind: 'string', wide: n === TAG.WSTRING, length: 65535 };
  const name = (Object.keys(WIDTH) as ElementaryTypeName[]).find((k) => TAG[k] === n);
  return name && { kind: 'elementary', name };
}
