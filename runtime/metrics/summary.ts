import type { DurationSummary, MetricsSnapshot } from './snapshot.js';

/** A duration in µs as people read it: 850ns, 12.3µs, 4.56ms, 1.2s. */
export function formatUs(us: number): string {
  if (us < 1) return `${Math.round(us * 1000)}ns`;
  if (us < 1000) return `${+us.toPrecision(3)}µs`;
  if (us < 1e6) return `${+(us / 1000).toPrecision(3)}ms`;
  return `${+(us / 1e6).toPrecision(3)}s`;
}

const brief = (d: DurationSummary) => `p50 ${formatUs(d.p50)} p99 ${formatUs(d.p99)} max ${formatUs(d.max)}`;

/** One console line for all tasks: `T 1000 scans exec p50 … | late p50 … | overruns 0`. */
export function summaryLine(snapshot: MetricsSnapshot): string {
  const parts = Object.entries(snapshot.tasks).map(([name, t]) => {
    const extra = [t.overruns ? `overruns ${t.overruns}` : '', t.watchdogFaults ? `watchdog ${t.watchdogFaults}` : '']
      .filter(Boolean)
      .join(' ');
    return `${name}: ${t.cycles} scans, exec ${brief(t.execUs)}, late ${brief(t.latenessUs)}${extra ? `, ${extra}` : ''}`;
  });
  return parts.join(' · ') || 'no tasks';
}
