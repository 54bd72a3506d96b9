/**
 * `npm run bench:jitter [-- --seconds N] [--spin-us N] [--interval-us N]`
 *
 * Start lateness of a 1 ms task on the real clock (a resource worker: Atomics.wait for the
 * coarse sleep, then a short spin), against cyclictest (Debian rt-tests) as a baseline measured
 * in the same invocation, at the same time: one thread, SCHED_OTHER (no real-time priority),
 * the same interval and the same number of loops. Prints p50/p99/p99.9/max of both, the ratios, and the CPU cost
 * of the engine's run (process CPU time over wall time: the spin is most of it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Engine } from '../../runtime/engine/engine.js';
import { handApp, vars } from '../runtime/engine/hand-app.js';

interface Figures {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`${name} needs a number`);
    process.exit(2);
  }
  return v;
}

const seconds = option('--seconds', 20);
const spinUs = option('--spin-us', 100);
const intervalUs = option('--interval-us', 1000);
const loops = Math.max(1, Math.round((seconds * 1e6) / intervalUs));

async function engineRun(): Promise<{ figures: Figures; cpuPercent: number; cycles: number; overruns: number }> {
  const app = handApp({
    classes: `class TICK { constructor(){ this.n = 0; } $body(){ this.n++; } }`,
    pouTypes: { TICK: { name: 'TICK', kind: 'program', vars: [vars.int('n')] } },
    resources: [
      { name: 'RES', tasks: [{ name: 'Fast', intervalNs: intervalUs * 1000, priority: 0 }], programs: [{ name: 'Main', typeName: 'TICK', task: 'Fast' }] },
    ],
  });
  const engine = await Engine.start(app, { clock: 'real', cycles: loops, spinUs });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await engine.done;
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const t = result.metrics.tasks.Fast;
  const l = t.latenessUs;
  return {
    figures: { p50: l.p50, p99: l.p99, p999: l.p999, max: l.max },
    cpuPercent: ((cpu.user + cpu.system) / wallUs) * 100,
    cycles: t.cycles,
    overruns: t.overruns,
  };
}

/** Run cyclictest; resolves with its stdout, or a reason it could not run. */
function cyclictest(): Promise<{ stdout: string } | string> {
  const bin = ['/usr/bin/cyclictest', '/usr/sbin/cyclictest'].find((p) => existsSync(p));
  if (!bin) return Promise.resolve('cyclictest not installed (Debian: apt install rt-tests)');
  const histMaxUs = 10_000;
  return new Promise((resolve) => {
    const child = spawn(bin, ['-m', '-t1', `-i${intervalUs}`, `-l${loops}`, '-q', `-h${histMaxUs}`]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve(`cyclictest failed: ${e.message}`));
    child.on('close', (code) => resolve(code === 0 ? { stdout } : `cyclictest failed (${code}): ${stderr.trim()}`));
  });
}

/** Percentiles from cyclictest's histogram (one line per µs: `latency count`). */
function cyclictestFigures(run: { stdout: string } | string): Figures | string {
  if (typeof run === 'string') return run;
  const counts: number[] = [];
  let max = NaN;
  let overflows = 0;
  for (const line of run.stdout.split('\n')) {
    const bucket = /^(\d+)\s+(\d+)$/.exec(line);
    if (bucket) counts[Number(bucket[1])] = Number(bucket[2]);
    const mx = /^# Max Latencies:\s+(\d+)/.exec(line);
    if (mx) max = Number(mx[1]);
    const ov = /^# Histogram Overflows:\s+(\d+)/.exec(line);
    if (ov) overflows = Number(ov[1]);
  }
  const total = counts.reduce((a, b) => a + (b ?? 0), 0) + overflows;
  if (total === 0) return 'cyclictest printed no histogram';
  const quantile = (q: number) => {
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let us = 0; us < counts.length; us++) {
      seen += counts[us] ?? 0;
      if (seen >= rank) return us;
    }
    return max; // in the overflow
  };
  return { p50: quantile(0.5), p99: quantile(0.99), p999: quantile(0.999), max };
}

const fmt = (us: number) => (Number.isFinite(us) ? us.toFixed(1).padStart(9) : '      n/a');

console.log(`jitter: ${intervalUs} µs task, ${loops} releases (~${seconds} s each run), spin ${spinUs} µs`);
// both at once, so that they see the same machine (the load of other processes varies)
const [run, ours] = await Promise.all([cyclictest(), engineRun()]);
const baseline = cyclictestFigures(run);
console.log('');
console.log('lateness (µs)          p50      p99    p99.9      max');
console.log(`vplc engine      ${fmt(ours.figures.p50)}${fmt(ours.figures.p99)}${fmt(ours.figures.p999)}${fmt(ours.figures.max)}`);
if (typeof baseline === 'string') {
  console.log(`cyclictest       (${baseline})`);
} else {
  console.log(`cyclictest       ${fmt(baseline.p50)}${fmt(baseline.p99)}${fmt(baseline.p999)}${fmt(baseline.max)}`);
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : a === 0 ? '1.00' : '∞');
  console.log(
    `ratio vplc/cyclictest  ${ratio(ours.figures.p50, baseline.p50).padStart(7)}  ${ratio(ours.figures.p99, baseline.p99).padStart(7)}  ${ratio(ours.figures.p999, baseline.p999).padStart(7)}  ${ratio(ours.figures.max, baseline.max).padStart(7)}`,
  );
}
console.log('');
console.log(`engine: ${ours.cycles} scans, ${ours.overruns} overruns, CPU ${ours.cpuPercent.toFixed(1)} % of one core (process, incl. the ${spinUs} µs spin per release)`);
