import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ILexingResult } from 'chevrotain';
import { describe, it, expect } from 'vitest';
import { Lexer } from '../../../compiler/st/chevrotain.js';
import { allTokens, stLexer, ERROR_GROUP } from '../../../compiler/st/lexer.js';

/** token type names and images of a text, comments and white space left out */
function lex(text: string): string[] {
  const r = stLexer.tokenize(text);
  expect(r.errors).toEqual([]);
  return r.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

describe('lexer', () => {
  it('x.1 is a name, a dot and an integer; 1.5 is a real; 1..5 is a range', () => {
    expect(lex('x.1')).toEqual(['Identifier:x', 'Dot:.', 'IntegerLiteral:1']);
    expect(lex('1.5')).toEqual(['RealLiteral:1.5']);
    expect(lex('1..5')).toEqual(['IntegerLiteral:1', 'DotDot:..', 'IntegerLiteral:5']);
    expect(lex('a[1].2')).toEqual(['Identifier:a', 'LBracket:[', 'IntegerLiteral:1', 'RBracket:]', 'Dot:.', 'IntegerLiteral:2']);
    expect(lex('w.%X3')).toEqual(['Identifier:w', 'Dot:.', 'PartialAccess:%X3']);
  });

  it('keywords are case-insensitive and longer names stay names', () => {
    expect(lex('if If iF IFX END_IF END_IFX var_input VAR_INPUTS')).toEqual([
      'IF:if', 'IF:If', 'IF:iF', 'Identifier:IFX', 'END_IF:END_IF', 'Identifier:END_IFX', 'VAR_INPUT:var_input', 'Identifier:VAR_INPUTS',
    ]);
    expect(lex('ON INTERVAL PRIORITY SINGLE S R REF')).toEqual([
      'Identifier:ON', 'Identifier:INTERVAL', 'Identifier:PRIORITY', 'Identifier:SINGLE', 'Identifier:S', 'Identifier:R', 'Identifier:REF',
    ]);
  });

  it('literals with a # prefix are one token', () => {
    expect(lex('T#1h2m t#-1.5s LTIME#5us TIME#1d')).toEqual(['DurationLiteral:T#1h2m', 'DurationLiteral:t#-1.5s', 'DurationLiteral:LTIME#5us', 'DurationLiteral:TIME#1d']);
    expect(lex('D#2024-01-31 DATE#2024-01-31 LDATE#2024-01-31')).toEqual(['DateLiteral:D#2024-01-31', 'DateLiteral:DATE#2024-01-31', 'DateLiteral:LDATE#2024-01-31']);
    expect(lex('TOD#12:30:15.5 TIME_OF_DAY#1:2:3 LTOD#0:0:0')).toEqual(['TimeOfDayLiteral:TOD#12:30:15.5', 'TimeOfDayLiteral:TIME_OF_DAY#1:2:3', 'TimeOfDayLiteral:LTOD#0:0:0']);
    expect(lex('DT#2024-01-31-12:30:15.5 LDT#2024-01-31-0:0:0')).toEqual(['DateAndTimeLiteral:DT#2024-01-31-12:30:15.5', 'DateAndTimeLiteral:LDT#2024-01-31-0:0:0']);
    expect(lex("INT#16#FF SINT#-1 LREAL#2.5E-3 BOOL#TRUE STRING#'x' Color#Red")).toEqual([
      'TypedLiteral:INT#16#FF', 'TypedLiteral:SINT#-1', 'TypedLiteral:LREAL#2.5E-3', 'TypedLiteral:BOOL#TRUE', "TypedLiteral:STRING#'x'", 'TypedLiteral:Color#Red',
    ]);
    expect(lex('16#FF 2#1010 8#17 1_000 1.0e-3 1E3')).toEqual(['BasedInteger:16#FF', 'BasedInteger:2#1010', 'BasedInteger:8#17', 'IntegerLiteral:1_000', 'RealLiteral:1.0e-3', 'RealLiteral:1E3']);
  });

  it('direct addresses', () => {
    expect(lex('%IX0.0 %QW3 %MD10 %IX1.7 %I* %Q*')).toEqual([
      'DirectVariable:%IX0.0', 'DirectVariable:%QW3', 'DirectVariable:%MD10', 'DirectVariable:%IX1.7', 'DirectVariable:%I*', 'DirectVariable:%Q*',
    ]);
  });

  it('comment markers inside strings and strings inside comments', () => {
    expect(lex(`'(* not a comment *)' "// nor this" (* 'nor' this *) x`)).toEqual([
      "SString:'(* not a comment *)'", 'DString:"// nor this"', 'Identifier:x',
    ]);
    expect(lex('(* a (* b *) c *) /* d (* */ { pragma } // e\ny')).toEqual(['Identifier:y']);
  });

  it('unterminated comments and strings are set aside for diagnostics', () => {
    const r = stLexer.tokenize("x := 'abc\n(* open");
    expect(r.groups[ERROR_GROUP]!.map((t) => t.tokenType.name)).toEqual(['UnterminatedString', 'UnterminatedComment']);
  });

  it('operators: longest first', () => {
    expect(lex(':= => <= >= <> ** .. : = < > * & ^')).toEqual([
      'Assign::=', 'OutputAssign:=>', 'LessEqual:<=', 'GreaterEqual:>=', 'NotEqual:<>', 'Power:**', 'DotDot:..', 'Colon::', 'Equal:=', 'Less:<', 'Greater:>', 'Star:*', 'Ampersand:&', 'Caret:^',
    ]);
  });
});

describe('the lexer as built at every start', () => {
  it('reads every ST file of vPLC exactly as a lexer without first-character hints and optimisations does', () => {
    // the keywords' start_chars_hint and line_breaks stand in for chevrotain's own analysis of their patterns
    const reference = new Lexer(allTokens, { positionTracking: 'full', safeMode: true });
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.st$/i.test(e.name)) files.push(p);
      }
    };
    for (const dir of ['blocks', 'samples', 'test']) walk(join(root, dir));
    expect(files.length).toBeGreaterThan(50);
    const view = (r: ILexingResult) => r.tokens.map((t) => `${t.tokenType.name}:${t.image}@${t.startLine}:${t.startColumn}-${t.endLine}:${t.endColumn}`);
    for (const file of files) {
      const text = readFileSync(file, 'utf8') + '\nIF if iF ELSIF xor Xor TRUE true FALSE_ DO DOWN\n(* a\ncomment *) END_IF';
      expect(view(stLexer.tokenize(text)), file).toEqual(view(reference.tokenize(text)));
    }
  });
});
