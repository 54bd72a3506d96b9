import { describe, expect, it } from 'vitest';
import { mainAfterScan, mainCode } from '../../support/generated-code.js';

const VARS = `c1 : INT := 32000; c2 : SINT := -100; c3 : USINT := 250; c4 : UINT := 5; w : UINT := 65000;
i : INT; j : INT; d : DINT; m : DINT := 40; n : INT := 300; a : ARRAY[0..9] OF INT;`;

const COUNTS = `FOR i := 1 TO n DO
  IF i MOD 3 = 0 THEN c1 := c1 + 7; ELSE c1 := c1 - 2; END_IF;
  c2 := c2 - 3;
  CASE i MOD 4 OF 0: c3 := c3 + 11; ELSE c4 := 600 + c4; END_CASE;
  w := w + 1000;
  IF i = 250 THEN EXIT; END_IF;
END_FOR;`;

const run = (body: string) => mainAfterScan(VARS, body);

/** The loop's code, from its header to the statement after it. */
const loopOf = (code: string) => code.slice(code.search(/\$L\d+: while/));

describe('counters of a FOR loop', () => {
  it('count unwrapped in the loop and are wrapped once after it, to the values of a wrap at every count', () => {
    // the same counts in JavaScript, each wrapped to its type
    const s16 = (x: number) => (x << 16) >> 16;
    const s8 = (x: number) => (x << 24) >> 24;
    let [c1, c2, c3, c4, w] = [32000, -100, 250, 5, 65000];
    for (let i = 1; i <= 300; i++) {
      c1 = s16(i % 3 === 0 ? c1 + 7 : c1 - 2);
      c2 = s8(c2 - 3);
      if (i % 4 === 0) c3 = (c3 + 11) & 255;
      else c4 = (600 + c4) & 65535;
      w = (w + 1000) & 65535;
      if (i === 250) break;
    }
    expect(run(COUNTS)).toMatchObject({ c1, c2, c3, c4, w });
    const code = mainCode(VARS, COUNTS);
    for (const count of ['(l_c1 + 7)', '(l_c1 - 2)', '(l_c2 - 3)', '(l_c3 + 11)', '(600 + l_c4)', '(l_w + 1000)']) expect(code).toContain(`= ${count};`);
    expect(code).toContain('l_c1 = ((l_c1) << 16 >> 16);');
    expect(code).toContain('l_w = ((l_w) & 65535);');
  });

  it('count unwrapped where an IF on one bit is a select', () => {
    const body = 'FOR i := 1 TO n DO IF i.0 THEN c1 := c1 + 5; END_IF; END_FOR;';
    const loop = loopOf(mainCode(VARS, body));
    expect(loop).toMatch(/l_c1 = \(\$t\d+ \+ \(5 & -\(l_i & 1\)\)\);/);
    expect(loop).toContain('l_c1 = ((l_c1) << 16 >> 16);');
    expect(run(body)['c1']).toBe(((32000 + 150 * 5) << 16) >> 16);
  });

  it('count in an inner loop when that loop is theirs, and keep their values', () => {
    const body = 'FOR i := 1 TO 30 DO FOR j := 1 TO 30 DO c1 := c1 + 100; END_FOR; END_FOR;';
    expect(run(body)['c1']).toBe((((32000 + 90000) << 16) >> 16));
    expect(mainCode(VARS, body)).toContain('(l_c1 + 100);');
  });

  it('wrap at every count where the loop reads the counter, may leave before the wrap, or may run too long', () => {
    const wrapped = (body: string) => expect(loopOf(mainCode(VARS, body)), body).toContain('l_c1 = ((l_c1 + 1) << 16 >> 16);');
    wrapped('FOR i := 1 TO n DO c1 := c1 + 1; a[0] := c1; END_FOR;');
    wrapped('FOR i := 1 TO n DO c1 := c1 + 1; IF i = 5 THEN RETURN; END_IF; END_FOR;');
    wrapped('FOR d := 1 TO m DO c1 := c1 + 1; END_FOR;'); // a DINT variable: up to 2^32 iterations
    wrapped('FOR i := 1 TO n BY j DO c1 := c1 + 1; END_FOR;'); // a step only known at run time
    expect(loopOf(mainCode(VARS, 'FOR i := 1 TO n DO c1 := c1 + 20000; END_FOR;'))).toContain('l_c1 = ((l_c1 + 20000) << 16 >> 16);'); // past 2^30
    // a jump out of the loop would pass the wrap after it
    const jump = 'FOR i := 1 TO n DO c1 := c1 + 1000; IF i = 5 THEN JMP out; END_IF; END_FOR;\nout: c2 := 1;';
    expect(mainCode(VARS, jump)).toContain('((l_c1 + 1000) << 16 >> 16)');
    expect(run(jump)['c1']).toBe(((32000 + 5000) << 16) >> 16);
    // the same reads with their values
    expect(run('FOR i := 1 TO 1000 DO c1 := c1 + 1; a[i MOD 10] := c1; END_FOR;')['a']).toEqual(
      new Int16Array(Array.from({ length: 10 }, (_, k) => ((32000 + 1000 - ((1000 - k) % 10)) << 16) >> 16)),
    );
    expect(run('FOR d := 1 TO m DO c1 := c1 + 1000; END_FOR;')['c1']).toBe(((32000 + 40000) << 16) >> 16);
    expect(mainCode(VARS, 'FOR d := 1 TO 40 DO c1 := c1 + 1000; END_FOR;')).toContain('(l_c1 + 1000);');
  });
});
