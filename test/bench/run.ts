/**
 * `npm run bench [-- --only a,b] [--skip a,b] [--seconds N] [bench options]`: every benchmark
 * in test/bench/, one after the other, each in its own process (so one's JIT and garbage do
 * not colour the next), each bounded in time.
 *
 * Every benchmark exports `main(argv)` returning a BenchResult (report.ts): figures with their
 * baselines measured in the same run and the ratios. It is found by reading the source, not by
 * importing it, so that a file without one is reported, not started by accident. The options
 * a benchmark understands (FORWARD) are passed on to it, e.g. `--seconds 5` to jitter.
 *
 * Writes test/bench/results/latest.json and latest.md, and prints the Markdown.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdown, type BenchResult } from './report.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
/** not benchmarks */
const SUPPORT = new Set(['run.ts', 'report.ts']);
/** options (each followed by a value) that run.ts passes on, by benchmark */
const FORWARD: Record<string, string[]> = {
  jitter: ['--seconds', '--spin-us', '--interval-us', '--sample-seconds'],
  footprint: ['--settle-s', '--items'],
  compile: ['--lines'],
  'st-vs-c': ['--batch-ms', '--batches', '--runs'],
  events: ['--ms'],
  comm: ['--count'],
  io: ['--ms'],
  console: ['--seconds'],
  'online-change': ['--seconds'],
  'inplace-61499': ['--changes'],
  mqtt: ['--seconds'],
};
/** a benchmark still running after this is killed and reported as failed */
const CHILD_TIMEOUT_MS = 20 * 60_000;

function forwarded(argv: string[], bench: string): string[] {
  const out: string[] = [];
  for (const name of FORWARD[bench] ?? []) {
    const i = argv.indexOf(name);
    if (i >= 0 && argv[i + 1] !== undefined) out.push(name, argv[i + 1]!);
  }
  return out;
}

function exportsMain(file: string): boolean {
  return /export\s+(async\s+)?function\s+main\s*\(/.test(readFileSync(file, 'utf8'));
}

function list(argv: string[], name: string): string[] | undefined {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : (argv[i + 1] ?? '').split(',').filter(Boolean);
}

/** Run one file under tsx in a child process, its output passed through. */
function child(args: string[]): number | null {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  if (r.error) console.error(`${args[2] ?? ''}: ${r.error.message}`);
  return r.status;
}

async function runChild(file: string, out: string, argv: string[]): Promise<void> {
  const mod = (await import(pathToFileURL(file).href)) as { main?: (argv: string[]) => Promise<BenchResult> | BenchResult };
  if (typeof mod.main !== 'function') throw new Error(`${file} exports no main()`);
  writeFileSync(out, JSON.stringify(await mod.main(argv)));
}

async function runAll(argv: string[]): Promise<number> {
  const loadAtStart = loadavg();
  const only = list(argv, '--only');
  const skip = list(argv, '--skip') ?? [];
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !SUPPORT.has(f))
    .sort();
  const wanted = (f: string) => {
    const stem = basename(f, '.ts');
    return (!only || only.includes(stem)) && !skip.includes(stem);
  };
  const results: BenchResult[] = [];
  const failed: string[] = [];
  const notRun: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'vplc-bench-'));
  try {
    for (const f of files.filter(wanted)) {
      const path = join(HERE, f);
      const stem = basename(f, '.ts');
      if (exportsMain(path)) {
        console.log(`\n== ${stem}`);
        const out = join(tmp, `${stem}.json`);
        const status = child([SELF, '--child', path, out, ...forwarded(argv, stem)]);
        if (status === 0 && existsSync(out)) results.push(JSON.parse(readFileSync(out, 'utf8')) as BenchResult);
        else failed.push(stem);
      } else {
        notRun.push(stem);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  let md = markdown(results);
  if (failed.length) md += `Failed: ${failed.join(', ')}\n`;
  if (notRun.length) md += `Not run (no main() exported): ${notRun.join(', ')}\n`;
  const dir = join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    /** 1, 5 and 15 min load averages at the start and at the end of the run (2 cores: 2 is full) */
    loadAtStart: loadAtStart.map((x) => Number(x.toFixed(2))),
    loadAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
    options: argv,
    results,
    failed,
    notRun,
  };
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  const header = `vPLC benchmarks: ${report.date}, node ${report.node}, ${report.cpus} × ${report.cpu}, load average (1/5/15 min) ${report.loadAtStart.join(' ')} at start, ${report.loadAtEnd.join(' ')} at end`;
  md = `${header}\n\n${md}`;
  writeFileSync(join(dir, 'latest.md'), md);
  console.log(`\n# ${md}`);
  console.log(`written: ${join(dir, 'latest.json')}`);
  return failed.length ? 1 : 0;
}

const argv = process.argv.slice(2);
const isChild = argv[0] === '--child';
const run = isChild ? runChild(argv[1]!, argv[2]!, argv.slice(3)).then(() => 0) : runAll(argv);
run.then(
  (code) => {
    // a child exits at once: a client library's leftover timers must not keep it alive
    if (isChild) process.exit(code);
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    if (isChild) process.exit(1);
    process.exitCode = 1;
  },
);
