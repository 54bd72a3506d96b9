/**
 * `.il` files: POUs declared as in ST (PROGRAM, FUNCTION_BLOCK, FUNCTION with their VAR
 * sections; TYPE and CONFIGURATION as in ST) whose bodies are instruction lists. Declarations
 * are kept verbatim, each body is translated to ST in place, so that every line of the ST the
 * compiler reads maps to the line of the `.il` file it came from.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import { libraryInputs, libraryOutputType } from '../library.js';
import { SourceFile, type LineOrigin, type Position } from '../source.js';
import { IdAllocator, key, type CompilationUnit, type TypeRef, type VarSection } from '../st/ast.js';
import { parseSt } from '../st/parse.js';
import type { IlEnvironment } from './environment.js';
import { translateIl } from './translate.js';

const POU_START = /^\s*(PROGRAM|FUNCTION_BLOCK|FUNCTION)\s+([A-Za-z_]\w*)/i;
const POU_END = /^\s*END_(PROGRAM|FUNCTION_BLOCK|FUNCTION)\b/i;
const VAR_START = /^\s*VAR(_INPUT|_OUTPUT|_IN_OUT|_TEMP|_EXTERNAL|_GLOBAL|_INST|_STAT)?\b/i;

/** Blank comments out (columns kept), tracking `(* … *)` over lines. */
function withoutComments(lines: string[]): string[] {
  let inComment = false;
  return lines.map((t) => {
    let s = '';
    for (let i = 0; i < t.length; i++) {
      if (inComment) {
        if (t[i] === '*' && t[i + 1] === ')') {
          inComment = false;
          i++;
          s += '  ';
        } else s += ' ';
      } else if (t[i] === '(' && t[i + 1] === '*') {
        inComment = true;
        i++;
        s += '  ';
      } else if (t[i] === '/' && t[i + 1] === '/') break;
      else s += t[i];
    }
    return s;
  });
}

interface Body {
  pou: string;
  /** 0-based first and last (exclusive) line of the instruction list */
  from: number;
  to: number;
}

/** Where the IL bodies are: after a POU's declarations, up to its END_…. */
function findBodies(lines: string[]): Body[] {
  const code = withoutComments(lines);
  const bodies: Body[] = [];
  let pou: string | undefined;
  let inVar = false;
  let from = -1;
  let inConfiguration = false;
  for (let i = 0; i < code.length; i++) {
    const t = code[i]!;
    if (pou === undefined) {
      // a CONFIGURATION's `PROGRAM inst WITH task : Type;` is not a POU
      if (/^\s*CONFIGURATION\b/i.test(t)) inConfiguration = true;
      if (/^\s*END_CONFIGURATION\b/i.test(t)) inConfiguration = false;
      const m = inConfiguration ? null : POU_START.exec(t);
      if (m) {
        pou = m[2]!;
        from = -1;
        inVar = false;
      }
      continue;
    }
    if (POU_END.test(t)) {
      bodies.push({ pou, from: from < 0 ? i : from, to: i });
      pou = undefined;
      continue;
    }
    if (from >= 0) continue;
    if (inVar) {
      if (/\bEND_VAR\b/i.test(t)) inVar = false;
      continue;
    }
    if (VAR_START.test(t)) {
      inVar = !/\bEND_VAR\b/i.test(t);
      continue;
    }
    if (t.trim() !== '') from = i;
  }
  return bodies;
}

function typeText(t: TypeRef): string | undefined {
  switch (t.kind) {
    case 'named':
      return t.name;
    case 'string':
      return t.wide ? 'WSTRING' : 'STRING';
    case 'array': {
      const e = typeText(t.element);
      return e ? `ARRAY [] OF ${e}` : undefined;
    }
    case 'subrange':
      return t.base;
    default:
      return undefined;
  }
}

function varsOf(sections: VarSection[], into = new Map<string, string>()): Map<string, string> {
  for (const s of sections) for (const d of s.decls) {
    const t = typeText(d.type);
    if (t) into.set(key(d.name), t);
  }
  return into;
}

/** The environment of the POU named `pou` in `unit`. */
function environment(unit: CompilationUnit, pou: string): IlEnvironment | undefined {
  const decl = unit.pous.find((p) => key(p.name) === key(pou));
  if (!decl || decl.kind === 'interface') return undefined;
  const vars = varsOf(decl.varSections);
  if (decl.kind === 'function' && decl.returnType) {
    const r = typeText(decl.returnType);
    if (r) vars.set(key(decl.name), r);
  }
  const globals = new Map<string, string>();
  for (const c of unit.configurations) {
    varsOf(c.globals, globals);
    for (const r of c.resources) varsOf(r.globals, globals);
  }
  const members = (type: string): Map<string, string> | undefined => {
    const p = unit.pous.find((x) => key(x.name) === key(type));
    if (p && p.kind !== 'interface') return varsOf(p.varSections);
    const t = unit.types.find((x) => key(x.name) === key(type));
    if (t?.type.kind === 'struct') {
      const m = new Map<string, string>();
      for (const d of t.type.members) {
        const tt = typeText(d.type);
        if (tt) m.set(key(d.name), tt);
      }
      return m;
    }
    return undefined;
  };
  return {
    pouType: decl.kind,
    varType: (name) => vars.get(key(name)) ?? globals.get(key(name)),
    memberType: (type, member) => members(type)?.get(key(member)) ?? libraryOutputType(type, member),
    functionType: (name) => {
      const f = unit.pous.find((x) => key(x.name) === key(name));
      return f?.kind === 'function' && f.returnType ? typeText(f.returnType) : undefined;
    },
    fbInputs: (type) => {
      const p = unit.pous.find((x) => key(x.name) === key(type));
      if (p && p.kind === 'functionBlock') return p.varSections.filter((s) => s.section === 'VAR_INPUT').flatMap((s) => s.decls.map((d) => d.name));
      return libraryInputs(type);
    },
  };
}

/** Translate an `.il` file into an ST source whose lines map back to it. */
export function ilFileSource(path: string, text: string): { source?: SourceFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const bodies = findBodies(lines);
  // the declarations alone, line for line, give the names and types the bodies use
  const inBody = new Set<number>();
  for (const b of bodies) for (let i = b.from; i < b.to; i++) inBody.add(i);
  const skeleton = lines.map((l, i) => (inBody.has(i) ? '' : l)).join('\n');
  const parsed = parseSt(new SourceFile(path, skeleton), new IdAllocator());
  if (parsed.diagnostics.length > 0) return { diagnostics: parsed.diagnostics };

  const out: string[] = [];
  const origins: LineOrigin[] = [];
  const push = (t: string, at: Position, anchor = 0) => {
    out.push(t);
    origins.push({ line: at.line, col: Math.max(1, at.col - anchor) });
  };
  let next = 0;
  for (const b of bodies) {
    for (; next < b.from; next++) push(lines[next]!, { line: next + 1, col: 1 });
    const nested = lines.slice(b.from, b.to).findIndex((l) => /^\s*(ACTION|METHOD|PROPERTY)\b/i.test(l));
    if (nested >= 0) {
      const line = b.from + nested + 1;
      const col = lines[line - 1]!.search(/\S/) + 1;
      diagnostics.push(diagnostic('E1020', `${lines[line - 1]!.trim().split(/\s/)[0]!.toUpperCase()} in a .il file is not supported: write it as a POU of its own`, { file: path, line, col, endLine: line, endCol: col + 6 }));
      next = b.to;
      continue;
    }
    const env = environment(parsed.unit, b.pou);
    const bodyOut: { text: string; at: Position; anchor: number }[] = [];
    if (env) {
      const t = translateIl(
        lines.slice(b.from, b.to).map((text, k) => ({ text, line: b.from + k + 1, col: 1 })),
        env,
        { line: (text, at, anchor = 0) => bodyOut.push({ text, at, anchor }) },
        (code, message, at, length) => diagnostics.push(diagnostic(code, message, { file: path, line: at.line, col: at.col, endLine: at.line, endCol: at.col + length })),
        {},
      );
      if (t.temps.length > 0) {
        const at = { line: b.from + 1, col: 1 };
        push('VAR', at);
        for (const temp of t.temps) push(`  ${temp.name} : ${temp.type};`, at);
        push('END_VAR', at);
      }
    }
    for (const l of bodyOut) push(l.text, l.at, l.anchor);
    next = b.to;
  }
  for (; next < lines.length; next++) push(lines[next]!, { line: next + 1, col: 1 });
  return { source: new SourceFile(path, out.join('\n') + '\n', origins), diagnostics };
}
