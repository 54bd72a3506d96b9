/**
 * ST unit tests: every PROGRAM whose name starts with TEST_ in a `*.test.st` file is a test.
 * It runs once, alone, in a fresh resource: one scan on the virtual clock starting at 0, in
 * which ADVANCE(T#…) moves the task clock so that timers called afterwards see the later time.
 * The other .st files given, and the non-test .st files beside each test file, are compiled
 * with it, so a test instantiates the FBs and calls the functions it tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Application } from '../../compiler/application.js';
import { hasErrors, type Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { ResourceRunner } from '../engine/resource-runner.js';
import { formatFault } from '../faults.js';
import { loadModule } from '../load.js';
import { TEST_CONTEXT, TestSupport, type AssertionFailure } from './st-assertions.js';

export interface StTestResult {
  name: string;
  file: string;
  passed: boolean;
  assertions: number;
  failures: AssertionFailure[];
  /** a runtime fault that ended the test */
  fault?: string;
  durationMs: number;
}

export interface StTestRun {
  diagnostics: Diagnostic[];
  results: StTestResult[];
  /** TEST_ programs in the files, before the filter */
  available: number;
}

export const isTestFile = (f: string) => /\.test\.st$/i.test(f);

const TEST_PROGRAM = /^[ \t]*PROGRAM[ \t]+(TEST_\w+)/gim;
const CONFIG_NAME = 'VPLC_TESTS';

/** Sources to compile: the files given plus the non-test .st files beside every test file. */
export function testSources(files: string[]): string[] {
  const out: string[] = [];
  const add = (f: string) => {
    const r = resolve(f);
    if (!out.includes(r)) out.push(r);
  };
  for (const f of files) {
    add(f);
    if (!isTestFile(f)) continue;
    let siblings: string[] = [];
    try {
      siblings = readdirSync(dirname(resolve(f)));
    } catch {
      siblings = [];
    }
    for (const s of siblings.sort()) if (/\.st$/i.test(s) && !isTestFile(s)) add(join(dirname(resolve(f)), s));
  }
  return out;
}

/** Test program names of a test file's text, in order. */
export function testNames(text: string): string[] {
  return [...text.matchAll(TEST_PROGRAM)].map((m) => m[1]!);
}

export function runStTests(files: string[], options: { filter?: RegExp; cwd?: string } = {}): StTestRun {
  const paths = testSources(files);
  const sources: SourceFile[] = [];
  const tests: { name: string; file: string }[] = [];
  let available = 0;
  for (const p of paths) {
    const display = options.cwd ? relativeTo(options.cwd, p) : p;
    const text = readFileSync(p, 'utf8');
    sources.push(new SourceFile(display, text));
    if (!isTestFile(p)) continue;
    for (const n of testNames(text)) {
      available++;
      if (!options.filter || options.filter.test(n)) tests.push({ name: n, file: display });
    }
  }
  if (tests.length === 0) return { diagnostics: [], results: [], available };
  // one resource per test: a fresh instance of everything it uses, nothing shared between tests
  const config =
    `CONFIGURATION ${CONFIG_NAME}\n` +
    tests.map((t) => `  RESOURCE ${t.name} ON PLC\n    TASK T (INTERVAL := T#10ms, PRIORITY := 0);\n    PROGRAM ${t.name} WITH T : ${t.name};\n  END_RESOURCE\n`).join('') +
    'END_CONFIGURATION\n';
  sources.push(new SourceFile('<vplc test>', config));
  const r = compileSources(sources, { context: TEST_CONTEXT });
  if (!r.application || hasErrors(r.diagnostics)) return { diagnostics: r.diagnostics, results: [], available };
  return { diagnostics: r.diagnostics, results: tests.map((t) => runOne(r.application!, t.name, t.file)), available };
}

function runOne(app: Application, name: string, file: string): StTestResult {
  const support = new TestSupport();
  const t0 = performance.now();
  let fault: string | undefined;
  try {
    const runner = new ResourceRunner(app, name, { module: loadModule(app, support), support });
    const outcome = runner.runCycles(1);
    if (outcome.fault) fault = formatFault(outcome.fault);
  } catch (e) {
    fault = e instanceof Error ? e.message : String(e);
  }
  const passed = !fault && support.failures.length === 0;
  const res: StTestResult = { name, file, passed, assertions: support.assertions, failures: support.failures, durationMs: performance.now() - t0 };
  if (fault) res.fault = fault;
  return res;
}

function relativeTo(cwd: string, p: string): string {
  const c = resolve(cwd) + '/';
  return p.startsWith(c) ? p.slice(c.length) : basename(p) === p ? p : p;
}
