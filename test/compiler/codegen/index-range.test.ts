import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';

/** The generated body of PROGRAM Main for `body`, with `vars` declared. */
function mainCode(vars: string, body: string, extra = ''): string {
  const r = compileSources([new SourceFile('t.st', `${extra}PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const code = r.application.code;
  const start = code.indexOf('class P_Main');
  return code.slice(start, code.indexOf('\nclass ', start + 1));
}

const checks = (code: string) => (code.match(/\$chk\(/g) ?? []).length;

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
