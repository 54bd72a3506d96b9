import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainCode } from '../../support/generated-code.js';

const VARS = 'a : ARRAY[0..39] OF DINT; q : ARRAY[0..39] OF DINT; k : INT; x : DINT := -1000; d : INT;';
const BODY = 'FOR k := 0 TO 39 DO a[k] := (x + k * 77) MOD (20 + k MOD 30); q[k] := (x - k * 91) / (k - 50); END_FOR;';

function run(body: string) {
  const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${VARS}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
  const outcome = runner.runCycles(1);
  return { main: runner.instance.programs['Main'] as Record<string, ArrayLike<number>>, fault: outcome.fault };
}

describe('MOD and / by a divisor whose range leaves out zero', () => {
  it('are the plain operations, with the values IEC 61131-3 gives (truncation toward zero)', () => {
    const code = mainCode(VARS, BODY);
    expect(code).not.toContain('$imod(');
    expect(code).not.toContain('$idiv(');
    const { main, fault } = run(BODY);
    expect(fault).toBeUndefined();
    const ks = Array.from({ length: 40 }, (_, k) => k);
    expect(Array.from(main['a']!)).toEqual(ks.map((k) => ((-1000 + k * 77) % (20 + (k % 30))) | 0));
    expect(Array.from(main['q']!)).toEqual(ks.map((k) => Math.trunc((-1000 - k * 91) / (k - 50)) | 0));
  });

  it('keep the check where the divisor may be zero, and fault there', () => {
    const body = 'd := 3;\nFOR k := 0 TO 39 DO\n  a[k] := x MOD (d - k);\nEND_FOR;';
    expect(mainCode(VARS, body)).toContain('$imod(');
    const { main, fault } = run(body);
    expect(fault).toMatchObject({ kind: 'DIVISION_BY_ZERO', line: 4 + 3 });
    expect(Array.from(main['a']!).slice(0, 3)).toEqual([-1000 % 3, -1000 % 2, -1000 % 1].map((v) => v | 0));
  });
});
