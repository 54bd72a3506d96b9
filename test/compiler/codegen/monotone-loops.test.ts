import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainCode } from '../../support/generated-code.js';

const VARS = 'a : ARRAY[1..20] OF INT; c : ARRAY[-128..-100] OF INT; i : INT; j : INT; s : SINT; key : INT; done : BOOL; hits : DINT; d : INT := 1;';

/** One scan of `body`: Main's variables and the fault, if any (its kind and line). */
function scan(body: string) {
  const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${VARS}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
  const fault = runner.runCycles(1).fault as { kind?: string; line?: number } | undefined;
  return { main: runner.instance.programs['Main'] as Record<string, unknown>, fault: fault && { kind: fault.kind, line: fault.line } };
}

/** The loop's copy chosen by an entry test on a variable, as emitted (undefined when there is none). */
const fastCopy = (code: string) => /^( *)if \(l_\w+ (<=|>=) -?\d+\) \{\n([\s\S]*?)\n\1\} else \{/m.exec(code)?.[3];

const input = Array.from({ length: 20 }, (_, k) => ((k * 37) % 23) - 11);

/** Insertion sort of a[1..20] ended by a flag; `dec` is the statement that moves j down. */
const sort = (dec = 'j := j - 1;') => `FOR i := 1 TO 20 DO a[i] := (i * 37 - 37) MOD 23 - 11; END_FOR;
FOR i := 2 TO 20 DO
  key := a[i]; j := i - 1; done := FALSE;
  WHILE NOT done DO
    IF j < 1 THEN
      done := TRUE;
    ELSIF a[j] > key THEN
      a[j + 1] := a[j]; ${dec}
    ELSE
      done := TRUE;
    END_IF;
  END_WHILE;
  a[j + 1] := key;
END_FOR;`;

/**
 * Loops a copy must not be made of: SINT s may step from -128 past its type to 127, where c[s]
 * is outside c[-128..-100] (line 8); the count ends a loop whose checks were wrongly left out.
 */
const TWO_STEPS = 's := -101; done := FALSE; hits := 0;\nWHILE NOT done DO\n  hits := hits + 1; IF hits > 1000 THEN done := TRUE; END_IF;\n  IF s > -128 THEN c[s] := 1; s := s - 1; s := s - 1; ELSE done := TRUE; END_IF;\nEND_WHILE;';
const STEP_AFTER_IF = 's := -101; key := 1; done := FALSE; hits := 0;\nWHILE s > -128 AND NOT done DO\n  hits := hits + 1; IF hits > 1000 THEN done := TRUE; END_IF;\n  c[s] := 1;\n  IF key > 0 THEN s := s - 1; END_IF;\n  s := s - 1;\nEND_WHILE;';

/** Insertion sort of a[1..20] whose loop's test guards its own access with its first half. */
const SORT_BY_TEST = `FOR i := 1 TO 20 DO a[i] := (i * 37 - 37) MOD 23 - 11; END_FOR;
FOR i := 2 TO 20 DO
  key := a[i]; j := i - 1;
  WHILE j >= 1 AND a[j] > key DO
    a[j + 1] := a[j]; j := j - 1;
  END_WHILE;
  a[j + 1] := key;
END_FOR;`;

describe('WHILE loops over a variable that only moves one way', () => {
  it('run a copy without index checks when the variable starts low enough, and sort as the loop as written does', () => {
    const code = mainCode(VARS, sort());
    const fast = fastCopy(code);
    expect(fast, code).toBeDefined();
    expect(code).toContain('if (l_j <= 19) {');
    expect(fast).not.toContain('$chk(');
    // the ELSIF's condition runs where j < 1 failed: a[j] is checked neither there nor in its branch
    expect(fast).toContain('else if ((r_a[(l_j - 1)] > l_key))');
    const { main, fault } = scan(sort());
    expect(fault).toBeUndefined();
    expect(Array.from(main['a'] as Int16Array)).toEqual([...input].sort((x, y) => x - y));
  });

  it('keep the checks where the entry value is past the bound: the fault is the one of the loop as written', () => {
    // j starts at 25: a[j] is outside a[1..20] at the ELSIF (line 6 of the body)
    const body = 'j := 25; key := -100; done := FALSE;\nWHILE NOT done DO\n  IF j < 1 THEN\n    done := TRUE;\n  ELSIF a[j] > key THEN\n    j := j - 1;\n  ELSE\n    done := TRUE;\n  END_IF;\nEND_WHILE;';
    expect(fastCopy(mainCode(VARS, body))).toBeDefined();
    expect(scan(body).fault).toEqual({ kind: 'INDEX_OUT_OF_RANGE', line: 9 });
    expect(scan(body.replace('j := 25', 'j := 20')).main['j']).toBe(0);
  });

  it('take the loop test for its own second half and for the body: `WHILE j >= 1 AND a[j] > key`', () => {
    const code = mainCode(VARS, SORT_BY_TEST);
    const fast = fastCopy(code);
    expect(fast, code).toBeDefined();
    expect(code).toContain('if (l_j <= 19) {');
    expect(fast).not.toContain('$chk(');
    expect(fast).not.toContain('<< 16 >> 16'); // j - 1 where the test said j >= 1
    const { main, fault } = scan(SORT_BY_TEST);
    expect(fault).toBeUndefined();
    expect(Array.from(main['a'] as Int16Array)).toEqual([...input].sort((x, y) => x - y));
    // j starts at 20: a[j + 1] is outside a[1..20] in the body (line 7), as in the loop as written
    const past = 'j := 20; key := -100;\nWHILE j >= 1 AND a[j] > key DO\n  a[j + 1] := a[j]; j := j - 1;\nEND_WHILE;';
    expect(fastCopy(mainCode(VARS, past))).toBeDefined();
    expect(scan(past).fault).toEqual({ kind: 'INDEX_OUT_OF_RANGE', line: 7 });
    const within = scan(`FOR i := 1 TO 20 DO a[i] := 21 - i; END_FOR;\n${past.replace('j := 20', 'j := 19')}`);
    expect(within.fault).toBeUndefined();
    expect(within.main['j']).toBe(0);
    expect(Array.from(within.main['a'] as Int16Array)).toEqual([20, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
    // the test's own access may be the one that bounds the entry value: a[j + 1] there
    const probe = 'j := 20; key := -100;\nWHILE j >= 1 AND a[j + 1] > key DO\n  hits := hits + a[j]; j := j - 1;\nEND_WHILE;';
    expect(mainCode(VARS, probe)).toContain('if (l_j <= 19) {');
    expect(fastCopy(mainCode(VARS, probe))).not.toContain('$chk(');
    expect(scan(probe).fault).toEqual({ kind: 'INDEX_OUT_OF_RANGE', line: 6 });
    // OR: its second half runs where the first failed (j >= 1)
    const search = 'FOR i := 1 TO 20 DO a[i] := i; END_FOR;\nj := 20; key := 5; hits := 0;\nWHILE hits < 50 AND (j < 1 OR a[j] > key) DO\n  IF j > 1 THEN j := j - 1; ELSE hits := 100; END_IF;\n  hits := hits + 1;\nEND_WHILE;';
    expect(fastCopy(mainCode(VARS, search))).not.toContain('$chk(');
    expect(scan(search).main).toMatchObject({ j: 5, hits: 15 });
  });

  it('move up the same way: a search that stops at the end of the array', () => {
    const body = `FOR i := 1 TO 20 DO a[i] := i * 3; END_FOR;
j := 1; done := FALSE; hits := 0;
WHILE NOT done DO
  IF j > 20 THEN
    done := TRUE;
  ELSIF a[j] >= key THEN
    done := TRUE;
  ELSE
    hits := hits + a[j]; j := j + 1;
  END_IF;
END_WHILE;`;
    const code = mainCode(VARS, body);
    expect(code).toContain('if (l_j >= 1) {');
    expect(fastCopy(code)).not.toContain('$chk(');
    for (const k of [0, 7, 30, 60, 61, 100]) {
      const { main, fault } = scan(`key := ${k};\n${body}`);
      expect(fault).toBeUndefined();
      const stop = Array.from({ length: 20 }, (_, n) => (n + 1) * 3).findIndex((x) => x >= k);
      const end = stop < 0 ? 21 : stop + 1;
      expect(main['j'], `key ${k}`).toBe(end);
      expect(main['hits'], `key ${k}`).toBe(Array.from({ length: end - 1 }, (_, n) => (n + 1) * 3).reduce((x, y) => x + y, 0));
    }
  });

  it('are left as they are where the variable may wrap, move both ways, move by a variable or change otherwise', () => {
    const dec = 'FUNCTION Dec : BOOL\nVAR_IN_OUT x : INT; END_VAR\nx := x - 5; Dec := TRUE;\nEND_FUNCTION\nFUNCTION Up : BOOL\nVAR_IN_OUT x : INT; END_VAR\nx := x + 30; Up := TRUE;\nEND_FUNCTION\n';
    const none = (body: string) => expect(fastCopy(mainCode(VARS, body, dec)), body).toBeUndefined();
    // a step not guarded by a condition that keeps it inside the type (done ends it, not j)
    none('j := 5; done := FALSE;\nWHILE NOT done DO\n  IF j > 0 THEN hits := hits + a[j]; END_IF;\n  j := j - 1;\n  IF hits > 1000 THEN done := TRUE; END_IF;\nEND_WHILE;');
    // two steps under one test, the second may wrap; a step after an IF that stepped, where what
    // the loop's test said of s no longer holds
    none(TWO_STEPS);
    none(STEP_AFTER_IF);
    none(sort('j := j - 1; IF key > 100 THEN j := j + 1; END_IF;'));
    none(sort('j := j - d;'));
    none(sort('j := j - (-1);'));
    none(sort('j := j - 1;').replace('ELSIF a[j] > key', 'ELSIF Dec(j) AND a[j] > key'));
    none(sort('j := j - 1;').replace('WHILE NOT done DO', 'WHILE NOT done DO\n    IF Dec(j) THEN hits := hits + 1; END_IF;'));
    none(sort('j := j - 1; CASE key OF 1: j := 0; END_CASE;'));
    // an access whose bound the type gives already
    none('j := 5; done := FALSE;\nWHILE j > -32768 AND NOT done DO\n  IF j > 32750 THEN hits := hits + a[j - 32750]; END_IF;\n  j := j - 1;\nEND_WHILE;');
    // accesses the copy would still check, below the array (in a statement, an IF's test, the loop's test)
    none('j := 5; done := FALSE;\nWHILE NOT done DO\n  IF j > -32768 THEN hits := hits + a[j]; j := j - 1; ELSE done := TRUE; END_IF;\nEND_WHILE;');
    none('j := 5; done := FALSE;\nWHILE NOT done DO\n  IF j > -32768 AND a[j] > 0 THEN j := j - 1; ELSE done := TRUE; END_IF;\nEND_WHILE;');
    none('j := 5;\nWHILE a[j] > 0 DO\n  IF j > 0 THEN hits := hits + a[j]; j := j - 1; ELSE EXIT; END_IF;\nEND_WHILE;');
    // a test whose first half does not keep its second inside the array, or that may change j
    none(SORT_BY_TEST.replace('j >= 1 AND', 'j >= 0 AND'));
    none(SORT_BY_TEST.replace('j >= 1 AND', 'Dec(j) AND j >= 1 AND'));
    // a test that moves j the other way, past the bound a copy would know
    none('j := 5; hits := 0;\nWHILE Up(j) AND hits < 3 DO\n  IF j > 1 THEN hits := hits + a[j]; j := j - 1; ELSE hits := 100; END_IF;\nEND_WHILE;');
    none(SORT_BY_TEST.replace('WHILE j >= 1 AND a[j] > key', 'WHILE j >= 1 OR a[j] > key'));
    // with the flag test replaced by one of j, the step above 1 is proven: the copy is made
    expect(fastCopy(mainCode(VARS, sort('j := j - 2;')))).toBeDefined();
  });

  it('wrap as the loop as written does where they are left as they are', () => {
    expect(scan(TWO_STEPS).fault).toEqual({ kind: 'INDEX_OUT_OF_RANGE', line: 8 });
    expect(scan(STEP_AFTER_IF).fault).toEqual({ kind: 'INDEX_OUT_OF_RANGE', line: 8 });
    // SINT s steps down past -128 twice a turn and wraps to 127: then a[s - 100] is out of range
    const body = 's := -125; done := FALSE; hits := 0;\nWHILE NOT done DO\n  IF s > -128 THEN\n    hits := hits + 1; s := s - 1; s := s - 1;\n  ELSE\n    done := TRUE;\n  END_IF;\n  IF s > 100 THEN a[s - 100] := 1; END_IF;\n  IF hits > 1000 THEN done := TRUE; END_IF;\nEND_WHILE;';
    expect(scan(body).fault).toEqual({ kind: 'INDEX_OUT_OF_RANGE', line: 12 });
    expect(scan(body.replace('s := -125', 's := -100')).fault).toBeUndefined();
  });
});
