/**
 * ST execution against C: CPU-bound kernels written twice, as ST programs (test/bench/st/) and
 * as the same algorithm in C (test/bench/c/), the C built with `gcc -O2` in this run. Both run
 * the same scans with the same task clock (10 ms a scan, from 0) and print a checksum of their
 * state: the bench refuses a ratio when the two disagree, because then they did not do the same
 * work. Prints ns per scan of both (median of batches, after a warm-up), each ratio vPLC/C and
 * the geometric mean (target: within 1.5× of C), of wall time, of CPU time (the process's:
 * on a shared, loaded machine the steadier of the two) and of the fastest batches' CPU time
 * (what other work on the machine disturbs least).
 *
 *   npx tsx test/bench/st-vs-c.ts [--batch-ms 20] [--batches 11] [--runs 5] [kernel…]
 *
 * vPLC's scan is timed as the call of the generated task function (programs only: these
 * kernels have no located variables, so the process-image copy would be empty work). Each
 * kernel's vPLC side runs in a process of its own, as an application does in production: kernels
 * sharing one process were seen to make V8 compile the same code of a later kernel up to 2.5×
 * slower (case-fsm, a WHILE sieve), which measures the bench, not the code. And in `--runs`
 * processes (5): the code V8 makes of the same kernel differs from process to process, by up
 * to 3× (the REAL characteristic curve ran at 1.07× of C in one and 3.36× in another), so one
 * process's figure says little. The vPLC figures are the medians over the processes (each
 * process's own figure its median batch, or its fastest); the spread of the processes' ratios
 * is printed beside them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Application } from '../../compiler/application.js';
import { ResourceRunner } from '../../runtime/engine/resource-runner.js';
import { geometricMean, median, type BenchFigure, type BenchResult } from './report.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const INTERVAL_NS = 10_000_000;

interface Kernel {
  /** file stem in st/ and c/ */
  name: string;
  what: string;
}

export const KERNELS: Kernel[] = [
  { name: 'int16-arith', what: 'INT arithmetic, 16-bit wrap-around (1000 iterations)' },
  { name: 'real-pid', what: 'REAL PID loops (200 controllers + plants)' },
  { name: 'sort', what: 'LCG refill + insertion sort of 256 DINT' },
  { name: 'sieve', what: 'sieve of Eratosthenes to 6000..7999' },
  { name: 'fb-instances', what: '500 TON + 500 CTU instances' },
  { name: 'int-mix', what: 'integer mix: xorshift DWORD, DINT, SINT, UINT, CASE (1000 iterations)' },
  { name: 'fb-inout', what: 'user FB in an array of structs and in a struct: inputs, => outputs, VAR_IN_OUT (256 + 512 calls)' },
  { name: 'struct-array', what: 'array of 512 structs: particles bouncing in a box' },
  { name: 'lreal-rk4', what: 'LREAL Runge-Kutta step of 100 oscillators, many temporaries' },
  { name: 'real-biquad', what: 'REAL biquad cascade, 64 channels x 4 sections' },
  { name: 'case-fsm', what: 'CASE state machines on an enumeration, 300 machines' },
  { name: 'bit-ops', what: 'WORD/DWORD bits: CRC-16 over 64 bytes, ROL/ROR/SHL/SHR, bit tests' },
  { name: 'nested-calls', what: 'nested calls of small user FUNCTIONs (1000 iterations)' },
  { name: 'string-build', what: 'CONCAT, INT_TO_STRING, LEN, FIND, LEFT, MID (20 lines a scan)' },
  { name: 'timers-counters', what: '200 stations of TP, TOF, CTUD, R_TRIG, F_TRIG, RS in a struct array' },
  { name: 'matrix-2d', what: '2-D arrays: life on a 48 x 48 torus' },
  { name: 'fb-methods', what: 'FB METHODs with inputs and results, an overriding METHOD of an EXTENDS, calls through an INTERFACE (128 filters)' },
  { name: 'real-interp', what: 'REAL characteristic curve: binary search in 32 breakpoints, interpolation, LIMIT (256 lookups)' },
  { name: 'ring-fifo', what: '32 FIFO queues in an array of structs: WHILE loops, MOD ring indexes, xorshift32 DWORD' },
  { name: 'fb-sequencer', what: '48 user FBs: CASE on an enumeration, a TON, REAL level (batch sequencers)' },
  { name: 'fb-array-user', what: '500 user FBs in an array, each with a TON, an R_TRIG and a CTU, called in a FOR loop' },
  { name: 'shell-sort', what: 'LCG refill + shell sort of 300 DINT (WHILE gaps, inner WHILE with EXIT)' },
  { name: 'sieve-while', what: 'prime and twin-prime sieve to 5000..7999, WHILE loops only' },
  { name: 'int-shift-mix', what: 'DINT/INT mix: LCG, MOD, /, SHL/SHR/ROL on WORD and DWORD (1500 iterations)' },
  { name: 'real-pi-aw', what: 'REAL PI controllers with back-calculation anti-windup, 256 second-order plants' },
  { name: 'fb-lanes', what: '400 structs of TON, R_TRIG, CTU, TON, F_TRIG fields called in a FOR loop (conveyor lanes)' },
  { name: 'sieve-bits', what: 'odd-only sieve packed in WORDs to 20000..29999: SHL/AND/OR bits, nibble table of BYTE, ROL hash' },
  { name: 'fb-std-arrays', what: 'arrays of 500 TON, 500 R_TRIG and 500 CTU called in one FOR loop' },
  { name: 'real-pid-filter', what: 'REAL PID FB with filtered derivative and limits, 128 instances, gains passed each call' },
  { name: 'sort-flag', what: 'LCG refill + insertion sort of 200 INT, 1-based, inner WHILE ended by a flag' },
  { name: 'sieve-for-by', what: 'sieve to 9000..9999: WHILE i * i <= n, FOR j := i * i TO n BY i, 1-based BOOL array' },
  { name: 'matrix-real', what: 'REAL 24 x 24 matrices in 2-D arrays: refill, product in three nested FOR loops, diagonal sums' },
  { name: 'fb-struct-valves', what: '200 valves: structs with a TON field beside user FBs debouncing with a VAR_IN_OUT counter' },
  { name: 'fb-case-tanks', what: '300 user FBs with a CASE on an enumeration, inputs from and outputs back to INT arrays' },
  { name: 'lreal-funcs', what: 'LREAL through nested user FUNCTIONs, SQRT and ABS, each step on the last one\'s result (255 steps)' },
  { name: 'word-crc', what: 'BYTE buffer: bitwise CRC-16 with a bit test, DWORD hash of ROL/SHL/XOR with a top-bit test' },
  { name: 'analog-scaling', what: '256 analog channels: INT to REAL scaling, a filter, a BOOL alarm array, UINT trip counts' },
  { name: 'int-dword-mix', what: 'DINT/INT arithmetic, MOD and /, SHL/SHR on DWORD and WORD with conversions (2000 iterations)' },
  { name: 'fb-ramp-hyst', what: 'REAL ramps with a rate limit and a hysteresis switch, 96 user FBs in an array, constants passed each call' },
  { name: 'struct-batches', what: '128 batch records in an array of structs: CASE on an INT state, dosing through a user FUNCTION with MIN' },
  { name: 'sort-cond', what: 'xorshift refill + insertion sort of 240 DINT, 1-based, inner WHILE j >= 1 AND a[j] > key' },
];

/** How a kernel is run on both sides: the same scans, so the checksums must agree. */
export interface Plan {
  warmup: number;
  batches: number;
  batchSize: number;
}

interface SideRun {
  checksum: number;
  /** median batch */
  nsPerScan: number;
  /** fastest batch: the figure least disturbed by other load on the machine */
  minNsPerScan: number;
  /** median batch of CPU time (the process's): what other load on a shared machine changes least */
  cpuNsPerScan: number;
  /** fastest batch of CPU time: on a loaded machine the figure other work disturbs least */
  minCpuNsPerScan: number;
  /** the vPLC side in several processes: each one's median batch */
  processes?: number[];
}

export interface KernelOutcome {
  kernel: string;
  st: SideRun;
  c?: SideRun;
  /** why there is no C figure or no ratio */
  problem?: string;
}

export function compileKernel(name: string): Application {
  const path = join(HERE, 'st', `${name}.st`);
  const r = compileSources([new SourceFile(path, readFileSync(path, 'utf8'))]);
  if (!r.application) throw new Error(`${name}.st does not compile:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  return r.application;
}

/** A fresh instance of the kernel's program, sharing `from`'s loaded module (and its warm JIT). */
export function freshRunner(app: Application, from?: ResourceRunner): ResourceRunner {
  const resource = app.resources[0]!.name;
  return from ? new ResourceRunner(app, resource, { module: from.module, support: from.support }) : new ResourceRunner(app, resource);
}

function checksumOf(runner: ResourceRunner): number {
  const main = runner.instance.programs['Main'] as { checksum?: unknown } | undefined;
  if (typeof main?.checksum !== 'number') throw new Error('the kernel has no DINT Main.checksum');
  return main.checksum;
}

/** Scans `count` times from scan number `first` (the task clock at first × interval). */
function scans(runner: ResourceRunner, first: number, count: number): void {
  const task = runner.instance.tasks[0]!;
  const support = runner.support;
  for (let s = first, end = first + count; s < end; s++) {
    support.timeNs = s * INTERVAL_NS;
    task();
  }
}

/** Batch size so that one vPLC batch lasts about batchMs, from a throw-away instance. */
function plan(app: Application, batchMs: number, batches: number): { plan: Plan; warm: ResourceRunner } {
  const warm = freshRunner(app);
  let n = 1;
  let done = 0;
  let ns = 0;
  // double the count until a run lasts 100 ms: this is also the JIT's first warm-up
  for (;;) {
    const t0 = process.hrtime.bigint();
    scans(warm, done, n);
    ns = Number(process.hrtime.bigint() - t0);
    done += n;
    if (ns > 100e6 || n > 1 << 26) break;
    n *= 2;
  }
  const perScan = ns / n;
  const batchSize = Math.max(1, Math.round((batchMs * 1e6) / perScan));
  return { plan: { warmup: batchSize * 3, batches, batchSize }, warm };
}

export function runSt(app: Application, p: Plan, warm: ResourceRunner): SideRun {
  const runner = freshRunner(app, warm);
  scans(runner, 0, p.warmup);
  const batchNs: number[] = [];
  const cpuNs: number[] = [];
  let s = p.warmup;
  for (let b = 0; b < p.batches; b++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    scans(runner, s, p.batchSize);
    batchNs.push(Number(process.hrtime.bigint() - t0));
    const c = process.cpuUsage(c0);
    cpuNs.push((c.user + c.system) * 1000);
    s += p.batchSize;
  }
  return {
    checksum: checksumOf(runner),
    nsPerScan: median(batchNs) / p.batchSize,
    minNsPerScan: Math.min(...batchNs) / p.batchSize,
    cpuNsPerScan: median(cpuNs) / p.batchSize,
    minCpuNsPerScan: Math.min(...cpuNs) / p.batchSize,
  };
}

/**
 * The vPLC side of one kernel in a child process: the plan it chose (or `given`, so that every
 * process runs the same scans as the C side) and its figures.
 */
function runStIsolated(name: string, batchMs: number, batches: number, given?: Plan): { plan: Plan; st: SideRun } {
  const planArg = given ? [PLAN_OPTION, `${given.warmup},${given.batches},${given.batchSize}`] : [];
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ST_SIDE, name, '--batch-ms', String(batchMs), '--batches', String(batches), ...planArg], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${name}: the vPLC side failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as { plan: Plan; st: SideRun };
}

/** The vPLC side in `runs` processes, all on the first one's plan: the medians of their figures. */
function runStProcesses(name: string, batchMs: number, batches: number, runs: number): { plan: Plan; st: SideRun } {
  const first = runStIsolated(name, batchMs, batches);
  const all = [first.st];
  for (let i = 1; i < runs; i++) all.push(runStIsolated(name, batchMs, batches, first.plan).st);
  if (all.some((r) => r.checksum !== first.st.checksum)) throw new Error(`${name}: the vPLC processes ended with different checksums: ${all.map((r) => r.checksum).join(', ')}`);
  const mid = (f: (r: SideRun) => number) => median(all.map(f));
  return {
    plan: first.plan,
    st: {
      checksum: first.st.checksum,
      nsPerScan: mid((r) => r.nsPerScan),
      minNsPerScan: mid((r) => r.minNsPerScan),
      cpuNsPerScan: mid((r) => r.cpuNsPerScan),
      minCpuNsPerScan: mid((r) => r.minCpuNsPerScan),
      processes: all.map((r) => r.nsPerScan),
    },
  };
}

/** The child's part: compile, plan (warming up) and run one kernel, print the outcome as JSON. */
function stSide(name: string, batchMs: number, batches: number, given?: Plan): void {
  const app = compileKernel(name);
  const { plan: chosen, warm } = plan(app, batchMs, batches);
  const p = given ?? chosen;
  process.stdout.write(JSON.stringify({ plan: p, st: runSt(app, p, warm) }));
}

const PLAN_OPTION = '--plan';

function planOption(argv: string[]): Plan | undefined {
  const i = argv.indexOf(PLAN_OPTION);
  if (i < 0) return undefined;
  const [warmup, batches, batchSize] = argv[i + 1]!.split(',').map(Number) as [number, number, number];
  return { warmup, batches, batchSize };
}

const ST_SIDE = '--st-side';

export function haveGcc(): boolean {
  return spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function runC(name: string, p: Plan, dir: string): SideRun {
  const exe = join(dir, name);
  execFileSync('gcc', ['-O2', '-o', exe, join(HERE, 'c', `${name}.c`), '-lm'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const out = execFileSync(exe, [String(p.warmup), String(p.batches), String(p.batchSize), String(INTERVAL_NS)], {
    encoding: 'utf8',
  });
  let checksum = NaN;
  const batchNs: number[] = [];
  const cpuNs: number[] = [];
  for (const line of out.split('\n')) {
    const [k, v, cpu] = line.split(' ');
    if (k === 'checksum') checksum = Number(v);
    else if (k === 'batch') {
      batchNs.push(Number(v));
      cpuNs.push(Number(cpu));
    }
  }
  if (!Number.isFinite(checksum) || batchNs.length !== p.batches) throw new Error(`${name}: unexpected C output:\n${out}`);
  return {
    checksum,
    nsPerScan: median(batchNs) / p.batchSize,
    minNsPerScan: Math.min(...batchNs) / p.batchSize,
    cpuNsPerScan: median(cpuNs) / p.batchSize,
    minCpuNsPerScan: Math.min(...cpuNs) / p.batchSize,
  };
}

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  argv.splice(i, 2);
  return v;
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const args = [...argv];
  const batchMs = option(args, '--batch-ms', 20);
  const batches = Math.round(option(args, '--batches', 11));
  const runs = Math.round(option(args, '--runs', 5));
  const chosen = args.length ? KERNELS.filter((k) => args.includes(k.name)) : KERNELS;
  if (args.length && chosen.length !== args.length) {
    throw new Error(`unknown kernel among ${args.join(', ')}; known: ${KERNELS.map((k) => k.name).join(', ')}`);
  }
  const gcc = haveGcc();
  const notes: string[] = [];
  if (!gcc) notes.push('gcc not found: C baselines skipped (install gcc to get the ratios)');
  const dir = mkdtempSync(join(tmpdir(), 'vplc-bench-c-'));
  const figures: BenchFigure[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const minCpuRatios: number[] = [];
  let disagreements = 0;
  try {
    for (const k of chosen) {
      const { plan: p, st } = runStProcesses(k.name, batchMs, batches, runs);
      const fig: BenchFigure = { name: k.name, value: st.nsPerScan, unit: 'ns/scan' };
      if (gcc) {
        const c = runC(k.name, p, dir);
        fig.baseline = { name: 'C gcc -O2', value: c.nsPerScan };
        if (c.checksum === st.checksum) {
          fig.ratio = st.nsPerScan / c.nsPerScan;
          ratios.push(fig.ratio);
          const cpu = st.cpuNsPerScan / c.cpuNsPerScan;
          cpuRatios.push(cpu);
          minCpuRatios.push(st.minCpuNsPerScan / c.minCpuNsPerScan);
          fig.note = `checksums agree (${st.checksum}); fastest batches ${st.minNsPerScan.toFixed(0)} / ${c.minNsPerScan.toFixed(0)} ns = ${(st.minNsPerScan / c.minNsPerScan).toFixed(2)}×; CPU time ${st.cpuNsPerScan.toFixed(0)} / ${c.cpuNsPerScan.toFixed(0)} ns = ${cpu.toFixed(2)}× (fastest batches ${(st.minCpuNsPerScan / c.minCpuNsPerScan).toFixed(2)}×)`;
        } else {
          disagreements++;
          fig.note = `CHECKSUMS DIFFER: vPLC ${st.checksum}, C ${c.checksum}: no ratio`;
        }
      }
      fig.note = `${k.what}; ${p.warmup + p.batches * p.batchSize} scans${fig.note ? '; ' + fig.note : ''}`;
      figures.push(fig);
      const spread = fig.ratio !== undefined && st.processes && st.processes.length > 1 ? `, processes ${(Math.min(...st.processes) / fig.baseline!.value).toFixed(2)}-${(Math.max(...st.processes) / fig.baseline!.value).toFixed(2)}x` : '';
      if (spread) fig.note += `; vPLC processes ${st.processes!.map((n) => n.toFixed(0)).join(', ')} ns`;
      const ratio = fig.ratio !== undefined ? `  ${fig.ratio.toFixed(2)}x of C (${fig.baseline!.value.toFixed(0)} ns); CPU time ${cpuRatios[cpuRatios.length - 1]!.toFixed(2)}x, fastest CPU ${minCpuRatios[minCpuRatios.length - 1]!.toFixed(2)}x${spread}` : '';
      console.log(`${k.name.padEnd(14)} ${st.nsPerScan.toFixed(0).padStart(9)} ns/scan${ratio}${fig.note.includes('DIFFER') ? '  ' + fig.note : ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (ratios.length) {
    const g = geometricMean(ratios);
    const gc = geometricMean(cpuRatios);
    const gm = geometricMean(minCpuRatios);
    notes.push(`geometric mean vPLC/C over ${ratios.length} kernels: ${g.toFixed(2)}× wall time, ${gc.toFixed(2)}× CPU time, ${gm.toFixed(2)}× CPU time of the fastest batches (target ≤ 1.5×)`);
    console.log(`geometric mean vPLC/C: ${g.toFixed(2)}x wall time, ${gc.toFixed(2)}x CPU time, ${gm.toFixed(2)}x CPU time of the fastest batches (target <= 1.5x)`);
  }
  if (disagreements) notes.push(`${disagreements} kernel(s) computed a different checksum in C and ST: a bug on one side`);
  notes.push(`Each side: ${batches} batches of about ${batchMs} ms (vPLC) after 3 batches of warm-up; median batch / scans per batch; vPLC in ${runs} processes, the median of theirs. ` +
    'The task clock advances 10 ms per scan on both sides.');
  return { bench: 'st-vs-c', title: 'ST execution vs C (gcc -O2), ns per scan', figures, notes };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === ST_SIDE) {
  stSide(process.argv[3]!, option(process.argv, '--batch-ms', 20), Math.round(option(process.argv, '--batches', 11)), planOption(process.argv));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (r) => {
      if (r.notes.some((n) => n.includes('different checksum'))) process.exitCode = 1;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
