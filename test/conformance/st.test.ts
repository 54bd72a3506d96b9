/**
 * ST conformance: every test/conformance/st/<case>.st runs on the virtual clock and its variables
 * are compared with <case>.expected.json, whose values were worked out by hand from IEC 61131-3:
 *   { "cycles": N, "interval": "10ms"?, "vars": { "Main": { "x": 3 } },
 *     "tasks": { "Fast": 10 }?, "fault": { "kind": "DIVISION_BY_ZERO", "line": 12, "pou": "Main" }? }
 * `vars` is a subset of the JSON that `vplc run --json` prints. Numbers that are not integers
 * match to 1e-12 relative (math functions may differ in the last bit between libms; REAL
 * rounding errors are ~1e-8 and still show). A new case is a new pair of files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../compiler/project.js';
import { ResourceRunner } from '../../runtime/engine/resource-runner.js';
import { snapshotResource } from '../../runtime/values.js';
import { parseDurationNs } from '../../runtime/duration.js';
import { caseNames, projectRoot, relativeToRoot, vplc } from './conformance.js';

const DIR = 'test/conformance/st';

interface Expected {
  cycles: number;
  interval?: string;
  vars: Record<string, unknown>;
  tasks?: Record<string, number>;
  fault?: { kind: string; line: number; pou?: string };
}

/** Does `actual` contain `expected` (objects: a subset of keys; arrays: element by element)? */
function mismatches(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected)) {
    if (!(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)))) out.push(`${path}: expected ${expected}, got ${actual}`);
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    else expected.forEach((e, i) => mismatches(e, actual[i], `${path}[${i}]`, out));
  } else if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') out.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
    else for (const [k, e] of Object.entries(expected)) {
      if (!(k in actual)) out.push(`${path}.${k}: missing`);
      else mismatches(e, (actual as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
  } else if (expected !== actual) out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function runCase(name: string) {
  const file = join(projectRoot, DIR, `${name}.st`);
  const expected = JSON.parse(readFileSync(join(projectRoot, DIR, `${name}.expected.json`), 'utf8')) as Expected;
  const intervalNs = expected.interval !== undefined ? parseDurationNs(expected.interval) : undefined;
  const r = compileFiles([file], intervalNs !== undefined ? { defaultIntervalNs: intervalNs } : {});
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => relativeToRoot(formatDiagnostic(d)));
  expect(errors).toEqual([]);
  expect(hasErrors(r.diagnostics)).toBe(false);
  const app = r.application!;
  // N releases of the fastest task of the whole application, as `vplc run --cycles N` does
  const fastest = Math.min(...app.resources.flatMap((res) => res.tasks.filter((t) => t.intervalNs > 0).map((t) => t.intervalNs)));
  const vars: Record<string, unknown> = {};
  const tasks: Record<string, number> = {};
  const faults = [];
  for (const model of app.resources) {
    const runner = new ResourceRunner(app, model.name);
    runner.runUntil(expected.cycles * fastest);
    Object.assign(vars, snapshotResource(app, model, runner.instance));
    model.tasks.forEach((t, i) => (tasks[t.name] = runner.metrics.cycles(i)));
    faults.push(...runner.faults);
  }
  if (expected.fault) {
    expect(faults.length).toBeGreaterThan(0);
    const f = faults[0]!;
    expect({ kind: f.kind, line: f.line, file: relativeToRoot(f.file) }).toEqual({
      kind: expected.fault.kind,
      line: expected.fault.line,
      file: `${DIR}/${name}.st`,
    });
    if (expected.fault.pou) expect(f.pou).toBe(expected.fault.pou);
  } else {
    expect(faults).toEqual([]);
  }
  const problems: string[] = [];
  mismatches(expected.vars, vars, 'vars', problems);
  if (expected.tasks) mismatches(expected.tasks, tasks, 'tasks', problems);
  expect(problems).toEqual([]);
}

describe('ST conformance cases', () => {
  const names = caseNames(DIR, '.expected.json');
  it('has cases', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) it(name, () => runCase(name));
});

describe('vplc run (the command line)', () => {
  it.concurrent('prints {"vars", "metrics"} and exits 0', async () => {
    const r = await vplc(['run', `${DIR}/int_wrap.st`, '--virtual-time', '--cycles', '3', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { vars: { Main: Record<string, unknown> }; metrics: { tasks: Record<string, { cycles: number }> } };
    expect(out.vars.Main.counter).toBe(3);
    expect(out.metrics.tasks.Default!.cycles).toBe(3);
  }, 180_000);

  it.concurrent('a fault exits 2 naming the POU, file and line, without a stack trace', async () => {
    const r = await vplc(['run', `${DIR}/fault_div_zero.st`, '--virtual-time', '--cycles', '5', '--json']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`DIVISION_BY_ZERO in Main at ${DIR}/fault_div_zero.st:`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it.concurrent('wrong usage exits 64', async () => {
    const r = await vplc(['run', `${DIR}/int_wrap.st`, '--cycles', 'many']);
    expect(r.status, r.stderr).toBe(64);
    expect(r.stderr).toContain('--cycles needs a non-negative integer');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
