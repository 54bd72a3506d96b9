/**
 * A log-bucketed histogram of non-negative durations in nanoseconds (HDR-like): values below
 * 2^SUB_BITS are exact, above that every power of two is split into 2^SUB_BITS linear
 * sub-buckets, so a bucket is at most 1/32 (~3 %) of its value wide. It lives in a
 * Float64Array slice (usually over a SharedArrayBuffer) and records without allocating, so a
 * worker can record while the main thread reads.
 */

const SUB_BITS = 5;
const SUB = 1 << SUB_BITS;
/** largest exponent kept apart; longer durations (> ~73 min) land in the last bucket */
const MAX_EXP = 42;
export const HISTOGRAM_BUCKETS = (MAX_EXP - SUB_BITS + 2) * SUB;

const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const HEADER = 4;
/** Float64 slots one histogram occupies */
export const HISTOGRAM_SLOTS = HEADER + HISTOGRAM_BUCKETS;

const TWO_32 = 4294967296;

/** floor(log2(v)) for an integer 1 <= v < 2^53, without allocating */
function log2Floor(v: number): number {
  if (v < TWO_32) return 31 - Math.clz32(v);
  return 63 - Math.clz32(Math.floor(v / TWO_32));
}

/** Bucket index of a value in nanoseconds. */
export function bucketIndex(valueNs: number): number {
  const v = valueNs > 0 ? Math.floor(valueNs) : 0;
  if (v < SUB) return v;
  const e = log2Floor(v);
  if (e > MAX_EXP) return HISTOGRAM_BUCKETS - 1;
  const m = Math.floor(v / 2 ** (e - SUB_BITS)); // in [SUB, 2·SUB)
  return (e - SUB_BITS + 1) * SUB + (m - SUB);
}

/** Lowest value (inclusive) that falls into a bucket. */
export function bucketLower(index: number): number {
  if (index < SUB) return index;
  const group = Math.floor(index / SUB);
  const m = index - group * SUB + SUB;
  return m * 2 ** (group - 1);
}

/** Highest value (exclusive) of a bucket. */
export function bucketUpper(index: number): number {
  if (index < SUB) return index + 1;
  const group = Math.floor(index / SUB);
  const m = index - group * SUB + SUB;
  return (m + 1) * 2 ** (group - 1);
}

export class LogHistogram {
  readonly slots: Float64Array;

  /** `store` holds HISTOGRAM_SLOTS doubles starting at `offset` (in elements). */
  constructor(store: Float64Array, offset = 0) {
    this.slots = store.subarray(offset, offset + HISTOGRAM_SLOTS);
  }

  static create(): LogHistogram {
    const h = new LogHistogram(new Float64Array(HISTOGRAM_SLOTS));
    h.reset();
    return h;
  }

  reset(): void {
    this.slots.fill(0);
    this.slots[MIN] = Infinity;
  }

  record(valueNs: number): void {
    const s = this.slots;
    const v = valueNs > 0 ? valueNs : 0;
    s[HEADER + bucketIndex(v)]++;
    s[SUM] += v;
    if (v < s[MIN]) s[MIN] = v;
    if (v > s[MAX]) s[MAX] = v;
    // the count is written last so that a reader never sees a count ahead of its buckets by much
    s[COUNT]++;
  }

  get count(): number {
    return this.slots[COUNT];
  }
  get sum(): number {
    return this.slots[SUM];
  }
  get min(): number {
    return this.slots[COUNT] > 0 ? this.slots[MIN] : 0;
  }
  get max(): number {
    return this.slots[MAX];
  }
  get mean(): number {
    const n = this.slots[COUNT];
    return n > 0 ? this.slots[SUM] / n : 0;
  }
  bucketCount(index: number): number {
    return this.slots[HEADER + index];
  }

  /**
   * The value at quantile q (0..1): the midpoint of the bucket holding the ceil(q·n)-th
   * smallest value, clamped to the exact min and max.
   */
  quantile(q: number): number {
    const s = this.slots;
    // counts are summed from the buckets: a record in flight may not be in COUNT yet
    let n = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) n += s[HEADER + i];
    if (n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * n));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += s[HEADER + i];
      if (seen >= rank) {
        if (i === HISTOGRAM_BUCKETS - 1) return this.max; // the overflow bucket has no useful midpoint
        const lo = bucketLower(i);
        const hi = bucketUpper(i);
        const mid = i < SUB ? lo : (lo + hi - 1) / 2;
        return Math.min(Math.max(mid, this.min), this.max);
      }
    }
    return this.max;
  }

  /**
   * Count of recorded values at or below `limitNs`, at bucket resolution: a bucket counts when
   * its lowest value is at or below the limit (Prometheus' cumulative `le`).
   */
  countAtOrBelow(limitNs: number): number {
    const s = this.slots;
    let n = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS && bucketLower(i) <= limitNs; i++) n += s[HEADER + i];
    return n;
  }
}
