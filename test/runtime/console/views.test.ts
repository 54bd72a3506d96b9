import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFiles, compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { overview } from '../../../runtime/console/views.js';
import { until } from '../../support/wait.js';
import { ResourceMetrics } from '../../../runtime/metrics/resource-metrics.js';
import { drawNetworks } from '../../../runtime/console/fb-network.js';
import { TaskTrends } from '../../../runtime/console/task-trend.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('console views', () => {
  it('lays out an IEC 61499 network left to right along its connections', () => {
    const app = compileFiles([join(root, 'samples/sorting-conveyor/sorting.sys')]).application!;
    const [net] = drawNetworks(app);
    expect(net!.key).toBe('PLC.Line');
    const at = new Map(net!.fbs.map((f) => [f.name, f]));
    // START (E_RESTART) begins the chain: everything it reaches stands to its right
    expect(at.get('START')!.x).toBeLessThan(at.get('EYE')!.x);
    expect(at.get('EYE')!.x).toBeLessThan(at.get('BELT')!.x);
    expect(at.get('EYE')!.inputs.map((p) => `${p.kind}:${p.name}`)).toEqual(['event:INIT', 'event:REQ', 'data:QI', 'data:PARAMS']);
    const eyeInit = net!.connections.find((c) => c.kind === 'event' && c.from.fb === 'START' && c.to.fb === 'EYE');
    expect(eyeInit).toEqual({ kind: 'event', from: { fb: 'START', port: 'COLD' }, to: { fb: 'EYE', port: 'INIT' } });
    // no two blocks of a column overlap
    for (const a of net!.fbs) for (const b of net!.fbs) if (a !== b && a.x === b.x) expect(a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  });

  it('takes each trend point from the scans of its period only', () => {
    const m = new ResourceMetrics('R', ['T']);
    const trends = new TaskTrends([m]);
    for (let i = 0; i < 100; i++) m.recordScan(0, 10_000, 1_000);
    trends.sample(1000);
    for (let i = 0; i < 100; i++) m.recordScan(0, 50_000, i < 98 ? 2_000 : 400_000);
    trends.sample(2000);
    trends.sample(3000); // no scan since: no point
    const [first, second] = trends.trends()['T']!;
    expect(trends.trends()['T']).toHaveLength(2);
    expect(first).toMatchObject({ t: 1000, n: 100, execMeanUs: 10, latenessMeanUs: 1 });
    expect(second!.n).toBe(100);
    expect(second!.execMeanUs).toBe(50);
    expect(second!.latenessMeanUs).toBe(9.96);
    // p99 of the second period: the 99th of 100 values is one of the two late ones (±3 % bucket)
    expect(second!.latenessP99Us).toBeGreaterThan(388);
    expect(second!.latenessP99Us).toBeLessThan(412);
    const hist = trends.histograms()['T']!.lateness;
    expect(hist.reduce((n, b) => n + b[2], 0)).toBe(200);
  });

  it('shows a fault with its POU, file and line in the overview, and the task stopped', async () => {
    const src = `PROGRAM Main
VAR
  trip : BOOL;
  zero : INT;
  x : INT;
END_VAR
IF trip THEN
  x := 10 / zero;
END_IF;
END_PROGRAM
`;
    const app = compileSources([new SourceFile('trip.st', src)]).application!;
    const engine = await Engine.start(app, { clock: 'real' });
    try {
      engine.writeVar('Default', 'Main.trip', true);
      await until(() => engine.faults.length > 0, 'the fault');
      const o = overview(app, engine, []);
      expect(o.faults[0]).toMatchObject({ pou: 'Main', file: 'trip.st', line: 8, resource: 'Default' });
      expect(o.resources[0]!.tasks[0]).toMatchObject({ faulted: true, faults: 1 });
    } finally {
      await engine.stop();
    }
  });
});
