import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { ResourceRunner } from '../../runtime/engine/resource-runner.js';

/** The generated class of PROGRAM Main for `body` with `vars` declared (`extra`: POUs and types before it). */
export function mainCode(vars: string, body: string, extra = ''): string {
  const r = compileSources([new SourceFile('t.st', `${extra}PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const code = r.application.code;
  const start = code.indexOf('class P_Main');
  return code.slice(start, code.indexOf('\nclass ', start + 1));
}

/** PROGRAM Main's variables after one scan of `body` with `vars` declared (fails on a fault). */
export function mainAfterScan(vars: string, body: string): Record<string, unknown> {
  const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
  const fault = runner.runCycles(1).fault;
  if (fault) throw new Error(`the scan faulted: ${JSON.stringify(fault)}`);
  return runner.instance.programs['Main'] as Record<string, unknown>;
}
