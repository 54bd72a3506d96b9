import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

/** An FB whose body (it has a loop) holds its scalars in JS locals, calling its own METHODs in expressions. */
const SRC = `FUNCTION_BLOCK Cnt
VAR c : INT := 32000; bumps : DINT; i : INT; seen : ARRAY[1..10] OF DINT; END_VAR
METHOD Peek : INT
Peek := c;
END_METHOD
METHOD Bump : DINT
bumps := bumps + 1;
Bump := bumps * 10;
END_METHOD
FOR i := 1 TO 10 DO
  c := c + 1000;
  seen[i] := Peek() + Bump();
END_FOR;
bumps := bumps + 100;
END_FUNCTION_BLOCK
PROGRAM Main
VAR cnt : Cnt; END_VAR
cnt();
END_PROGRAM
`;

describe('instance variables held in JS locals', () => {
  it('are written back before a METHOD of the instance called in an expression, and read again after it', () => {
    const r = compileSources([new SourceFile('m.st', SRC)]);
    const runner = new ResourceRunner(r.application!, r.application!.resources[0]!.name);
    expect(runner.runCycles(1).fault).toBeUndefined();
    const cnt = (runner.instance.programs['Main'] as { cnt: { seen: Int32Array; bumps: number; c: number } }).cnt;
    // Peek sees each count, Bump's writes are kept by the body and after it
    expect(Array.from(cnt.seen)).toEqual(Array.from({ length: 10 }, (_, k) => (((32000 + 1000 * (k + 1)) << 16) >> 16) + (k + 1) * 10));
    expect(cnt.bumps).toBe(110);
    expect(cnt.c).toBe(((32000 + 10000) << 16) >> 16);
  });
});
