import { describe, expect, it } from 'vitest';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { createImageView } from '../../../compiler/contract/process-image.js';
import { handApp, MS, vars } from './hand-app.js';

// A program that logs `<instance>@<task time in ms>` into the resource's global log.
const LOGGER = `class LOGGER { constructor(){ this.name = ''; this.n = 0; } $body(){ this.n++; $G.log.push(this.name + '@' + (rt.now() / 1e6)); } }`;

function loggerApp(tasks: { name: string; intervalNs: number; priority: number; single?: string }[], extra = '') {
  return handApp({
    classes: LOGGER + '\n' + extra,
    pouTypes: { LOGGER: { name: 'LOGGER', kind: 'program', vars: [vars.int('n')] } },
    resources: [
      {
        name: 'RES',
        tasks,
        programs: tasks.map((t) => ({ name: t.name + 'P', typeName: 'LOGGER', task: t.name })),
        globalsInit: '{ log: [] }',
      },
    ],
  });
}

function named(runner: ResourceRunner) {
  for (const [k, p] of Object.entries(runner.instance.programs)) (p as { name: string }).name = k;
  return runner.instance.globals.log as string[];
}

describe('ResourceRunner on the virtual clock', () => {
  it('releases tasks in time order, higher priority first at the same instant', () => {
    const app = loggerApp([
      { name: 'Fast', intervalNs: 10 * MS, priority: 1 },
      { name: 'Slow', intervalNs: 20 * MS, priority: 0 },
    ]);
    const runner = new ResourceRunner(app, 'RES');
    const log = named(runner);
    const out = runner.runUntil(60 * MS);
    expect(log).toEqual([
      'SlowP@0', 'FastP@0', 'FastP@10', 'SlowP@20', 'FastP@20', 'FastP@30', 'SlowP@40', 'FastP@40', 'FastP@50',
    ]);
    expect(out.releases).toBe(9);
    expect(out.timeNs).toBe(60 * MS);
    expect(runner.timeNs).toBe(60 * MS);
    expect(out.fault).toBeUndefined();
    const m = runner.metrics.snapshot();
    expect(m.Fast.cycles).toBe(6);
    expect(m.Slow.cycles).toBe(3);
    expect(m.Fast.resource).toBe('RES');
    expect(m.Fast.latenessUs.max).toBe(0);
    expect(m.Fast.execUs.max).toBeGreaterThan(0);
  });

  it('runs tasks of equal priority in declaration order and continues across calls', () => {
    const app = loggerApp([
      { name: 'B', intervalNs: 5 * MS, priority: 3 },
      { name: 'A', intervalNs: 5 * MS, priority: 3 },
    ]);
    const runner = new ResourceRunner(app, 'RES');
    const log = named(runner);
    runner.runUntil(5 * MS);
    runner.runUntil(10 * MS);
    expect(log).toEqual(['BP@0', 'AP@0', 'BP@5', 'AP@5']);
  });

  it('runCycles executes n releases of the fastest task and what falls due before its end', () => {
    const app = loggerApp([
      { name: 'Slow', intervalNs: 20 * MS, priority: 0 },
      { name: 'Fast', intervalNs: 10 * MS, priority: 1 },
    ]);
    const runner = new ResourceRunner(app, 'RES');
    const log = named(runner);
    const out = runner.runCycles(5);
    expect(log.filter((l) => l.startsWith('Fast')).length).toBe(5);
    expect(log.filter((l) => l.startsWith('Slow'))).toEqual(['SlowP@0', 'SlowP@20', 'SlowP@40']);
    expect(out.timeNs).toBe(50 * MS);
    runner.runCycles(1);
    expect(log.at(-1)).toBe('FastP@50');
  });

  it('runs a SINGLE task once per rising edge of its trigger', () => {
    // GEN raises `trig` on its scans 2, 3 and 6 (1-based): two rising edges
    const gen = `class GEN { constructor(){ this.k = 0; } $body(){ this.k++; $G.trig = this.k === 2 || this.k === 3 || this.k === 6; } }`;
    const app = handApp({
      classes: LOGGER + '\n' + gen,
      pouTypes: {
        LOGGER: { name: 'LOGGER', kind: 'program', vars: [vars.int('n')] },
        GEN: { name: 'GEN', kind: 'program', vars: [vars.int('k')] },
      },
      resources: [
        {
          name: 'RES',
          tasks: [
            { name: 'Cyc', intervalNs: 1 * MS, priority: 1 },
            { name: 'OnEdge', intervalNs: 0, priority: 0, single: 'gTrig' },
          ],
          programs: [
            { name: 'Gen', typeName: 'GEN', task: 'Cyc' },
            { name: 'Ev', typeName: 'LOGGER', task: 'OnEdge' },
          ],
          globals: [{ ...vars.bool('gTrig', 'VAR_GLOBAL'), prop: 'trig' }],
          globalsInit: '{ log: [], trig: false }',
        },
      ],
    });
    const runner = new ResourceRunner(app, 'RES');
    const log = named(runner);
    runner.runCycles(10);
    // trig rises during the scan at t=1 and t=5; the edge is seen at the next release instant
    expect(log).toEqual(['Ev@2', 'Ev@6']);
    expect(runner.metrics.snapshot().OnEdge.cycles).toBe(2);
  });

  it('stops only the faulted task, reports the first fault and holds outputs safe', () => {
    const div = `class DIV { constructor(){ this.k = 0; } $body(){ this.k++; if (this.k === 3) rt.fault('DIVISION_BY_ZERO', 'DIV', 'div.st', 7, 'x / 0'); } }`;
    const app = handApp({
      classes: LOGGER + '\n' + div,
      pouTypes: {
        LOGGER: { name: 'LOGGER', kind: 'program', vars: [vars.int('n')] },
        DIV: { name: 'DIV', kind: 'program', vars: [vars.int('k')] },
      },
      resources: [
        {
          name: 'RES',
          tasks: [
            { name: 'Bad', intervalNs: 1 * MS, priority: 0 },
            { name: 'Good', intervalNs: 1 * MS, priority: 1 },
          ],
          programs: [
            { name: 'D', typeName: 'DIV', task: 'Bad' },
            { name: 'L', typeName: 'LOGGER', task: 'Good' },
          ],
          globalsInit: '{ log: [] }',
          // outputs mirror the scan counters: %QW0 := D.k, %QX0.0 := TRUE
          writeImage: `v.outputWords[0] = r.programs.D.k; v.outputBits[0] = 1;`,
        },
      ],
    });
    const image = createImageView();
    const runner = new ResourceRunner(app, 'RES', { image, safeValues: { '%QW1': 42 } });
    named(runner);
    runner.runCycles(2);
    expect(image.outputWords[0]).toBe(2);
    expect(image.outputBits[0]).toBe(1);
    const out = runner.runCycles(8);
    expect(out.fault).toEqual({
      kind: 'DIVISION_BY_ZERO', pou: 'DIV', file: 'div.st', line: 7, detail: 'x / 0', task: 'Bad', resource: 'RES',
    });
    const m = runner.metrics.snapshot();
    expect(m.Bad.cycles).toBe(3);
    expect(m.Good.cycles).toBe(10);
    expect((runner.instance.programs.D as { k: number }).k).toBe(3);
    // the good task went on writing, but %Q stays at its safe values
    expect(image.outputWords[0]).toBe(0);
    expect(image.outputWords[1]).toBe(42);
    expect(image.outputBits[0]).toBe(0);
    expect(runner.faults).toHaveLength(1);
  });

  it('contains a JavaScript error escaping generated code as an INTERNAL fault', () => {
    const boom = `class BOOM { $body(){ null.x = 1; } }`;
    const app = handApp({
      classes: boom,
      pouTypes: { BOOM: { name: 'BOOM', kind: 'program', vars: [] } },
      resources: [{ name: 'RES', tasks: [{ name: 'T', intervalNs: MS, priority: 0 }], programs: [{ name: 'B', typeName: 'BOOM', task: 'T' }] }],
    });
    const runner = new ResourceRunner(app, 'RES');
    const out = runner.runCycles(3);
    expect(out.fault?.kind).toBe('INTERNAL');
    expect(out.fault?.pou).toBe('BOOM');
    expect(out.fault?.task).toBe('T');
    expect(out.releases).toBe(1);
  });

  it('names the resources it knows when asked for an unknown one', () => {
    const app = loggerApp([{ name: 'T', intervalNs: MS, priority: 0 }]);
    expect(() => new ResourceRunner(app, 'NOPE')).toThrow(/resources: RES/);
  });
});
