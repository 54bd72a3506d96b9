import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { packageRoot } from '../package-root.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import { fileStart } from '../source.js';
import type { DataTypeDeclaration, FbTypeDeclaration, VarDeclaration } from './model.js';
import { readGlobalConstants, readLibraryFile } from './type-reader.js';
import { FUNCTION_BLOCKS } from './functions.js';
import { genericBlock } from './generic-blocks.js';

const TYPE_EXTENSIONS = new Set(['.fbt', '.adp', '.sub', '.fct', '.dtp']);

/** The folder of vPLC's built-in 4diac types (blocks/iec61499). */
export const BUILTIN_LIBRARY = join(packageRoot(), 'blocks', 'iec61499');

/**
 * The package and plain name of a package-qualified type name: `utils::timing::F_NOW` as 4diac
 * writes it in a .sys, or `utils__timing__F_NOW`, the same name as the IDE deploys it to FORTE
 * (':' replaced by '_'; IEC identifiers never hold a double underscore). Undefined for a plain name.
 */
export function qualifiedName(name: string): { packageName: string; name: string } | undefined {
  const sep = name.includes('::') ? '::' : name.includes('__') ? '__' : undefined;
  if (!sep) return undefined;
  const parts = name.split(sep);
  if (parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return undefined;
  return { packageName: parts.slice(0, -1).join('::'), name: parts[parts.length - 1]! };
}

/** A folder searched for types; a .fboot's own folder is searched without its subfolders. */
export type TypeFolder = string | { dir: string; recursive: boolean };

function indexFolder(dir: string, index: Map<string, string>, depth = 0, recursive = true, constants?: string[]): void {
  if (depth > 16) return;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (recursive) indexFolder(p, index, depth + 1, true, constants);
    }
    else if (extname(e).toLowerCase() === '.gcf') constants?.push(p);
    else if (TYPE_EXTENSIONS.has(extname(e).toLowerCase())) {
      const name = basename(e, extname(e));
      if (!index.has(name)) index.set(name, p);
    }
  }
}

/**
 * Where FB, adapter and data types come from, in order: files given explicitly, the folders
 * of the application (recursively), then vPLC's built-in library (XML types, function FBs
 * generated from blocks/iec61499/functions.ts; native blocks are .fbt files there too).
 */
export class TypeLibrary {
  private readonly fbTypes = new Map<string, FbTypeDeclaration>();
  private readonly dataTypes = new Map<string, DataTypeDeclaration>();
  private readonly userIndex = new Map<string, string>();
  private readonly builtinIndex = new Map<string, string>();
  private readonly missing = new Set<string>();
  private readonly native = new Map<string, boolean>();
  /** the application's global constants files (.gcf) and, once read, their constants */
  private readonly constantFiles: string[] = [];
  private constants: Map<string, VarDeclaration> | undefined;

  constructor(folders: TypeFolder[], private readonly diagnostics: Diagnostic[]) {
    for (const f of folders) {
      if (typeof f === 'string') indexFolder(f, this.userIndex, 0, true, this.constantFiles);
      else indexFolder(f.dir, this.userIndex, 0, f.recursive, this.constantFiles);
    }
    indexFolder(BUILTIN_LIBRARY, this.builtinIndex);
  }

  /** Add a type read from a file given on the command line. */
  addFile(path: string, text: string): void {
    const el = readLibraryFile(path, text, this.diagnostics);
    if (el?.kind === 'fb') {
      const name = el.decl.name;
      // a native block's interface-only declaration keeps vPLC's implementation, as in load()
      if (el.decl.kind === 'service' && this.builtinFor(name)?.kind === 'service') return;
      if (this.isLibraryType(name)) this.shadows(name, path);
      this.fbTypes.set(name, el.decl);
    }
    else if (el?.kind === 'data') this.dataTypes.set(el.decl.name, el.decl);
  }

  private load(name: string): void {
    if (this.fbTypes.has(name) || this.dataTypes.has(name) || this.missing.has(name)) return;
    const path = this.userIndex.get(name) ?? this.builtinIndex.get(name);
    if (path) {
      const el = readLibraryFile(path, readFileSync(path, 'utf8'), this.diagnostics);
      // a user folder may hold 4diac's interface-only declaration of a block vPLC implements natively
      if (el?.kind === 'fb' && el.decl.kind === 'service' && this.builtinFor(name)) {
        this.fbTypes.set(name, this.builtinFor(name)!);
        return;
      }
      if (el?.kind === 'fb') {
        // the application's own declaration wins, as in 4diac; say so when it hides one of ours
        if (this.userIndex.get(name) === path && this.isLibraryType(name)) this.shadows(name, path);
        if (/\.fct$/i.test(path)) this.addConstants(el.decl);
        this.fbTypes.set(name, el.decl);
      } else if (el?.kind === 'data') this.dataTypes.set(name, el.decl);
      else this.missing.add(name);
      return;
    }
    const b = this.builtinFor(name);
    if (b) this.fbTypes.set(name, b);
    else this.missing.add(name);
  }

  /** A function's body may name global constants (.gcf): they become its constant internal variables. */
  private addConstants(decl: FbTypeDeclaration): void {
    if (this.constantFiles.length === 0) return;
    if (!this.constants) {
      this.constants = new Map();
      for (const f of this.constantFiles) {
        for (const v of readGlobalConstants(f, readFileSync(f, 'utf8'), this.diagnostics)) {
          if (!this.constants.has(v.name.toUpperCase())) this.constants.set(v.name.toUpperCase(), v);
        }
      }
    }
    const declared = new Set([...decl.interface.inputVars, ...decl.interface.outputVars, ...decl.interface.inOutVars].map((v) => v.name.toUpperCase()));
    const used = new Set(decl.algorithms.flatMap((a) => a.text.match(/[A-Za-z_]\w*/g) ?? []).map((w) => w.toUpperCase()));
    for (const [n, v] of this.constants) if (used.has(n) && !declared.has(n)) decl.internalVars.push(v);
  }

  private isLibraryType(name: string): boolean {
    return this.builtinIndex.has(name) || FUNCTION_BLOCKS.has(name) || this.generic(name) !== undefined;
  }

  private shadows(name: string, path: string): void {
    this.diagnostics.push(diagnostic('W4002', `FB type ${name} shadows the ${name} of vPLC's library (the application's own is used)`, fileStart(path)));
  }

  /** The built-in declaration of a type: a .fbt of blocks/iec61499 or a generated function FB. */
  private builtinFor(name: string): FbTypeDeclaration | undefined {
    const path = this.builtinIndex.get(name);
    if (path) {
      const el = readLibraryFile(path, readFileSync(path, 'utf8'), this.diagnostics);
      if (el?.kind === 'fb') return el.decl;
    }
    const f = FUNCTION_BLOCKS.get(name);
    if (f) return f;
    // E_DEMUX_n, F_MUX_2_3, ARRAY2VALUES_4_INT…: generated for any configuration, as FORTE's are
    const generic = this.generic(name);
    if (generic !== undefined) {
      const el = readLibraryFile(`<built-in ${name}>`, generic, this.diagnostics);
      if (el?.kind === 'fb') return el.decl;
    }
    return undefined;
  }

  /**
   * Whether vPLC implements a service interface FB natively: the built-in library ships its
   * .fbt (as service FB), and the runtime binds the block's class to it by name at load.
   */
  isNative(name: string): boolean {
    if (!this.builtinIndex.has(name)) return false;
    let native = this.native.get(name);
    if (native === undefined) {
      native = this.builtinFor(name)?.kind === 'service';
      this.native.set(name, native);
    }
    return native;
  }

  /** The .fbt text of a FORTE configurable block (its structures looked up here), if `name` is one. */
  private generic(name: string): string | undefined {
    if (!/_\d/.test(name)) return undefined;
    return genericBlock(name, (s) => this.dataType(s));
  }

  fbType(name: string): FbTypeDeclaration | undefined {
    if (!name.includes('::')) {
      this.load(name);
      const plain = this.fbTypes.get(name);
      if (plain || !name.includes('__')) return plain;
    }
    // `utils::timing::F_NOW` (a .sys) or `utils__timing__F_NOW` (the IDE's deployment, FORTE's
    // type name): the type of that name, if it declares that package
    const q = qualifiedName(name);
    if (!q) return undefined;
    const decl = this.fbType(q.name);
    return decl && (decl.packageName ?? '') === q.packageName ? decl : undefined;
  }

  dataType(name: string): DataTypeDeclaration | undefined {
    this.load(name);
    return this.dataTypes.get(name);
  }
}
