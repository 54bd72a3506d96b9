/**
 * `.il` files: POUs declared as in ST with instruction-list bodies (cases/mixer.il: a function,
 * a function block with a structure, timers, edges and jumps, a program, a configuration with a
 * global) compile through `compileFiles` and run with the values their instructions compute.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { compileFiles, compileSources } from '../../../compiler/project.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { ilFileSource } from '../../../compiler/il/il-file.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

const mixer = fileURLToPath(new URL('./cases/mixer.il', import.meta.url));
const forms = fileURLToPath(new URL('./cases/forms.il', import.meta.url));

type Vars = Record<string, unknown>;

describe('.il files', () => {
  it('the mixer fills, stirs for its time, drains and counts the batch', () => {
    const r = compileFiles([mixer]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const runner = new ResourceRunner(r.application!, 'Cell');
    const main = () => runner.instance.programs['main'] as Vars;
    const m = () => main()['m'] as Vars;
    const tank = () => m()['tank'] as Vars;
    runner.runCycles(1);
    expect([m()['fill'], tank()['level']]).toEqual([false, 0]); // go is FALSE: idle
    main()['go'] = true;
    runner.runCycles(9);
    expect([m()['fill'], tank()['level'], tank()['full']]).toEqual([true, 90, false]);
    runner.runCycles(1);
    expect([m()['fill'], m()['stir'], tank()['level'], tank()['full']]).toEqual([false, true, 100, true]);
    expect(main()['level']).toBe(100); // through the global gLevel
    runner.runCycles(4); // stirring for 50 ms from its start
    expect([m()['stir'], m()['drain']]).toEqual([true, false]);
    runner.runCycles(1);
    expect([m()['stir'], m()['drain'], tank()['level']]).toEqual([false, true, 75]);
    runner.runCycles(3);
    expect([m()['drain'], tank()['level'], tank()['full'], m()['batches']]).toEqual([false, 0, false, 1]);
    runner.runCycles(5);
    expect([m()['fill'], m()['batches']]).toEqual([false, 1]); // start is edge-triggered
    main()['go'] = false;
    runner.runCycles(1);
    main()['go'] = true;
    runner.runCycles(20);
    expect(m()['batches']).toBe(2);
  });

  it('lower case, &N, labels before instructions, array elements, a CAL of an array element, a label at the end', () => {
    const r = compileFiles([forms]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const runner = new ResourceRunner(r.application!, 'Default');
    const p = () => runner.instance.programs['Forms'] as Vars;
    p()['a'] = true;
    runner.runCycles(1);
    expect(p()['q']).toBe(true); // a &N b
    expect(p()['s']).toBe('hello');
    expect(Array.from(p()['arr'] as Int16Array)).toEqual([6, 6, 0]); // arr[i] := 5, then arr[i] + 1 into arr[i] and arr[1]
    expect(p()['i']).toBe(2); // JMPC fin skipped LD 1 ST i
    expect(((p()['fbs'] as Vars[])[0]!)['IN']).toBe(true);
    p()['a'] = false;
    runner.runCycles(1);
    expect(p()['q']).toBe(false);
    expect(p()['i']).toBe(1);
  });

  it('declarations and everything outside bodies keep their lines; bodies map to their IL lines', () => {
    const text = ['FUNCTION_BLOCK F', 'VAR_INPUT x : INT; END_VAR', 'VAR_OUTPUT y : INT; END_VAR', '(* body *)', '  LD x', '  ADD 1', '  ST y', 'END_FUNCTION_BLOCK', ''].join('\n');
    const r = ilFileSource('f.il', text);
    expect(r.diagnostics).toEqual([]);
    const lines = r.source!.text.split('\n');
    const at = (s: string) => {
      const o = r.source!.origins![lines.indexOf(s)]!;
      return `${o.line}:${o.col}`;
    };
    expect(at('FUNCTION_BLOCK F')).toBe('1:1');
    expect(at('END_FUNCTION_BLOCK')).toBe('8:1');
    // y := x + 1, written over the lines its parts came from
    expect(lines.filter((l) => /^(y :=|x|\+ 1|;)\s*$/.test(l)).map(at)).toEqual(['7:6', '5:6', '6:5', '7:6']);
  });

  it('a name the ST compiler rejects is reported at the IL line and operand', () => {
    const text = ['PROGRAM P', 'VAR n : INT; END_VAR', '  LD n', '  ADD undeclared', '  ST n', 'END_PROGRAM', ''].join('\n');
    const r = ilFileSource('p.il', text);
    expect(r.diagnostics).toEqual([]);
    const c = compileSources([r.source!]);
    const d = c.diagnostics.find((x) => x.code === 'E2001');
    expect(d && `${d.range.line}:${d.range.col}`).toBe('4:7');
  });
});
