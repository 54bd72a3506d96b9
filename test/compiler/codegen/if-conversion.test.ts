import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';

/** The generated code of PROGRAM Main. */
function mainOf(vars: string, body: string): string {
  const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const code = r.application.code;
  const start = code.indexOf('class P_Main');
  return code.slice(start, code.indexOf('\nclass ', start + 1));
}

/** Does the generated code of PROGRAM Main hold a branch-free select (a mask of -1 or 0)? */
function selects(vars: string, body: string): boolean {
  return /& -\(|& \(\([^;]* - 1\)\)/.test(mainOf(vars, body));
}

const vars = 'w : WORD; d : DINT; x : DINT; b : BOOL; a : ARRAY[0..3] OF DINT; t : TIME;';

describe('IF/ELSE as a branch-free select', () => {
  it('applies to one integer variable assigned cheap values on both sides', () => {
    expect(selects(vars, 'IF (w AND 1) <> 0 THEN w := SHR(w, 1) XOR 16#A001; ELSE w := SHR(w, 1); END_IF;')).toBe(true);
    expect(selects(vars, 'IF x > d THEN d := x; ELSE d := d - 1; END_IF;')).toBe(true);
    // without ELSE only on a test of one bit of data (likely either way, unlike a limit test)
    expect(selects(vars, 'IF w.3 THEN d := d + 1; END_IF;')).toBe(true);
    expect(selects(vars, 'IF (w AND 16#0100) = 0 THEN x := x - d; END_IF;')).toBe(true);
    expect(selects(vars, 'IF x < 8 THEN x := x + 1; END_IF;')).toBe(false);
  });

  it('leaves branches that may fault, call, or are not one integer assignment a side', () => {
    expect(selects(vars, 'IF x > 0 THEN d := 100 / x; ELSE d := 0; END_IF;')).toBe(false);
    expect(selects(vars, 'IF x > 0 THEN d := a[x]; ELSE d := 0; END_IF;')).toBe(false);
    expect(selects(vars, 'IF x > 0 THEN d := x; END_IF;')).toBe(false);
    expect(selects(vars, 'IF x > 0 THEN d := x; ELSE x := d; END_IF;')).toBe(false);
    expect(selects(vars, 'IF x > 0 THEN b := TRUE; ELSE b := FALSE; END_IF;')).toBe(false);
    expect(selects(vars, 'IF x > 0 THEN t := T#1s; ELSE t := T#2s; END_IF;')).toBe(false);
    expect(selects(vars, 'IF x > 0 THEN d := 1; x := 2; ELSE d := 0; END_IF;')).toBe(false);
  });

  it('of a step (b or b XOR k) computes b once, and of a one-bit test takes the bit as the mask', () => {
    const crc = mainOf(vars, 'IF (w AND 16#0001) <> 0 THEN w := SHR(w, 1) XOR 16#A001; ELSE w := SHR(w, 1); END_IF;');
    expect(crc).toMatch(/l_w = \((\$t\d+) \^ \(40961 & -\(l_w & 1\)\)\);/);
    expect(crc).not.toContain('!== 0');
    const left = mainOf(vars, 'IF w.3 THEN w := 16#00FF OR SHR(w, 2); ELSE w := SHR(w, 2); END_IF;');
    expect(left).toMatch(/\| \(255 & -\(\(l_w >>> 3\) & 1\)\)/);
    const clear = mainOf(vars, 'IF (d AND 16#80) = 0 THEN x := x + 1; ELSE x := x - 1; END_IF;');
    expect(clear).toContain('& (((l_d >>> 7) & 1) - 1)');
  });
});
