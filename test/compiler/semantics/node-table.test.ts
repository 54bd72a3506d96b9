import { describe, expect, it } from 'vitest';
import { NodeTable } from '../../../compiler/semantics/node-table.js';

describe('NodeTable', () => {
  it('reads back what was set by node id, in any order, and nothing else', () => {
    const t = new NodeTable<string>();
    const ids = [5, 1, 4000, 3, 70_000, 2];
    for (const id of ids) t.set(id, `n${id}`);
    for (const id of ids) expect(t.get(id)).toBe(`n${id}`);
    for (const id of [0, 4, 6, 3999, 4001, 69_999, 70_001, 1_000_000]) {
      expect(t.get(id)).toBeUndefined();
      expect(t.has(id)).toBe(false);
    }
    t.set(4, 'again').set(4, 'replaced');
    expect(t.get(4)).toBe('replaced');
  });

  it('keeps the checker\'s own ids (from 2^30) and odd ones apart from the parser\'s', () => {
    const t = new NodeTable<number>();
    t.set(2 ** 30, 1).set(2 ** 30 + 7, 2).set(-1, 3).set(7, 4);
    expect([t.get(2 ** 30), t.get(2 ** 30 + 7), t.get(-1), t.get(7)]).toEqual([1, 2, 3, 4]);
    expect(t.get(2 ** 30 + 1)).toBeUndefined();
    expect(t.get(0)).toBeUndefined();
  });

  it('deletes, saying whether there was an entry', () => {
    const t = new NodeTable<string>();
    t.set(10, 'a').set(2 ** 31, 'b');
    expect(t.delete(10)).toBe(true);
    expect(t.delete(10)).toBe(false);
    expect(t.delete(2 ** 31)).toBe(true);
    expect(t.has(10) || t.has(2 ** 31)).toBe(false);
    expect(t.delete(12345)).toBe(false);
  });
});
