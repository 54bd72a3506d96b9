import type { IoDataType } from './config.js';
import type { ImageSize } from '../compiler/contract/address.js';

/**
 * Data types of I/O points: their width, the image size letter that holds them, and the
 * conversion between a typed value (what a program or OPC UA sees) and its raw bits (what the
 * process image and Modbus registers hold).
 */
export function typeBits(t: IoDataType): 1 | 8 | 16 | 32 | 64 {
  switch (t) {
    case 'BOOL': return 1;
    case 'SINT': case 'USINT': case 'BYTE': return 8;
    case 'INT': case 'UINT': case 'WORD': return 16;
    case 'DINT': case 'UDINT': case 'DWORD': case 'REAL': return 32;
    default: return 64;
  }
}

export function sizeOfType(t: IoDataType): ImageSize {
  return ({ 1: 'X', 8: 'B', 16: 'W', 32: 'D', 64: 'L' } as const)[typeBits(t)];
}

/** Modbus registers one value occupies. */
export function registersOf(t: IoDataType): number {
  return Math.max(1, typeBits(t) / 16);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** Typed value → raw bits (boolean, unsigned number, or bigint for 64 bits). */
export function toRaw(t: IoDataType, value: unknown): boolean | number | bigint {
  switch (t) {
    case 'BOOL': return value === true || value === 1 || value === 1n;
    case 'REAL': f32[0] = Number(value); return u32[0]!;
    case 'LREAL': f64[0] = Number(value); return u64[0]!;
    case 'LINT': case 'ULINT': case 'LWORD':
      return BigInt.asUintN(64, typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))));
    default: {
      const bits = typeBits(t);
      const n = Math.trunc(Number(value));
      return bits === 32 ? n >>> 0 : n & ((1 << bits) - 1);
    }
  }
}

/** Raw bits → typed value (signed types sign-extended, REAL/LREAL decoded). */
export function fromRaw(t: IoDataType, raw: boolean | number | bigint): boolean | number | bigint {
  switch (t) {
    case 'BOOL': return raw === true || raw === 1 || raw === 1n;
    case 'REAL': u32[0] = Number(raw); return f32[0]!;
    case 'LREAL': u64[0] = BigInt.asUintN(64, BigInt(raw as number | bigint)); return f64[0]!;
    case 'LINT': return BigInt.asIntN(64, BigInt(raw as number | bigint));
    case 'ULINT': case 'LWORD': return BigInt.asUintN(64, BigInt(raw as number | bigint));
    case 'SINT': return (Number(raw) << 24) >> 24;
    case 'INT': return (Number(raw) << 16) >> 16;
    case 'DINT': return Number(raw) | 0;
    default: return Number(raw);
  }
}

/** Raw bits of one value → Modbus registers (big: most significant word first). */
export function rawToRegisters(t: IoDataType, raw: boolean | number | bigint, order: 'big' | 'little', out: number[], at: number): void {
  const n = registersOf(t);
  if (n === 1) {
    out[at] = Number(raw) & 0xffff;
    return;
  }
  const b = BigInt(raw as number | bigint);
  for (let k = 0; k < n; k++) {
    const word = Number((b >> BigInt(16 * k)) & 0xffffn); // k = 0 is the least significant
    out[order === 'little' ? at + k : at + n - 1 - k] = word;
  }
}

/** Modbus registers → raw bits of one value. */
export function registersToRaw(t: IoDataType, regs: ArrayLike<number>, at: number, order: 'big' | 'little'): number | bigint {
  const n = registersOf(t);
  if (n === 1) return regs[at]! & (typeBits(t) === 8 ? 0xff : 0xffff);
  if (n === 2) {
    const lo = order === 'little' ? regs[at]! : regs[at + 1]!;
    const hi = order === 'little' ? regs[at + 1]! : regs[at]!;
    return ((hi << 16) | lo) >>> 0;
  }
  let b = 0n;
  for (let k = 0; k < n; k++) {
    const word = order === 'little' ? regs[at + k]! : regs[at + n - 1 - k]!;
    b |= BigInt(word) << BigInt(16 * k);
  }
  return b;
}
