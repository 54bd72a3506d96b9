/**
 * The hand-written parser (compiler/st/fast-parser.ts) against the chevrotain parser that builds
 * the AST in its actions (compiler/st/ast-parser.ts, as parse.ts runs it on a clean file): on
 * every ST file of the project, on the generated bench project and on damaged copies, wherever
 * it returns an AST that AST is the chevrotain parser's, field for field, in the same key order,
 * with the same ids and the same shared nodes; wherever it gives up it has used no id and thrown
 * nothing. And it gives up on no file of the project that the chevrotain parser reads.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { SourceFile } from '../../../compiler/source.js';
import { IdAllocator, type CompilationUnit } from '../../../compiler/st/ast.js';
import { fastParse, fastParserFaults } from '../../../compiler/st/fast-parser.js';
import { MAX_NESTING, parseSt } from '../../../compiler/st/parse.js';
import { parseCleanWithChevrotain } from '../../../compiler/st/parse-fallback.js';
import { generateProject } from '../../bench/compile.js';
import { projectStFiles } from '../../support/st-files.js';

/** The tree as text: every key in order (undefined ones too), bigints marked, a node met again written as a reference to its first place. */
function serialised(unit: CompilationUnit): string {
  const seen = new Map<object, number>();
  const walk = (v: unknown): string => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v === undefined) return 'undefined';
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const again = seen.get(v);
    if (again !== undefined) return `@${again}`;
    seen.set(v, seen.size);
    if (Array.isArray(v)) return `[${v.map(walk).join(',')}]`;
    return `{${Object.entries(v).map(([k, x]) => `${k}:${walk(x)}`).join(',')}}`;
  };
  return walk(unit);
}

/** Both parsers on one text; returns [the hand-written parser took it, the chevrotain parser took it]. */
function compare(path: string, text: string): [boolean, boolean] {
  const file = new SourceFile(path, text);
  const fastIds = new IdAllocator();
  const fast = fastParse(file, fastIds, MAX_NESTING);
  const slowIds = new IdAllocator();
  const slow = parseCleanWithChevrotain(file, slowIds);
  expect(fastParserFaults(), `${path}: the hand-written parser gives up, it never fails`).toBe(0);
  if (fast === undefined) {
    expect(fastIds.mark(), `${path}: a parse that gave up uses no id`).toBe(0);
  } else {
    expect(slow, `${path}: the hand-written parser reads only what the chevrotain parser reads`).toBeDefined();
    expect(serialised(fast), path).toBe(serialised(slow!));
    expect(fastIds.mark(), `${path}: as many ids`).toBe(slowIds.mark());
  }
  return [fast !== undefined, slow !== undefined];
}

/** A deterministic generator for the damaged copies. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const GARBAGE = ['#', '%', '$', "'", '"', '(*', '*)', '{', '}', '/*', '//', ':=', ';', '(', ')', '[', ']', '..', '.', ',', ':', '=>', 'END_IF', 'IF', 'x', '1', '16#', 'T#', 'INT#', '%IX', '@', '\u00e9', '\n', 'PROPERTY', 'STEP s :', 'JMP', 'S=', '^', '-', 'NOT', '2(', 'e5', '1.', '.5'];

/** `text` cut short, or with a piece of garbage put in, a stretch removed or two stretches swapped. */
function damaged(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * text.length);
  const len = 1 + Math.floor(rnd() * 12);
  switch (Math.floor(rnd() * 4)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + GARBAGE[Math.floor(rnd() * GARBAGE.length)]! + text.slice(at);
    case 2: return text.slice(0, at) + text.slice(at + len);
    default: {
      const b = Math.min(text.length, at + len);
      return text.slice(0, at) + text.slice(b, b + len) + text.slice(at, b) + text.slice(b + len);
    }
  }
}

describe('the hand-written ST parser', () => {
  const files = projectStFiles();
  const sources = files.map((f) => readFileSync(f, 'utf8'));

  it('reads every ST file of the project the chevrotain parser reads, into the same AST', () => {
    expect(files.length).toBeGreaterThan(100);
    let fast = 0;
    let slow = 0;
    const missed: string[] = [];
    files.forEach((path, i) => {
      const [f, s] = compare(path, sources[i]!);
      if (f) fast++;
      if (s) slow++;
      if (s && !f) missed.push(path);
    });
    expect(missed, 'files the chevrotain parser reads and the hand-written one gives up on').toEqual([]);
    expect(slow).toBeGreaterThan(100);
    expect(fast).toBe(slow);
  });

  it('reads the generated 21,000-line bench project into the same AST', () => {
    expect(compare('project.st', generateProject(20000))).toEqual([true, true]);
  });

  it('on damaged copies, never throws, uses no id when it gives up, and otherwise agrees', () => {
    const rnd = random(61131);
    let taken = 0;
    let refused = 0;
    for (let k = 0; k < 3000; k++) {
      const text = damaged(sources[k % sources.length]!, rnd);
      const [f, s] = compare(`damaged-${k}.st`, text);
      if (f) taken++;
      else if (s) refused++; // read by the chevrotain parser: no loss of correctness, only of speed
    }
    expect(taken).toBeGreaterThan(300);
    // it covers the one-pass parser's whole language: nothing that one reads is left to it
    expect(refused).toBe(0);
  });

  it('specific constructs read alike (or left alike to the other path)', () => {
    const cases = [
      'PROGRAM p VAR x : INT; END_VAR -x; END_PROGRAM',
      'PROGRAM p VAR w : WORD; b : BOOL; END_VAR b := w.%B1; b := w.64; b := w.63; b := w.%X3; END_PROGRAM',
      'PROGRAM p l1: JMP l1; a.b: ; END_PROGRAM',
      'FUNCTION_BLOCK PUBLIC PRIVATE ABSTRACT f METHOD PROTECTED PUBLIC m : INT END_METHOD END_FUNCTION_BLOCK',
      'INTERFACE i EXTENDS a.b, c METHOD m : INT VAR_INPUT a : INT; END_VAR END_METHOD END_INTERFACE',
      'INTERFACE i METHOD m : INT x := 1; END_METHOD END_INTERFACE',
      'TYPE e EXTENDS b : INT; s EXTENDS b : STRUCT EXTENDS c x : INT; END_STRUCT; END_TYPE',
      'TYPE s : STRUCT EXTENDS c x, y : INT; END_STRUCT; t : s := (x := 1, y := 2); END_TYPE',
      'VAR_GLOBAL PERSISTENT RETAIN CONSTANT g : INT := 16#FFFF; h, i AT %IX0.0 : BOOL R_EDGE; END_VAR',
      'CONFIGURATION c RESOURCE r ON PLC TASK t(INTERVAL := T#10ms, PRIORITY := 1); PROGRAM RETAIN p WITH t : P(a := 1, b => c); END_RESOURCE END_CONFIGURATION',
      'CONFIGURATION c TASK t(SINGLE := x, INTERVAL := T#1s); PROGRAM p : P; END_CONFIGURATION',
      'CONFIGURATION c VAR_CONFIG r.p.x AT %QX1.0 : BOOL := TRUE; r.p.y : INT; END_VAR VAR_ACCESS a : r.p.x : BOOL READ_WRITE; b : r.p.y : INT WRITE; END_VAR PROGRAM p : P; END_CONFIGURATION',
      'PROGRAM p VAR a : ARRAY[1..2, *] OF STRING[10] := [2(3), 4(), (x := 1), [1, 2]]; s : S := (a := (b := 1), c := [1, 2]); d : DATE := D#2024-01-05; END_VAR END_PROGRAM',
      'PROGRAM p x := -2 ** 2 + NOT a AND b OR c XOR d MOD 3 = 4 <> 5 & e; y := -T#1s; z := -INT#5; w := -(5); v := - - 1.5e3; u := + 1 + (+ a); END_PROGRAM',
      'PROGRAM p x := MOD(a, b).c[1, 2]^.d(e := 1, NOT f => g, h =>, i); THIS^.x := SUPER^.y; %QX0.0 := TRUE; q := a.TRUE; END_PROGRAM',
      'PROGRAM p CASE x OF 1, 2..3: y := 1; z := 2; 4: ; c: d(); ELSE y := 0; END_CASE FOR i := 1 TO 10 BY 2 DO EXIT; END_FOR WHILE a DO CONTINUE; END_WHILE REPEAT RETURN; UNTIL b END_REPEAT; END_PROGRAM',
      'PROGRAM p q S= a; q R= b; r REF= c; IF a THEN ; ELSIF b THEN ; ELSIF c THEN ; ELSE ; END_IF; END_PROGRAM',
      "TYPE c : (Red, Green := 2) DINT; d : INT (A := 1, B := 2); r : INT(0..100); p : REF_TO INT; q : POINTER TO c; w : WSTRING(5); s : STRING := 'a$'b$N'; END_TYPE",
      'PROGRAM p x := 1; END_PROGRAM PROGRAM p2 x := 1e400; END_PROGRAM',
      'VAR_CONFIG a.b : INT := 1; END_VAR',
      'PROGRAM p x := XOR(a, b) + OR(c, d) - AND(e, f); t := TOD#12:00:00; u := DT#2024-01-01-00:00:00; c := Color#Red; END_PROGRAM',
      'FUNCTION f : INT ACTION a: END_ACTION END_FUNCTION',
      'FUNCTION_BLOCK fb EXTENDS base IMPLEMENTS i1, ns.i2 VAR_INPUT x : INT; END_VAR METHOD FINAL OVERRIDE m : BOOL m := TRUE; END_METHOD ACTION a x := 1; END_ACTION END_FUNCTION_BLOCK',
      'PROGRAM p (* a (* nested *) comment *) // line\n /* c */ {attribute \'x\'} x := 1; END_PROGRAM',
      'PROGRAM p PROPERTY q : INT GET q := 1; END_GET END_PROPERTY END_PROGRAM',
      'PROGRAM p INITIAL_STEP s: END_STEP END_PROGRAM',
      'PROGRAM p VAR s : STRING(10) R_EDGE; i AT %I* : INT; q AT %QX1.2.3 : BOOL; _x : BOOL F_EDGE := TRUE; END_VAR END_PROGRAM',
      'FUNCTION_BLOCK ABSTRACT FINAL fb VAR_IN_OUT a : ARRAY[*, *] OF INT; END_VAR END_FUNCTION_BLOCK',
      'PROGRAM p CASE x OF 1: lbl: y := 1; 2, 3: z(); ELSE END_CASE; x := a.END_IF; If a Then b := 1; End_If END_PROGRAM',
      "PROGRAM p s := STRING#'abc'; w := WSTRING#\"x$0041\"; b := BOOL#TRUE; r := LREAL#-1.5E-3; h := 16#FF_FF + 2#1010 + 8#17 + 1_000; e := 1.0E+3 + 1e5 + 2_0e1_0; END_PROGRAM",
      'PROGRAM p d := DATE#2024-01-01; l := LTIME#1d2h; t := TIME_OF_DAY#12:00; u := LDT#2024-01-01-12:00:00.5; v := LTOD#1:2:3; END_PROGRAM',
      "PROGRAM p (* ' \" { *) { pragma\n over lines } x := 1; // (*\n y := 2; END_PROGRAM",
      'PROGRAM p x := T#; END_PROGRAM',
      'PROGRAM p x := y#; END_PROGRAM',
      'PROGRAM p x := 1e; END_PROGRAM',
      'PROGRAM p VAR a : ARRAY[1..10] OF INT := [1, 2, 3]; END_VAR x := -5 ** 2; y := NOT -a[1]; END_PROGRAM',
      'TYPE t : STRUCT a : INT := 1; b : ARRAY[0..1] OF t2 := [(x := 1), (x := 2)]; END_STRUCT END_TYPE',
      'CONFIGURATION c VAR_GLOBAL g : INT; END_VAR RESOURCE r ON PLC VAR_GLOBAL h : INT; END_VAR TASK t(); PROGRAM NON_RETAIN p : P; END_RESOURCE END_CONFIGURATION',
      'PROGRAM p fb(); fb.m(1, 2)^.x := 3; a[1](b := 2); END_PROGRAM',
    ];
    const results = cases.map((text, i) => compare(`case-${i}.st`, text));
    // where the chevrotain parser reads a case, the hand-written one reads it too
    expect(results.map(([f, s], i) => (s && !f ? `${i}` : '')).filter((x) => x)).toEqual([]);
    expect(results.filter(([f]) => f).length).toBeGreaterThan(25);
  });

  it('leaves types nested deeper than its limit to the chevrotain parser, and a stack that gives out to parseSt as before', () => {
    expect(compare('ref10.st', `TYPE r : ${'REF_TO '.repeat(10)}INT; END_TYPE`)).toEqual([true, true]);
    expect(compare('ref40.st', `TYPE r : ${'REF_TO '.repeat(40)}INT; END_TYPE`)).toEqual([false, true]);
    const deep = parseSt(new SourceFile('deep.st', `TYPE r : ${'REF_TO '.repeat(200000)}INT; END_TYPE`), new IdAllocator());
    expect(deep.diagnostics.map((d) => d.code)).toEqual(['E1004']);
  });

  it('leaves diagnostics to the other path: parseSt reports the same as before on a file it gives up on', () => {
    const r = parseSt(new SourceFile('bad.st', 'PROGRAM p\nx := ;\nEND_PROGRAM\n'), new IdAllocator());
    expect(r.diagnostics.map((d) => `${d.range.line}:${d.range.col} ${d.code}`)).toEqual(['2:6 E1004']);
  });
});
