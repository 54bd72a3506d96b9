/**
 * The compiler's entry: files of every kind → Application, synchronously, with all the front
 * ends loaded. Callers that can wait use compiler/front-ends.ts's compileFilesLoading, which
 * loads only the front ends the files need.
 */
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { compileByKind, readSourceTexts, type FrontEnds, type SourceText } from './front-ends.js';
import type { CompileOptions, CompileResult } from './st-project.js';
import { importPlcopen } from './plcopen/import.js';
import { ilFileSource } from './il/il-file.js';
import { compile61499 } from './iec61499/project.js';
// synchronous callers get every ST file parsed at once, whatever it holds
import './st/parse-fallback.js';

export { compileSources, DEFAULT_RESOURCE, DEFAULT_TASK, type CompileOptions, type CompileResult } from './st-project.js';

const ALL: FrontEnds = { plcopen: importPlcopen, il: ilFileSource, iec61499: compile61499 };

/** Read and compile files by their extension: .st (ST), .il (IL), .xml (PLCopen TC6), .sys/.fboot (IEC 61499). */
export function compileFiles(paths: string[], options: CompileOptions = {}): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const texts = readSourceTexts(paths, diagnostics);
  return compileByKind(texts, options, paths[0] ?? '', diagnostics, ALL);
}

/** Compile texts already read, by their paths' extensions (as compileFiles does). */
export function compileSourceTexts(texts: SourceText[], options: CompileOptions = {}): CompileResult {
  return compileByKind(texts, options, texts[0]?.path ?? '', [], ALL);
}
