import type { ImageView } from '../application.js';

/**
 * The process image: %I, %Q and %M areas, laid out as OpenPLC lays them out so that its
 * Modbus map applies unchanged (see ImageView). Sizes are in elements of each table.
 */
export const IMAGE_SIZES = {
  bits: 1024, // bytes of each bit table: %IX0.0 … %IX1023.7
  words: 1024, // %IW0 … %IW1023, %QW…, %MW…
  dwords: 1024, // %MD0 … %MD1023
  lwords: 1024, // %ML0 … %ML1023
} as const;

const LAYOUT = (() => {
  let offset = 0;
  const take = (bytes: number) => {
    const at = offset;
    offset += bytes;
    offset = (offset + 7) & ~7;
    return at;
  };
  const l = {
    inputBits: take(IMAGE_SIZES.bits),
    outputBits: take(IMAGE_SIZES.bits),
    memoryBits: take(IMAGE_SIZES.bits),
    inputWords: take(IMAGE_SIZES.words * 2),
    outputWords: take(IMAGE_SIZES.words * 2),
    memoryWords: take(IMAGE_SIZES.words * 2),
    memoryDwords: take(IMAGE_SIZES.dwords * 4),
    memoryLwords: take(IMAGE_SIZES.lwords * 8),
    total: 0,
  };
  l.total = offset;
  return l;
})();

/** Bytes one image occupies. */
export const IMAGE_BYTES = LAYOUT.total;

/** Typed views over one buffer (shared or not) holding a whole process image. */
export function createImageView(buffer: ArrayBufferLike = new ArrayBuffer(IMAGE_BYTES), byteOffset = 0): ImageView {
  const at = (o: number) => byteOffset + o;
  return {
    inputBits: new Uint8Array(buffer, at(LAYOUT.inputBits), IMAGE_SIZES.bits),
    outputBits: new Uint8Array(buffer, at(LAYOUT.outputBits), IMAGE_SIZES.bits),
    memoryBits: new Uint8Array(buffer, at(LAYOUT.memoryBits), IMAGE_SIZES.bits),
    inputWords: new Uint16Array(buffer, at(LAYOUT.inputWords), IMAGE_SIZES.words),
    outputWords: new Uint16Array(buffer, at(LAYOUT.outputWords), IMAGE_SIZES.words),
    memoryWords: new Uint16Array(buffer, at(LAYOUT.memoryWords), IMAGE_SIZES.words),
    memoryDwords: new Uint32Array(buffer, at(LAYOUT.memoryDwords), IMAGE_SIZES.dwords),
    memoryLwords: new BigUint64Array(buffer, at(LAYOUT.memoryLwords), IMAGE_SIZES.lwords),
  };
}

/** Copy the input areas (%IX, %IW) of one image into another. Allocates nothing. */
export function copyInputs(from: ImageView, to: ImageView): void {
  to.inputBits.set(from.inputBits);
  to.inputWords.set(from.inputWords);
}

/** Copy the areas a scan produces (%QX, %MX, %QW, %MW, %MD, %ML) of one image into another. Allocates nothing. */
export function copyOutputs(from: ImageView, to: ImageView): void {
  to.outputBits.set(from.outputBits);
  to.memoryBits.set(from.memoryBits);
  to.outputWords.set(from.outputWords);
  to.memoryWords.set(from.memoryWords);
  to.memoryDwords.set(from.memoryDwords);
  to.memoryLwords.set(from.memoryLwords);
}

/** Copy every area of one image into another (same layout). */
export function copyImage(from: ImageView, to: ImageView): void {
  copyInputs(from, to);
  copyOutputs(from, to);
}
