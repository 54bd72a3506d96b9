import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { compile61499 } from '../../../compiler/iec61499/project.js';
import { compileSources } from '../../../compiler/project.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { ringAfter, ringBootText, writeRing } from './ring-fixture.js';

/** The ring, plus E_CYCLE CY (T#10ms, started by START.COLD too) counted by E_CTU C3. */
function ringWithCycle() {
  const lines = ringBootText().trimEnd().split('\n');
  const start = lines.pop()!;
  let id = 100;
  const req = (action: string, body: string) => `RES;<Request ID="${++id}" Action="${action}">${body}</Request>`;
  lines.push(
    req('CREATE', '<FB Name="CY" Type="E_CYCLE" />'),
    req('CREATE', '<FB Name="C3" Type="E_CTU" />'),
    req('WRITE', '<Connection Source="T#10ms" Destination="CY.DT" />'),
    req('WRITE', '<Connection Source="1000" Destination="C3.PV" />'),
    req('CREATE', '<Connection Source="START.COLD" Destination="CY.START" />'),
    req('CREATE', '<Connection Source="CY.EO" Destination="C3.CU" />'),
    start,
  );
  const r = compile61499([{ path: writeRing(), text: lines.join('\n') + '\n' }], { stCompiler: (s, o) => compileSources(s, o) });
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  return r.application!;
}

describe('timers while an endless event chain runs', () => {
  it('on the virtual clock, E_CYCLE ticks fall due between slices and queue behind the chain', async () => {
    const engine = await Engine.start(ringWithCycle(), { clock: 'virtual', durationNs: 100_000_000 });
    const { vars, metrics, faults } = await engine.done;
    expect(faults).toEqual([]);
    // ticks at 10, 20 … 90 ms; the one at 100 ms is at the end of the run
    expect(vars['RES.C3.CV']).toBe(9);
    // the ring went on around them: its counters agree with the ring's share of the events
    // (START.COLD → CY.START, and each tick's CY.EO → C3.CU, are the others)
    const ringEvents = metrics.events!['RES']!.delivered - 1 - 9;
    const { c1, c2 } = ringAfter(ringEvents);
    expect([vars['RES.C1.CV'], vars['RES.C2.CV']]).toEqual([c1, c2]);
  });

  it('on the real clock, E_CYCLE ticks are delivered while the ring runs, and a stop ends both', async () => {
    const engine = await Engine.start(ringWithCycle(), { clock: 'real' });
    for (let k = 0; k < 1000; k++) {
      const v = await engine.snapshotVars();
      if ((v['RES.C3.CV'] as number) >= 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const { vars, faults } = await engine.stop();
    expect(faults).toEqual([]);
    expect(vars['RES.C3.CV']).toBeGreaterThanOrEqual(3);
    expect(vars['RES.C1.CV']).toBeGreaterThan(0);
  });
});
