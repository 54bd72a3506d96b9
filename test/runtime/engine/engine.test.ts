import { describe, expect, it } from 'vitest';
import { Engine } from '../../../runtime/engine/engine.js';
import { createImageView } from '../../../compiler/contract/process-image.js';
import { handApp, MS, vars } from './hand-app.js';

const COUNTER = `class CNT { constructor(){ this.n = 0; this.r = 0; } $body(){ this.n++; this.r++; } }`;
const counterType = {
  CNT: { name: 'CNT', kind: 'program' as const, vars: [vars.int('n'), { ...vars.int('r'), retain: 'RETAIN' as const }] },
};

async function until<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Engine', () => {
  it('runs each resource in a worker on the virtual clock and returns vars and metrics', async () => {
    const app = handApp({
      classes: COUNTER,
      pouTypes: counterType,
      resources: [
        { name: 'R1', tasks: [{ name: 'T1', intervalNs: 10 * MS, priority: 0 }], programs: [{ name: 'A', typeName: 'CNT', task: 'T1' }] },
        { name: 'R2', tasks: [{ name: 'T2', intervalNs: 1 * MS, priority: 0 }], programs: [{ name: 'B', typeName: 'CNT', task: 'T2' }] },
      ],
    });
    // a minute of PLC time
    const engine = await Engine.start(app, { clock: 'virtual', durationNs: 60_000 * MS });
    const result = await engine.done;
    expect(result.faults).toEqual([]);
    expect(result.vars).toEqual({ A: { n: 6_000, r: 6_000 }, B: { n: 60_000, r: 60_000 } });
    expect(result.metrics.tasks.T1).toMatchObject({ resource: 'R1', cycles: 6_000, overruns: 0, watchdogFaults: 0 });
    expect(result.metrics.tasks.T2.cycles).toBe(60_000);
    expect(result.metrics.tasks.T2.execUs.p50).toBeGreaterThan(0);
    expect(engine.state('R1')).toBe('finished');
  });

  it('counts overruns of a slow program and resumes at the next boundary without catch-up scans', async () => {
    // scans 3 and 6 busy-wait 12 ms in a 5 ms task
    const slow = `class SLOW { constructor(){ this.k = 0; } $body(){ this.k++; if (this.k === 3 || this.k === 6) { const t = performance.now(); while (performance.now() - t < 12) {} } } }`;
    const app = handApp({
      classes: slow,
      pouTypes: { SLOW: { name: 'SLOW', kind: 'program', vars: [vars.int('k')] } },
      resources: [{ name: 'RES', tasks: [{ name: 'T', intervalNs: 5 * MS, priority: 0 }], programs: [{ name: 'S', typeName: 'SLOW', task: 'T' }] }],
    });
    const engine = await Engine.start(app, { clock: 'real', durationNs: 150 * MS });
    const result = await engine.done;
    const t = result.metrics.tasks.T;
    expect(result.faults).toEqual([]);
    expect(t.overruns).toBeGreaterThanOrEqual(2);
    // 30 releases in 150 ms; each slow scan swallows at least the two releases it overran
    expect(t.cycles).toBeLessThanOrEqual(30 - 2 * 2);
    expect(t.cycles).toBe((result.vars.S as { k: number }).k);
    expect(t.execUs.max).toBeGreaterThan(5000);
  });

  it('stops a stuck program with its watchdog, keeps the other resource running, sets safe outputs, restarts', async () => {
    const stuck = `class STUCK { constructor(){ this.k = 0; } $body(){ this.k++; if (this.k === 3) { while (true) {} } } }`;
    const app = handApp({
      classes: stuck + '\n' + COUNTER,
      pouTypes: { STUCK: { name: 'STUCK', kind: 'program', vars: [vars.int('k')] }, ...counterType },
      resources: [
        {
          name: 'Bad',
          tasks: [{ name: 'BadTask', intervalNs: 2 * MS, priority: 0, watchdogNs: 100 * MS }],
          programs: [{ name: 'S', typeName: 'STUCK', task: 'BadTask' }],
          writeImage: 'v.outputWords[0] = 7; v.outputWords[1] = 8; v.outputBits[0] = 1;',
        },
        {
          name: 'Good',
          tasks: [{ name: 'GoodTask', intervalNs: 2 * MS, priority: 0 }],
          programs: [{ name: 'C', typeName: 'CNT', task: 'GoodTask' }],
        },
      ],
    });
    const seen: string[] = [];
    const engine = await Engine.start(app, {
      clock: 'real',
      safeValues: { Bad: { '%QW1': 99 } },
      onFault: (f) => seen.push(f.kind),
    });
    await until(() => engine.state('Bad'), (s) => s === 'faulted');
    expect(engine.faults).toEqual([
      {
        kind: 'WATCHDOG',
        pou: 'STUCK',
        file: '?',
        line: 0,
        detail: 'task BadTask did not finish within its watchdog time of 100 ms',
        task: 'BadTask',
        resource: 'Bad',
      },
    ]);
    expect(seen).toEqual(['WATCHDOG']);
    expect(engine.metrics().tasks.BadTask).toMatchObject({ cycles: 2, watchdogFaults: 1 });
    const out = createImageView();
    engine.exchange('Bad').readOutputs(out);
    expect([out.outputWords[0], out.outputWords[1], out.outputBits[0]]).toEqual([0, 99, 0]);

    // the other resource goes on
    const before = engine.metrics().tasks.GoodTask.cycles;
    const after = await until(() => engine.metrics().tasks.GoodTask.cycles, (c) => c > before + 5);
    expect(after).toBeGreaterThan(before);
    expect(engine.state('Good')).toBe('running');

    // restart the faulted resource: fresh instance, runs again (and hangs again at its 3rd scan)
    await engine.restart('Bad', 'cold');
    expect(engine.state('Bad')).toBe('running');
    await until(() => engine.state('Bad'), (s) => s === 'faulted');
    expect(engine.metrics().tasks.BadTask).toMatchObject({ cycles: 4, watchdogFaults: 2 });

    const result = await engine.stop();
    expect(result.faults.map((f) => f.kind)).toEqual(['WATCHDOG', 'WATCHDOG']);
    expect((result.vars.C as { n: number }).n).toBeGreaterThan(5);
  });

  it('restarts a resource warm (RETAIN kept) or cold (initial values)', async () => {
    const app = handApp({
      classes: COUNTER,
      pouTypes: counterType,
      resources: [{ name: 'RES', tasks: [{ name: 'T', intervalNs: 1 * MS, priority: 0 }], programs: [{ name: 'C', typeName: 'CNT', task: 'T' }] }],
    });
    const engine = await Engine.start(app, { clock: 'real' });
    type C = { n: number; r: number };
    const c = async () => (await engine.snapshotVars()).C as C;
    await until(c, (v) => v.n >= 5);
    await engine.restart('RES', 'warm');
    const warm = await until(c, (v) => v.n >= 1);
    // r went on from where it was when the worker stopped; n started again from 0
    expect(warm.r).toBeGreaterThanOrEqual(warm.n + 5);
    await engine.restart('RES', 'cold');
    const cold = await until(c, (v) => v.n >= 1);
    expect(cold.r).toBe(cold.n);
    const result = await engine.stop();
    expect(result.faults).toEqual([]);
    expect(engine.state('RES')).toBe('finished');
  });

  it('leaves outputs at their safe values after a stop, having written the last scan', async () => {
    const app = handApp({
      classes: COUNTER,
      pouTypes: counterType,
      resources: [
        {
          name: 'RES',
          tasks: [{ name: 'T', intervalNs: 1 * MS, priority: 0 }],
          programs: [{ name: 'C', typeName: 'CNT', task: 'T' }],
          writeImage: 'v.outputWords[0] = r.programs.C.n;',
        },
      ],
    });
    const engine = await Engine.start(app, { clock: 'real' });
    const out = createImageView();
    await until(
      () => (engine.exchange('RES').readOutputs(out), out.outputWords[0]),
      (n) => n >= 3,
    );
    const result = await engine.stop();
    engine.exchange('RES').readOutputs(out);
    expect(out.outputWords[0]).toBe(0);
    expect(result.metrics.tasks.T.cycles).toBe((result.vars.C as { n: number }).n);
  });
});
