/**
 * A scan that runs FOR loops as WebAssembly allocates nothing once warm: the arrays are copied
 * into views of the module's memory made at load, the scalars pass as parameters and come back
 * through result slots of the memory (no multi-value return, no array). Measured as the engine
 * runs it, in a scan worker with the heap probe of the engine's own allocation test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFiles } from '../../../compiler/project.js';
import type { HeapProbeRequest, HeapProbeResult } from '../../runtime/engine/heap-probe-worker.js';
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
  const r = compileFiles([file]);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.application!;
}

function probe(req: HeapProbeRequest): Promise<HeapProbeResult> {
  const here = import.meta.url;
  const worker = new Worker(new URL('../../../runtime/engine/tsx-boot.mjs', here), {
    workerData: { ...req, entry: new URL('../../runtime/engine/heap-probe-worker.ts', here).href },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: HeapProbeResult) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('WebAssembly loops allocate nothing in a warm scan', () => {
  it('3 stretches of 5,000 releases after 100,000: the young generation does not grow', async () => {
    ensureRtHelper();
    const app = compile();
    expect(app.code).toMatch(/\$wx0\(/);
    const req: HeapProbeRequest = { app, resource: app.resources[0]!.name, iec61499: false, clock: 'virtual', warmup: 100_000, scans: 5_000, stretches: 3, spinNs: 0 };
    let r = await probe(req);
    // V8 may box one number in a stretch now and then on a loaded machine: measured again once
    if (Math.min(...r.stretches.map((s) => s.youngBytes).filter((b) => b >= 0)) >= 4096) r = await probe(req);
    expect(r.faults).toEqual([]);
    const young = r.stretches.map((s) => s.youngBytes);
    // an allocation per release would be at least 16 bytes × 5,000
    expect(Math.min(...young.filter((b) => b >= 0)), `young generation growth per stretch: ${young.join(', ')} bytes`).toBeLessThan(4096);
  }, 120_000);
});
