import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Application } from '../../../compiler/application.js';
import type { Diagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import type { FbTypeDeclaration } from '../../../compiler/iec61499/model.js';
import { BUILTIN_LIBRARY, TypeLibrary } from '../../../compiler/iec61499/library.js';
import { compile61499 } from '../../../compiler/iec61499/project.js';
import { compileSources } from '../../../compiler/project.js';
import { FUNCTION_BLOCKS } from '../../../compiler/iec61499/functions.js';
import { NATIVE_BLOCKS } from '../../../blocks/native/registry.js';

/**
 * What the device manager needs from the compiler: FB type declarations to check requests
 * against, the names of the types it can instantiate, and the compilation of a resource's
 * network (given as boot-file text) into an Application.
 */
export interface TypeProvider {
  fbType(name: string): FbTypeDeclaration | undefined;
  /** FB types (kind 'fb'), adapter types and data types the device knows */
  typeNames(kind: 'fb' | 'adapter' | 'data'): string[];
  compile(resource: string, bootText: string): { application?: Application; errors: string[] };
}

function scan(dir: string, into: Map<string, string>, depth = 0): void {
  if (depth > 16) return;
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) scan(p, into, depth + 1);
    else {
      const ext = extname(e.name).toLowerCase();
      if (['.fbt', '.adp', '.dtp', '.sub', '.fct'].includes(ext)) {
        const name = basename(e.name, extname(e.name));
        if (!into.has(name)) into.set(name, ext);
      }
    }
  }
}

/** The provider over vPLC's built-in library plus the given type folders. */
export function libraryTypeProvider(libraryPaths: string[] = []): TypeProvider {
  const diagnostics: Diagnostic[] = [];
  const lib = new TypeLibrary(libraryPaths, diagnostics);
  const files = new Map<string, string>();
  for (const p of libraryPaths) scan(p, files);
  scan(BUILTIN_LIBRARY, files);
  const fbNames = new Set<string>([...NATIVE_BLOCKS.keys(), ...FUNCTION_BLOCKS.keys()]);
  for (const [n, ext] of files) if (ext === '.fbt' || ext === '.sub' || ext === '.fct') fbNames.add(n);
  return {
    fbType(name) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
      const d = lib.fbType(name);
      diagnostics.length = 0;
      return d;
    },
    typeNames(kind) {
      if (kind === 'fb') return [...fbNames].sort();
      const want = kind === 'adapter' ? '.adp' : '.dtp';
      return [...files].filter(([, ext]) => ext === want).map(([n]) => n).sort();
    },
    compile(resource, bootText) {
      // a path in no existing folder: the network's types come from libraryPaths and the built-ins
      const path = join('/nonexistent-vplc-device', `${resource}.fboot`);
      const r = compile61499([{ path, text: bootText }], { libraryPaths, stCompiler: (s, o) => compileSources(s, o) });
      const errors = r.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `line ${d.range.line}: ${d.code}: ${d.message}`);
      return r.application ? { application: r.application, errors } : { errors };
    },
  };
}
