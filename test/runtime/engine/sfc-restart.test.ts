/**
 * An SFC starts again from its initial steps when its resource is restarted, warm or cold: its
 * steps and action controls are ordinary (not RETAIN) variables of the POU.
 */
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { Engine } from '../../../runtime/engine/engine.js';

const CHART = `
PROGRAM Seq
VAR n : INT; END_VAR
VAR RETAIN runs : DINT; END_VAR
INITIAL_STEP Idle: Count(N); END_STEP
TRANSITION FROM Idle TO Run := n >= 500; END_TRANSITION
STEP Run: Busy(N); END_STEP
ACTION Count: n := n + 1; END_ACTION
ACTION Busy: runs := runs + 1; END_ACTION
END_PROGRAM

CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK T(INTERVAL := T#2ms, PRIORITY := 0);
    PROGRAM S WITH T : Seq;
  END_RESOURCE
END_CONFIGURATION
`;

type Seq = { n: number; runs: number; Idle: { X: boolean }; Run: { X: boolean } };

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('SFC and resource restarts', () => {
  it('a warm restart puts the chart back on its initial step and keeps RETAIN variables', async () => {
    const r = compileSources([new SourceFile('sfc-restart.st', CHART)]);
    expect(r.diagnostics).toEqual([]);
    const engine = await Engine.start(r.application!, { clock: 'real' });
    try {
      const seq = async () => (await engine.snapshotVars()).S as Seq;
      const before = await until(seq, (s) => s.Run.X && s.runs > 5);
      expect(before.Idle.X).toBe(false);
      await engine.restart('Res', 'warm');
      // back in Idle, counting again from 0 (500 scans of 2 ms before Run)
      const again = await until(seq, (s) => s.n > 0);
      expect(again.Idle.X).toBe(true);
      expect(again.Run.X).toBe(false);
      expect(again.runs).toBeGreaterThanOrEqual(before.runs);
      await engine.restart('Res', 'cold');
      const cold = await until(seq, (s) => s.n > 0);
      expect(cold.Idle.X).toBe(true);
      expect(cold.runs).toBe(0);
    } finally {
      await engine.stop();
    }
  }, 60_000);
});
