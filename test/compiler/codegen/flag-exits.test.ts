import { describe, expect, it } from 'vitest';
import { mainAfterScan, mainCode } from '../../support/generated-code.js';

const VARS = 'a : ARRAY[1..20] OF INT; i : INT; j : INT; key : INT; n : INT; done : BOOL; more : BOOL := TRUE; steps : DINT;';

/** Insertion sort of a[1..20], its inner WHILE ended by `done` (the form of `cond` and of the body's tail varies). */
const sort = (cond: string, tail = '') => `FOR i := 1 TO 20 DO a[i] := (i * 37) MOD 23 - 11; END_FOR;
steps := 0;
FOR i := 2 TO 20 DO
  key := a[i]; j := i - 1; done := FALSE;
  WHILE ${cond} DO
    steps := steps + 1;
    IF j < 1 THEN
      done := TRUE;${tail}
    ELSIF a[j] > key THEN
      a[j + 1] := a[j]; j := j - 1;
    ELSE
      CASE j MOD 2 OF 0: done := TRUE; ELSE done := TRUE; END_CASE;${tail}
    END_IF;
  END_WHILE;
  a[j + 1] := key;
END_FOR;`;

const run = (body: string) => mainAfterScan(VARS, body);

/** `break` statements of the WHILE or REPEAT loop, in its first copy where it is emitted twice (monotone-loops.ts). */
const exits = (code: string) => {
  const label = /break (\$L\d+);/.exec(code)?.[1];
  return label ? code.split(`break ${label};`).length - 1 : 0;
};

const input = Array.from({ length: 20 }, (_, k) => (((k + 1) * 37) % 23) - 11);
const sorted = [...input].sort((x, y) => x - y);
/** The iterations of the inner loop: one per shift, and the one that ends it. */
const steps = (() => {
  const a = [...input];
  let n = 0;
  for (let i = 1; i < a.length; i++) {
    const key = a[i]!;
    let j = i - 1;
    for (;;) {
      n++;
      if (j < 0 || a[j]! <= key) break;
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = key;
  }
  return n;
})();

describe('a loop ended by a flag', () => {
  it('leaves where its body sets the flag last, with the values and iterations of the loop that tests it again', () => {
    const plain = run(sort('NOT done'));
    expect(Array.from(plain['a'] as Int16Array)).toEqual(sorted);
    expect(plain['steps']).toBe(steps);
    expect(exits(mainCode(VARS, sort('NOT done')))).toBe(3);
    // the same sort whose flag is tested in ways that are still decided by the flag alone
    for (const cond of ['done = FALSE', 'NOT done AND more', 'more AND NOT (done OR FALSE)', 'done <> TRUE']) {
      expect(exits(mainCode(VARS, sort(cond))), cond).toBe(3);
      const r = run(sort(cond));
      expect(Array.from(r['a'] as Int16Array), cond).toEqual(sorted);
      expect(r['steps'], cond).toBe(steps);
    }
  });

  it('keeps testing the flag where the body goes on after setting it, or the condition is not decided by it', () => {
    expect(exits(mainCode(VARS, sort('NOT done', ' n := n + 1;')))).toBe(0);
    expect(exits(mainCode(VARS, sort('NOT done OR more')))).toBe(0);
    expect(exits(mainCode(VARS, sort('NOT done AND a[1] < 100')))).toBe(0); // an index may fault: it must be evaluated
    const r = run(sort('NOT done', ' n := n + 1;'));
    expect(Array.from(r['a'] as Int16Array)).toEqual(sorted);
    expect(r['n']).toBe(19);
  });

  it('ends a REPEAT loop the same way', () => {
    const body = 'n := 0; done := FALSE;\nREPEAT\n  n := n + 1;\n  IF n >= 7 THEN done := TRUE; END_IF;\nUNTIL done OR n > 100\nEND_REPEAT;';
    // four copies of the small body, each with its EXIT (loop-unrolling.ts)
    expect(exits(mainCode(VARS, body))).toBe(4);
    expect(run(body)['n']).toBe(7);
    expect(exits(mainCode(VARS, body.replace('done := TRUE', 'done := FALSE')))).toBe(0);
  });
});
