import { describe, expect, it } from 'vitest';
import type { Application } from '../../../compiler/application.js';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { swapProgram } from '../../../runtime/engine/online-change.js';
import { changeProblems, planChange } from '../../../runtime/state/change-plan.js';
import { countActions, type TransferEntry } from '../../../runtime/state/state-transfer.js';

function compile(text: string, name = 'v.st'): Application {
  const r = compileSources([new SourceFile(name, text)]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.application || errors.length) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.application;
}

const TYPES = `
TYPE Pt : STRUCT x : INT; y : REAL; END_STRUCT; END_TYPE
TYPE Color : (Red, Green, Blue); END_TYPE
FUNCTION_BLOCK Cnt
VAR_INPUT step : INT := 1; END_VAR
VAR n : DINT; END_VAR
n := n + step;
END_FUNCTION_BLOCK
`;

const V1 = `${TYPES}
VAR_GLOBAL g : INT; gone : BOOL; END_VAR
PROGRAM Main
VAR_EXTERNAL g : INT; END_VAR
VAR
  i : INT; widen : INT; narrow : DINT; r : REAL; l : LINT; big : UDINT; t : TIME; b : BOOL;
  s : STRING[10]; shrink : STRING[10]; c : Color; p : Pt; a : ARRAY[1..3] OF INT; grow : ARRAY[1..3] OF INT;
  conv : ARRAY[0..1] OF SINT; ap : ARRAY[0..1] OF Pt; f : Cnt; fs : ARRAY[0..1] OF Cnt; tm : TON;
  k : REAL := 2.0; dropped : INT; retyped : Cnt; m2 : ARRAY[0..1, 0..1] OF INT;
END_VAR
i := i + 1; widen := widen + 2; narrow := narrow + 3; r := r + 0.5; l := l + 1000000000000; big := big + 7;
t := t + T#1s; b := NOT b; s := 'abc'; shrink := 'xy'; c := Blue; p.x := 5; p.y := 1.5;
a[2] := 9; grow[3] := 8; conv[1] := -4; ap[1].y := 2.5; f(); fs[1](step := 2); tm(IN := TRUE, PT := T#1h);
g := 11; gone := TRUE; dropped := 1; retyped(); m2[1, 0] := 6; m2[0, 1] := 4;
END_PROGRAM
CONFIGURATION C RESOURCE R ON PLC TASK T (INTERVAL := T#10ms, PRIORITY := 0); PROGRAM Main WITH T : Main; END_RESOURCE END_CONFIGURATION
`;

// every kind of change: kept, widened, narrowed, new, removed, bounds moved, initial value changed
const V2 = `${TYPES}
TYPE Color : (Red, Green, Blue, Violet); END_TYPE
VAR_GLOBAL g : INT; fresh : INT := 3; END_VAR
PROGRAM Main
VAR_EXTERNAL g : INT; END_VAR
VAR
  i : INT; widen : DINT; narrow : INT; r : LREAL; l : LINT; big : ULINT; t : LTIME; b : BOOL;
  s : STRING[20]; shrink : STRING[5]; c : Color; p : Pt; a : ARRAY[1..3] OF INT; grow : ARRAY[0..4] OF INT;
  conv : ARRAY[0..1] OF INT; ap : ARRAY[0..1] OF Pt; f : Cnt; fs : ARRAY[0..1] OF Cnt; tm : TON;
  k : REAL := 3.0; added : INT := 42; retyped : TON; m2 : ARRAY[0..1, 0..2] OF INT;
END_VAR
i := i + 1;
END_PROGRAM
CONFIGURATION C RESOURCE R ON PLC TASK T (INTERVAL := T#10ms, PRIORITY := 0); PROGRAM Main WITH T : Main; END_RESOURCE END_CONFIGURATION
`;
// (Color gains a value: the declaration above replaces the one of TYPES in V2)

function table(entries: TransferEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.path, e.action + (e.reason === 'initial value changed' ? ' (initial value)' : '')]));
}

describe('state transfer of an online change', () => {
  const v1 = compile(V1);
  const v2 = compile(V2.replace(TYPES, TYPES.replace('TYPE Color : (Red, Green, Blue); END_TYPE', '')));

  it('classifies every kind of variable, and the swap does what the dry run said', () => {
    expect(changeProblems(v1, v2)).toEqual([]);
    const planned = planChange(v1, v2).resources.R!;
    expect(table(planned)).toEqual({
      'Main.i': 'kept',
      'Main.widen': 'converted',
      'Main.narrow': 'reinitialised',
      'Main.r': 'converted',
      'Main.l': 'kept',
      'Main.big': 'converted',
      'Main.t': 'converted',
      'Main.b': 'kept',
      'Main.s': 'converted',
      'Main.shrink': 'reinitialised',
      'Main.c': 'converted',
      'Main.p.x': 'kept',
      'Main.p.y': 'kept',
      'Main.a': 'kept',
      'Main.grow': 'converted',
      'Main.conv': 'converted',
      'Main.ap[*].x': 'kept',
      'Main.ap[*].y': 'kept',
      'Main.f.step': 'kept',
      'Main.f.n': 'kept',
      'Main.fs[*].step': 'kept',
      'Main.fs[*].n': 'kept',
      'Main.tm.IN': 'kept',
      'Main.tm.PT': 'kept',
      'Main.tm.Q': 'kept',
      'Main.tm.ET': 'kept',
      'Main.tm.running': 'kept',
      'Main.tm.start': 'kept',
      'Main.k': 'reinitialised (initial value)',
      'Main.added': 'new',
      'Main.dropped': 'removed',
      'Main.retyped': 'reinitialised',
      'Main.m2': 'converted',
      g: 'kept',
      fresh: 'new',
      gone: 'removed',
    });
    expect(countActions(planned)).toEqual({ kept: 19, converted: 9, reinitialised: 4, new: 2, removed: 2 });
    // the table is complete: an entry for every variable of both versions
    expect(planned.find((e) => e.path === 'Main.widen')).toMatchObject({ from: 'INT', to: 'DINT' });

    const runner = new ResourceRunner(v1, 'R');
    runner.runCycles(3);
    const before = runner.instance.programs.Main as Record<string, any>;
    expect(before.tm.running).toBe(true);
    const result = swapProgram(runner, v2, false);
    if (!result.ok) throw new Error(result.error);
    expect(table(result.entries)).toEqual(table(planned));

    const m = runner.instance.programs.Main as Record<string, any>;
    expect(m).not.toBe(before);
    expect(m.i).toBe(3);
    expect(m.widen).toBe(6);
    expect(m.narrow).toBe(0);
    expect(m.r).toBe(1.5);
    expect(m.l).toBe(3000000000000n);
    expect(m.big).toBe(21n); // UDINT → ULINT: a bigint now
    expect(m.t).toBe(3e9);
    expect(m.b).toBe(true);
    expect(m.s).toBe('abc');
    expect(m.shrink).toBe('');
    expect(m.c).toBe(2); // Blue
    expect([m.p.x, m.p.y]).toEqual([5, 1.5]);
    expect(Array.from(m.a)).toEqual([0, 9, 0]);
    expect(Array.from(m.grow)).toEqual([0, 0, 0, 8, 0]); // [3] stays [3]
    expect(m.conv).toBeInstanceOf(Int16Array);
    expect(Array.from(m.conv)).toEqual([0, -4]);
    expect(m.ap[1].y).toBe(2.5);
    expect(m.f.n).toBe(3);
    expect(m.fs[1].n).toBe(6);
    expect(m.fs[1].step).toBe(2);
    expect(m.tm.running).toBe(true);
    expect(m.k).toBe(3);
    expect(m.added).toBe(42);
    expect(m.retyped.PT).toBe(0);
    // ARRAY[0..1, 0..1] → ARRAY[0..1, 0..2]: each element by its indices, not its flat position
    expect(Array.from(m.m2)).toEqual([0, 4, 0, 6, 0, 0]);
    expect(runner.instance.globals.g).toBe(11);
    expect(runner.instance.globals.fresh).toBe(3);

    // the new code runs from the next scan on, on the same clock
    runner.runCycles(2);
    expect(m.i).toBe(5);
    expect(m.widen).toBe(6); // V2 no longer adds to it
  });

  it('keeps timers running across the swap', () => {
    const prog = (extra: string) =>
      compile(`PROGRAM Main VAR t : TON; q : BOOL; n : INT; ${extra} END_VAR t(IN := TRUE, PT := T#100ms); q := t.Q; n := n + 1; END_PROGRAM`);
    const runner = new ResourceRunner(prog(''), 'Default');
    runner.runCycles(6); // 60 ms of a 100 ms timer
    const r = swapProgram(runner, prog('extra : INT;'), false);
    expect(r.ok).toBe(true);
    runner.runCycles(3);
    expect((runner.instance.programs.Main as Record<string, any>).q).toBe(false);
    runner.runCycles(2); // 110 ms since the timer started, across the swap
    expect((runner.instance.programs.Main as Record<string, any>).q).toBe(true);
  });

  it('binds SINGLE triggers to the new instance: the event task goes on firing on its edges', () => {
    const prog = (step: number) =>
      compile(`VAR_GLOBAL trig : BOOL; END_VAR
        PROGRAM Tick VAR_EXTERNAL trig : BOOL; END_VAR VAR cnt : INT; END_VAR cnt := cnt + 1; trig := (cnt MOD 2) = 0; END_PROGRAM
        PROGRAM Count VAR hits : INT; END_VAR hits := hits + ${step}; END_PROGRAM
        CONFIGURATION C RESOURCE R ON PLC
          TASK Fast (INTERVAL := T#10ms, PRIORITY := 0);
          TASK Ev (SINGLE := trig, PRIORITY := 1);
          PROGRAM Tick WITH Fast : Tick;
          PROGRAM Count WITH Ev : Count;
        END_RESOURCE END_CONFIGURATION`);
    const runner = new ResourceRunner(prog(1), 'R');
    runner.runCycles(10);
    const hits = () => (runner.instance.programs.Count as Record<string, number>).hits;
    const before = hits();
    expect(before).toBeGreaterThan(2);
    const r = swapProgram(runner, prog(100), false);
    expect(r.ok).toBe(true);
    expect(hits()).toBe(before);
    runner.runCycles(10);
    // five more rising edges of the new instance's trig, each counted by the new code
    expect(hits()).toBe(before + 500);
  });

  it('refuses a change of the tasks or of the resources, saying what differs', () => {
    const a = compile('PROGRAM Main VAR n : INT; END_VAR n := n + 1; END_PROGRAM');
    const b = compile(`PROGRAM Main VAR n : INT; END_VAR n := n + 1; END_PROGRAM
      CONFIGURATION C RESOURCE Default ON PLC TASK Default (INTERVAL := T#20ms, PRIORITY := 0); PROGRAM Main WITH Default : Main; END_RESOURCE END_CONFIGURATION`);
    const problems = changeProblems(a, b);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('the tasks differ (running: Default (10 ms, priority 0); new: Default (20 ms, priority 0))');
    const runner = new ResourceRunner(a, 'Default');
    const r = swapProgram(runner, b, false);
    expect(r).toMatchObject({ ok: false });
  });
});
