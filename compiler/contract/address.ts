import type { ImageView } from '../application.js';
import { IMAGE_SIZES } from './process-image.js';

/**
 * Process image addresses (`%IX0.3`, `%QW2`, `%MD10`) and typed access to them.
 *
 * Layout (OpenPLC's, see ImageView): X and B address the bit tables (byte b, bit i), W the word
 * tables, %MD and %ML their own tables. %ID/%QD n are the two words 2n, 2n+1 of the word table
 * and %IL/%QL n the four words 4n…4n+3, lowest word first, so that they never overlap.
 */
export type ImageArea = 'I' | 'Q' | 'M';
export type ImageSize = 'X' | 'B' | 'W' | 'D' | 'L';

export interface ImageAddress {
  area: ImageArea;
  size: ImageSize;
  /** byte for X/B, element index otherwise */
  index: number;
  /** 0..7 for X */
  bit: number;
  /** normalised text, e.g. %IX0.3 */
  text: string;
}

const PATTERN = /^%([IQM])([XBWDL]?)(\d+)(?:\.(\d+))?$/i;

/** Bits of each size letter. */
export const SIZE_BITS: Record<ImageSize, number> = { X: 1, B: 8, W: 16, D: 32, L: 64 };

/** Parse an address; returns a message saying what is wrong instead when it is not valid. */
export function parseAddress(text: string): ImageAddress | string {
  const m = PATTERN.exec(text.trim());
  if (!m) return `'${text}' is not a process image address (expected e.g. %IX0.0, %IW3, %QD1, %MW10)`;
  const area = m[1]!.toUpperCase() as ImageArea;
  const size = (m[2] ? m[2].toUpperCase() : 'X') as ImageSize;
  const index = Number(m[3]);
  const bit = m[4] === undefined ? 0 : Number(m[4]);
  if (size === 'X' && m[4] === undefined) return `'${text}' needs a bit number: %${area}X${index}.0 … %${area}X${index}.7`;
  if (size !== 'X' && m[4] !== undefined) return `'${text}': only X (bit) addresses take a bit number`;
  if (bit > 7) return `'${text}': the bit number must be 0 to 7`;
  const limit = elementLimit(area, size);
  if (index >= limit) return `'${text}' is outside the process image (%${area}${size}0 … %${area}${size}${limit - 1})`;
  return { area, size, index, bit, text: size === 'X' ? `%${area}X${index}.${bit}` : `%${area}${size}${index}` };
}

function elementLimit(area: ImageArea, size: ImageSize): number {
  switch (size) {
    case 'X':
    case 'B':
      return IMAGE_SIZES.bits;
    case 'W':
      return IMAGE_SIZES.words;
    case 'D':
      return area === 'M' ? IMAGE_SIZES.dwords : IMAGE_SIZES.words / 2;
    case 'L':
      return area === 'M' ? IMAGE_SIZES.lwords : IMAGE_SIZES.words / 4;
  }
}

/** The address `n` elements after `a` (bits roll over into the next byte). Undefined when outside the image. */
export function offsetAddress(a: ImageAddress, n: number): ImageAddress | undefined {
  let index = a.index;
  let bit = a.bit;
  if (a.size === 'X') {
    const b = a.index * 8 + a.bit + n;
    index = b >> 3;
    bit = b & 7;
  } else index += n;
  if (index >= elementLimit(a.area, a.size)) return undefined;
  return { ...a, index, bit, text: a.size === 'X' ? `%${a.area}X${index}.${bit}` : `%${a.area}${a.size}${index}` };
}

function bitTable(v: ImageView, area: ImageArea): Uint8Array {
  return area === 'I' ? v.inputBits : area === 'Q' ? v.outputBits : v.memoryBits;
}
function wordTable(v: ImageView, area: ImageArea): Uint16Array {
  return area === 'I' ? v.inputWords : area === 'Q' ? v.outputWords : v.memoryWords;
}

/**
 * Raw bits at an address: boolean for X, a non-negative integer for B/W/D, bigint for L.
 */
export function readRaw(v: ImageView, a: ImageAddress): boolean | number | bigint {
  switch (a.size) {
    case 'X':
      return (bitTable(v, a.area)[a.index]! & (1 << a.bit)) !== 0;
    case 'B':
      return bitTable(v, a.area)[a.index]!;
    case 'W':
      return wordTable(v, a.area)[a.index]!;
    case 'D':
      if (a.area === 'M') return v.memoryDwords[a.index]!;
      {
        const w = wordTable(v, a.area);
        return (w[2 * a.index]! | (w[2 * a.index + 1]! << 16)) >>> 0;
      }
    case 'L':
      if (a.area === 'M') return v.memoryLwords[a.index]!;
      {
        const w = wordTable(v, a.area);
        const i = 4 * a.index;
        return BigInt(w[i]!) | (BigInt(w[i + 1]!) << 16n) | (BigInt(w[i + 2]!) << 32n) | (BigInt(w[i + 3]!) << 48n);
      }
  }
}

/** Store raw bits at an address (numbers are wrapped to the width). */
export function writeRaw(v: ImageView, a: ImageAddress, value: boolean | number | bigint): void {
  switch (a.size) {
    case 'X': {
      const t = bitTable(v, a.area);
      const on = typeof value === 'boolean' ? value : value !== 0 && value !== 0n;
      t[a.index] = on ? t[a.index]! | (1 << a.bit) : t[a.index]! & ~(1 << a.bit);
      return;
    }
    case 'B':
      bitTable(v, a.area)[a.index] = Number(value) & 0xff;
      return;
    case 'W':
      wordTable(v, a.area)[a.index] = Number(value) & 0xffff;
      return;
    case 'D': {
      const n = Number(typeof value === 'bigint' ? BigInt.asUintN(32, value) : value) >>> 0;
      if (a.area === 'M') v.memoryDwords[a.index] = n;
      else {
        const w = wordTable(v, a.area);
        w[2 * a.index] = n & 0xffff;
        w[2 * a.index + 1] = n >>> 16;
      }
      return;
    }
    case 'L': {
      const b = BigInt.asUintN(64, typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))));
      if (a.area === 'M') v.memoryLwords[a.index] = b;
      else {
        const w = wordTable(v, a.area);
        const i = 4 * a.index;
        for (let k = 0; k < 4; k++) w[i + k] = Number((b >> BigInt(16 * k)) & 0xffffn);
      }
      return;
    }
  }
}
