import { HISTOGRAM_BUCKETS, bucketLower, bucketUpper, type LogHistogram } from '../../compiler/contract/histogram.js';
import type { ResourceMetrics } from '../metrics/resource-metrics.js';

/** One point of a task's rolling trend: what its scans did since the previous point. */
export interface TrendPoint {
  /** wall-clock time of the point (ms since 1970) */
  t: number;
  /** scans in the period */
  n: number;
  execMeanUs: number;
  execP99Us: number;
  execMaxUs: number;
  latenessMeanUs: number;
  latenessP99Us: number;
  latenessMaxUs: number;
}

/** The histogram of a task since start, non-empty buckets only: [lower bound µs, upper bound µs, count]. */
export type HistogramBuckets = [number, number, number][];

/**
 * The rolling trend of every task's execution time and start lateness, from the shared
 * histograms the scan records into: each sample takes the difference of the buckets since the
 * previous one, so a point is exact for its period and costs the scan nothing (read from the
 * main thread). Keeps the last `points` points per task.
 */
export class TaskTrends {
  private readonly tasks: { key: string; exec: LogHistogram; lateness: LogHistogram; prevExec: Float64Array; prevLate: Float64Array; prevExecSum: number; prevLateSum: number; points: TrendPoint[] }[] = [];
  private readonly scratch = new Float64Array(HISTOGRAM_BUCKETS);

  constructor(
    sources: readonly ResourceMetrics[],
    private readonly points = 240,
  ) {
    const seen = new Set<string>();
    for (const m of sources) {
      m.taskNames.forEach((name, i) => {
        const key = seen.has(name) ? `${m.resource}.${name}` : name;
        seen.add(key);
        const t = { key, exec: m.exec[i]!, lateness: m.lateness[i]!, prevExec: new Float64Array(HISTOGRAM_BUCKETS), prevLate: new Float64Array(HISTOGRAM_BUCKETS), prevExecSum: 0, prevLateSum: 0, points: [] as TrendPoint[] };
        copyBuckets(t.exec, t.prevExec);
        copyBuckets(t.lateness, t.prevLate);
        t.prevExecSum = t.exec.sum;
        t.prevLateSum = t.lateness.sum;
        this.tasks.push(t);
      });
    }
  }

  /** Take one point for every task (call periodically). */
  sample(nowMs = Date.now()): void {
    for (const t of this.tasks) {
      const e = this.period(t.exec, t.prevExec, t.prevExecSum);
      t.prevExecSum = t.exec.sum;
      const l = this.period(t.lateness, t.prevLate, t.prevLateSum);
      t.prevLateSum = t.lateness.sum;
      if (e.n === 0 && l.n === 0) continue; // a task that did not run (faulted, SINGLE at rest) draws no point
      t.points.push({ t: nowMs, n: e.n, execMeanUs: e.mean, execP99Us: e.p99, execMaxUs: e.max, latenessMeanUs: l.mean, latenessP99Us: l.p99, latenessMaxUs: l.max });
      if (t.points.length > this.points) t.points.shift();
    }
  }

  /** The trend of each task, by task name (`Resource.Task` where two resources name a task alike). */
  trends(): Record<string, TrendPoint[]> {
    return Object.fromEntries(this.tasks.map((t) => [t.key, t.points]));
  }

  /** Histograms since start of each task: execution time and lateness. */
  histograms(): Record<string, { exec: HistogramBuckets; lateness: HistogramBuckets }> {
    return Object.fromEntries(this.tasks.map((t) => [t.key, { exec: nonEmpty(t.exec), lateness: nonEmpty(t.lateness) }]));
  }

  /** Mean, p99 and max (µs) of the values recorded since `prev`; `prev` becomes the current buckets. */
  private period(h: LogHistogram, prev: Float64Array, prevSum: number): { n: number; mean: number; p99: number; max: number } {
    const d = this.scratch;
    let n = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      const c = h.bucketCount(i);
      d[i] = c - prev[i]!;
      prev[i] = c;
      n += d[i]!;
    }
    if (n <= 0) return { n: 0, mean: 0, p99: 0, max: 0 };
    const rank = Math.ceil(0.99 * n);
    let seen = 0;
    let p99 = 0;
    let max = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      if (d[i]! <= 0) continue;
      seen += d[i]!;
      if (p99 === 0 && seen >= rank) p99 = mid(i);
      max = mid(i);
    }
    return { n, mean: round((h.sum - prevSum) / n / 1000), p99: round(p99 / 1000), max: round(max / 1000) };
  }
}

function copyBuckets(h: LogHistogram, into: Float64Array): void {
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) into[i] = h.bucketCount(i);
}

function mid(i: number): number {
  return (bucketLower(i) + bucketUpper(i)) / 2;
}

function round(us: number): number {
  return Math.round(us * 1000) / 1000;
}

function nonEmpty(h: LogHistogram): HistogramBuckets {
  const out: HistogramBuckets = [];
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    const c = h.bucketCount(i);
    if (c > 0) out.push([bucketLower(i) / 1000, bucketUpper(i) / 1000, c]);
  }
  return out;
}
