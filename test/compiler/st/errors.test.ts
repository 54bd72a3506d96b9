import { describe, it, expect } from 'vitest';
import { parse } from './helpers.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { SourceFile } from '../../../compiler/source.js';
import { IdAllocator, type ProgramDecl } from '../../../compiler/st/ast.js';
import { parseSt } from '../../../compiler/st/parse.js';
import '../../../compiler/st/parse-fallback.js';

/** code, line and column of every diagnostic */
function where(text: string): string[] {
  return parse(text).diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.col}`);
}

describe('lexical errors', () => {
  it('unterminated (* comment is reported at its opening, alone', () => {
    expect(where('PROGRAM p\nx := 1;\n  (* never closed\nEND_PROGRAM')).toEqual(['E1002 3:3']);
  });

  it('unterminated /* comment and { pragma', () => {
    expect(where('PROGRAM p\nx := 1; /* c\nEND_PROGRAM')).toEqual(['E1002 2:9']);
    expect(where('PROGRAM p\nx := 1; { pragma\nEND_PROGRAM')).toEqual(['E1002 2:9']);
  });

  it('a nested comment needs both closers', () => {
    expect(where('(* a (* b *) c\nPROGRAM p END_PROGRAM')).toEqual(['E1002 1:1']);
  });

  it('unterminated strings', () => {
    const r = parse("PROGRAM p\nx := 'abc;\ny := 1;\nEND_PROGRAM");
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1003', range: { line: 2, col: 6 } });
    expect(r.diagnostics[0]!.message).toContain("'");
    expect(where('PROGRAM p\nx := "abc\nEND_PROGRAM')[0]).toBe('E1003 2:6');
  });

  it('unexpected characters', () => {
    const r = parse('PROGRAM p\nx := 1 ? 2;\nEND_PROGRAM');
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1001', range: { line: 2, col: 8 } });
    expect(r.diagnostics[0]!.message).toContain("'?'");
    expect(where('PROGRAM p\n\u0001\u0002 x := 1;\nEND_PROGRAM')).toEqual(['E1001 2:1']);
  });

  it('a stray character is reported once, without a cascade of syntax errors', () => {
    expect(where('PROGRAM Main\nVAR\n  x : INT;\n  # : INT;\nEND_VAR\nEND_PROGRAM')).toEqual(['E1001 4:3']);
    expect(where('PROGRAM p\nx := a § b;\ny := 1;\nEND_PROGRAM')).toEqual(['E1001 2:8']);
    expect(where('PROGRAM p\nx := x + 1; ~\nEND_PROGRAM')).toEqual(['E1001 2:13']);
    // a real syntax error later in the file is still reported
    expect(where('PROGRAM p\nx := a ? b;\ny := ;\nEND_PROGRAM')).toEqual(['E1001 2:8', 'E1004 3:6']);
  });

  it('binary garbage: NUL bytes mean not a text file', () => {
    const bytes = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x10]);
    const r = parse(bytes.toString('utf8'));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1007', range: { line: 1, col: 8 } });
    expect(r.unit.pous).toEqual([]);
  });

  it('invalid UTF-8 (replacement characters) is reported once, and parsing goes on', () => {
    const text = Buffer.concat([Buffer.from('PROGRAM p\n// caf'), Buffer.from([0xe9]), Buffer.from('\nx := 1; \xff\nEND_PROGRAM', 'latin1')]).toString('utf8');
    const r = parse(text);
    expect(r.diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.col}`)).toEqual(['E1007 2:7']);
    expect((r.unit.pous[0] as ProgramDecl).body).toHaveLength(1);
  });

  it('empty, whitespace-only and comment-only files', () => {
    for (const text of ['', '   \n\t\n', '(* nothing *)\n// here\n']) {
      expect(where(text)).toEqual(['E1006 1:1']);
    }
  });
});

describe('syntax errors', () => {
  it('missing semicolon names what was expected and what was found', () => {
    const r = parse('PROGRAM p\nIF a THEN\n  x := 1\nEND_IF;\nEND_PROGRAM');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1004', range: { line: 4, col: 1 } });
    expect(r.diagnostics[0]!.message).toBe("expected ';' after the statement, found 'END_IF'");
    expect(formatDiagnostic(r.diagnostics[0]!)).toBe("test.st:4:1: error E1004: expected ';' after the statement, found 'END_IF'");
  });

  it('missing END_IF', () => {
    const r = parse('PROGRAM p\nIF a THEN\n  x := 1;\nEND_PROGRAM');
    expect(r.diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.col} ${d.message}`)).toEqual([
      "E1004 4:1 expected 'END_IF' to close the IF, found 'END_PROGRAM'",
    ]);
  });

  it.each([
    ['PROGRAM p\nx := (1 + 2;\nEND_PROGRAM', 'E1004 2:12', "expected ')', found ';'"],
    ['PROGRAM p\nVAR x INT; END_VAR\nEND_PROGRAM', 'E1004 2:7', "expected ':', found 'INT'"],
    ['PROGRAM p\nFOR i := 1 TO 10\n x := 1;\nEND_FOR;\nEND_PROGRAM', 'E1004 3:2', "expected 'DO', found 'x'"],
    ['PROGRAM p\n y := ;\nEND_PROGRAM', 'E1004 2:7', "expected an expression, found ';'"],
    ['PROGRAM p\n x = 1;\nEND_PROGRAM', 'E1004 2:4', "expected ':=' to assign, found '='"],
    ['PROGRAM p\n x;\nEND_PROGRAM', 'E1004 2:2', 'an expression alone is not a statement'],
    ['x := 1;', 'E1004 1:1', 'expected a declaration (PROGRAM, FUNCTION_BLOCK'],
    ['TYPE T : END_TYPE', 'E1004 1:10', "expected a type, found 'END_TYPE'"],
    ['PROGRAM p END_PROGRAM PROGRAM q', 'E1004 1:32', "expected 'END_PROGRAM', found the end of the file"],
    ['FUNCTION_BLOCK f\nPROPERTY p\nEND_PROPERTY\nEND_FUNCTION_BLOCK', 'E1004 2:1', 'expected PROPERTY Name : Type'],
    ['CONFIGURATION c TASK t (INTERVAL := T#1s, FOO := 1); END_CONFIGURATION', 'E1004 1:43', "unknown TASK parameter 'FOO'"],
    ['PROGRAM p\nx := w.%B1;\nEND_PROGRAM', 'E1004 2:8', 'only bit access'],
    ['PROGRAM p\nVAR x : INT;\nx := 1;\nEND_PROGRAM', 'E1004 3:3', 'is END_VAR missing'],
    ['PROGRAM p\nIF x > 1\n  x := 1;\nEND_IF;\nEND_PROGRAM', 'E1004 3:3', "expected 'THEN' after the IF condition, found 'x'"],
    ['PROGRAM p\nCASE x OF\n1: y := 1\n2: y := 2;\nEND_CASE;\nEND_PROGRAM', 'E1004 4:1', "expected ';' after the statement, found '2'"],
    ['PROGRAM p\nx := a[1;\nEND_PROGRAM', 'E1004 2:9', "expected ']', found ';'"],
    ['PROGRAM p\nMETHOD m END_METHOD\nEND_PROGRAM', 'E1004 2:1', 'a PROGRAM cannot have methods'],
    ['PROGRAM p\n-x := 1;\nEND_PROGRAM', 'E1004 2:1', "expected a statement, found '-'"],
    ['INTERFACE I\nMETHOD m : INT\n  m := 1;\nEND_METHOD\nEND_INTERFACE', 'E1004 3:3', 'no body'],
    ['CONFIGURATION c RESOURCE r AT PLC END_RESOURCE END_CONFIGURATION', 'E1004 1:28', "expected 'END_RESOURCE', found 'AT'"],
    ['CONFIGURATION c RESOURCE r IN PLC END_RESOURCE END_CONFIGURATION', 'E1004 1:28', "expected 'ON'"],
  ])('%j', (text, at, message) => {
    const r = parse(text);
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(1);
    const d = r.diagnostics[0]!;
    expect(`${d.code} ${d.range.line}:${d.range.col}`).toBe(at);
    expect(d.message).toContain(message);
  });

  it('reports every error of a file, one per error, and keeps what it could read', () => {
    const r = parse(`PROGRAM p
VAR x : INT; y : INT; END_VAR
x := 1
y := 2;
IF x THEN y := 3 END_IF;
x := x + ;
y := 4;
END_PROGRAM
FUNCTION f : INT f := 1; END_FUNCTION`);
    expect(r.diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.col}`)).toEqual(['E1004 4:1', 'E1004 5:18', 'E1004 6:10']);
    const p = r.unit.pous[0] as ProgramDecl;
    expect(p.body.map((s) => s.kind)).toEqual(['assign', 'assign', 'if', 'assign', 'assign']);
    expect(r.unit.pous[1]).toMatchObject({ kind: 'function', name: 'f' });
  });

  it('pathologically deep parentheses give a diagnostic, not a crash', () => {
    const deep = `PROGRAM p\nx := ${'('.repeat(5000)}1${')'.repeat(5000)};\nEND_PROGRAM`;
    const r = parse(deep);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1004', range: { line: 2 } });
    expect(r.diagnostics[0]!.message).toContain('nested');
    const ok = `PROGRAM p\nx := ${'('.repeat(50)}1${')'.repeat(50)};\nEND_PROGRAM`;
    expect(parse(ok).diagnostics).toEqual([]);
  });

  it('deeply nested statements give a diagnostic or a tree, never an exception', () => {
    const n = 3000;
    const text = `PROGRAM p\n${'IF a THEN '.repeat(n)}x := 1;${' END_IF;'.repeat(n)}\nEND_PROGRAM`;
    const r = parse(text);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1004', range: { line: 2, col: 1001 } }); // the 101st IF
    // the parser is reused: the next file parses normally
    expect(parse('PROGRAM p x := 1; END_PROGRAM').diagnostics).toEqual([]);
    const fine = `PROGRAM p\n${'IF a THEN '.repeat(90)}x := 1;${' END_IF;'.repeat(90)}\nEND_PROGRAM`;
    expect(parse(fine).diagnostics).toEqual([]);
  });

  it('positions follow the line origins of generated text', () => {
    const file = new SourceFile('plc.xml', 'PROGRAM p\nx := 1\nEND_PROGRAM', [{ line: 40, col: 5 }, { line: 41, col: 7 }, { line: 42, col: 5 }]);
    const r = parseSt(file, new IdAllocator());
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1004', range: { file: 'plc.xml', line: 42, col: 5 } });
  });
});

describe('text conventions', () => {
  it('CRLF line ends, a byte-order mark and tabs', () => {
    const r = parse('\ufeffPROGRAM p\r\nVAR\tx : INT; END_VAR\r\n\tx := 1\r\nEND_PROGRAM\r\n');
    expect(r.diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.col}`)).toEqual(['E1004 4:1']);
    const ok = parse('PROGRAM p\r\nVAR\tx : INT; END_VAR\r\n\tx := 1;\r\nEND_PROGRAM\r\n');
    expect(ok.diagnostics).toEqual([]);
    const p = ok.unit.pous[0] as ProgramDecl;
    expect(p.body[0]!.range).toMatchObject({ line: 3, col: 2, endLine: 3, endCol: 9 });
    expect(p.varSections[0]!.decls[0]!.nameRange).toMatchObject({ line: 2, col: 5, endCol: 6 });
  });
});
