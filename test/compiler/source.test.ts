/**
 * SourceFile's positions: every offset of texts with empty lines, CRLF, no final newline and a
 * final newline, against lines and columns counted character by character; and the mapping of
 * generated lines through their origins.
 */
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../compiler/source.js';

/** Line and column of every offset (one past the end included), counted one character at a time. */
function counted(text: string): { line: number; col: number }[] {
  const out: { line: number; col: number }[] = [];
  let line = 1;
  let col = 1;
  for (let i = 0; i <= text.length; i++) {
    out.push({ line, col });
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return out;
}

describe('SourceFile', () => {
  const texts = ['', '\n', 'x', 'PROGRAM P\nEND_PROGRAM', 'a\n\n\nb\n', 'a := 1;\r\nb := 2;\r\n', '\n\nx\n\ny'];
  for (const text of texts) {
    it(`every offset of ${JSON.stringify(text)}`, () => {
      const f = new SourceFile('t.st', text);
      expect(Array.from({ length: text.length + 1 }, (_, i) => f.position(i))).toEqual(counted(text));
    });
  }

  it('a range spans its start and end offsets; an end before the start is the start', () => {
    const f = new SourceFile('t.st', 'ab\ncd\nef');
    expect(f.range(1, 7)).toEqual({ file: 't.st', line: 1, col: 2, endLine: 3, endCol: 2 });
    expect(f.range(4, 2)).toEqual({ file: 't.st', line: 2, col: 2, endLine: 2, endCol: 2 });
  });

  it('generated lines point at their origins', () => {
    const f = new SourceFile('t.xml', 'x := 1;\ny := 2;', [{ line: 10, col: 5 }, { line: 12, col: 1 }]);
    expect(f.position(3)).toEqual({ line: 10, col: 8 });
    expect(f.position(9)).toEqual({ line: 12, col: 2 });
  });
});
