import { describe, expect, it } from 'vitest';
import { mainCode } from '../../support/generated-code.js';

/** the code of the first loop (from its header on) and the code before it */
function split(code: string): { before: string; loop: string } {
  const at = code.search(/\$L\d+: (while|do)/);
  return { before: code.slice(0, at), loop: code.slice(at) };
}

const VARS = 'a : ARRAY[0..9] OF DINT; k : INT; n : DINT; d : DINT; r : REAL; c : Counter;';
const COUNTER = 'FUNCTION_BLOCK Counter\nVAR_OUTPUT n : DINT; END_VAR\nMETHOD Bump\nn := n + 1;\nEND_METHOD\nn := n + 1;\nEND_FUNCTION_BLOCK\n';

describe('loop-invariant expressions', () => {
  it('are computed once before the loop when nothing in the loop writes their operands', () => {
    const { before, loop } = split(mainCode(VARS, 'FOR k := 0 TO 9 DO a[k] := (n / 100) MOD 5 * 10 + k; END_FOR;', COUNTER));
    expect(before).toContain('l_n / 100');
    expect(loop).not.toContain('l_n / 100');
  });

  it('stay in the loop when the loop writes an operand, or when they could fault', () => {
    const written = split(mainCode(VARS, 'FOR k := 0 TO 9 DO n := n + 1; a[k] := n / 3; END_FOR;', COUNTER));
    expect(written.loop).toContain('l_n / 3');
    const fault = split(mainCode(VARS, 'FOR k := 0 TO 9 DO a[k] := 100 / d; END_FOR;', COUNTER));
    expect(fault.loop).toContain('$idiv(100, l_d');
    const output = split(mainCode(VARS, 'FOR k := 0 TO 9 DO c(n => n); a[k] := n / 7; END_FOR;', COUNTER));
    expect(output.loop).toContain('l_n / 7');
  });

  it('are not moved when cheaper than a temporary (shifts, products)', () => {
    const { loop } = split(mainCode(VARS, 'FOR k := 0 TO 9 DO a[k] := n * 7 + DINT_TO_DINT(SHR(n, 2)) + k; END_FOR;', COUNTER));
    expect(loop).toContain('$imul(l_n, 7)');
  });

  it('stay in a loop that calls a method (it may write what the expression reads)', () => {
    const { loop } = split(mainCode(VARS, 'FOR k := 0 TO 9 DO c.Bump(); a[k] := c.n * 7 + n / 3; END_FOR;', COUNTER));
    expect(loop).toContain('l_n / 3');
  });
});

describe('integer to REAL', () => {
  it('is not rounded where the value is exact in single precision, and rounded elsewhere', () => {
    expect(mainCode(VARS, 'r := DINT_TO_REAL(n MOD 1000);', COUNTER)).toContain('l_r = ((l_n % 1000) | 0);');
    expect(mainCode(VARS, 'r := DINT_TO_REAL(n);', COUNTER)).toContain('l_r = $fround(l_n);');
    expect(mainCode(VARS, 'r := DINT_TO_REAL(n / 100);', COUNTER)).toContain('$fround(');
  });
});
