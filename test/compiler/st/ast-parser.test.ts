/**
 * The parser that builds the AST in its actions (compiler/st/ast-parser.ts) against the
 * recovering CST parser and its builder (compiler/st/parser.ts, compiler/st/to-ast.ts): on
 * every ST file of the project, on a generated project and on damaged copies of them, it must
 * give the same AST (ids aside) where the CST path reports nothing, and give up (so that the
 * CST path reports) exactly where the CST path has something to report.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { IToken } from 'chevrotain';
import { SourceFile } from '../../../compiler/source.js';
import { IdAllocator, type CompilationUnit } from '../../../compiler/st/ast.js';
import { stLexer, stOffsetLexer, PROPERTY } from '../../../compiler/st/lexer.js';
import { stParser } from '../../../compiler/st/parser.js';
import { AstBuilder } from '../../../compiler/st/to-ast.js';
import { AstParser, astParser } from '../../../compiler/st/ast-parser.js';
import { sfcToSt } from '../../../compiler/st/sfc-text.js';
import type { Diagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { generateProject } from '../../bench/compile.js';
import { projectStFiles } from '../../support/st-files.js';

/**
 * The file as parse.ts hands it to the parsers (SFC charts turned into ST), with full positions
 * for the CST path and offsets only for the AST parser; undefined where the lexer already complains.
 */
function prepared(path: string, text: string): { file: SourceFile; tokens: IToken[]; offsetTokens: IToken[] } | undefined {
  let file = new SourceFile(path, text);
  let lexed = stLexer.tokenize(text);
  const charts = sfcToSt(file, lexed.tokens);
  if (charts) {
    if (charts.diagnostics.length > 0) return undefined;
    file = charts.file;
    lexed = stLexer.tokenize(file.text);
  }
  if (lexed.errors.length > 0 || Object.values(lexed.groups).some((g) => g.length > 0)) return undefined;
  if (lexed.tokens.some((t) => t.tokenType === PROPERTY)) return undefined; // rewritten by parse.ts first: the CST path reads those
  return { file, tokens: lexed.tokens, offsetTokens: stOffsetLexer.tokenize(file.text).tokens };
}

/** The CST path: the unit and whether the parser or the builder reported anything. */
function viaCst(file: SourceFile, tokens: IToken[]): { unit: CompilationUnit; reports: boolean } {
  const parser = stParser();
  parser.input = tokens;
  const cst = parser.compilationUnit();
  const reported: Diagnostic[] = [];
  const unit = new AstBuilder(file, new IdAllocator(), reported).compilationUnit(cst);
  return { unit: { ...unit, file: file.path }, reports: parser.errors.length > 0 || reported.length > 0 };
}

/** The tree without its ids, and the id of each node it holds (a node may be shared: `a, b : INT` share their type). */
function withoutIds(value: unknown, ids: Map<object, number>): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutIds(v, ids));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'id' && typeof v === 'number') ids.set(value, v);
    else if (v !== undefined) out[k] = withoutIds(v, ids);
  }
  return out;
}

/** Compares the two paths on one text; returns whether the AST parser took the file. */
function compare(path: string, text: string): boolean | undefined {
  const p = prepared(path, text);
  if (!p) return undefined;
  const slow = viaCst(p.file, p.tokens);
  const fast = astParser().parse(p.file, new IdAllocator(), p.offsetTokens);
  expect(fast === undefined, `${path}: the AST parser gives up exactly where the CST path reports`).toBe(slow.reports);
  if (fast) {
    const ids = new Map<object, number>();
    expect(withoutIds(fast, ids), path).toEqual(withoutIds(slow.unit, new Map()));
    expect(new Set(ids.values()).size, `${path}: ids are unique`).toBe(ids.size);
  }
  return fast !== undefined;
}

/** A deterministic generator for the damaged copies. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `text` with one token deleted, doubled or swapped with its neighbour. */
function damaged(text: string, rnd: () => number): string {
  const tokens = stLexer.tokenize(text).tokens;
  if (tokens.length < 2) return text;
  const i = Math.floor(rnd() * (tokens.length - 1));
  const a = tokens[i]!;
  const b = tokens[i + 1]!;
  const before = text.slice(0, a.startOffset);
  const after = text.slice(a.startOffset + a.image.length);
  switch (Math.floor(rnd() * 3)) {
    case 0: return before + ' ' + after;
    case 1: return before + a.image + ' ' + a.image + after;
    default: return before + b.image + text.slice(a.startOffset + a.image.length, b.startOffset) + a.image + text.slice(b.startOffset + b.image.length);
  }
}

describe('the AST parser', () => {
  const files = projectStFiles();

  it('validates as a chevrotain grammar', () => {
    expect(() => new AstParser(true)).not.toThrow();
  });

  it('reads every ST file of the project as the CST path does', () => {
    expect(files.length).toBeGreaterThan(100);
    let taken = 0;
    let compared = 0;
    for (const path of files) {
      const r = compare(path, readFileSync(path, 'utf8'));
      if (r !== undefined) compared++;
      if (r) taken++;
    }
    // the conformance suite's diagnostic cases are the files it hands over
    expect(compared).toBeGreaterThan(100);
    expect(taken).toBeGreaterThan(80);
  });

  it('reads the generated bench project as the CST path does', () => {
    expect(compare('project.st', generateProject(2000))).toBe(true);
  });

  it('gives up on damaged files exactly where the CST path reports, and agrees where it does not', () => {
    const sources = files.filter((f) => !f.includes('diagnostics')).map((f) => readFileSync(f, 'utf8'));
    const rnd = random(61131);
    let taken = 0;
    let refused = 0;
    for (let k = 0; k < 400; k++) {
      const text = damaged(sources[k % sources.length]!, rnd);
      const r = compare(`damaged-${k}.st`, text);
      if (r === true) taken++;
      if (r === false) refused++;
    }
    expect(taken).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(100);
  });

  it('specific constructs: properties of the builder that only show on a clean parse', () => {
    const cases = [
      'PROGRAM p VAR x : INT; END_VAR -x; END_PROGRAM', // an expression alone: reported
      'PROGRAM p VAR x : INT; END_VAR x; END_PROGRAM',
      'PROGRAM p VAR w : WORD; b : BOOL; END_VAR b := w.%B1; END_PROGRAM',
      'PROGRAM p VAR w : WORD; b : BOOL; END_VAR b := w.64; END_PROGRAM',
      'PROGRAM p VAR w : WORD; b : BOOL; END_VAR b := w.63; b := w.%X3; END_PROGRAM',
      'PROGRAM p l1: JMP l1; a.b: ; END_PROGRAM',
      'FUNCTION_BLOCK PUBLIC PRIVATE ABSTRACT f METHOD PROTECTED PUBLIC m : INT END_METHOD END_FUNCTION_BLOCK',
      'INTERFACE i METHOD m : INT x := 1; END_METHOD END_INTERFACE',
      'INTERFACE i EXTENDS a.b, c METHOD m : INT VAR_INPUT a : INT; END_VAR END_METHOD END_INTERFACE',
      'PROGRAM p METHOD m END_METHOD END_PROGRAM',
      'FUNCTION f : INT ACTION a: END_ACTION END_FUNCTION',
      'TYPE e EXTENDS b : INT; s EXTENDS b : STRUCT EXTENDS c x : INT; END_STRUCT; END_TYPE',
      'VAR_GLOBAL PERSISTENT RETAIN CONSTANT g : INT := 16#FFFF_FFFF_FFFF_FFFF_FFFF; END_VAR',
      'VAR_GLOBAL NON_RETAIN RETAIN g AT %IX0.0 : BOOL R_EDGE; END_VAR',
      'CONFIGURATION c RESOURCE r ON PLC TASK t(INTERVAL := T#10ms, PRIORITY := 1); PROGRAM RETAIN p WITH t : P(a := 1, b => c); END_RESOURCE END_CONFIGURATION',
      'CONFIGURATION c RESOURCE r IN PLC END_RESOURCE END_CONFIGURATION',
      'CONFIGURATION c TASK t(SPEED := 1); PROGRAM p : P; END_CONFIGURATION',
      'CONFIGURATION c TASK t(SINGLE := x); PROGRAM p : P; RESOURCE r ON x END_RESOURCE END_CONFIGURATION',
      'CONFIGURATION c VAR_CONFIG r.p.x AT %QX1.0 : BOOL := TRUE; r.p.y : INT; END_VAR VAR_ACCESS a : r.p.x : BOOL READ_WRITE; b : r.p.y : INT WRITE; END_VAR PROGRAM p : P; END_CONFIGURATION',
      "PROGRAM p VAR a : ARRAY[1..2, *] OF STRING[10] := [2(3), 4()]; s : S := (a := (b := 1), c := [1, 2]); d : DATE := D#2024-13-45; END_VAR END_PROGRAM",
      'PROGRAM p x := -2 ** 2 + NOT a AND b OR c XOR d MOD 3 = 4 <> 5 & e; y := -T#1s; z := -INT#5; END_PROGRAM',
      'PROGRAM p x := MOD(a, b).c[1, 2]^.d(e := 1, NOT f => g, h =>); THIS^.x := SUPER^.y; %QX0.0 := TRUE; END_PROGRAM',
      'PROGRAM p CASE x OF 1, 2..3: y := 1; z := 2; 4: ; ELSE y := 0; END_CASE FOR i := 1 TO 10 BY 2 DO EXIT; END_FOR WHILE a DO CONTINUE; END_WHILE REPEAT RETURN; UNTIL b END_REPEAT END_PROGRAM',
      'PROGRAM p q S= a; q R= b; r REF= c; IF a THEN ; ELSIF b THEN ; ELSIF c THEN ; ELSE ; END_IF END_PROGRAM',
      'TYPE c : (Red, Green := 2) DINT; d : INT (A := 1, B := 2); r : INT(0..100); p : REF_TO INT; q : POINTER TO c; w : WSTRING(5); END_TYPE',
      'PROGRAM p x := 1; END_PROGRAM PROGRAM p2 x := 1e400; END_PROGRAM',
      'VAR_CONFIG a.b : INT := 1; END_VAR',
      'PROGRAM p x := MOD; END_PROGRAM', // the function forms of the operators need '('
      'PROGRAM p x := XOR(a, b) + OR(c, d) - AND(e, f); END_PROGRAM',
      'PROGRAM p q foo= c; END_PROGRAM', // only S=, R= and REF=
      'PROGRAM p JMP l; l: q s= c; q REF= d; END_PROGRAM',
    ];
    const taken = cases.map((text, i) => compare(`case-${i}.st`, text));
    // each case either reads cleanly or holds one thing the CST builder reports
    expect(taken.map((t, i) => (t ? '' : `${i}`)).filter((x) => x).join(' ')).toBe('0 1 2 3 5 7 9 10 11 15 16 17 19 25 27 29');
  });
});
