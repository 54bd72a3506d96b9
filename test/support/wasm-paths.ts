/**
 * The code paths of a FOR loop, for the differential tests of the WebAssembly loops: JavaScript
 * (VPLC_NO_WASM=1), the scalar WebAssembly loop (VPLC_NO_SIMD=1) and the default (four lanes
 * where a loop's iterations are independent). Compiles one ST text on a path, runs Main and
 * lists where two runs differ.
 */
import type { Application } from '../../compiler/application.js';
import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { ResourceRunner } from '../../runtime/engine/resource-runner.js';

export type LoopPath = 'js' | 'scalar' | 'wasm';

/** `text` compiled on `path` (the variables are left as the path needs them; VPLC_WASM_ALL is the caller's). */
export function compileOn(text: string, path: LoopPath): Application {
  delete process.env.VPLC_NO_WASM;
  delete process.env.VPLC_NO_SIMD;
  if (path === 'js') process.env.VPLC_NO_WASM = '1';
  if (path === 'scalar') process.env.VPLC_NO_SIMD = '1';
  const r = compileSources([new SourceFile('t.st', text)]);
  if (!r.application) throw new Error(`${r.diagnostics.map((d) => `${d.range.line}:${d.range.col} ${d.message}`).join('\n')}\n${text}`);
  return r.application;
}

/** The variables of Main (and the globals, as `$G`) after `scans` scans of its task. */
export function runMain(app: Application, scans: number): Record<string, unknown> {
  const runner = new ResourceRunner(app, app.resources[0]!.name);
  runner.runUntil(scans * app.resources[0]!.tasks[0]!.intervalNs);
  return { ...(runner.instance.programs['Main'] as Record<string, unknown>), $G: runner.instance.globals };
}

/** Differences between two values of Main, by variable, member and element (empty when identical; Object.is, so NaN and -0 count). */
export function differences(a: Record<string, unknown>, b: Record<string, unknown>, path = ''): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a)) {
    const x = a[k];
    const y = b[k];
    if (ArrayBuffer.isView(x)) {
      const xs = x as unknown as ArrayLike<number>;
      const ys = y as unknown as ArrayLike<number>;
      for (let i = 0; i < xs.length; i++) if (!Object.is(xs[i], ys[i])) out.push(`${path}${k}[${i}]: ${xs[i]} vs ${ys[i]}`);
    } else if (x && typeof x === 'object' && y && typeof y === 'object') {
      out.push(...differences(x as Record<string, unknown>, y as Record<string, unknown>, `${path}${k}.`));
    } else if (!Object.is(x, y)) out.push(`${path}${k}: ${String(x)} vs ${String(y)}`);
  }
  return out;
}
