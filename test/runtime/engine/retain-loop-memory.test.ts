/**
 * A RETAIN array that a WebAssembly loop of its POU works on lives in the loops' memory (a view
 * into a larger buffer). What is captured to travel to the main thread (warm restart, saves)
 * must be its own elements, not a view whose structured clone copies the whole memory, and
 * must put the same values back into a fresh instance.
 */
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { captureRetain, restoreRetain } from '../../../runtime/engine/retain.js';
import { readLeaves, retainLeaves } from '../../../runtime/state/retain-leaves.js';

const SOURCE = `PROGRAM Main
VAR RETAIN y : ARRAY[0..255] OF REAL; END_VAR
VAR v : ARRAY[0..255] OF REAL; k : INT; scanNo : DINT; END_VAR
scanNo := scanNo + 1;
FOR k := 0 TO 255 DO
  v[k] := v[k] * 0.5 + INT_TO_REAL(k) * 0.25;
  y[k] := y[k] + v[k] * 0.125 - y[k] * 0.0625;
END_FOR;
END_PROGRAM
`;

describe('RETAIN arrays in the WebAssembly loops memory', () => {
  it('are captured as their own 256 elements and restored into a fresh instance', () => {
    const r = compileSources([new SourceFile('retain-loop.st', SOURCE)]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const app = r.application!;
    const runner = new ResourceRunner(app, app.resources[0]!.name);
    runner.runCycles(20);
    const live = (runner.instance.programs['Main'] as { y: Float32Array }).y;
    const wasm = process.env.VPLC_NO_WASM !== '1';
    // the array is a view into the loops' memory when the WebAssembly path runs
    if (wasm) expect(live.buffer.byteLength).toBeGreaterThan(live.byteLength);
    expect(live[100]).not.toBe(0);

    const captured = captureRetain(app, runner.model, runner.instance).programs['Main']!['y'] as Float32Array;
    expect(captured).toBeInstanceOf(Float32Array);
    expect(captured.buffer.byteLength).toBe(256 * 4);
    expect(Array.from(captured)).toEqual(Array.from(live));
    const leaves = readLeaves(retainLeaves(app, runner.model), runner.instance);
    const leaf = Object.values(leaves)[0] as Float32Array;
    expect(leaf.buffer.byteLength).toBe(256 * 4);

    // through a structured clone, as to the main thread and back into a fresh worker's instance
    const fresh = new ResourceRunner(app, app.resources[0]!.name);
    restoreRetain(fresh.instance, structuredClone(captureRetain(app, runner.model, runner.instance)));
    const restored = (fresh.instance.programs['Main'] as { y: Float32Array }).y;
    expect(Array.from(restored)).toEqual(Array.from(live));
    if (wasm) expect(restored.buffer.byteLength).toBeGreaterThan(restored.byteLength);
  });
});
