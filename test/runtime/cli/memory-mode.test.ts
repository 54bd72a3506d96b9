import { describe, expect, it } from 'vitest';
import { returnFreeMemory } from '../../../runtime/cli/memory-mode.js';
import { rtHelper } from '../../../runtime/rt/native.js';

const helper = rtHelper();

describe('returning free C memory to the system (vplc serve)', () => {
  it.skipIf(typeof helper === 'string')('gives back the pages of C blocks freed inside the arenas', () => {
    if (typeof helper === 'string') return;
    // blocks below the mmap threshold live in an arena; freed, their pages stay resident until trimmed
    let blocks: Buffer[] = [];
    for (let i = 0; i < 4000; i++) blocks.push(Buffer.allocUnsafeSlow(16 * 1024).fill(i & 0xff));
    const kept = blocks.filter((_, i) => i % 64 === 0); // a few stay: the arena's top is not free, only its middle
    blocks = [];
    expect(returnFreeMemory({ collect: true })).toBe(true);
    expect(kept.every((b, i) => b[0] === ((i * 64) & 0xff))).toBe(true);
    expect(helper.mallocThresholds(128 * 1024)).toBe(true);
    expect(helper.mallocThresholds(0)).toBe(false);
  });

  it.skipIf(typeof helper !== 'string')('does nothing without the native helper', () => {
    expect(returnFreeMemory()).toBe(false);
  });
});
