/**
 * Ladder diagrams (cases/ld.xml) run with the power flow semantics Beremiz and OpenPLC give
 * them: every kind of contact and coil, series and parallel branches, blocks in rungs, jumps,
 * labels, return, and the order of rungs (position, or executionOrderId when given).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPlcopen } from '../../../compiler/plcopen/import.js';
import { compileSources } from '../../../compiler/project.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

const dir = fileURLToPath(new URL('./cases/', import.meta.url));

function runner(name: string): ResourceRunner {
  const imported = importPlcopen(name, readFileSync(dir + name, 'utf8'));
  expect(imported.diagnostics.map(formatDiagnostic)).toEqual([]);
  const compiled = compileSources(imported.sources);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return new ResourceRunner(compiled.application!, 'Res');
}

type Vars = Record<string, unknown>;

describe('LD: contacts, coils and branches', () => {
  it('series, negated contact, parallel branch, edge contacts, negated coil', () => {
    const r = runner('ld.xml');
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(1);
    expect([m()['q1'], m()['q2'], m()['rise_a'], m()['fall_a'], m()['nq']]).toEqual([false, false, false, false, true]);
    m()['a'] = true;
    r.runCycles(1);
    expect(m()['q1']).toBe(true); // a AND NOT b
    expect(m()['q2']).toBe(true); // a OR c
    expect(m()['rise_a']).toBe(true); // rising edge of a
    expect(m()['nq']).toBe(false); // negated coil
    r.runCycles(1);
    expect(m()['rise_a']).toBe(false); // one scan only
    m()['a'] = false;
    r.runCycles(1);
    expect(m()['fall_a']).toBe(true);
    expect(m()['q2']).toBe(false);
    r.runCycles(1);
    expect(m()['fall_a']).toBe(false);
    m()['a'] = true;
    m()['b'] = true;
    r.runCycles(1);
    expect(m()['q1']).toBe(false); // the negated contact on b opens the rung
    m()['a'] = false;
    m()['c'] = true;
    r.runCycles(1);
    expect(m()['q2']).toBe(true); // the other branch
  });

  it('a parallel branch in the middle of a rung: (a OR c) AND d', () => {
    const r = runner('ld.xml');
    const m = () => r.instance.programs['main'] as Vars;
    const cases: [boolean, boolean, boolean, boolean][] = [
      [false, false, true, false], [true, false, true, true], [false, true, true, true], [true, true, false, false],
    ];
    for (const [a, c, d, expected] of cases) {
      Object.assign(m(), { a, c, d });
      r.runCycles(1);
      expect(m()['mid_or'], `a=${a} c=${c} d=${d}`).toBe(expected);
    }
  });

  it('set and reset coils latch; edge coils pulse on the rung\'s power', () => {
    const r = runner('ld.xml');
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(1);
    expect(m()['latch']).toBe(false);
    m()['c'] = true;
    r.runCycles(1);
    expect([m()['latch'], m()['pulse_c'], m()['fpulse_c']]).toEqual([true, true, false]);
    r.runCycles(1);
    expect([m()['latch'], m()['pulse_c']]).toEqual([true, false]);
    m()['c'] = false;
    r.runCycles(1);
    expect([m()['latch'], m()['fpulse_c']]).toEqual([true, true]); // the set coil holds
    r.runCycles(1);
    expect(m()['fpulse_c']).toBe(false);
    m()['d'] = true;
    r.runCycles(1);
    expect(m()['latch']).toBe(false);
    m()['c'] = true; // both: the reset rung is below the set rung and wins
    r.runCycles(1);
    expect(m()['latch']).toBe(false);
  });

  it('a timer in a rung, a function with EN/ENO, a connector and continuation', () => {
    const r = runner('ld.xml');
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(2);
    expect(m()['count']).toBe(0); // ADD not enabled: its result keeps its value
    expect(m()['added']).toBe(false); // ENO follows EN
    m()['a'] = true;
    r.runCycles(3);
    expect(m()['count']).toBe(3);
    expect(m()['added']).toBe(true);
    m()['a'] = false;
    r.runCycles(2);
    expect(m()['count']).toBe(3);
    m()['run'] = true;
    r.runCycles(1);
    expect(m()['done']).toBe(false);
    r.runCycles(5);
    expect(m()['done']).toBe(true);
    expect(m()['elapsed']).toBe(30_000_000); // ET stops at PT (ns)
    m()['run'] = false;
    r.runCycles(1);
    expect([m()['done'], m()['elapsed']]).toEqual([false, 0]);
  });

  it('a function block with EN and ENO in a rung counts only while enabled', () => {
    const r = runner('ld.xml');
    const m = () => r.instance.programs['main'] as Vars;
    const pulse = (n: number) => {
      for (let k = 0; k < n; k++) {
        m()['a'] = true;
        r.runCycles(1);
        m()['a'] = false;
        r.runCycles(1);
      }
    };
    pulse(2);
    expect([m()['ctr_cv'], m()['ctr_eno'], m()['ctr_q']]).toEqual([0, false, false]); // EN FALSE: not called
    m()['en_ctr'] = true;
    pulse(2);
    expect([m()['ctr_cv'], m()['ctr_eno'], m()['ctr_q']]).toEqual([2, true, false]);
    pulse(1);
    expect([m()['ctr_cv'], m()['ctr_q']]).toEqual([3, true]); // CV >= PV (3, a constant on the pin)
    m()['en_ctr'] = false;
    pulse(2);
    expect([m()['ctr_cv'], m()['ctr_eno'], m()['ctr_q']]).toEqual([3, false, true]); // outputs keep their values
  });

  it('a jump skips the rungs above its label; a return ends the scan', () => {
    const r = runner('ld.xml');
    const m = () => r.instance.programs['main'] as Vars;
    m()['a'] = true;
    r.runCycles(1);
    expect(m()['mid']).toBe(true);
    expect(m()['tail']).toBe(true); // toggles every scan
    m()['stop'] = true;
    m()['a'] = false;
    r.runCycles(1);
    expect(m()['mid']).toBe(true); // rung skipped
    expect(m()['tail']).toBe(false); // below the label: runs
    m()['stop'] = false;
    r.runCycles(1);
    expect(m()['mid']).toBe(false);
    m()['halt'] = true;
    r.runCycles(3);
    expect(m()['tail']).toBe(true); // frozen by the return
    m()['halt'] = false;
    r.runCycles(1);
    expect(m()['tail']).toBe(false);
  });

  it('rungs run top to bottom unless executionOrderId says otherwise', () => {
    const r = runner('ld.xml');
    const pos = () => r.instance.programs['bypos'] as Vars;
    const ord = () => r.instance.programs['byorder'] as Vars;
    r.runCycles(1);
    expect(pos()['copy']).toBe(false); // copy := flag ran before flag := TRUE
    expect(ord()['copy']).toBe(true); // executionOrderId 1: flag := TRUE first
    r.runCycles(1);
    expect(pos()['copy']).toBe(true);
  });

  it('a FUNCTION in LD with a conditional return', () => {
    const r = runner('ld.xml');
    const use = () => r.instance.programs['use'] as Vars;
    r.runCycles(1);
    expect(use()['small']).toBe(42);
    expect(use()['large']).toBe(100);
  });
});
