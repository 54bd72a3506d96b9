/**
 * Structured Text front end entry: text → AST, with every problem reported as a diagnostic.
 * Never throws, whatever the input, once its fallback is there. A clean file is read once, by
 * the hand-written parser (compiler/st/fast-parser.ts); anything it gives up on (a problem to
 * report, a chart, a PROPERTY, a form it does not read) goes to the chevrotain parsers of
 * compiler/st/parse-fallback.ts, which registers itself here when imported.
 *
 * compiler/project.ts imports the fallback, so its synchronous API always has it. `vplc run`
 * and the compile cache compile without it (compiler/front-ends.ts): where a file needs it,
 * parseSt throws StFallbackNeeded, and they import it and compile again.
 */
import type { CompilationUnit, IdAllocator } from './ast.js';
import type { SourceFile } from '../source.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import { fastParse } from './fast-parser.js';

export interface ParseResult {
  unit: CompilationUnit;
  diagnostics: Diagnostic[];
}

/** Deeper nesting of statements, parentheses and brackets than this is refused rather than risking the stack. */
export const MAX_NESTING = 100;

/** The method a PROPERTY's GET becomes (`__get_Name`); its SET becomes `__set_Name`. */
export const PROPERTY_GET = '__get_';
export const PROPERTY_SET = '__set_';

/** The whole path of a file from its text; `fastTried`: the hand-written parser gave up on it. */
export type StFallback = (file: SourceFile, ids: IdAllocator, diagnostics: Diagnostic[], fastTried: boolean) => ParseResult;

let fallback: StFallback | undefined;

export function setStFallback(f: StFallback): void {
  fallback = f;
}

/** Thrown by parseSt for a file the hand-written parser cannot read while no fallback is registered. */
export class StFallbackNeeded extends Error {
  constructor(readonly path: string) {
    super(`${path}: the ST parser's fallback (compiler/st/parse-fallback.ts) is not loaded`);
  }
}

export function parseSt(file: SourceFile, ids: IdAllocator): ParseResult {
  const diagnostics: Diagnostic[] = [];
  try {
    const text = file.text;
    // NUL bytes and invalid UTF-8 are reported by the fallback
    const plain = text.indexOf('\u0000') < 0 && text.indexOf('\ufffd') < 0;
    if (plain) {
      const unit = fastParse(file, ids, MAX_NESTING);
      if (unit) return declared(file, unit, diagnostics);
    }
    if (!fallback) throw new StFallbackNeeded(file.path);
    return fallback(file, ids, diagnostics, plain);
  } catch (e) {
    if (e instanceof StFallbackNeeded) throw e;
    // The grammar and builder are written not to throw; this is the last line of defence
    // (a stack overflow on pathological nesting, or a bug) so a user still gets a diagnostic.
    const why = e instanceof RangeError ? 'the source is nested too deeply to be parsed' : `internal parser error: ${String((e as Error)?.message ?? e)}`;
    diagnostics.push(diagnostic('E1004', why, file.range(0, 0)));
    return { unit: { file: file.path, pous: [], types: [], configurations: [], globals: [] }, diagnostics };
  }
}

export function declared(file: SourceFile, unit: CompilationUnit, diagnostics: Diagnostic[]): ParseResult {
  const declares = unit.pous.length + unit.types.length + unit.configurations.length + unit.globals.length > 0;
  if (!declares && diagnostics.length === 0) {
    diagnostics.push(diagnostic('E1006', 'the file declares nothing: expected PROGRAM, FUNCTION_BLOCK, FUNCTION, TYPE, CONFIGURATION or VAR_GLOBAL', file.range(0, 0)));
  }
  return { unit, diagnostics: ordered(diagnostics) };
}

/** By position; a second syntax error at the same place is a consequence of the first and is dropped. */
export function ordered(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.range.line - b.d.range.line || a.d.range.col - b.d.range.col || a.i - b.i)
    .map((x) => x.d);
  const out: Diagnostic[] = [];
  for (const d of sorted) {
    const prev = out[out.length - 1];
    if (prev && d.code === 'E1004' && prev.range.line === d.range.line && prev.range.col === d.range.col) continue;
    out.push(d);
  }
  return out;
}
