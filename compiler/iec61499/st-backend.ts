import type { Application } from '../application.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../source.js';

/** The ST compiler as compile61499 uses it: compileSources from compiler/project.ts. */
export type StCompiler = (sources: SourceFile[]) => { application?: Application; diagnostics: Diagnostic[] };

let registered: StCompiler | undefined;

/**
 * compiler/project.ts registers compileSources here; passing `stCompiler` to compile61499
 * overrides it (tests of the 61499 layer alone, hand-written modules).
 */
export function registerStCompiler(c: StCompiler): void {
  registered = c;
}

export function registeredStCompiler(): StCompiler | undefined {
  return registered;
}
