import { describe, expect, it } from 'vitest';
import { mainAfterScan, mainCode } from '../../support/generated-code.js';

const VARS = 'k : INT; i : INT := 32767; d : DINT := 16777217; u : UDINT := 4000000000; r : ARRAY[0..7] OF REAL; x : REAL := 1.5;';

/** Main's REAL array `r` after one scan of `body`. */
function results(body: string): number[] {
  return Array.from(mainAfterScan(VARS, body)['r'] as Float32Array);
}

describe('REAL arithmetic on integers', () => {
  it('is not rounded where every result is an integer of at most 2^24', () => {
    const code = mainCode(VARS, 'x := 50.0 + INT_TO_REAL(k MOD 10) * 2.0 - 1.0;');
    expect(code).toContain('l_x = ((50 + (((l_k % 10) | 0) * 2)) - 1);');
    expect(code).not.toContain('$fround(');
    expect(results('FOR k := 0 TO 7 DO r[k] := 50.0 + INT_TO_REAL(k MOD 10) * 2.0 - 1.0; END_FOR;')).toEqual([49, 51, 53, 55, 57, 59, 61, 63]);
  });

  it('is rounded where a result may need more than 24 bits, or may not be an integer', () => {
    const body = [
      'r[0] := INT_TO_REAL(i) * INT_TO_REAL(i);', // 32767^2 needs 30 bits
      'r[1] := DINT_TO_REAL(d) + 1.0;', // a DINT may need 31
      'r[2] := UDINT_TO_REAL(u) - 1.0;',
      'r[3] := INT_TO_REAL(i) + x;', // x is a REAL variable: no integer known
      'r[4] := INT_TO_REAL(i) + 0.5;',
      'r[5] := 16777215.0 + INT_TO_REAL(i MOD 2);',
      'r[6] := -INT_TO_REAL(i) * 512.0 - 1.0;',
    ].join('\n');
    const code = mainCode(VARS, body);
    expect(code.match(/\$fround\(/g)?.length).toBeGreaterThanOrEqual(7);
    const f = Math.fround;
    expect(results(body)).toEqual([
      f(32767 * 32767),
      f(f(16777217) + 1),
      f(f(4000000000) - 1),
      f(32767 + 1.5),
      f(32767 + 0.5),
      f(16777215 + 1),
      f(-32767 * 512 - 1),
    ].concat([0]));
  });

  it('keeps -0 where a product of integers is a negative zero', () => {
    const [z] = results('k := 0;\nr[0] := INT_TO_REAL(k) * -3.0;');
    expect(Object.is(z, -0)).toBe(true);
  });
});
