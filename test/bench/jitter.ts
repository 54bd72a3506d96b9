/**
 * `npm run bench:jitter [-- --seconds N] [--spin-us N] [--interval-us N] [--sample-seconds N]`
 *
 * Start lateness of a 1 ms task on the real clock (a resource worker: the native helper's
 * futex sleep, then a short spin) beside `cyclictest -m -t1 -i1000` run under the same policy
 * in the same invocation, one run after the other: SCHED_OTHER idle, SCHED_FIFO idle (scan
 * thread and cyclictest at priority 80 on CPU 1; skipped, saying why, when not permitted),
 * and both again with the other core loaded by `stress-ng --cpu 1` (Debian stress-ng).
 * p50/p99/p99.9/max and overruns of each, with the ratios, the CPU cost of the spin (the
 * engine process's CPU time over wall time, beside a run without spin), and every sample
 * program under SCHED_FIFO for --sample-seconds (default: --seconds): lateness and overruns. Each
 * run notes how long the host took CPU 1 away from the VM meanwhile (steal time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Application } from '../../compiler/application.js';
import { compileFiles } from '../../compiler/project.js';
import { Engine, type EngineOptions } from '../../runtime/engine/engine.js';
import type { RealtimeRequest } from '../../runtime/rt/realtime.js';
import { handApp, vars } from '../runtime/engine/hand-app.js';
import { markdown, type BenchFigure, type BenchResult } from './report.js';

interface Figures {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** time the host took the scan CPU away from this VM during the run (ms) */
  stealMs?: number;
}

interface EngineRun {
  figures: Figures;
  cpuPercent: number;
  cycles: number;
  overruns: number;
  /** why the run is not under the policy asked (real time refused), if it is not */
  refused?: string;
}

/**
 * Time the host has taken CPU `cpu` away from this VM so far (steal time in /proc/stat, in
 * USER_HZ ticks of 10 ms), ms; NaN where not known. A late release while the host ran something
 * else on the core is the hypervisor's, for vPLC and cyclictest alike.
 */
function stealMs(cpu = 1): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `));
    return Number(line!.trim().split(/\s+/)[8]) * 10;
  } catch {
    return NaN;
  }
}

/** SCHED_FIFO as the benchmark asks it: priority 80, pinned to the second CPU. */
const FIFO: RealtimeRequest = { priority: 80, cpu: 1 };
const FIFO_CYCLICTEST = ['-p80', '-a1'];

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} needs a number`);
  return v;
}

async function engineRun(intervalUs: number, loops: number, spinUs: number, realtime?: RealtimeRequest): Promise<EngineRun> {
  const app = handApp({
    classes: `class TICK { constructor(){ this.n = 0; } $body(){ this.n++; } }`,
    pouTypes: { TICK: { name: 'TICK', kind: 'program', vars: [vars.int('n')] } },
    resources: [
      { name: 'RES', tasks: [{ name: 'Fast', intervalNs: intervalUs * 1000, priority: 0 }], programs: [{ name: 'Main', typeName: 'TICK', task: 'Fast' }] },
    ],
  });
  let refused: string | undefined;
  const options: EngineOptions = { clock: 'real', cycles: loops, spinUs };
  if (realtime) {
    options.realtime = realtime;
    options.onRealtime = (_, r) => {
      if (!r.fifo) refused = r.problems.join('; ');
    };
  }
  const steal0 = stealMs();
  const engine = await Engine.start(app, options);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await engine.done;
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const t = result.metrics.tasks.Fast;
  const l = t.latenessUs;
  return {
    figures: { p50: l.p50, p99: l.p99, p999: l.p999, max: l.max, stealMs: stealMs() - steal0 },
    cpuPercent: ((cpu.user + cpu.system) / wallUs) * 100,
    cycles: t.cycles,
    overruns: t.overruns,
    ...(refused ? { refused } : {}),
  };
}

/** Run cyclictest; resolves with its stdout, or a reason it could not run. */
export function cyclictest(intervalUs: number, loops: number, extra: readonly string[] = []): Promise<{ stdout: string; stealMs?: number } | string> {
  const bin = ['/usr/bin/cyclictest', '/usr/sbin/cyclictest'].find((p) => existsSync(p));
  if (!bin) return Promise.resolve('cyclictest not installed (Debian: apt install rt-tests)');
  const histMaxUs = 10_000;
  const steal0 = stealMs();
  return new Promise((resolve) => {
    const child = spawn(bin, ['-m', '-t1', `-i${intervalUs}`, `-l${loops}`, '-q', `-h${histMaxUs}`, ...extra]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve(`cyclictest failed: ${e.message}`));
    child.on('close', (code) => resolve(code === 0 ? { stdout, stealMs: stealMs() - steal0 } : `cyclictest failed (${code}): ${stderr.trim()}`));
  });
}

/** Percentiles from cyclictest's histogram (one line per µs: `latency count`). */
export function cyclictestFigures(run: { stdout: string; stealMs?: number } | string): Figures | string {
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
  return { p50: quantile(0.5), p99: quantile(0.99), p999: quantile(0.999), max, ...(run.stealMs !== undefined ? { stealMs: run.stealMs } : {}) };
}

/** `stress-ng --cpu 1` for `seconds` (it ends by itself; killed sooner when done), or why not. */
function startLoad(seconds: number): ChildProcess | string {
  const bin = ['/usr/bin/stress-ng', '/usr/sbin/stress-ng'].find((p) => existsSync(p));
  if (!bin) return 'stress-ng not installed (Debian: apt install stress-ng)';
  return spawn(bin, ['--cpu', '1', '--timeout', `${Math.ceil(seconds)}s`, '--quiet'], { stdio: 'ignore' });
}

async function stopLoad(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  await gone;
}

/** While stress-ng keeps one core busy; a string: why it could not. */
async function loaded<T>(seconds: number, fn: () => Promise<T>): Promise<T | string> {
  const load = startLoad(seconds + 10);
  if (typeof load === 'string') return load;
  try {
    await new Promise((r) => setTimeout(r, 300)); // let it start burning
    return await fn();
  } finally {
    await stopLoad(load);
  }
}

const LABELS: [Exclude<keyof Figures, 'stealMs'>, string][] = [['p50', 'p50'], ['p99', 'p99'], ['p999', 'p99.9'], ['max', 'max']];

function latencyFigures(condition: string, policy: string, ours: EngineRun | string, base: Figures | string): BenchFigure[] {
  return LABELS.map(([k, label]) => {
    const name = `1 ms task lateness ${label}, ${condition}`;
    if (typeof ours === 'string') return { name, value: NaN, unit: 'µs', note: `skipped: ${ours}` };
    const f: BenchFigure = { name, value: ours.figures[k], unit: 'µs' };
    if (typeof base === 'string') f.note = base;
    else {
      f.baseline = { name: `cyclictest (${policy})`, value: base[k] };
      if (base[k] > 0) f.ratio = ours.figures[k] / base[k];
      else f.note = 'baseline 0 µs: no ratio';
    }
    if (k === 'max') {
      const steal = (r: Figures | string) => (typeof r === 'string' || r.stealMs === undefined || Number.isNaN(r.stealMs) ? '?' : `${r.stealMs}`);
      f.note = `${f.note ? `${f.note}; ` : ''}${ours.cycles} scans, ${ours.overruns} overruns; CPU 1 taken by the host: ${steal(ours.figures)} ms (cyclictest's run: ${steal(base)} ms)`;
    }
    return f;
  });
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLES = ['samples/tank-level/tank_level.st', 'samples/traffic-light/traffic_light.st', 'samples/bottling/bottling.st', 'samples/sorting-conveyor/sorting.sys'];

/** A sample program under `realtime` for `seconds`: its fastest task's lateness, and overruns of all tasks. */
async function sampleRun(file: string, seconds: number, spinUs: number, realtime: RealtimeRequest): Promise<BenchFigure[]> {
  const compiled = compileFiles([ROOT + file]);
  const app: Application | undefined = compiled.application;
  if (!app) return [{ name: file, value: NaN, unit: 'µs', note: 'does not compile' }];
  const steal0 = stealMs();
  const engine = await Engine.start(app, { clock: 'real', durationNs: seconds * 1e9, spinUs, realtime });
  const { metrics } = await engine.done;
  const steal = stealMs() - steal0;
  const tasks = Object.entries(metrics.tasks);
  const overruns = tasks.reduce((n, [, t]) => n + t.overruns, 0);
  const missed = Object.values(metrics.events ?? {}).reduce((n, e) => n + e.missedTicks, 0);
  // the fastest task: the one with the most cycles
  const [name, t] = tasks.reduce((a, b) => (b[1].cycles > a[1].cycles ? b : a));
  const l = t.latenessUs;
  const note = `${name}: ${t.cycles} scans; overruns of all tasks ${overruns}${metrics.events ? `, missed ticks ${missed}` : ''}; CPU 1 taken by the host: ${steal} ms`;
  return [
    { name: `${file} lateness p99 (SCHED_FIFO)`, value: l.p99, unit: 'µs' },
    { name: `${file} lateness p99.9 (SCHED_FIFO)`, value: l.p999, unit: 'µs' },
    { name: `${file} lateness max (SCHED_FIFO)`, value: l.max, unit: 'µs' },
    { name: `${file} overruns in ${seconds} s (SCHED_FIFO)`, value: overruns, unit: 'overruns', note },
  ];
}

/** IEC 61499: E_CYCLE at 1 ms counting into E_CTU, in a boot file of its own. */
const E_CYCLE_BOOT = [
  'R;<Request ID="1" Action="CREATE"><FB Name="CY" Type="E_CYCLE" /></Request>',
  'R;<Request ID="2" Action="CREATE"><FB Name="C" Type="E_CTU" /></Request>',
  'R;<Request ID="3" Action="CREATE"><Connection Source="START.COLD" Destination="CY.START" /></Request>',
  'R;<Request ID="4" Action="CREATE"><Connection Source="CY.EO" Destination="C.CU" /></Request>',
  'R;<Request ID="5" Action="WRITE"><Connection Source="T#1ms" Destination="CY.DT" /></Request>',
  'R;<Request ID="6" Action="WRITE"><Connection Source="65535" Destination="C.PV" /></Request>',
  'R;<Request ID="7" Action="START"/>',
].join('\n');

/** E_CYCLE at 1 ms for `seconds` on the real clock: ticks delivered (FORTE: 1000 a second), missed ticks, lateness. */
async function eCycleRun(seconds: number, spinUs: number, realtime?: RealtimeRequest): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-jitter-'));
  writeFileSync(join(dir, 'cycle.fboot'), E_CYCLE_BOOT + '\n');
  const app = compileFiles([join(dir, 'cycle.fboot')]).application;
  const policy = realtime ? 'SCHED_FIFO' : 'SCHED_OTHER';
  if (!app) return [{ name: `E_CYCLE 1 ms, ${policy}`, value: NaN, unit: 'ticks/s', note: 'boot file does not compile' }];
  const engine = await Engine.start(app, { clock: 'real', durationNs: seconds * 1e9, spinUs, ...(realtime ? { realtime } : {}) });
  const { vars, metrics } = await engine.done;
  const ticks = Number(vars['R.C.CV']);
  const missed = metrics.events?.R?.missedTicks ?? NaN;
  const l = metrics.tasks.R!.latenessUs;
  return [
    {
      name: `E_CYCLE 1 ms for ${seconds} s, ${policy}: ticks per second`,
      value: ticks / seconds,
      unit: 'ticks/s',
      baseline: { name: 'FORTE (4diac measured: 999.9–1000.2)', value: 1000 },
      ratio: ticks / seconds / 1000,
      note: `${ticks} of ${seconds * 1000} ticks, ${missed} missed; wake-up lateness p99 ${l.p99} µs, max ${l.max} µs`,
    },
  ];
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const seconds = option(argv, '--seconds', 20);
  const spinUs = option(argv, '--spin-us', 100);
  const intervalUs = option(argv, '--interval-us', 1000);
  const sampleSeconds = option(argv, '--sample-seconds', seconds);
  const loops = Math.max(1, Math.round((seconds * 1e6) / intervalUs));
  const spinlessSeconds = Math.max(1, seconds / 4);
  const spinlessLoops = Math.max(1, Math.round((spinlessSeconds * 1e6) / intervalUs));
  console.log(
    `jitter: ${intervalUs} µs task, ${loops} releases (~${seconds} s) per run, spin ${spinUs} µs; runs, each beside cyclictest: ` +
      `SCHED_OTHER idle, SCHED_FIFO idle, SCHED_OTHER and SCHED_FIFO with stress-ng --cpu 1; then without spin (~${spinlessSeconds} s); then each sample ${sampleSeconds} s under SCHED_FIFO`,
  );

  const otherIdle = await engineRun(intervalUs, loops, spinUs);
  const otherIdleBase = cyclictestFigures(await cyclictest(intervalUs, loops));
  const fifoTry = await engineRun(intervalUs, loops, spinUs, FIFO);
  const fifoIdle: EngineRun | string = fifoTry.refused ?? fifoTry;
  const fifoIdleBase = typeof fifoIdle === 'string' ? fifoIdle : cyclictestFigures(await cyclictest(intervalUs, loops, FIFO_CYCLICTEST));
  const otherLoaded = await loaded(seconds, () => engineRun(intervalUs, loops, spinUs));
  const otherLoadedBase = await loaded(seconds, () => cyclictest(intervalUs, loops));
  const fifoLoaded = typeof fifoIdle === 'string' ? fifoIdle : await loaded(seconds, () => engineRun(intervalUs, loops, spinUs, FIFO));
  const fifoLoadedBase = typeof fifoIdle === 'string' ? fifoIdle : await loaded(seconds, () => cyclictest(intervalUs, loops, FIFO_CYCLICTEST));
  const spinless = await engineRun(intervalUs, spinlessLoops, 0);
  const baseOf = (r: { stdout: string } | string) => cyclictestFigures(r);

  const figures = [
    ...latencyFigures('SCHED_OTHER, idle', 'SCHED_OTHER', otherIdle, otherIdleBase),
    ...latencyFigures('SCHED_FIFO, idle', 'SCHED_FIFO 80, CPU 1', fifoIdle, fifoIdleBase),
    ...latencyFigures('SCHED_OTHER, other core loaded', 'SCHED_OTHER', otherLoaded, baseOf(otherLoadedBase)),
    ...latencyFigures('SCHED_FIFO, other core loaded', 'SCHED_FIFO 80, CPU 1', fifoLoaded, typeof fifoLoadedBase === 'string' ? fifoLoadedBase : baseOf(fifoLoadedBase)),
  ];
  const cpu = (condition: string, r: EngineRun | string): BenchFigure =>
    typeof r === 'string'
      ? { name: `engine CPU, spin ${spinUs} µs, ${condition}`, value: NaN, unit: '% of a core', note: `skipped: ${r}` }
      : {
          name: `engine CPU, spin ${spinUs} µs, ${condition}`,
          value: r.cpuPercent,
          unit: '% of a core',
          baseline: { name: 'engine CPU, no spin', value: spinless.cpuPercent },
          ...(spinless.cpuPercent > 0 ? { ratio: r.cpuPercent / spinless.cpuPercent } : {}),
        };
  figures.push(cpu('SCHED_OTHER, idle', otherIdle), cpu('SCHED_FIFO, idle', fifoIdle));
  figures.push(...(await eCycleRun(3, spinUs)));
  if (typeof fifoIdle !== 'string') {
    figures.push(...(await eCycleRun(3, spinUs, FIFO)));
    for (const f of SAMPLES) figures.push(...(await sampleRun(f, sampleSeconds, spinUs, FIFO)));
  }
  const notes = [
    `Each run ${loops} releases of a ${intervalUs} µs task (~${seconds} s), one after the other. cyclictest: \`cyclictest -m -t1 -i${intervalUs} -l${loops} -q -h10000\`, ` +
      `with \`${FIFO_CYCLICTEST.join(' ')}\` under SCHED_FIFO, as the scan thread (\`--rt --rt-priority 80 --cpu 1\`).`,
    'Loaded: `stress-ng --cpu 1` (not pinned) during the run, keeping one core busy.',
    `Without spin (--spin-us 0, ~${spinlessSeconds} s, SCHED_OTHER, idle): lateness p50 ${spinless.figures.p50.toFixed(1)} µs, p99 ${spinless.figures.p99.toFixed(1)} µs, ` +
      `p99.9 ${spinless.figures.p999.toFixed(1)} µs, max ${spinless.figures.max.toFixed(1)} µs; CPU ${spinless.cpuPercent.toFixed(1)} % of a core; ${spinless.cycles} scans.`,
    'CPU is the whole engine process (main thread, worker, spin) over wall time.',
  ];
  return { bench: 'jitter', title: 'Timing: 1 ms task start lateness vs cyclictest', figures, notes };
}
if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (r) => console.log('\n' + markdown([r])),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 2;
    },
  );
}
