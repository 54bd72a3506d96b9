import { dirname, extname, basename, resolve } from 'node:path';
import type { Application } from '../application.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import { fileStart, SourceFile } from '../source.js';
import type { Iec61499Model, ResourceNetwork } from './model.js';
import { TypeLibrary, type TypeFolder } from './library.js';
import { NetworkBuilder } from './network.js';
import { readBootFile, readSystem, type ResourceDeclaration } from './system-reader.js';
import { substitutePlaceholders } from './placeholders.js';

/**
 * The ST compiler that compiles the basic FBs' generated ST (compileSources of
 * compiler/project.ts); 4diac algorithms are compiled with narrowing assignments as warnings.
 */
export type StCompiler = (sources: SourceFile[], options: { narrowingAsWarning: boolean }) => { application?: Application; diagnostics: Diagnostic[] };

export interface Compile61499Options {
  /** extra folders searched for types after the application's own folder */
  libraryPaths?: string[];
  /** passed in (not imported) so that this module and compiler/project.ts do not import each other */
  stCompiler: StCompiler;
  /** values of `%name%` placeholders in .sys/.fboot parameters (`--param name=value`) */
  placeholders?: Record<string, string>;
}

const EMPTY_MODULE = 'return { pous: {}, resources: {} };';

/**
 * Compile 4diac files into an Application: a .sys or .fboot (the network), plus any
 * .fbt/.adp/.dtp/.sub/.fct given explicitly. Types are looked up in the folder of a .sys and its
 * subfolders or in the folder of a .fboot alone, then in libraryPaths (recursively), then in
 * vPLC's built-in library; a user type that shadows a library type is warned about (W4002).
 */
export function compile61499(files: { path: string; text: string }[], options: Compile61499Options): { application?: Application; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const apps = files.filter((f) => /\.(sys|fboot)$/i.test(f.path));
  // 4diac's layouts: a .sys sits at the root of its project (types in subfolders); a .fboot is
  // deployed from a folder of its own, its types beside it or in --types folders
  const folders: TypeFolder[] = [
    ...apps.map((f) => ({ dir: dirname(resolve(f.path)), recursive: /\.sys$/i.test(f.path) })),
    ...(options.libraryPaths ?? []),
  ];
  const lib = new TypeLibrary(folders, diagnostics);
  const resources: ResourceDeclaration[] = [];
  let origin: 'sys' | 'fboot' = 'sys';
  for (const file of files) {
    const ext = extname(file.path).toLowerCase();
    const f = ext === '.sys' || ext === '.fboot' ? { path: file.path, text: substitutePlaceholders(file.text, options.placeholders ?? {}) } : file;
    if (ext === '.sys') resources.push(...readSystem(f.path, f.text, diagnostics));
    else if (ext === '.fboot') {
      origin = 'fboot';
      resources.push(...readBootFile(f.path, f.text, diagnostics));
    } else if (['.fbt', '.adp', '.dtp', '.sub', '.fct'].includes(ext)) lib.addFile(f.path, f.text);
    else diagnostics.push(diagnostic('E4014', `${f.path}: not a 4diac file (.fbt, .adp, .dtp, .sub, .fct, .sys, .fboot)`, fileStart(f.path)));
  }
  const mainFile = apps[0]?.path ?? files[0]?.path ?? '<none>';
  if (apps.length > 0 && resources.length === 0 && !hasErrors(diagnostics)) {
    diagnostics.push(diagnostic('E4015', 'no resource to run', fileStart(mainFile)));
  }
  const builder = new NetworkBuilder(lib, diagnostics);
  const networks: ResourceNetwork[] = resources.map((r) => builder.build(r, apps[0]?.path ?? mainFile));
  const model: Iec61499Model = { kind: 'iec61499', origin, types: builder.types, dataTypes: builder.dataTypes, resources: networks };
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  let code = EMPTY_MODULE;
  let pouTypes: Application['pouTypes'] = {};
  if (builder.units.length > 0) {
    // 4diac and FORTE accept narrowing assignments in algorithms: a warning here, not E3002
    const st = options.stCompiler;
    const sources = builder.units.map((u) => new SourceFile(u.path, u.st.text, u.st.origins));
    // 4diac and FORTE accept narrowing assignments in algorithms: a warning here, not E3002
    const r = st(sources, { narrowingAsWarning: true });
    diagnostics.push(...r.diagnostics);
    if (!r.application || hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };
    code = r.application.code;
    pouTypes = r.application.pouTypes;
  }
  const application: Application = {
    name: basename(mainFile, extname(mainFile)),
    resources: [],
    pouTypes,
    code,
    sources: files.map((f) => f.path),
    iec61499: model,
  };
  return { application, diagnostics: sortDiagnostics(diagnostics) };
}
