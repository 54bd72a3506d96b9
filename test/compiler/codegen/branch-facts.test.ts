import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainAfterScan, mainCode } from '../../support/generated-code.js';

const VARS = 'j : INT; k : INT; a : ARRAY[1..10] OF INT; r : ARRAY[0..3] OF INT;';
const BUMP = 'FUNCTION Bump : BOOL\nVAR_IN_OUT x : INT; END_VAR\nx := 32767;\nBump := TRUE;\nEND_FUNCTION\n';

/** Main after one scan of `body` (with BUMP declared), or the fault of that scan. */
function scan(body: string): { main: Record<string, unknown>; fault?: { kind: string; line: number } } {
  const r = compileSources([new SourceFile('t.st', `${BUMP}PROGRAM Main\nVAR\n${VARS}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
  const fault = runner.runCycles(1).fault as { kind: string; line: number } | undefined;
  return { main: runner.instance.programs['Main'] as Record<string, unknown>, fault };
}

describe('what an IF tells of its variables in its branches', () => {
  it('leaves out the wrap of a count the condition keeps inside the type, in THEN, ELSIF and ELSE', () => {
    const body = `IF j < 1 THEN k := 1; ELSIF j < 100 THEN j := j - 1; ELSE k := k + 2; END_IF;
IF k >= 32767 THEN k := 0; ELSE k := k + 1; r[0] := 1; END_IF;`;
    const code = mainCode(VARS, body);
    expect(code).toContain('l_j = (l_j - 1);');
    expect(code).toContain('l_k = (l_k + 1);');
    expect(code).toContain('l_k = ((l_k + 2) << 16 >> 16);'); // j >= 100 says nothing of k
    for (const [j, k, want] of [
      [5, 0, { j: 4, k: 1 }],
      [0, 32766, { j: 0, k: 2 }],
      [200, 32765, { j: 200, k: 0 }],
      [200, 32766, { j: 200, k: -32767 }],
    ] as const) {
      expect(mainAfterScan(VARS, `j := ${j}; k := ${k};\n${body}`), `j ${j} k ${k}`).toMatchObject(want);
    }
  });

  it('keeps the wrap where the condition does not bound the result', () => {
    expect(mainCode(VARS, 'IF j > -5 THEN j := j + 1; END_IF;')).toContain('l_j = ((l_j + 1) << 16 >> 16);');
    expect(mainAfterScan(VARS, 'j := 32767;\nIF j > -5 THEN j := j + 1; END_IF;')['j']).toBe(-32768);
    // NOT and OR: NOT (j < 0 OR j > 99) keeps j in 0..99
    expect(mainCode(VARS, 'IF NOT (j < 0 OR j > 99) THEN j := j + 1; END_IF;')).toContain('l_j = (l_j + 1);');
    expect(mainCode(VARS, 'IF j < 0 OR j > 99 THEN j := j + 1; END_IF;')).toContain('<< 16 >> 16');
    expect(mainAfterScan(VARS, 'j := 32767; k := 10;\nIF j < 0 OR k > 5 THEN j := j + 1; END_IF;')['j']).toBe(-32768);
  });

  it('ends at the statement that writes the variable: an index after it is checked again', () => {
    // j is 1..10 when the branch starts, 0..9 once decremented: a[j] must be checked
    const body = 'j := 1;\nIF j >= 1 AND j <= 10 THEN\n  j := j - 1;\n  a[j] := 5;\nEND_IF;';
    const { fault } = scan(body);
    expect(fault).toMatchObject({ kind: 'INDEX_OUT_OF_RANGE', line: BUMP.split('\n').length + 7 });
    // the same where nothing is known of the new value
    expect(scan('j := 1; k := 1;\nIF j >= 1 AND j <= 10 THEN\n  j := j - k;\n  a[j] := 5;\nEND_IF;').fault).toMatchObject({ kind: 'INDEX_OUT_OF_RANGE' });
    // without the decrement the index needs no check, and none is left
    expect(mainCode(VARS, 'IF j >= 1 AND j <= 10 THEN a[j] := 5; END_IF;')).not.toContain('$chk(');
  });

  it('is not taken from a condition that may change the variable as it is evaluated', () => {
    const body = 'j := 5;\nIF j < 100 AND Bump(j) THEN j := j + 1; END_IF;';
    expect(scan(body).main['j']).toBe(-32768);
    const { main } = scan('j := 5;\nIF j < 1 THEN k := 1; ELSIF Bump(j) THEN j := j + 1; END_IF;');
    expect(main['j']).toBe(-32768);
  });

  it('holds in the right operand of AND (OR) where the left one held (failed), the operand running only then', () => {
    // i stays in 0..10: a[i] on the right of `i >= 1` (of `i < 1 OR`) is inside a[1..10]
    const vars = `${VARS} i : INT; n : INT;`;
    const both = 'FOR i := 0 TO 10 DO\n  IF i >= 1 AND a[i] = 0 THEN n := n + 1; END_IF;\n  IF i < 1 OR a[i] = 0 THEN n := n + 1; END_IF;\nEND_FOR;';
    expect(mainCode(vars, both)).not.toContain('$chk(');
    expect(mainAfterScan(vars, `a[3] := 1;\n${both}`)['n']).toBe(19);
    // the left operand says nothing of the right one's j once a call in it may change j
    const body = 'j := 3;\nIF j >= 1 AND j <= 10 AND (Bump(j) AND a[j] = 0) THEN k := 1; END_IF;';
    expect(scan(body).fault).toMatchObject({ kind: 'INDEX_OUT_OF_RANGE', line: BUMP.split('\n').length + 5 });
  });

  it("holds in a WHILE loop's body, which runs where the loop's test just held", () => {
    const body = 'j := 10; k := 0;\nWHILE j >= 1 AND k < 100 DO\n  j := j - 1; k := k + 1;\nEND_WHILE;';
    const code = mainCode(VARS, body);
    expect(code).toContain('l_j = (l_j - 1);');
    expect(code).toContain('l_k = (l_k + 1);');
    expect(mainAfterScan(VARS, body)).toMatchObject({ j: 0, k: 10 });
    // a test that says nothing of k keeps its wrap
    const wraps = 'j := 10; k := 32760;\nWHILE j >= 1 DO\n  j := j - 1; k := k + 1;\nEND_WHILE;';
    expect(mainCode(VARS, wraps)).toContain('l_k = ((l_k + 1) << 16 >> 16);');
    expect(mainAfterScan(VARS, wraps)).toMatchObject({ j: 0, k: -32766 });
  });
});
