import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../../compiler/project.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { SystemRunner } from '../../../runtime/iec61499/system-runner.js';
import { countingResource, writeSystem } from './iec61499-fixtures.js';

function compile(path: string) {
  const r = compileFiles([path]);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(readFileSync(path, 'utf8')).toContain('<System');
  return r.application!;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('IEC 61499 resources in the engine (real clock, one worker each)', () => {
  it('counts E_CYCLE T#10ms ticks with E_CTU for 300 ms of real time', async () => {
    const app = compile(writeSystem([countingResource('RES')]));
    const engine = await Engine.start(app, { clock: 'real', durationNs: 300_000_000 });
    expect(engine.resources).toEqual(['PLC.RES']);
    const { vars, metrics, faults } = await engine.done;
    expect(faults).toEqual([]);
    const cv = vars['PLC.RES.C.CV'] as number;
    // 29 ticks at 10..290 ms in an undisturbed run; a loaded machine skips a few, never adds
    expect(cv).toBeGreaterThanOrEqual(5);
    expect(cv).toBeLessThanOrEqual(30);
    const task = metrics.tasks['PLC.RES']!;
    expect(task.resource).toBe('PLC.RES');
    // every wake-up delivered a tick; a late one also those of the last 10 ms (jitter), and
    // skipped older ones (a stall), counted as overruns
    expect(task.cycles).toBeGreaterThan(0);
    expect(task.cycles).toBeLessThanOrEqual(cv);
    // START.COLD→CY.START, then per tick CY.EO→C.CU
    expect(metrics.events!['PLC.RES']).toEqual({ delivered: 1 + cv, missedTicks: task.overruns });
    // not stopped: the STOP chain did not run, as at the end of a virtual-time run
    expect(vars['PLC.RES.S.CV']).toBe(0);
    expect(engine.state('PLC.RES')).toBe('finished');
  });

  it('reports the same variables as SystemRunner (Device.Resource.FB.Var)', async () => {
    const app = compile(writeSystem([countingResource('RES', 'T#1s')]));
    const engine = await Engine.start(app, { clock: 'real', durationNs: 20_000_000 });
    const { vars } = await engine.done;
    const virtual = new SystemRunner(app);
    virtual.runUntil(0);
    expect(vars).toEqual(virtual.snapshotVars());
  });

  it('serves variables while running; stop runs the STOP chain, kill does not', async () => {
    const app = compile(writeSystem([countingResource('A'), countingResource('B')]));
    const engine = await Engine.start(app, { clock: 'real' });
    const running = await until(() => engine.snapshotVars(), (v) => (v['PLC.A.C.CV'] as number) >= 3 && (v['PLC.B.C.CV'] as number) >= 3, 'three ticks');
    expect(running['PLC.A.S.CV']).toBe(0);
    await engine.kill('PLC.B');
    expect(engine.state('PLC.B')).toBe('finished');
    const b = (await engine.snapshotVars())['PLC.B.C.CV'] as number;
    // A goes on
    await until(() => engine.snapshotVars(), (v) => (v['PLC.A.C.CV'] as number) >= (running['PLC.A.C.CV'] as number) + 3, 'A to go on');
    const { vars, faults, metrics } = await engine.stop();
    expect(faults).toEqual([]);
    expect(vars['PLC.A.S.CV']).toBe(1); // orderly stop: START.STOP delivered
    expect(vars['PLC.B.S.CV']).toBe(0); // killed: no STOP event
    expect(vars['PLC.B.C.CV']).toBe(b); // a killed resource counts no more
    // a wake-up delivers one tick, or more after a late wake-up (the last 10 ms)
    expect(metrics.tasks['PLC.A']!.cycles).toBeLessThanOrEqual(vars['PLC.A.C.CV'] as number);
    expect(metrics.tasks['PLC.A']!.cycles).toBeGreaterThan(0);
  });

  it('a fault kills its own resource only', async () => {
    const bad = countingResource(
      'BAD',
      'T#10ms',
      '        <FB Name="X" Type="BOOM"/>',
      '          <Connection Source="C.CUO" Destination="X.REQ"/>',
    );
    const app = compile(writeSystem([countingResource('GOOD'), bad]));
    const seen: string[] = [];
    const engine = await Engine.start(app, { clock: 'real', onFault: (f) => seen.push(`${f.resource}: ${f.kind}`) });
    await until(async () => engine.state('PLC.BAD'), (s) => s === 'faulted', 'the fault');
    const before = (await engine.snapshotVars())['PLC.GOOD.C.CV'] as number;
    await until(() => engine.snapshotVars(), (v) => (v['PLC.GOOD.C.CV'] as number) >= before + 3, 'GOOD to go on');
    expect(engine.state('PLC.GOOD')).toBe('running');
    const { vars, faults } = await engine.stop();
    expect(seen).toEqual(['PLC.BAD: DIVISION_BY_ZERO']);
    expect(faults.map((f) => [f.resource, f.kind, f.pou])).toEqual([['PLC.BAD', 'DIVISION_BY_ZERO', 'BOOM.ALG_div']]);
    expect(vars['PLC.BAD.C.CV']).toBe(1); // the first tick's chain faulted in X
    expect(vars['PLC.GOOD.S.CV']).toBe(1);
  });

  it('runs on the virtual clock through the same engine', async () => {
    const app = compile(writeSystem([countingResource('RES')]));
    const engine = await Engine.start(app, { clock: 'virtual', durationNs: 10_000_000_000 });
    const { vars, metrics } = await engine.done;
    // ticks at 10 ms … 9.99 s: before the end, as for 61131 releases
    expect(vars['PLC.RES.C.CV']).toBe(999);
    expect(metrics.tasks['PLC.RES']!.cycles).toBe(999);
    expect(metrics.events!['PLC.RES']!.missedTicks).toBe(0);
  });
});
