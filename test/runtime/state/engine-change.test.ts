import { describe, expect, it } from 'vitest';
import type { Application } from '../../../compiler/application.js';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { Engine } from '../../../runtime/engine/engine.js';

function compile(text: string): Application {
  const r = compileSources([new SourceFile('counting.st', text)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.application;
}

// every version counts its scans in n, and a timer started before the first change runs on
const version = (k: number) =>
  compile(`PROGRAM Main
VAR n : UDINT; t : TON; doneAt : UDINT; v${k} : INT; out AT %QW0 : UINT; END_VAR
n := n + 1;
t(IN := TRUE, PT := T#400ms);
IF t.Q AND doneAt = 0 THEN doneAt := n; END_IF;
out := ${k};
END_PROGRAM`);

describe('online change in the running engine', () => {
  for (const clock of ['real', 'virtual'] as const) {
    it(`loses no scan and keeps state and timers across changes (${clock} clock)`, { timeout: 60_000 }, async () => {
      const apps = [0, 1, 2, 3, 4, 5].map(version);
      const engine = await Engine.start(apps[0]!, { clock, ...(clock === 'virtual' ? { durationNs: 1e15 } : {}) });
      for (let k = 1; k < apps.length; k++) {
        await new Promise((r) => setTimeout(r, clock === 'real' ? 60 : 5));
        const r = (await engine.change(apps[k]!)).Default!;
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.entries.find((e) => e.path === 'Main.n')!.action).toBe('kept');
          expect(r.entries.find((e) => e.path === `Main.v${k - 1}`)!.action).toBe('removed');
          expect(r.entries.find((e) => e.path === `Main.v${k}`)!.action).toBe('new');
        }
        expect(engine.exchange('Default')).toBeDefined();
      }
      // scans of the last version before the stop
      await new Promise((r) => setTimeout(r, clock === 'real' ? 500 : 20));
      const result = await engine.stop();
      const m = result.vars.Main as { n: number; doneAt: number; out: number };
      const cycles = result.metrics.tasks.Default!.cycles;
      // one scan per release, each of them by one of the versions: none skipped, none doubled
      expect(m.n).toBe(cycles);
      // the 400 ms timer started at the first scan and was not restarted by any change: Q at scan 41
      // of the 10 ms task (on the real clock a late first scan moves it later by one, a release
      // skipped after an overrun earlier)
      if (clock === 'virtual') expect(m.doneAt).toBe(41);
      else {
        expect(m.doneAt).toBeGreaterThan(0);
        expect(m.doneAt).toBeLessThanOrEqual(42);
      }
      expect(m.out).toBe(5);
    });
  }

  it('changes all resources or none: one that cannot take the change sends the others back', { timeout: 60_000 }, async () => {
    const two = (extra: string) =>
      compile(`PROGRAM P VAR n : UDINT; ${extra} END_VAR n := n + 1; END_PROGRAM
        CONFIGURATION C
          RESOURCE A ON PLC TASK T (INTERVAL := T#10ms, PRIORITY := 0); PROGRAM PA WITH T : P; END_RESOURCE
          RESOURCE B ON PLC TASK T (INTERVAL := T#10ms, PRIORITY := 0); PROGRAM PB WITH T : P; END_RESOURCE
        END_CONFIGURATION`);
    const v1 = two('');
    const engine = await Engine.start(v1, { clock: 'real' });
    await engine.kill('B'); // B no longer runs: it cannot take a change
    const r = await engine.change(two('added : INT;'));
    expect(r.A!.ok).toBe(true);
    expect(r.B).toEqual({ ok: false, error: 'resource B is not running' });
    expect(engine.app).toBe(v1);
    const vars = (await engine.snapshotVars()).PA as Record<string, unknown>;
    expect(vars).not.toHaveProperty('added');
    expect(vars.n).toBeGreaterThan(0);
    await engine.stop();
  });
});
