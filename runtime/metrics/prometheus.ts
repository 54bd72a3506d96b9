import type { LogHistogram } from '../../compiler/contract/histogram.js';
import type { ResourceMetrics } from './resource-metrics.js';

/**
 * Prometheus text exposition (format 0.0.4) of the task metrics: counters and two histograms
 * per task, in seconds, with conventional `le` buckets cut from the log-bucketed histograms
 * (at their resolution: a few percent).
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** upper bounds of the exported buckets, seconds */
export const PROMETHEUS_BUCKETS_S = [
  1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
  2.5, 5, 10,
];

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderPrometheus(resources: readonly ResourceMetrics[]): string {
  const lines: string[] = [];
  const tasks: { labels: string; m: ResourceMetrics; i: number }[] = [];
  for (const m of resources) {
    m.taskNames.forEach((name, i) =>
      tasks.push({ labels: `task="${escapeLabel(name)}",resource="${escapeLabel(m.resource)}"`, m, i }),
    );
  }
  const counter = (name: string, help: string, value: (m: ResourceMetrics, i: number) => number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const t of tasks) lines.push(`${name}{${t.labels}} ${value(t.m, t.i)}`);
  };
  counter('vplc_task_cycles_total', 'Scans a task has executed.', (m, i) => m.cycles(i));
  counter('vplc_task_overruns_total', 'Scans that outlasted their interval.', (m, i) => m.overruns(i));
  counter('vplc_task_watchdog_faults_total', 'Scans stopped by the watchdog.', (m, i) => m.watchdogFaults(i));
  counter('vplc_task_faults_total', 'Runtime faults of a task (division by zero, index out of range, ...).', (m, i) => m.faults(i));

  const histogram = (name: string, help: string, pick: (m: ResourceMetrics, i: number) => LogHistogram) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    for (const t of tasks) {
      const h = pick(t.m, t.i);
      for (const le of PROMETHEUS_BUCKETS_S) {
        lines.push(`${name}_bucket{${t.labels},le="${le}"} ${h.countAtOrBelow(le * 1e9)}`);
      }
      const count = h.countAtOrBelow(Infinity);
      lines.push(`${name}_bucket{${t.labels},le="+Inf"} ${count}`);
      lines.push(`${name}_sum{${t.labels}} ${h.sum / 1e9}`);
      lines.push(`${name}_count{${t.labels}} ${count}`);
    }
  };
  histogram('vplc_task_exec_seconds', 'Execution time of a scan.', (m, i) => m.exec[i]);
  histogram('vplc_task_lateness_seconds', 'Start of a scan after its ideal release.', (m, i) => m.lateness[i]);
  return lines.join('\n') + '\n';
}
