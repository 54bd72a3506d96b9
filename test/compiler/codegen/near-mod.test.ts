import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainCode } from '../../support/generated-code.js';

const VARS = `r : INT; c : INT; up : ARRAY[0..47] OF INT; dn : ARRAY[0..47] OF INT; same : ARRAY[0..47] OF INT;
  wide : ARRAY[0..47] OF INT; over : ARRAY[0..47] OF INT; s : SINT; u : ARRAY[0..9] OF SINT; x : INT := -5; neg : INT;`;
const BODY = `FOR r := 0 TO 47 DO
  up[r] := (r + 47) MOD 48;
  dn[r] := (r + 1) MOD 48;
  same[r] := r MOD 48;
  wide[r] := (r * 2 + 1) MOD 48;
  over[r] := (r * 2 + 5) MOD 48;
END_FOR;
FOR s := 0 TO 9 DO
  u[s] := (s + 5) MOD 10;
END_FOR;
neg := x MOD 48;`;

function run() {
  const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${VARS}\nEND_VAR\n${BODY}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
  expect(runner.runCycles(1).fault).toBeUndefined();
  return runner.instance.programs['Main'] as Record<string, ArrayLike<number> | number>;
}

describe('MOD by a constant of a value the loop facts keep below twice the divisor', () => {
  it('is a compare and subtract, or the value itself below the divisor', () => {
    const code = mainCode(VARS, BODY);
    expect(code).toMatch(/\(\$t\d+ = \(l_r \+ 47\), \(\$t\d+ >= 48 \? \$t\d+ - 48 : \$t\d+\)\)/);
    expect(code).toMatch(/r_same\[\(l_r\)\] = l_r;/);
    // 2r + 1 reaches 95 < 96; a value outside any fact (x) keeps the remainder
    expect(code).toMatch(/>= 48 \? \$t\d+ - 48/);
    expect(code).toContain('l_neg = ((l_x % 48) | 0);');
    // 2r + 5 reaches 99: past twice the divisor
    expect(code).toContain('r_over[(l_r)] = (((((l_r * 2) | 0) + 5) % 48) | 0);');
  });

  it('gives the remainder', () => {
    const m = run();
    const ks = Array.from({ length: 48 }, (_, k) => k);
    expect(Array.from(m['up'] as ArrayLike<number>)).toEqual(ks.map((k) => (k + 47) % 48));
    expect(Array.from(m['dn'] as ArrayLike<number>)).toEqual(ks.map((k) => (k + 1) % 48));
    expect(Array.from(m['same'] as ArrayLike<number>)).toEqual(ks);
    expect(Array.from(m['wide'] as ArrayLike<number>)).toEqual(ks.map((k) => (k * 2 + 1) % 48));
    expect(Array.from(m['over'] as ArrayLike<number>)).toEqual(ks.map((k) => (k * 2 + 5) % 48));
    expect(Array.from(m['u'] as ArrayLike<number>)).toEqual(Array.from({ length: 10 }, (_, k) => (k + 5) % 10));
    expect(m['neg']).toBe(-5);
  });
});
