/**
 * `vplc test FILE…`: run the ST unit tests of `*.test.st` files (see runtime/testing/st-tests.ts)
 * and print one line per test, failures with file:line, then `N passed, N failed`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { parseCommandLine, usageError } from './args.js';
import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { runStTests, type StTestResult } from '../testing/st-tests.js';
import { isSystemTestFile, runSystemTests } from '../testing/system-tests.js';
import { parsePlaceholderArgument } from '../../compiler/iec61499/placeholders.js';

export const TEST_USAGE = `usage: vplc test FILE… [--filter REGEX] [--junit out.xml] [--param N=V]

Runs every PROGRAM named TEST_… in the *.test.st files given. Each test runs alone, once, on
the virtual clock from 0; ASSERT_TRUE/ASSERT_FALSE/ASSERT_EQ/ASSERT_NE/ASSERT_NEAR check values
and ADVANCE(T#5s) moves the clock. The other .st files given, and the .st files beside each
test file, are compiled with the tests. Exit 0 all passed, 1 a test failed or did not compile,
64 wrong usage.

  --filter REGEX   run only the tests whose name matches
  --junit FILE     also write the results as JUnit XML (for CI)

An IEC 61499 .sys or .fboot runs as a system test on the virtual clock until its STEST_ENDs
are reached; each TEST_CONDITION is a test. --param N=V fills %N% in its parameters.
`;

export async function testCommand(args: string[]): Promise<number> {
  const cl = parseCommandLine('test', TEST_USAGE, args, { filter: { kind: 'text' }, junit: { kind: 'text' }, param: { kind: 'text', multiple: true } });
  if (typeof cl === 'number') return cl;
  const files = cl.operands;
  const junit = cl.options.junit;
  let filter: RegExp | undefined;
  if (cl.options.filter !== undefined) {
    try {
      filter = new RegExp(cl.options.filter, 'i');
    } catch {
      return usage(`--filter: '${cl.options.filter}' is not a regular expression`);
    }
  }
  const placeholders: Record<string, string> = {};
  for (const p of cl.options.param ?? []) {
    const m = parsePlaceholderArgument(p, placeholders);
    if (m) return usage(m);
  }
  if (files.length === 0) return usage('no test files');
  const system = files.length === 1 && isSystemTestFile(files[0]!);
  if (!system && !files.some((f) => /\.test\.st$/i.test(f))) return usage('no *.test.st file, or one .sys/.fboot, among the files given');
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    for (const f of missing) process.stderr.write(`vplc test: ${f}: no such file\n`);
    return 1;
  }

  let run;
  try {
    const opts = { cwd: process.cwd(), ...(filter ? { filter } : {}) };
    run = system ? runSystemTests(files[0]!, { ...opts, placeholders }) : runStTests(files, opts);
  } catch (e) {
    process.stderr.write(`vplc test: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  for (const d of run.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  if (hasErrors(run.diagnostics)) {
    process.stdout.write('0 passed, 0 failed (the tests did not compile)\n');
    if (junit) writeFileSync(junit, junitXml([], 'the tests did not compile'));
    return 1;
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  let file = '';
  for (const r of run.results) {
    if (r.file !== file) out((file = r.file));
    out(`  ${r.passed ? 'ok  ' : 'FAIL'} ${r.name} (${r.assertions} assertion${r.assertions === 1 ? '' : 's'}, ${r.durationMs.toFixed(1)} ms)`);
    for (const f of r.failures) out(`       ${f.file}:${f.line}: ${f.message}`);
    if (r.fault) out(`       fault: ${r.fault}`);
  }
  const failed = run.results.filter((r) => !r.passed).length;
  const passed = run.results.length - failed;
  if (run.results.length === 0) {
    out(system ? 'no TEST_CONDITION found'
      : filter && run.available > 0
      ? `no test matched --filter '${filter.source}' (${run.available} test${run.available === 1 ? '' : 's'} in the files given)`
      : 'no TEST_ programs found');
  }
  out(`${passed} passed, ${failed} failed`);
  if (junit) writeFileSync(junit, junitXml(run.results));
  return failed > 0 || run.results.length === 0 ? 1 : 0;
}

function usage(message: string): number {
  return usageError('test', TEST_USAGE, message);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML as CI servers read it: one testsuite per file, one testcase per TEST_ program. */
export function junitXml(results: StTestResult[], error?: string): string {
  const byFile = new Map<string, StTestResult[]>();
  for (const r of results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const failures = results.filter((r) => !r.passed).length;
  const total = results.reduce((s, r) => s + r.durationMs, 0) / 1000;
  let x = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="vplc test" tests="${results.length}" failures="${failures}" errors="${error ? 1 : 0}" time="${total.toFixed(3)}">\n`;
  if (error) x += `  <testsuite name="compile" tests="1" failures="0" errors="1"><testcase name="compile" classname="compile"><error message="${esc(error)}"/></testcase></testsuite>\n`;
  for (const [file, rs] of byFile) {
    const f = rs.filter((r) => !r.passed).length;
    x += `  <testsuite name="${esc(file)}" tests="${rs.length}" failures="${f}" errors="0" time="${(rs.reduce((s, r) => s + r.durationMs, 0) / 1000).toFixed(3)}">\n`;
    for (const r of rs) {
      x += `    <testcase name="${esc(r.name)}" classname="${esc(file)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.passed) {
        x += '/>\n';
        continue;
      }
      x += '>\n';
      const lines = [...r.failures.map((m) => `${m.file}:${m.line}: ${m.message}`), ...(r.fault ? [`fault: ${r.fault}`] : [])];
      x += `      <failure message="${esc(lines[0] ?? 'failed')}">${esc(lines.join('\n'))}</failure>\n    </testcase>\n`;
    }
    x += '  </testsuite>\n';
  }
  return x + '</testsuites>\n';
}
