/**
 * The shape every benchmark's `main()` returns, so that test/bench/run.ts can gather them into
 * test/bench/results/latest.json and one Markdown table. A figure carries its baseline,
 * measured in the same run, and the ratio between them.
 */
export interface BenchFigure {
  /** what was measured, e.g. `sieve` or `compile 20,000 lines` */
  name: string;
  value: number;
  unit: string;
  /** the same thing done by the reference (C, cyclictest, hand-written JS…), same run */
  baseline?: { name: string; value: number };
  /** value / baseline (for a time: how many times slower vPLC is) */
  ratio?: number;
  /** short remark: a checksum check, a skipped baseline… */
  note?: string;
}

export interface BenchResult {
  /** file stem, e.g. `st-vs-c` */
  bench: string;
  title: string;
  figures: BenchFigure[];
  /** free-form lines worth reading beside the figures (geometric mean, method) */
  notes: string[];
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return x.toFixed(1);
  if (a > 0 && a < 0.1) return x.toPrecision(2); // a ratio of 0.0038 must not print as 0.00
  return x.toFixed(2);
}

/** One Markdown table per result, with its notes under it. */
export function markdown(results: BenchResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`### ${r.title}`, '');
    if (r.figures.length) {
      out.push('| figure | vPLC | unit | baseline | baseline value | ratio | note |', '|---|---:|---|---|---:|---:|---|');
      for (const f of r.figures) {
        const b = f.baseline;
        out.push(
          `| ${f.name} | ${fmt(f.value)} | ${f.unit} | ${b ? b.name : ''} | ${b ? fmt(b.value) : ''} | ${f.ratio !== undefined ? fmt(f.ratio) + '×' : ''} | ${f.note ?? ''} |`,
        );
      }
      out.push('');
    }
    for (const n of r.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}

/** Median of a non-empty list (the mean of the middle two for an even length). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function geometricMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}
