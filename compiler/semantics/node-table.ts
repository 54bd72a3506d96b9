/**
 * A side table by AST node id (the checker's annotations). Node ids are small integers handed
 * out in order (IdAllocator), and nearly every expression gets a type, so an array indexed by
 * id holds them in a word each, where a Map of a few hundred thousand entries costs several and
 * rehashes as it grows. Ids the checker makes itself (from 2^30, see Checker.freshId) go to a Map.
 * `undefined` is never stored: it means "none".
 */
const DENSE_IDS = 2 ** 30;

export class NodeTable<V> {
  private readonly dense: (V | undefined)[] = [];
  private sparse: Map<number, V> | undefined;

  get(id: number): V | undefined {
    return id < DENSE_IDS && id >= 0 ? this.dense[id] : this.sparse?.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, value: V): this {
    if (id < DENSE_IDS && id >= 0 && Number.isInteger(id)) {
      const d = this.dense;
      // filled up to the id rather than written past its end, so that V8 keeps the array's
      // elements in one block (writing far past the end makes it a dictionary)
      while (d.length < id) d.push(undefined);
      d[id] = value;
    } else {
      (this.sparse ??= new Map()).set(id, value);
    }
    return this;
  }

  delete(id: number): boolean {
    const had = this.has(id);
    if (id < DENSE_IDS && id >= 0 && Number.isInteger(id)) {
      if (id < this.dense.length) this.dense[id] = undefined;
    } else {
      this.sparse?.delete(id);
    }
    return had;
  }
}
