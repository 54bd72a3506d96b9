import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';

/** Does the generated code of PROGRAM Main hold a branch-free select? */
function selects(vars: string, body: string): boolean {
  const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const code = r.application.code;
  const start = code.indexOf('class P_Main');
  return /& -\(\(/.test(code.slice(start, code.indexOf('\nclass ', start + 1)));
}

const vars = 'w : WORD; d : DINT; x : DINT; b : BOOL; a : ARRAY[0..3] OF DINT; t : TIME;';

describe('IF/ELSE as a branch-free select', () => {
  it('applies to one integer variable assigned cheap values on both sides', () => {
    expect(selects(vars, 'IF (w AND 1) <> 0 THEN w := SHR(w, 1) XOR 16#A001; ELSE w := SHR(w, 1); END_IF;')).toBe(true);
    expect(selects(vars, 'IF x > d THEN d := x; ELSE d := d - 1; END_IF;')).toBe(true);
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
});
