import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

const TYPES = `FUNCTION_BLOCK Acc
VAR_INPUT x : INT; END_VAR
VAR_OUTPUT sum : INT; END_VAR
sum := sum + x;
END_FUNCTION_BLOCK
TYPE Cell : STRUCT acc : Acc; n : INT; END_STRUCT; END_TYPE
TYPE Pt : STRUCT x : INT; y : INT; END_STRUCT; END_TYPE
`;

function compile(vars: string, body: string) {
  const r = compileSources([new SourceFile('t.st', `${TYPES}PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.application;
}

function mainCode(vars: string, body: string): string {
  const code = compile(vars, body).code;
  const start = code.indexOf('class P_Main');
  return code.slice(start, code.indexOf('\nclass ', start + 1));
}

const loads = (code: string, ref: string) => code.split(ref).length - 1;

describe('elements of arrays of structures and FB instances in FOR loops', () => {
  it('are loaded once per iteration where the FOR variable stays inside the array', () => {
    const code = mainCode('c : ARRAY[0..3] OF Cell; i : INT;', 'FOR i := 0 TO 3 DO c[i].acc(x := c[i].n); c[i].n := c[i].acc.sum + i; END_FOR;');
    expect(loads(code, 'r_c[(l_i)]')).toBe(1);
  });

  it('are loaded at each use where the bounds are not proven', () => {
    const code = mainCode('c : ARRAY[0..3] OF Cell; i : INT; n : INT := 3;', 'FOR i := 0 TO n DO c[i].acc(x := c[i].n); c[i].n := c[i].acc.sum; END_FOR;');
    // versioned: the copy under the entry test (0 <= FROM, TO <= 3) loads once, the copy with checks at each use
    expect(loads(code, 'r_c[')).toBe(5);
  });

  it('behave as before: calls, whole-element assignment, CONTINUE and EXIT', () => {
    const app = compile(
      'c : ARRAY[0..3] OF Cell; p : ARRAY[0..3] OF Pt; spare : Pt; i : INT; total : INT;',
      `spare.x := 100;
FOR i := 0 TO 3 DO
  c[i].acc(x := i + 1);
  p[i].y := p[i].y + 1;
  IF i = 1 THEN
    p[i] := spare;
    CONTINUE;
  END_IF;
  c[i].n := c[i].n + c[i].acc.sum;
  p[i].x := p[i].x + c[i].n;
  IF i = 2 AND c[3].n > 5 THEN
    EXIT;
  END_IF;
END_FOR;
total := c[0].n + c[1].n + c[2].n + c[3].n + p[1].x;`,
    );
    const r = new ResourceRunner(app, app.resources[0]!.name);
    const outcome = r.runCycles(3);
    expect(outcome.fault).toBeUndefined();
    const main = r.instance.programs['Main'] as { total: number; c: { n: number; acc: { sum: number } }[]; p: { x: number; y: number }[] };
    // scan k (1..3): c[i].acc.sum = k(i + 1) while called; c[1] skips its n (CONTINUE); scan 3
    // leaves at i = 2 because c[3].n = 4 + 8 > 5, so c[3] was called in scans 1 and 2 only
    expect(main.c.map((e) => e.acc.sum)).toEqual([3, 6, 9, 8]);
    expect(main.c.map((e) => e.n)).toEqual([1 + 2 + 3, 0, 3 + 6 + 9, 4 + 8]);
    expect(main.p.map((e) => e.x)).toEqual([1 + 3 + 6, 100, 3 + 9 + 18, 4 + 12]);
    expect(main.p.map((e) => e.y)).toEqual([3, 0, 3, 2]);
    expect(main.total).toBe(6 + 0 + 18 + 12 + 100);
  });
});
