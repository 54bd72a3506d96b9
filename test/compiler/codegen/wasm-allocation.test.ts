/**
 * A scan that runs FOR loops as WebAssembly allocates nothing once warm: the arrays are copied
 * into views of the module's memory made at load, the scalars pass as parameters and come back
 * through result slots of the memory (no multi-value return, no array). Measured as the engine
 * runs it, in a scan worker with the heap probe of the engine's own allocation test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFiles } from '../../../compiler/project.js';
import type { HeapProbeRequest } from '../../runtime/engine/heap-probe-worker.js';
import { expectNoYoungGrowth } from '../../runtime/engine/heap-probe.js';
import { ensureRtHelper } from '../../runtime/engine/rt-build.js';

const PROGRAM = `
PROGRAM Main
VAR
  pv : ARRAY[0..63] OF REAL;
  integ : ARRAY[0..63] OF REAL;
  hist : ARRAY[0..63] OF LREAL;
  count : ARRAY[0..63] OF INT;
  k : INT;
  err, out : REAL;
  sum : LREAL;
  big : DINT;
  on : BOOL;
  sp : REAL := 10.0;
END_VAR
sum := 0.0;
FOR k := 0 TO 63 DO
  err := sp + INT_TO_REAL(k MOD 7) - pv[k];
  integ[k] := LIMIT(-50.0, integ[k] + err * 0.01, 50.0);
  out := LIMIT(-100.0, 0.75 * err + 0.125 * integ[k], 100.0);
  pv[k] := pv[k] + 0.02 * (out - pv[k]);
  on := out > 1.0;
  IF on THEN count[k] := count[k] + 1; END_IF;
  hist[k] := hist[k] * 0.5 + REAL_TO_LREAL(out);
  sum := sum + hist[k];
  big := REAL_TO_DINT(out * 1000.0);
END_FOR;
END_PROGRAM
`;

const dir = mkdtempSync(join(tmpdir(), 'vplc-wasm-alloc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile() {
  const file = join(dir, 'loops.st');
  writeFileSync(file, PROGRAM);
  // the WebAssembly path on, whatever the environment of the test run says
  const off = process.env.VPLC_NO_WASM;
  delete process.env.VPLC_NO_WASM;
  const r = compileFiles([file]);
  if (off !== undefined) process.env.VPLC_NO_WASM = off;
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.application!;
}


describe('WebAssembly loops allocate nothing in a warm scan', () => {
  it('3 stretches of 5,000 releases after 100,000: the young generation does not grow', async () => {
    ensureRtHelper();
    const app = compile();
    expect(app.code).toMatch(/\$wx0\(/);
    const req: HeapProbeRequest = { app, resource: app.resources[0]!.name, iec61499: false, clock: 'virtual', warmup: 100_000, scans: 5_000, stretches: 3, spinNs: 0 };
    await expectNoYoungGrowth(req);
  }, 120_000);
});
