import { relative, resolve } from 'node:path';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../compiler/project.js';
import { formatFault } from '../faults.js';
import { SystemRunner } from '../iec61499/system-runner.js';
import type { StTestResult, StTestRun } from './st-tests.js';
import { testBlocks, testConditionVerdicts } from './system-verdicts.js';

export const isSystemTestFile = (f: string) => /\.(sys|fboot)$/i.test(f);

/** How far a system test runs on the virtual clock when its STEST_ENDs are not all reached before. */
export const SYSTEM_TEST_LIMIT_NS = 600e9;

/**
 * `vplc test app.sys`: run an IEC 61499 application on the virtual clock as 4diac's system
 * tests run on FORTE, until every STEST_END has been reached (or no timer is left, or
 * SYSTEM_TEST_LIMIT_NS). Each TEST_CONDITION is one test: passed when its `check` was TRUE
 * every time and it was evaluated at least once. A runtime fault fails its resource.
 */
export function runSystemTests(file: string, options: { placeholders?: Record<string, string>; cwd?: string; filter?: RegExp } = {}): StTestRun {
  const r = compileFiles([file], options.placeholders ? { placeholders: options.placeholders } : {});
  if (!r.application || hasErrors(r.diagnostics)) return { diagnostics: r.diagnostics, results: [], available: 0 };
  const app = r.application;
  const rel = options.cwd ? relative(resolve(options.cwd), resolve(file)) : file;
  const display = rel.startsWith('..') ? file : rel;
  const t0 = performance.now();
  const runner = new SystemRunner(app);
  const { ends } = testBlocks(app);
  let outcome = runner.runUntil(0);
  const ended = () => ends.every((e) => outcome.reports.some((x) => `${x.resource}.${x.fb}` === e && x.detail === 'end'));
  while (!ended() && outcome.faults.length < runner.resources.length) {
    let next = Infinity;
    for (const x of runner.resources) {
      const t = x.resource.nextTimer();
      if (t !== undefined && t < next) next = t;
    }
    if (next > SYSTEM_TEST_LIMIT_NS) break;
    outcome = runner.runUntil(next);
  }
  const durationMs = performance.now() - t0;
  const lines = new Map<string, number>();
  for (const net of app.iec61499!.resources) {
    const key = app.iec61499!.origin === 'sys' && net.device ? `${net.device}.${net.name}` : net.name;
    for (const fb of net.fbs) if (fb.range) lines.set(`${key}.${fb.name}`, fb.range.line);
  }
  const results: StTestResult[] = [];
  for (const [name, v] of Object.entries(testConditionVerdicts(app, runner.snapshotVars()))) {
    if (options.filter && !options.filter.test(name)) continue;
    const passed = v.failed === 0 && v.passed > 0;
    const message = v.passed + v.failed === 0 ? 'never evaluated: no event reached its REQ' : `check was FALSE ${v.failed} of ${v.passed + v.failed} times`;
    results.push({
      name,
      file: display,
      passed,
      assertions: v.passed + v.failed,
      failures: passed ? [] : [{ pou: name, file: display, line: lines.get(name) ?? 1, message }],
      durationMs,
    });
  }
  for (const f of outcome.faults) {
    results.push({ name: f.resource ?? 'resource', file: display, passed: false, assertions: 0, failures: [], fault: formatFault(f), durationMs });
  }
  return { diagnostics: r.diagnostics, results, available: results.length };
}
