import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketLower, bucketUpper, HISTOGRAM_BUCKETS, LogHistogram } from '../../../compiler/contract/histogram.js';
import { ResourceMetrics, summarizeUs } from '../../../runtime/metrics/resource-metrics.js';

describe('LogHistogram', () => {
  it('places every value in a bucket at most 1/32 of its value wide', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 5000; k++) {
      const v = Math.floor(2 ** (rand() * 40));
      const i = bucketIndex(v);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(HISTOGRAM_BUCKETS);
      expect(bucketLower(i)).toBeLessThanOrEqual(v);
      expect(bucketUpper(i)).toBeGreaterThan(v);
      if (v >= 32) expect((bucketUpper(i) - bucketLower(i)) / bucketLower(i)).toBeLessThanOrEqual(1 / 32);
      else expect(bucketUpper(i) - bucketLower(i)).toBe(1);
    }
    // buckets tile the line: each starts where the previous one ends
    for (let i = 1; i < HISTOGRAM_BUCKETS - 1; i++) expect(bucketLower(i)).toBe(bucketUpper(i - 1));
  });

  it('is exact for small values', () => {
    const h = LogHistogram.create();
    for (let v = 0; v < 32; v++) h.record(v);
    expect(h.count).toBe(32);
    expect(h.quantile(0.5)).toBe(15);
    expect(h.quantile(1)).toBe(31);
    expect(h.min).toBe(0);
    expect(h.max).toBe(31);
    expect(h.mean).toBe(15.5);
  });

  it('computes percentiles of 1..1000 µs within the bucket resolution', () => {
    const h = LogHistogram.create();
    // recorded out of order: percentiles must not depend on it
    for (let k = 1000; k >= 1; k--) h.record(k * 1000);
    const near = (got: number, want: number) => expect(Math.abs(got - want) / want).toBeLessThan(0.02);
    near(h.quantile(0.5), 500_000);
    near(h.quantile(0.99), 990_000);
    near(h.quantile(0.999), 999_000);
    expect(h.min).toBe(1000);
    expect(h.max).toBe(1_000_000);
    expect(h.mean).toBe(500_500);
    expect(h.quantile(1)).toBe(1_000_000);
  });

  it('summarises in microseconds with exact min, mean and max', () => {
    const h = LogHistogram.create();
    [100_000, 200_000, 300_000, 5_000_000].forEach((v) => h.record(v));
    const s = summarizeUs(h);
    expect(s.min).toBe(100);
    expect(s.max).toBe(5000);
    expect(s.mean).toBe(1400);
    expect(Math.abs(s.p50 - 200) / 200).toBeLessThan(0.02);
    expect(s.p99).toBe(5000); // clamped to the exact max
  });

  it('is empty-safe and clamps negative and huge values', () => {
    const h = LogHistogram.create();
    expect(h.quantile(0.99)).toBe(0);
    expect(h.min).toBe(0);
    h.record(-5);
    h.record(2 ** 50);
    expect(h.count).toBe(2);
    expect(h.min).toBe(0);
    expect(h.max).toBe(2 ** 50);
    expect(h.quantile(1)).toBe(2 ** 50);
  });
});

describe('ResourceMetrics', () => {
  it('is shared: a second view over the buffer reads what the first one wrote', () => {
    const writer = new ResourceMetrics('RES', ['A', 'B']);
    writer.recordScan(1, 2000, 500);
    writer.recordScan(1, 4000, 1500);
    writer.countOverrun(1);
    writer.countWatchdogFault(0);
    const epoch = process.hrtime.bigint() - 5_000_000_000n;
    writer.epochNs = epoch;
    const reader = new ResourceMetrics('RES', ['A', 'B'], writer.buffer);
    const snap = reader.snapshot();
    expect(snap.B.cycles).toBe(2);
    expect(snap.B.overruns).toBe(1);
    expect(snap.A.watchdogFaults).toBe(1);
    expect(snap.A.cycles).toBe(0);
    expect(snap.B.execUs.mean).toBe(3);
    expect(snap.B.latenessUs.max).toBe(1.5);
    expect(reader.epochNs).toBe(epoch);
    expect(reader.runningTask).toBe(-1);
    writer.beginScan(0);
    expect(reader.runningTask).toBe(0);
    // the start is real time since the epoch written above (the monotonic clock of this process)
    const sinceEpoch = Number(process.hrtime.bigint() - epoch);
    expect(reader.scanStartNs).toBeGreaterThanOrEqual(5_000_000_000);
    expect(reader.scanStartNs).toBeLessThanOrEqual(sinceEpoch);
  });
});
