import { describe, expect, it } from 'vitest';
import { mainAfterScan, mainCode } from '../../support/generated-code.js';

const VARS = `a : ARRAY[0..15] OF INT; s : ARRAY[0..12] OF DINT; it : ARRAY[0..12] OF DINT; t : TON;
  i : DINT; j : INT; n : DINT; m : DINT; d : DINT := 3; acc : DINT; key : INT; lim : DINT := 100;`;

/** Copies of the body of the loop labelled $L`label`, as emitted. */
const copies = (code: string, label: number) => code.split(`$L${label}c: {`).length - 1;

/** The label of the first loop whose header matches `header`. */
const labelOf = (code: string, header: RegExp) => Number(header.exec(code)?.[1] ?? -1);

/**
 * For n = 0 … 12, a loop that counts i up to n, skips the multiples of 3 (CONTINUE) and leaves
 * above `lim` (EXIT): its sum and iterations per n, so that the loop ends in every copy.
 */
const whileLoops = `FOR n := 0 TO 12 DO
  i := 0; acc := 0; m := 0;
  WHILE i < n DO
    m := m + 1;
    i := i + 1;
    IF i MOD 3 = 0 THEN CONTINUE; END_IF;
    IF i > lim THEN EXIT; END_IF;
    acc := acc + i;
  END_WHILE;
  s[n] := acc; it[n] := m;
END_FOR;`;

const repeatLoops = whileLoops.replace('WHILE i < n DO', 'REPEAT').replace('END_WHILE;', 'UNTIL i >= n\nEND_REPEAT;');

/** The same loops in JavaScript: sums and iterations for n = 0 … 12. */
function reference(lim: number, repeat: boolean): { s: number[]; it: number[] } {
  const s: number[] = [];
  const it: number[] = [];
  for (let n = 0; n <= 12; n++) {
    let i = 0;
    let acc = 0;
    let m = 0;
    while (repeat || i < n) {
      m++;
      i++;
      if (i % 3 !== 0) {
        if (i > lim) break;
        acc += i;
      }
      if (repeat && i >= n) break;
    }
    s.push(acc);
    it.push(m);
  }
  return { s, it };
}

describe('small WHILE and REPEAT loops copied four times with their test between the copies', () => {
  for (const [name, body, repeat] of [
    ['WHILE', whileLoops, false],
    ['REPEAT', repeatLoops, true],
  ] as const) {
    it(`${name}: four copies, and the values and iterations of the loop as written wherever it ends`, () => {
      const code = mainCode(VARS, body);
      expect(copies(code, labelOf(code, repeat ? /\$L(\d+): do \{/ : /\$L(\d+): while \(\(l_i < l_n\)\)/))).toBe(4);
      for (const lim of [100, 4, 0]) {
        const r = mainAfterScan(VARS.replace('lim : DINT := 100', `lim : DINT := ${lim}`), body);
        const want = reference(lim, repeat);
        expect(Array.from(r['s'] as Int32Array), `lim ${lim}`).toEqual(want.s);
        expect(Array.from(r['it'] as Int32Array), `lim ${lim}`).toEqual(want.it);
      }
    });
  }

  it('keeps one body where a copy would not pay or could not be made', () => {
    // the loop is the body's only one
    const twice = 'FUNCTION Twice : DINT\nVAR_INPUT x : DINT; END_VAR\nTwice := 2 * x;\nEND_FUNCTION\n';
    const one = (loop: string) => mainCode(VARS, `i := 0;\n${loop}`, twice).match(/\$L\d+c: \{/g)?.length ?? 0;
    expect(one('WHILE i < 10 DO i := i + 1; acc := acc + i; END_WHILE;')).toBe(4);
    // a call of an FB or of a user function, an inner loop, a CASE, a body too long
    expect(one('WHILE i < 10 DO i := i + 1; t(IN := TRUE, PT := T#1s); END_WHILE;')).toBe(1);
    expect(one('WHILE i < 10 DO i := i + 1; acc := acc + Twice(i); END_WHILE;')).toBe(1);
    expect(one('WHILE i < 10 DO i := i + 1; FOR j := 0 TO 3 DO acc := acc + j; END_FOR; END_WHILE;')).toBe(2);
    expect(one('WHILE i < 10 DO i := i + 1; CASE i OF 1: acc := 1; END_CASE; END_WHILE;')).toBe(1);
    expect(one('WHILE i < 10 DO i := i + 1; acc := acc + 1; acc := acc + 2; acc := acc + 3; acc := acc + 4; acc := acc + 5; m := acc; END_WHILE;')).toBe(1);
    const long = Array.from({ length: 12 }, (_, k) => `i * ${k + 1}`).join(' + ');
    expect(one(`WHILE i < 10 DO i := i + 1; acc := ${long}; END_WHILE;`)).toBe(1);
    expect(one(`WHILE i < 10 AND ${long} < 100000 DO i := i + 1; END_WHILE;`)).toBe(1);
    expect(one(`WHILE i < 10 AND i * 2 < 100000 DO i := i + 1; END_WHILE;`)).toBe(4);
    // an index that may fault, in the body or in the test, and a division by a variable
    expect(one('WHILE i < 10 DO i := i + 1; acc := acc + a[i]; END_WHILE;')).toBe(1);
    expect(one('WHILE a[i] = 0 DO i := i + 1; END_WHILE;')).toBe(1);
    expect(one('WHILE i < 10 DO i := i + 1; acc := acc + i / d; END_WHILE;')).toBe(1);
    expect(one('REPEAT i := i + 1; acc := acc + i; UNTIL i >= 10 END_REPEAT;')).toBe(4);
    expect(one('REPEAT i := i + 1; acc := acc + a[i]; UNTIL i >= 10 END_REPEAT;')).toBe(1);
  });

  it('copies only the loop without index checks of a versioned loop, which a search runs through', () => {
    const sort = `FOR j := 0 TO 15 DO a[j] := (j * 7) MOD 16 - 8; END_FOR;
FOR j := 1 TO 15 DO
  key := a[j]; i := j;
  WHILE i > 0 DO
    IF a[i - 1] <= key THEN EXIT; END_IF;
    a[i] := a[i - 1];
    i := i - 1;
  END_WHILE;
  a[i] := key;
END_FOR;`;
    const code = mainCode(VARS, sort);
    const labels = [...code.matchAll(/\$L(\d+): while \(\(l_i > 0\)\)/g)].map((m) => Number(m[1]));
    expect(labels.map((l) => copies(code, l))).toEqual([4, 1]);
    const input = Array.from({ length: 16 }, (_, k) => ((k * 7) % 16) - 8);
    expect(Array.from(mainAfterScan(VARS, sort)['a'] as Int16Array)).toEqual(input.sort((x, y) => x - y));
  });
});
