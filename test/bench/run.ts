/**
 * `npm run bench [-- --only a,b] [--skip a,b]`: every benchmark in test/bench/, one after the
 * other, each in its own process (so one's JIT and garbage do not colour the next).
 *
 * - A file that exports `main(argv)` returning a BenchResult (report.ts) gives figures with
 *   their baselines and ratios; it is found by reading the source, not by importing it, so
 *   that scripts which run when imported are not started by accident.
 * - Files listed in SCRIPTS (benchmarks that only print) are run as they are and their output
 *   is kept verbatim.
 *
 * Writes test/bench/results/latest.json and latest.md, and prints the Markdown.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdown, type BenchResult } from './report.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
/** not benchmarks */
const SUPPORT = new Set(['run.ts', 'report.ts']);
/** benchmarks without a main(): run as scripts, output kept as text */
const SCRIPTS = ['events.ts', 'jitter.ts'];

interface ScriptRun {
  bench: string;
  exitCode: number | null;
  output: string;
}

function exportsMain(file: string): boolean {
  return /export\s+(async\s+)?function\s+main\s*\(/.test(readFileSync(file, 'utf8'));
}

function list(argv: string[], name: string): string[] | undefined {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : (argv[i + 1] ?? '').split(',').filter(Boolean);
}

/** Run one file under tsx in a child process, its output passed through. */
function child(args: string[], capture: boolean): { status: number | null; stdout: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (capture && r.stdout) process.stdout.write(r.stdout);
  return { status: r.status, stdout: r.stdout ?? '' };
}

async function runChild(file: string, out: string): Promise<void> {
  const mod = (await import(pathToFileURL(file).href)) as { main?: (argv: string[]) => Promise<BenchResult> | BenchResult };
  if (typeof mod.main !== 'function') throw new Error(`${file} exports no main()`);
  writeFileSync(out, JSON.stringify(await mod.main([])));
}

async function runAll(argv: string[]): Promise<number> {
  const only = list(argv, '--only');
  const skip = list(argv, '--skip') ?? [];
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.ts') && !SUPPORT.has(f))
    .sort();
  const wanted = (f: string) => {
    const stem = basename(f, '.ts');
    return (!only || only.includes(stem)) && !skip.includes(stem);
  };
  const results: BenchResult[] = [];
  const scripts: ScriptRun[] = [];
  const failed: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'vplc-bench-'));
  try {
    for (const f of files.filter(wanted)) {
      const path = join(HERE, f);
      const stem = basename(f, '.ts');
      if (exportsMain(path)) {
        console.log(`\n== ${stem}`);
        const out = join(tmp, `${stem}.json`);
        const r = child([SELF, '--child', path, out], false);
        if (r.status === 0 && existsSync(out)) results.push(JSON.parse(readFileSync(out, 'utf8')) as BenchResult);
        else failed.push(stem);
      } else if (SCRIPTS.includes(f)) {
        console.log(`\n== ${stem} (script)`);
        const r = child([path], true);
        scripts.push({ bench: stem, exitCode: r.status, output: r.stdout });
        if (r.status !== 0) failed.push(stem);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  let md = markdown(results);
  for (const s of scripts) md += `### ${s.bench}\n\n\`\`\`\n${s.output.trimEnd()}\n\`\`\`\n\n`;
  if (failed.length) md += `Failed: ${failed.join(', ')}\n`;
  const dir = join(HERE, 'results');
  mkdirSync(dir, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    results,
    scripts,
    failed,
  };
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.md'), md);
  console.log(`\n# vPLC benchmarks (${report.date}, node ${report.node}, ${report.cpu})\n\n${md}`);
  console.log(`written: ${join(dir, 'latest.json')}`);
  return failed.length ? 1 : 0;
}

const argv = process.argv.slice(2);
const run = argv[0] === '--child' ? runChild(argv[1]!, argv[2]!).then(() => 0) : runAll(argv);
run.then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
