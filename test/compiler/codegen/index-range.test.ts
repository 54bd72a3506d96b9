import { describe, expect, it } from 'vitest';
import { mainCode } from '../../support/generated-code.js';

/** index checks by the access they guard (an unrolled loop repeats each one in its copies of the body) */
const checks = (code: string) => new Set((code.match(/\$chk\([^)]*\)/g) ?? []).map((c) => c.replace(/\$t\d+/g, '$t'))).size;

describe('index checks inside FOR loops', () => {
  it('are left out where the FOR variable cannot take the index out of the array', () => {
    const vars = 'a : ARRAY[1..10] OF INT; m : ARRAY[0..2, 0..3] OF INT; i : INT; j : INT;';
    expect(checks(mainCode(vars, 'FOR i := 1 TO 10 DO a[i] := i; END_FOR;'))).toBe(0);
    expect(checks(mainCode(vars, 'FOR i := 1 TO 9 DO a[i + 1] := a[10 - i + 1]; END_FOR;'))).toBe(0);
    expect(checks(mainCode(vars, 'FOR i := 0 TO 2 DO FOR j := 0 TO 3 DO m[i, j] := m[i, (j + 1) MOD 4]; END_FOR; END_FOR;'))).toBe(0);
  });

  it('stay where the index may leave the array or the variable may change', () => {
    const vars = 'a : ARRAY[1..10] OF INT; i : INT; n : INT := 10; b : Bump;';
    const bump = 'FUNCTION_BLOCK Bump\nVAR_IN_OUT v : INT; END_VAR\nv := v + 1;\nEND_FUNCTION_BLOCK\n';
    expect(checks(mainCode(vars, 'FOR i := 0 TO 10 DO a[i] := i; END_FOR;', bump))).toBe(1);
    expect(checks(mainCode(vars, 'FOR i := 1 TO 10 DO a[i + 1] := i; END_FOR;', bump))).toBe(1);
    expect(checks(mainCode(vars, 'FOR i := 1 TO n DO a[i] := i; END_FOR;', bump))).toBe(1);
    expect(checks(mainCode(vars, 'FOR i := 1 TO 10 DO i := i + 1; a[i] := i; END_FOR;', bump))).toBe(1);
    expect(checks(mainCode(vars, 'FOR i := 1 TO 10 DO b(v := i); a[i] := i; END_FOR;', bump))).toBe(1);
    // INT arithmetic wraps: 10 * 4000 leaves INT, so the range is unknown
    expect(checks(mainCode(vars, 'FOR i := 1 TO 10 DO a[(i * 4000) MOD 10 + 1] := i; END_FOR;', bump))).toBe(1);
  });
});

describe('loops versioned by one entry test', () => {
  /** the copy of the loop under `if (guard) {`, up to its `} else {` */
  const unchecked = (code: string, guard: string) => {
    const at = code.indexOf(`if (${guard}) {`);
    expect(at, `no entry test ${guard} in\n${code}`).toBeGreaterThan(0);
    return code.slice(at, code.indexOf('} else {', at));
  };
  const vars = 'a : ARRAY[1..10] OF INT; i : INT; n : INT := 10; k : DINT; m : DINT; s : DINT; step : DINT := 2;';

  it('drop the checks of a FOR loop to a variable bound where FROM and TO lie in the range', () => {
    const code = mainCode(vars, 'FOR i := 2 TO n DO a[i] := a[i - 1]; END_FOR;');
    expect(checks(unchecked(code, 'l_i >= 2 && $t1 <= 10'))).toBe(0);
    expect(checks(code)).toBe(2); // the other copy keeps both checks
  });

  it('drop the checks of a WHILE loop over an induction variable', () => {
    const up = mainCode(vars, 'k := 1; WHILE k < n DO a[k + 1] := 1; k := k + step; END_WHILE;');
    expect(checks(unchecked(up, 'l_k >= 0 && l_n <= 10 && l_step >= 0 && l_step <= 2147483638'))).toBe(0);
    const down = mainCode(vars, 'k := 10; WHILE k > 0 DO s := s + a[k]; k := k - 1; END_WHILE;');
    expect(checks(unchecked(down, 'l_k <= 10 && 0 >= 0'))).toBe(0);
  });

  it('leave out the wrap of INT arithmetic the range keeps inside INT', () => {
    const code = mainCode('a : ARRAY[0..9] OF INT; j : INT := 9;', 'WHILE j > 0 DO a[j - 1] := a[j]; j := j - 1; END_WHILE;');
    const copy = unchecked(code, 'l_j <= 9 && 0 >= 0');
    expect(copy).toContain('l_j = (l_j - 1);');
    expect(copy).not.toContain('<< 16 >> 16');
    expect(code).toContain('((l_j - 1) << 16 >> 16)'); // the other copy wraps
  });

  it('are not made where the variable changes elsewhere in the body, or the bound in the loop', () => {
    expect(mainCode(vars, 'k := 1; WHILE k <= 10 DO k := k + 1; a[k] := 1; END_WHILE;')).not.toContain('} else {');
    expect(mainCode(vars, 'k := 1; WHILE k <= 10 DO a[k] := 1; k := k + 1; k := k + 1; END_WHILE;')).not.toContain('} else {');
    expect(mainCode(vars, 'k := 1; WHILE k <= m DO a[k] := 1; m := m - 1; k := k + 1; END_WHILE;')).not.toContain('} else {');
    expect(mainCode(vars, 'k := 1; WHILE k <= 10 DO a[k] := 1; k := k - 1; END_WHILE;')).not.toContain('} else {');
    expect(mainCode(vars, 'FOR i := 1 TO n DO i := i + 1; a[i] := 1; END_FOR;')).not.toContain('} else {');
    // an index of another form in the variable keeps its check in either copy: no copy
    expect(mainCode(vars, 'k := 1; WHILE k <= 5 DO a[k] := a[k * 2]; k := k + 1; END_WHILE;')).not.toContain('} else {');
  });
});

describe('an index assigned from FOR variables', () => {
  it('needs no check while its range is known, and keeps it once a statement may change it', () => {
    const vars = 'a : ARRAY[0..39] OF INT; ch : INT; s : INT; n : INT; m : INT;';
    expect(checks(mainCode(vars, 'FOR ch := 0 TO 9 DO FOR s := 0 TO 3 DO n := ch * 4 + s; a[n] := s; END_FOR; END_FOR;'))).toBe(0);
    expect(checks(mainCode(vars, 'FOR ch := 0 TO 9 DO n := ch * 4; n := n + m; a[n] := 1; END_FOR;'))).toBe(1);
    expect(checks(mainCode(vars, 'FOR ch := 0 TO 9 DO n := ch * 4; IF m > 0 THEN n := m; END_IF; a[n] := 1; END_FOR;'))).toBe(1);
    expect(checks(mainCode(vars, 'FOR ch := 0 TO 9 DO n := ch * 4; a[n] := 1; END_FOR; a[n] := 2;'))).toBe(1);
  });
});

describe('a FOR loop storing one value into each element it visits', () => {
  it('is one fill where the variable stays inside the array and the value is invariant', () => {
    const vars = 'a : ARRAY[1..10] OF INT; b : ARRAY[0..9] OF INT; i : INT; n : INT := 10; v : INT := 3;';
    expect(mainCode(vars, 'FOR i := 1 TO 10 DO a[i] := v * 2; END_FOR;')).toContain('r_a.fill(');
    expect(mainCode(vars, 'FOR i := 1 TO n DO a[i] := 0; END_FOR;')).toContain('r_a.fill(0, l_i - 1, $t1 - 1 + 1)');
    // the value changes with the variable, or the loop writes it: a loop
    expect(mainCode(vars, 'FOR i := 1 TO 10 DO a[i] := i; END_FOR;')).not.toContain('.fill(');
    expect(mainCode(vars, 'FOR i := 1 TO 10 DO a[i] := b[0]; END_FOR;')).not.toContain('.fill(');
    expect(mainCode(vars, 'FOR i := 1 TO 10 BY 2 DO a[i] := 0; END_FOR;')).not.toContain('.fill(');
  });
});
