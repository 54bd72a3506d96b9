import type { ImageView } from '../../compiler/application.js';
import { parseAddress, readRaw, writeRaw, type ImageAddress } from '../../compiler/contract/address.js';

/** How a process image word is read in a test: `%ID0` as REAL unless told otherwise. */
export type ImageValueType = 'BOOL' | 'INT' | 'UINT' | 'DINT' | 'UDINT' | 'REAL' | 'LREAL' | 'LINT';

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const I32 = new Int32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

export function address(text: string): ImageAddress {
  const a = parseAddress(text);
  if (typeof a === 'string') throw new Error(a);
  return a;
}

function defaultType(a: ImageAddress): ImageValueType {
  return a.size === 'X' ? 'BOOL' : a.size === 'D' ? 'REAL' : a.size === 'L' ? 'LREAL' : 'INT';
}

export function readImage(view: ImageView, text: string, type?: ImageValueType): boolean | number | bigint {
  const a = address(text);
  const raw = readRaw(view, a);
  const t = type ?? defaultType(a);
  if (typeof raw === 'boolean') return raw;
  switch (t) {
    case 'BOOL': return Number(raw) !== 0;
    case 'REAL': U32[0] = Number(raw); return F32[0]!;
    case 'DINT': U32[0] = Number(raw); return I32[0]!;
    case 'LREAL': U64[0] = BigInt(raw); return F64[0]!;
    case 'LINT': return BigInt.asIntN(64, BigInt(raw));
    case 'INT': return a.size === 'W' ? (Number(raw) << 16) >> 16 : Number(raw);
    default: return typeof raw === 'bigint' ? raw : Number(raw);
  }
}

export function writeImage(view: ImageView, text: string, value: boolean | number | bigint, type?: ImageValueType): void {
  const a = address(text);
  const t = type ?? defaultType(a);
  let raw: boolean | number | bigint;
  if (a.size === 'X') raw = Boolean(value);
  else if (t === 'REAL') { F32[0] = Number(value); raw = U32[0]!; }
  else if (t === 'LREAL') { F64[0] = Number(value); raw = U64[0]!; }
  else if (a.size === 'L') raw = BigInt.asUintN(64, BigInt(value));
  else if (a.size === 'D') raw = Number(value) >>> 0;
  else if (a.size === 'W') raw = Number(value) & 0xffff;
  else raw = Number(value) & 0xff;
  writeRaw(view, a, raw);
}
