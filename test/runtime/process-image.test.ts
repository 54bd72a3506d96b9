import { describe, expect, it } from 'vitest';
import type { ImageView } from '../../compiler/application.js';
import { copyImage, copyInputs, copyOutputs, createImageView } from '../../compiler/contract/process-image.js';

const INPUT_AREAS = ['inputBits', 'inputWords'] as const;
const OUTPUT_AREAS = ['outputBits', 'memoryBits', 'outputWords', 'memoryWords', 'memoryDwords', 'memoryLwords'] as const;

/** An image whose every element differs from a fresh (zeroed) one. */
function filled(): ImageView {
  const v = createImageView();
  for (const area of [...INPUT_AREAS, ...OUTPUT_AREAS]) {
    const a = v[area];
    for (let i = 0; i < a.length; i++) {
      if (a instanceof BigUint64Array) a[i] = BigInt(i + 1) << 33n;
      else a[i] = (i % 250) + 1;
    }
  }
  return v;
}

describe('process image copies', () => {
  it('copyInputs copies %IX/%IW only, copyOutputs %Q/%M only, copyImage both', () => {
    const src = filled();
    const inOnly = createImageView();
    copyInputs(src, inOnly);
    for (const area of INPUT_AREAS) expect(inOnly[area]).toEqual(src[area]);
    for (const area of OUTPUT_AREAS) expect(inOnly[area].every((x: number | bigint) => Number(x) === 0)).toBe(true);

    const outOnly = createImageView();
    copyOutputs(src, outOnly);
    for (const area of OUTPUT_AREAS) expect(outOnly[area]).toEqual(src[area]);
    for (const area of INPUT_AREAS) expect(outOnly[area].every((x) => x === 0)).toBe(true);

    const all = createImageView();
    copyImage(src, all);
    for (const area of [...INPUT_AREAS, ...OUTPUT_AREAS]) expect(all[area]).toEqual(src[area]);
  });
});
