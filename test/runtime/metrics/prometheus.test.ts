import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsEndpoint } from '../../../runtime/metrics/http-server.js';
import { PROMETHEUS_BUCKETS_S, renderPrometheus } from '../../../runtime/metrics/prometheus.js';
import { ResourceMetrics } from '../../../runtime/metrics/resource-metrics.js';
import { summaryLine } from '../../../runtime/metrics/summary.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser of the text exposition format: enough to check what we emit. */
function parse(text: string): { samples: Sample[]; types: Record<string, string> } {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types[type[1]] = type[2];
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    samples.push({ name: m[1], labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return { samples, types };
}

function known(): ResourceMetrics {
  const m = new ResourceMetrics('RES', ['Fast', 'Slow "q"']);
  // Fast: exec 1..1000 µs, lateness 0; Slow: three scans
  for (let k = 1; k <= 1000; k++) m.recordScan(0, k * 1000, 0);
  for (const v of [2_000_000, 3_000_000, 40_000_000]) m.recordScan(1, v, 10_000);
  m.countOverrun(1);
  m.countOverrun(1);
  return m;
}

describe('Prometheus exposition', () => {
  it('parses back to the recorded counts, sums and cumulative buckets', () => {
    const { samples, types } = parse(renderPrometheus([known()]));
    expect(types.vplc_task_cycles_total).toBe('counter');
    expect(types.vplc_task_exec_seconds).toBe('histogram');
    expect(types.vplc_task_lateness_seconds).toBe('histogram');
    const get = (name: string, task: string, le?: number | string) =>
      samples.find((s) => s.name === name && s.labels.task === task && s.labels.le === (le === undefined ? undefined : String(le)))!.value;
    expect(get('vplc_task_cycles_total', 'Fast')).toBe(1000);
    expect(get('vplc_task_cycles_total', 'Slow "q"')).toBe(3);
    expect(get('vplc_task_overruns_total', 'Slow "q"')).toBe(2);
    expect(get('vplc_task_overruns_total', 'Fast')).toBe(0);
    expect(samples.find((s) => s.name === 'vplc_task_cycles_total')!.labels.resource).toBe('RES');
    expect(get('vplc_task_exec_seconds_count', 'Fast')).toBe(1000);
    expect(get('vplc_task_exec_seconds_sum', 'Fast')).toBeCloseTo(0.5005, 9);
    expect(get('vplc_task_exec_seconds_bucket', 'Fast', '+Inf')).toBe(1000);
    expect(get('vplc_task_exec_seconds_bucket', 'Fast', 0.001)).toBe(1000);
    const half = get('vplc_task_exec_seconds_bucket', 'Fast', 0.0005);
    expect(half).toBeGreaterThanOrEqual(500);
    expect(half).toBeLessThanOrEqual(516); // bucket resolution: ~3 %
    expect(get('vplc_task_exec_seconds_bucket', 'Slow "q"', 0.0025)).toBe(1);
    expect(get('vplc_task_exec_seconds_bucket', 'Slow "q"', 0.005)).toBe(2);
    expect(get('vplc_task_exec_seconds_bucket', 'Slow "q"', 0.05)).toBe(3);
    expect(get('vplc_task_lateness_seconds_bucket', 'Slow "q"', 1e-05)).toBe(3);
    expect(get('vplc_task_lateness_seconds_bucket', 'Fast', 1e-06)).toBe(1000);
    // cumulative: never decreasing along le
    for (const task of ['Fast', 'Slow "q"']) {
      const series = PROMETHEUS_BUCKETS_S.map((le) => get('vplc_task_exec_seconds_bucket', task, le));
      for (let i = 1; i < series.length; i++) expect(series[i]).toBeGreaterThanOrEqual(series[i - 1]);
    }
  });

  describe('HTTP endpoint on 127.0.0.1', () => {
    let endpoint: MetricsEndpoint | undefined;
    afterEach(async () => endpoint?.close());

    it('serves /metrics and /metrics.json', async () => {
      const m = known();
      endpoint = await startMetricsServer({
        port: 0,
        prometheus: () => renderPrometheus([m]),
        json: () => ({ tasks: m.snapshot() }),
      });
      expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${endpoint.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const { samples } = parse(await res.text());
      expect(samples.find((s) => s.name === 'vplc_task_cycles_total' && s.labels.task === 'Fast')?.value).toBe(1000);
      // the endpoint reads live figures
      m.recordScan(0, 5000, 0);
      const json = (await (await fetch(`${endpoint.url}/metrics.json`)).json()) as { tasks: Record<string, { cycles: number }> };
      expect(json.tasks.Fast.cycles).toBe(1001);
      expect((await fetch(`${endpoint.url}/other`)).status).toBe(404);
    });
  });

  it('summarises every task on one line', () => {
    const line = summaryLine({ tasks: known().snapshot() });
    expect(line).not.toContain('\n');
    expect(line).toContain('Fast: 1000 scans');
    expect(line).toContain('overruns 2');
  });
});
