import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainCode } from '../../support/generated-code.js';

const VARS = `a : ARRAY[1..6] OF INT; b : ARRAY[1..6] OF INT; part : ARRAY[1..6] OF INT; wide : ARRAY[1..6] OF DINT;
  m : ARRAY[0..2, 2..4] OF SINT; n : ARRAY[0..2, 2..4] OF SINT; f : ARRAY[0..3] OF BOOL; g : ARRAY[0..3] OF BOOL;
  i : INT; j : INT; k : INT; r : INT; c : INT; ready : BOOL;`;
const BODY = `IF NOT ready THEN
  FOR k := 1 TO 6 DO b[k] := k * 11 - 30; END_FOR;
  FOR r := 0 TO 2 DO FOR c := 2 TO 4 DO n[r, c] := INT_TO_SINT(r * 10 + c); END_FOR; END_FOR;
  g[1] := TRUE; g[3] := TRUE;
  ready := TRUE;
END_IF;
FOR i := 1 TO 6 DO a[i] := b[i]; END_FOR;
FOR k := 2 TO 5 DO part[k] := b[k]; END_FOR;
FOR k := 1 TO 6 DO wide[k] := b[k]; END_FOR;
FOR i := 0 TO 2 DO FOR j := 2 TO 4 DO m[i, j] := n[i, j]; END_FOR; END_FOR;
FOR k := 0 TO 3 DO f[k] := g[k]; END_FOR;`;

describe('a FOR loop copying every element of an array into one of the same shape', () => {
  it('is one TypedArray.set, for one and two dimensions; a part or another element type is not', () => {
    const code = mainCode(VARS, BODY);
    expect(code).toMatch(/r_a\.set\(r_b\); l_i = \$t\d+ \+ 1;/);
    expect(code).toMatch(/r_m\.set\(r_n\); l_i = \$t\d+ \+ 1; l_j = 5;/);
    expect(code).toMatch(/r_f\.set\(r_g\);/);
    expect(code).not.toContain('r_part.set(');
    expect(code).not.toContain('r_wide.set(');
  });

  it('copies the values and leaves the variables as the loops do', () => {
    const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${VARS}\nEND_VAR\n${BODY}\nEND_PROGRAM\n`)]);
    if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
    expect(runner.runCycles(2).fault).toBeUndefined();
    const main = runner.instance.programs['Main'] as Record<string, ArrayLike<number> | number>;
    const b = [1, 2, 3, 4, 5, 6].map((k) => k * 11 - 30);
    expect(Array.from(main['a'] as ArrayLike<number>)).toEqual(b);
    expect(Array.from(main['part'] as ArrayLike<number>)).toEqual([0, ...b.slice(1, 5), 0]);
    expect(Array.from(main['wide'] as ArrayLike<number>)).toEqual(b);
    expect(Array.from(main['m'] as ArrayLike<number>)).toEqual([2, 3, 4, 12, 13, 14, 22, 23, 24]);
    expect(Array.from(main['f'] as ArrayLike<number>)).toEqual([0, 1, 0, 1]);
    expect([main['i'], main['j'], main['k']]).toEqual([3, 5, 4]);
  });
});
