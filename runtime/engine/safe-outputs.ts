import type { ImageView } from '../../compiler/application.js';

/**
 * Safe output values: what a resource's %Q area holds after a fault or a stop. Everything is
 * zero (de-energised) unless configured otherwise, by address: `{ '%QX0.1': true, '%QW3': 500 }`.
 */
export type SafeValues = Record<string, number | boolean>;

export class SafeOutputError extends Error {}

interface SafeWrite {
  table: 'bits' | 'words';
  index: number;
  bit: number;
  value: number;
  /** %QD: two consecutive words, low word first */
  double: boolean;
}

const ADDRESS = /^%Q([XBWD])(\d+)(?:\.(\d+))?$/i;

/** Check and pre-parse the configured values once, so that applying them allocates nothing. */
export function compileSafeValues(values: SafeValues = {}): SafeWrite[] {
  const out: SafeWrite[] = [];
  for (const [address, raw] of Object.entries(values)) {
    const m = ADDRESS.exec(address.trim());
    if (!m) throw new SafeOutputError(`${address}: a safe value needs an output address (%QX, %QB, %QW or %QD)`);
    const size = m[1].toUpperCase();
    const index = Number(m[2]);
    const value = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
    if (!Number.isFinite(value)) throw new SafeOutputError(`${address}: safe value must be a number or a boolean`);
    if (size === 'X') {
      const bit = m[3] === undefined ? -1 : Number(m[3]);
      if (bit < 0 || bit > 7) throw new SafeOutputError(`${address}: a bit address needs a bit number 0..7 (%QX0.1)`);
      out.push({ table: 'bits', index, bit, value: value ? 1 : 0, double: false });
    } else if (m[3] !== undefined) {
      throw new SafeOutputError(`${address}: only %QX addresses have a bit number`);
    } else if (size === 'B') {
      out.push({ table: 'bits', index, bit: -1, value: value & 0xff, double: false });
    } else {
      out.push({ table: 'words', index, bit: -1, value: value >>> 0, double: size === 'D' });
    }
  }
  return out;
}

/** Set the output area of an image to its safe values. */
export function applySafeOutputs(image: ImageView, writes: readonly SafeWrite[]): void {
  image.outputBits.fill(0);
  image.outputWords.fill(0);
  for (const w of writes) {
    if (w.table === 'bits') {
      if (w.index >= image.outputBits.length) continue;
      if (w.bit < 0) image.outputBits[w.index] = w.value;
      else if (w.value) image.outputBits[w.index] |= 1 << w.bit;
      else image.outputBits[w.index] &= ~(1 << w.bit);
    } else if (w.double) {
      if (w.index + 1 >= image.outputWords.length) continue;
      image.outputWords[w.index] = w.value & 0xffff;
      image.outputWords[w.index + 1] = w.value >>> 16;
    } else if (w.index < image.outputWords.length) {
      image.outputWords[w.index] = w.value & 0xffff;
    }
  }
}
