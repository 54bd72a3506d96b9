/**
 * PLCopen SFC bodies run as their chart means. Values worked out by hand, scan by scan, from the
 * documents in cases/ (task of 10 ms, so step times advance by 10 ms a scan).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPlcopen } from '../../../compiler/plcopen/import.js';
import { compileSources } from '../../../compiler/project.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

const dir = fileURLToPath(new URL('./cases/', import.meta.url));

function build(name: string) {
  const imported = importPlcopen(name, readFileSync(dir + name, 'utf8'));
  expect(imported.diagnostics.map(formatDiagnostic)).toEqual([]);
  const compiled = compileSources(imported.sources);
  expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
  return compiled.application!;
}

type Vars = Record<string, unknown>;
const step = (v: Vars, name: string) => v[name] as { X: boolean; T: number };

describe('PLCopen SFC', () => {
  it('simultaneous and selection divergences, named and FBD transitions, jumps, action blocks', () => {
    const runner = new ResourceRunner(build('sfc.xml'), 'Res');
    const seq = () => runner.instance.programs['seq'] as Vars;
    const values = () => {
      const v = seq();
      return [v['n'], v['m'], v['fbdOut'], v['lamp'], v['doneCount']];
    };
    // scan 1: Init → (A, B) at once; A counts (N), lights lamp (L 20 ms), runs its inline ST
    // action; B runs its inline FBD action fbdOut := m + 10
    runner.runCycles(1);
    expect(values()).toEqual([1, 1, 11, true, 0]);
    expect(step(seq(), 'A').X && step(seq(), 'B').X && !step(seq(), 'Init').X).toBe(true);
    runner.runCycles(1);
    expect(values()).toEqual([2, 2, 12, true, 0]);
    // scan 3: A.T = 20 ms, named ST transition AtoA2 fires; A's actions run once more (final
    // scan), lamp's L has run out
    runner.runCycles(1);
    expect(values()).toEqual([3, 3, 13, false, 0]);
    expect(step(seq(), 'A2').X).toBe(true);
    // scan 4: the simultaneous convergence (A2, B) fires on n >= 3 (FBD drawn in the chart); B's
    // FBD action runs its final scan
    runner.runCycles(1);
    expect(step(seq(), 'C').X && !step(seq(), 'A2').X && !step(seq(), 'B').X).toBe(true);
    // scan 5: both transitions out of C are TRUE; the left one (x = 100, the named FBD
    // transition ToDone) wins over the jump to Init drawn on the right, although written first
    runner.runCycles(1);
    expect(step(seq(), 'Done').X).toBe(true);
    expect(step(seq(), 'Init').X).toBe(false);
    expect(seq()['doneCount']).toBe(1); // MarkDone (P) on activation
    runner.runCycles(2);
    expect(seq()['doneCount']).toBe(2); // and once more in its final scan
    seq()['start'] = false;
    runner.runCycles(1); // NOT start: the jump back to Init
    expect(step(seq(), 'Init').X && !step(seq(), 'Done').X).toBe(true);
    runner.runCycles(3);
    expect(values()).toEqual([3, 3, 13, false, 2]);
    expect(step(seq(), 'Init').T).toBe(30_000_000); // step times in ns: three scans since activation
  });

  it('conditions and actions in Ladder and IL: chart contacts, IL and LD transitions, LD and IL actions', () => {
    const runner = new ResourceRunner(build('sfc-ld-il.xml'), 'Res');
    const seq = () => runner.instance.programs['seq'] as Vars;
    const active = () => ['Init', 'S1', 'S2'].filter((s) => step(seq(), s).X).join();
    // scan 1: start is FALSE, force is FALSE: the chart's Ladder (rising start OR force) holds
    runner.runCycles(1);
    expect(active()).toBe('Init');
    seq()['start'] = true;
    // scan 2: the rising edge of start fires Init → S1; S1's LD action copies go, its IL action counts
    runner.runCycles(1);
    expect(active()).toBe('S1');
    expect([seq()['lampLd'], seq()['n']]).toEqual([true, 1]);
    seq()['go'] = false;
    runner.runCycles(1);
    expect([active(), seq()['lampLd'], seq()['n']]).toEqual(['S1', false, 2]);
    runner.runCycles(1);
    expect([active(), seq()['n']]).toEqual(['S1', 3]);
    // scan 5: the IL condition (LD n, GE limit) holds: S1 → S2; S1's actions run their final scan;
    // the LD action Mark (a set coil) marks
    runner.runCycles(1);
    expect([active(), seq()['n'], seq()['marked']]).toEqual(['S2', 4, true]);
    // the LD transition Back needs marked AND NOT start
    runner.runCycles(3);
    expect(active()).toBe('S2');
    seq()['start'] = false;
    runner.runCycles(1);
    expect(active()).toBe('Init');
    // start stays TRUE from here: one edge, one pass through S1 (limit raised so S1 holds)
    seq()['limit'] = 100;
    seq()['start'] = true;
    runner.runCycles(1);
    expect([active(), seq()['n']]).toEqual(['S1', 5]);
    seq()['limit'] = 0;
    seq()['marked'] = false;
    runner.runCycles(1); // S1 → S2
    runner.runCycles(1); // Back: marked but start is TRUE
    expect(active()).toBe('S2');
    seq()['start'] = false;
    runner.runCycles(2); // back to Init; start FALSE and force FALSE keep it there
    expect(active()).toBe('Init');
    seq()['force'] = true; // the parallel branch fires without an edge
    runner.runCycles(1);
    expect(active()).toBe('S1');
  });

  it('an SFC in a function block: a named LD transition with an edge contact, IL condition and action', () => {
    const runner = new ResourceRunner(build('sfc-ld-fb.xml'), 'Res');
    const main = () => runner.instance.programs['main'] as Vars;
    const p = () => main()['p'] as Vars;
    const scan = (button: boolean) => {
      main()['button'] = button;
      runner.runCycles(1);
      return [step(p(), 'Idle').X ? 'Idle' : 'Run', p()['count']];
    };
    // the IL action counts every scan Run is active and its final scan: 3 a pass (T 0, 10, 20 ms)
    expect(scan(false)).toEqual(['Idle', 0]);
    expect(scan(true)).toEqual(['Run', 1]); // the rising edge of btn
    expect(scan(true)).toEqual(['Run', 2]);
    expect(scan(true)).toEqual(['Idle', 3]); // Run.T >= T#20ms
    expect(scan(true)).toEqual(['Idle', 3]); // held: no new edge
    expect(scan(false)).toEqual(['Idle', 3]);
    expect(scan(true)).toEqual(['Run', 4]);
  });
});
