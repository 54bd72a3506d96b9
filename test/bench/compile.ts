/**
 * Compiler figures: lines per second on a generated 21,000-line ST project (the first compile
 * in a fresh process, as `vplc` sees it, and the median of later ones with a warm JIT), and
 * the time from `vplc run` start to the end of its first scan (`--virtual-time --cycles 1`,
 * process spawn to exit, and spawn to the moment the scan worker says its first scan ended,
 * VPLC_START_TRACE=1): cold (`--no-cache`: everything compiled) for a 7-line program and
 * the project, and for the project again from the compile cache (a folder of this run only,
 * filled by one start before), beside `node -e 0` measured in the same run: the floor of any
 * Node program's start.
 *
 *   npx tsx test/bench/compile.ts [--lines 21000]
 *
 * The CLI is run from dist/runtime/cli/main.js when `npm run build` has made it, else through
 * tsx from runtime/cli/main.ts (slower to start: it compiles TypeScript on the fly); the figure
 * says which.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { IdAllocator } from '../../compiler/st/ast.js';
import { parseSt } from '../../compiler/st/parse.js';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { median, type BenchFigure, type BenchResult } from './report.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One function block of about 60 lines: declarations, IF/CASE/FOR/WHILE, REAL and INT math, a timer. */
function functionBlock(n: number): string {
  return `FUNCTION_BLOCK FB_Unit${n}
VAR_INPUT
  enable : BOOL;
  setpoint : REAL;
  mode : INT;
END_VAR
VAR_OUTPUT
  value : REAL;
  count : DINT;
  alarm : BOOL;
END_VAR
VAR
  history : ARRAY[0..15] OF INT;
  idx : INT;
  timer : TON;
  acc : DINT;
  k : INT;
  state : INT;
END_VAR
timer(IN := enable AND NOT alarm, PT := T#${(n % 50) + 1}00ms);
IF timer.Q THEN
  count := count + 1;
  alarm := count > ${1000 + n};
END_IF;
CASE mode OF
  0:
    value := value + (setpoint - value) * 0.1;
  1, 2:
    value := setpoint * ${(n % 9) + 1}.5;
  3..5:
    value := LIMIT(-100.0, value - 1.0, 100.0);
ELSE
  value := 0.0;
END_CASE;
history[idx] := REAL_TO_INT(value);
idx := (idx + 1) MOD 16;
acc := 0;
FOR k := 0 TO 15 DO
  acc := acc + history[k] * ${n % 13 + 1};
END_FOR;
k := 0;
WHILE k < 4 AND acc > 0 DO
  acc := acc / 2;
  k := k + 1;
END_WHILE;
IF acc > 10000 THEN
  state := 1;
ELSIF acc < -10000 THEN
  state := 2;
ELSE
  state := 0;
END_IF;
END_FUNCTION_BLOCK

FUNCTION F_Scale${n} : REAL
VAR_INPUT
  x : REAL;
  lo : REAL;
  hi : REAL;
END_VAR
IF hi <= lo THEN
  F_Scale${n} := 0.0;
ELSE
  F_Scale${n} := (x - lo) / (hi - lo) * ${n % 100}.0;
END_IF;
END_FUNCTION

`;
}

/** A project of at least `lines` lines: function blocks and functions, and a Main program using them all. */
export function generateProject(lines: number): string {
  // each unit: its FB and function, plus three lines in Main (declaration, call, sum)
  const perUnit = functionBlock(0).split('\n').length - 1 + 3;
  const units = Math.max(1, Math.ceil((lines - 8) / perUnit));
  const parts: string[] = [];
  for (let n = 0; n < units; n++) parts.push(functionBlock(n));
  parts.push('PROGRAM Main\nVAR\n');
  for (let n = 0; n < units; n++) parts.push(`  u${n} : FB_Unit${n};\n`);
  parts.push('  total : REAL;\n  tick : DINT;\nEND_VAR\ntick := tick + 1;\n');
  for (let n = 0; n < units; n++) {
    parts.push(`u${n}(enable := TRUE, setpoint := F_Scale${n}(DINT_TO_REAL(tick), 0.0, 100.0), mode := ${n % 7});\n`);
    parts.push(`total := total + u${n}.value;\n`);
  }
  parts.push('END_PROGRAM\n');
  return parts.join('');
}

function compileOnce(text: string): number {
  const t0 = process.hrtime.bigint();
  const r = compileSources([new SourceFile('project.st', text)]);
  const ns = Number(process.hrtime.bigint() - t0);
  if (!r.application) throw new Error(`the generated project does not compile:\n${r.diagnostics.slice(0, 10).map(formatDiagnostic).join('\n')}`);
  return ns;
}

/** Wall time of parsing `text` alone, in ns. */
function parseOnce(text: string): number {
  const t0 = process.hrtime.bigint();
  const r = parseSt(new SourceFile('project.st', text), new IdAllocator());
  const ns = Number(process.hrtime.bigint() - t0);
  if (r.diagnostics.length) throw new Error(`the generated project does not parse:\n${r.diagnostics.slice(0, 10).map(formatDiagnostic).join('\n')}`);
  return ns;
}

/** What `VPLC_START_TRACE=1` prints when the first scan of a resource has ended: the wall clock then, in ms. */
const FIRST_SCAN = /first scan of \S+ ended at [\d.]+ ms \(wall ([\d.]+)\)/;

/**
 * Wall time of a child process from spawn to exit, in ns (median and fastest of `times`), and,
 * when the child is vplc started with VPLC_START_TRACE=1, from spawn to the end of its first
 * scan (the child prints the wall clock then: the same clock as this process's).
 */
function wall(cmd: string, args: string[], times: number, env: NodeJS.ProcessEnv = process.env): { ns: number; minNs: number; firstScanNs?: number; minFirstScanNs?: number; status: number | null; stderr: string } {
  const ns: number[] = [];
  const firstScan: number[] = [];
  let status: number | null = 0;
  let stderr = '';
  for (let i = 0; i < times; i++) {
    const spawnedAt = performance.timeOrigin + performance.now();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env });
    ns.push(Number(process.hrtime.bigint() - t0));
    status = r.status;
    stderr = r.stderr;
    const m = FIRST_SCAN.exec(r.stderr);
    if (m) firstScan.push((Number(m[1]) - spawnedAt) * 1e6);
  }
  return {
    ns: median(ns),
    minNs: Math.min(...ns),
    ...(firstScan.length === times ? { firstScanNs: median(firstScan), minFirstScanNs: Math.min(...firstScan) } : {}),
    status,
    stderr,
  };
}

const SMALL_PROGRAM = `PROGRAM Main
VAR
  t : TON;
  n : INT;
END_VAR
t(IN := TRUE, PT := T#1s);
n := n + 1;
END_PROGRAM
`;

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const lines = Math.round(option(argv, '--lines', 21000));
  const text = generateProject(lines);
  const actual = text.split('\n').length - 1;
  const figures: BenchFigure[] = [];
  const notes: string[] = [];

  const coldNs = compileOnce(text);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push(compileOnce(text));
  const warmNs = median(warm);
  // baseline: the parser alone (lex, parse, AST) on the same text, warm: what checking and code generation add
  const parse: number[] = [];
  for (let i = 0; i < 3; i++) parse.push(parseOnce(text));
  const parseNs = median(parse);
  const parseBase = { name: 'parseSt alone, same text, warm', value: actual / (parseNs / 1e9) };
  figures.push({ name: `compile ${actual} lines, first in process`, value: actual / (coldNs / 1e9), unit: 'lines/s', baseline: parseBase, ratio: parseNs / coldNs, note: `${(coldNs / 1e6).toFixed(0)} ms` });
  figures.push({ name: `compile ${actual} lines, warm (median of 3)`, value: actual / (warmNs / 1e9), unit: 'lines/s', baseline: parseBase, ratio: parseNs / warmNs, note: `${(warmNs / 1e6).toFixed(0)} ms; parse alone ${(parseNs / 1e6).toFixed(0)} ms` });
  console.log(`compile ${actual} lines: first ${(coldNs / 1e6).toFixed(0)} ms (${Math.round(actual / (coldNs / 1e9))} lines/s), warm ${(warmNs / 1e6).toFixed(0)} ms (${Math.round(actual / (warmNs / 1e9))} lines/s)`);

  const dir = mkdtempSync(join(tmpdir(), 'vplc-bench-compile-'));
  try {
    const small = join(dir, 'x.st');
    const big = join(dir, 'project.st');
    writeFileSync(small, SMALL_PROGRAM);
    writeFileSync(big, text);
    const floor = wall(process.execPath, ['-e', '0'], 5);
    const dist = join(ROOT, 'dist', 'runtime', 'cli', 'main.js');
    const cli = existsSync(dist)
      ? { how: 'node dist/runtime/cli/main.js', cmd: process.execPath, args: [dist] }
      : { how: 'tsx runtime/cli/main.ts (no dist/: run `npm run build` for the installed figure)', cmd: process.execPath, args: ['--import', 'tsx', join(ROOT, 'runtime', 'cli', 'main.ts')] };
    // a cache folder of this run only: cold starts compile (--no-cache), cached ones read the
    // entry the first wrote; each start says when its first scan ended
    const cacheEnv = { ...process.env, VPLC_CACHE_DIR: join(dir, 'cache'), VPLC_START_TRACE: '1' };
    const runs: [string, string, number, string[]][] = [
      ['7-line program, cold', small, 5, ['--no-cache']],
      [`${actual}-line project, cold`, big, 5, ['--no-cache']],
      [`${actual}-line project, cached`, big, 5, []],
    ];
    wall(cli.cmd, [...cli.args, 'run', big, '--virtual-time', '--cycles', '1'], 1, cacheEnv); // fills the cache (and its code cache)
    for (const [label, file, times, extra] of runs) {
      const r = wall(cli.cmd, [...cli.args, 'run', file, '--virtual-time', '--cycles', '1', ...extra], times, cacheEnv);
      if (r.status !== 0) {
        notes.push(`vplc run ${label} exited ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
        continue;
      }
      const ms = r.ns / 1e6;
      figures.push({
        name: `vplc run to first scan, ${label}`,
        value: ms,
        unit: 'ms',
        baseline: { name: 'node -e 0', value: floor.ns / 1e6 },
        ratio: r.ns / floor.ns,
        note: `${cli.how}; spawn to exit with --virtual-time --cycles 1${extra.length ? ' ' + extra.join(' ') : ' (compile cache hit)'}, median of ${times} (fastest ${(r.minNs / 1e6).toFixed(0)} ms)`,
      });
      console.log(`vplc run to first scan (${label}): ${ms.toFixed(0)} ms, fastest ${(r.minNs / 1e6).toFixed(0)} ms (node -e 0: ${(floor.ns / 1e6).toFixed(0)} ms) via ${cli.how}`);
      if (r.firstScanNs === undefined || r.minFirstScanNs === undefined) {
        notes.push(`vplc run ${label}: no first-scan time on stderr (VPLC_START_TRACE)`);
        continue;
      }
      figures.push({
        name: `vplc run spawn to end of first scan, ${label}`,
        value: r.firstScanNs / 1e6,
        unit: 'ms',
        baseline: { name: 'node -e 0', value: floor.ns / 1e6 },
        ratio: r.firstScanNs / floor.ns,
        note: `${cli.how}; the wall clock the worker prints at the end of its first scan (VPLC_START_TRACE=1) minus the spawn's, median of ${times} (fastest ${(r.minFirstScanNs / 1e6).toFixed(0)} ms)`,
      });
      console.log(`  spawn to end of first scan: ${(r.firstScanNs / 1e6).toFixed(0)} ms, fastest ${(r.minFirstScanNs / 1e6).toFixed(0)} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const n of notes) console.log(n);
  return { bench: 'compile', title: 'Compiler speed and start-up', figures, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
