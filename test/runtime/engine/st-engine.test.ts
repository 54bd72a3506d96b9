import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import type { Application } from '../../../compiler/application.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { createImageView } from '../../../compiler/contract/process-image.js';
import { readImage } from '../../../runtime/testing/image-access.js';

function compile(text: string): Application {
  const r = compileSources([new SourceFile('engine-test.st', text)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => `${d.range.line}:${d.range.col} ${d.code} ${d.message}`).join('\n'));
  return r.application;
}

async function until<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ORDER = `
PROGRAM Mark1
VAR_EXTERNAL seq : DINT; END_VAR
seq := seq * 10 + 1;
END_PROGRAM

PROGRAM Mark2
VAR_EXTERNAL seq : DINT; END_VAR
seq := seq * 10 + 2;
END_PROGRAM

PROGRAM Gen
VAR k : DINT; END_VAR
VAR_EXTERNAL trig : BOOL; END_VAR
k := k + 1;
trig := k = 2 OR k = 3 OR k = 6;
END_PROGRAM

PROGRAM Edge
VAR hits : DINT; at_ : TIME; END_VAR
hits := hits + 1;
at_ := TASK_TIME();
END_PROGRAM

CONFIGURATION Cfg
  RESOURCE Res ON PLC
    VAR_GLOBAL seq : DINT; trig : BOOL; END_VAR
    TASK Fast(INTERVAL := T#1ms, PRIORITY := 1);
    TASK Slow(INTERVAL := T#2ms, PRIORITY := 0);
    TASK OnTrig(SINGLE := trig, PRIORITY := 2);
    PROGRAM F WITH Fast : Mark1;
    PROGRAM S WITH Slow : Mark2;
    PROGRAM G WITH Fast : Gen;
    PROGRAM E WITH OnTrig : Edge;
  END_RESOURCE
END_CONFIGURATION
`;

describe('compiled ST on the engine', () => {
  it('located %Q and %M variables start at their initial values, in the variables and in the image', () => {
    const runner = new ResourceRunner(compile(`
PROGRAM Init
VAR x AT %QX0.2 : BOOL := TRUE; w AT %QW1 : INT := 42; m AT %MD0 : DINT := -7; n : INT; END_VAR
n := n + 1;
END_PROGRAM
CONFIGURATION C RESOURCE Res ON PLC
  TASK T(INTERVAL := T#10ms, PRIORITY := 1);
  PROGRAM P WITH T : Init;
END_RESOURCE END_CONFIGURATION`), 'Res');
    runner.runUntil(25_000_000);
    const p = runner.instance.programs.P as Record<string, unknown>;
    expect(Object.values(p).filter((v) => v === true || v === 42 || v === -7)).toHaveLength(3);
    expect([readImage(runner.image, '%QX0.2'), readImage(runner.image, '%QX0.1')]).toEqual([true, false]);
    expect(readImage(runner.image, '%QW1', 'INT')).toBe(42);
    expect(readImage(runner.image, '%MD0', 'DINT')).toBe(-7);
  });

  it('orders tasks by release time then priority, and runs SINGLE tasks on rising edges', () => {
    const runner = new ResourceRunner(compile(ORDER), 'Res');
    runner.runUntil(4_000_000);
    // t=0: Slow(2) then Fast(1); t=1: Fast; t=2: Slow, Fast; t=3: Fast
    expect(runner.instance.globals[runner.model.globals.find((g) => g.name === 'seq')!.prop]).toBe(211211);
    runner.runUntil(10_000_000);
    const e = runner.instance.programs.E as Record<string, unknown>;
    expect(e.hits).toBe(2);
    // trig rose in the scans at 1 ms and 5 ms: seen at the releases at 2 ms and 6 ms
    expect(runner.metrics.snapshot().OnTrig.cycles).toBe(2);
  });

  it('stops WHILE TRUE DO END_WHILE with the watchdog; the other resource and the process go on', async () => {
    const app = compile(`
PROGRAM Stuck
VAR k : DINT; out AT %QW0 : INT; END_VAR
k := k + 1;
out := 5;
IF k = 3 THEN
  WHILE TRUE DO
  END_WHILE;
END_IF;
END_PROGRAM

PROGRAM Counter
VAR n : DINT; END_VAR
VAR RETAIN total : DINT; END_VAR
n := n + 1;
total := total + 1;
END_PROGRAM

CONFIGURATION Cfg
  RESOURCE Bad ON PLC
    TASK T1(INTERVAL := T#5ms, PRIORITY := 0);
    PROGRAM S WITH T1 : Stuck;
  END_RESOURCE
  RESOURCE Good ON PLC
    TASK T2(INTERVAL := T#2ms, PRIORITY := 0);
    PROGRAM C WITH T2 : Counter;
  END_RESOURCE
END_CONFIGURATION
`);
    const engine = await Engine.start(app, { clock: 'real', watchdogNs: 100_000_000 });
    await until(() => engine.state('Bad'), (s) => s === 'faulted');
    expect(engine.faults).toHaveLength(1);
    expect(engine.faults[0]).toMatchObject({ kind: 'WATCHDOG', pou: 'Stuck', task: 'T1', resource: 'Bad' });
    const out = createImageView();
    engine.exchange('Bad').readOutputs(out);
    expect(out.outputWords[0]).toBe(0);
    // the other resource keeps scanning (its worker may start later than Bad's on a busy machine)
    await until(async () => (await engine.snapshotVars()).C as { n: number }, (c) => c.n > 0);
    expect(engine.state('Good')).toBe('running');

    // warm restart of Good keeps RETAIN total, resets n
    const before = ((await engine.snapshotVars()).C as { total: number }).total;
    await engine.restart('Good', 'warm');
    const warm = await until(async () => (await engine.snapshotVars()).C as { n: number; total: number }, (c) => c.n > 0);
    expect(warm.total).toBeGreaterThanOrEqual(before + warm.n);
    const result = await engine.stop();
    expect(result.metrics.tasks.T1.watchdogFaults).toBe(1);
    expect(result.metrics.tasks.T2.cycles).toBeGreaterThan(0);
  });
});
