import type { Application } from '../../compiler/application.js';
import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles, type CompileOptions } from '../../compiler/project.js';

/** Compile for a command: every diagnostic on stderr; the Application when there is no error. */
export function compileForCommand(files: string[], options: CompileOptions = {}): Application | undefined {
  const r = compileFiles(files, options);
  for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(r.diagnostics) || !r.application) return undefined;
  return r.application;
}
