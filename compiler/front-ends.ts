/**
 * Source files by their kind: .st (ST), .il (IL), .xml (PLCopen TC6), .sys/.fboot/.fbt (IEC
 * 61499), each read by its front end into ST sources for compileSources. The front ends are
 * passed in, so that a caller that can wait (`vplc run`, the compile cache) loads only those
 * its files need (loadFrontEnds): an ST project never loads the PLCopen, IL and IEC 61499 ones
 * (with their XML parser), about a third of the compiler's modules.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { hasErrors, sortDiagnostics } from './diagnostics/diagnostic.js';
import { diagnostic } from './diagnostics/registry.js';
import { fileStart, SourceFile } from './source.js';
import { compileSources, type CompileOptions, type CompileResult } from './st-project.js';
import { StFallbackNeeded } from './st/parse.js';
import type { importPlcopen } from './plcopen/import.js';
import type { ilFileSource } from './il/il-file.js';
import type { compile61499 } from './iec61499/project.js';

export interface SourceText {
  path: string;
  text: string;
}

/** The front ends of the files that are not ST; only those of the files compiled need be there. */
export interface FrontEnds {
  plcopen?: typeof importPlcopen;
  il?: typeof ilFileSource;
  iec61499?: typeof compile61499;
}

type Kind = 'st' | keyof FrontEnds;

function kindOf(path: string): Kind {
  const ext = extname(path).toLowerCase();
  if (ext === '.xml') return 'plcopen';
  if (ext === '.il') return 'il';
  if (ext === '.sys' || ext === '.fboot' || ext === '.fbt') return 'iec61499';
  return 'st';
}

/** The front ends `paths` need, loaded (each module once per process, as imports are). */
export async function loadFrontEnds(paths: readonly string[]): Promise<FrontEnds> {
  const kinds = new Set(paths.map(kindOf));
  const out: FrontEnds = {};
  if (kinds.has('plcopen')) out.plcopen = (await import('./plcopen/import.js')).importPlcopen;
  if (kinds.has('il')) out.il = (await import('./il/il-file.js')).ilFileSource;
  if (kinds.has('iec61499')) out.iec61499 = (await import('./iec61499/project.js')).compile61499;
  return out;
}

/** Each file's text; a file that cannot be read is reported (E1008) and left out. */
export function readSourceTexts(paths: readonly string[], diagnostics: Diagnostic[]): SourceText[] {
  const texts: SourceText[] = [];
  for (const path of paths) {
    try {
      if (statSync(path).isDirectory()) throw new Error('is a directory');
      texts.push({ path, text: readFileSync(path, 'utf8') });
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      diagnostics.push(diagnostic('E1008', `cannot read ${path}: ${reason}`, fileStart(path)));
    }
  }
  return texts;
}

/** Compile texts by their paths' extensions with `frontEnds`, which must hold those the texts need. */
export function compileByKind(texts: readonly SourceText[], options: CompileOptions, firstPath: string, diagnostics: Diagnostic[], frontEnds: FrontEnds): CompileResult {
  const st: SourceFile[] = [];
  const f61499: SourceText[] = [];
  for (const { path, text } of texts) {
    const kind = kindOf(path);
    if (kind === 'plcopen') {
      const r = needed(frontEnds.plcopen, path)(path, text);
      diagnostics.push(...r.diagnostics);
      st.push(...r.sources);
    } else if (kind === 'il') {
      const r = needed(frontEnds.il, path)(path, text);
      diagnostics.push(...r.diagnostics);
      if (r.source) st.push(r.source);
    } else if (kind === 'iec61499') {
      f61499.push({ path, text });
    } else {
      st.push(new SourceFile(path, text));
    }
  }
  if (f61499.length) {
    if (st.length) {
      diagnostics.push(diagnostic('E1008', 'IEC 61499 files (.sys, .fboot) cannot be mixed with ST or PLCopen sources in one run', fileStart(firstPath)));
      return { diagnostics };
    }
    const r = needed(frontEnds.iec61499, firstPath)(f61499, {
      stCompiler: (s, o) => compileSources(s, o),
      ...(options.placeholders ? { placeholders: options.placeholders } : {}),
      ...(options.typesDirs?.length ? { libraryPaths: options.typesDirs } : {}),
    });
    return { ...r, diagnostics: sortDiagnostics([...diagnostics, ...r.diagnostics]) };
  }
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
  const r = compileSources(st, options);
  return { ...r, diagnostics: sortDiagnostics([...diagnostics, ...r.diagnostics]) };
}

function needed<F>(frontEnd: F | undefined, path: string): F {
  // a caller's mistake, not the user's: loadFrontEnds (or project.ts) was not given this file
  if (!frontEnd) throw new Error(`no front end loaded for ${path}`);
  return frontEnd;
}

/** compileFiles, loading only the front ends the files need. */
export async function compileFilesLoading(paths: string[], options: CompileOptions = {}): Promise<CompileResult> {
  const read: Diagnostic[] = [];
  const texts = readSourceTexts(paths, read);
  const frontEnds = await loadFrontEnds(paths);
  return withStFallback(() => compileByKind(texts, options, paths[0] ?? '', [...read], frontEnds));
}

/** compileSourceTexts, loading only the front ends the texts need. */
export async function compileSourceTextsLoading(texts: SourceText[], options: CompileOptions = {}): Promise<CompileResult> {
  const frontEnds = await loadFrontEnds(texts.map((t) => t.path));
  return withStFallback(() => compileByKind(texts, options, texts[0]?.path ?? '', [], frontEnds));
}

/**
 * `compile`, without the ST parser's fallback while every file is one the hand-written parser
 * reads (loading it is some 30 ms of a start); when one is not, the fallback is loaded and
 * the compile starts again, as it would have gone with the fallback there from the start.
 */
async function withStFallback(compile: () => CompileResult): Promise<CompileResult> {
  try {
    return compile();
  } catch (e) {
    if (!(e instanceof StFallbackNeeded)) throw e;
  }
  await import('./st/parse-fallback.js');
  return compile();
}
