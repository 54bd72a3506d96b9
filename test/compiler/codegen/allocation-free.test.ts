/**
 * What the language adds to a scan must not allocate once the scan is warm: FB instances,
 * structures and arrays in VAR_TEMP and in the locals of functions and methods (one object per
 * POU, reset at every call), and references to elementary variables (one cell per variable,
 * made at the first REF()). Measured as the engine runs it, in a scan worker with the heap probe
 * of the engine's own allocation test; the program's results are checked too, so the scans did
 * the work.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFiles } from '../../../compiler/project.js';
import { expectNoYoungGrowth } from '../../runtime/engine/heap-probe.js';
import { ensureRtHelper } from '../../runtime/engine/rt-build.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { snapshotResource } from '../../../runtime/values.js';

const PROGRAM = `
TYPE Pt : STRUCT x, y : INT := 1; END_STRUCT; END_TYPE

FUNCTION_BLOCK Station
VAR_INPUT
  level : REF_TO INT;
END_VAR
VAR_TEMP
  pulse : TON := (PT := T#20ms);
  p : Pt;
  buf : ARRAY[0..7] OF INT;
  k : INT;
  rk : REF_TO INT;
END_VAR
VAR_OUTPUT
  out : INT;
END_VAR
pulse(IN := TRUE);
rk := REF(k);
FOR k := 0 TO 7 DO buf[k] := k + p.x; END_FOR;
rk^ := 3;
IF level <> NULL THEN level^ := (level^ + buf[rk^]) MOD 1000; END_IF;
out := buf[7] + BOOL_TO_INT(pulse.Q);
END_FUNCTION_BLOCK

FUNCTION Spread : INT
VAR_INPUT
  r : REF_TO INT;
END_VAR
VAR
  pts : ARRAY[0..3] OF Pt;
  local : INT;
  rl : REF_TO INT;
END_VAR
rl := REF(local);
rl^ := pts[2].y + r^;
Spread := local;
END_FUNCTION

PROGRAM Main
VAR
  stations : ARRAY[0..9] OF Station;
  levels : ARRAY[0..9] OF INT;
  i, sum : INT;
  ri : REF_TO INT;
END_VAR
sum := 0;
FOR i := 0 TO 9 DO
  stations[i](level := REF(levels[i]));
  ri := REF(levels[i]);
  sum := sum + Spread(ri) MOD 100 + stations[i].out;
END_FOR;
END_PROGRAM
`;

const dir = mkdtempSync(join(tmpdir(), 'vplc-alloc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile() {
  const file = join(dir, 'temps.st');
  writeFileSync(file, PROGRAM);
  const r = compileFiles([file]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.application!;
}


describe('temporaries and references allocate nothing in a warm scan', () => {
  it('computes what the program says (levels grow by buf[3] = 4 a scan, modulo 1000)', () => {
    const app = compile();
    const model = app.resources[0]!;
    const runner = new ResourceRunner(app, model.name);
    runner.runUntil(3 * model.tasks[0]!.intervalNs);
    const vars = snapshotResource(app, model, runner.instance) as { Main: { levels: number[]; sum: number } };
    expect(vars.Main.levels).toEqual(Array(10).fill(12));
    // Spread: pts[2].y (1) + level (12) = 13 each; out: buf[7] (8) + pulse.Q (0: a fresh TON every call)
    expect(vars.Main.sum).toBe(10 * (13 + 8));
  });

  it('3 stretches of 5,000 releases after 200,000: the young generation does not grow', async () => {
    ensureRtHelper();
    const app = compile();
    await expectNoYoungGrowth({ app, resource: app.resources[0]!.name, iec61499: false, clock: 'virtual', warmup: 200_000, scans: 5_000, stretches: 3, spinNs: 0 });
  }, 120_000);
});
