import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { prepareWrite } from '../../../runtime/engine/variable-write.js';
import { mainCode } from '../../support/generated-code.js';

const SRC = `FUNCTION_BLOCK Gate
VAR_INPUT open : BOOL; END_VAR
VAR_OUTPUT passed : BOOL; END_VAR
VAR seen : BOOL; END_VAR
passed := open AND NOT seen;
seen := open;
END_FUNCTION_BLOCK
PROGRAM Main
VAR
  g : Gate; trig : R_TRIG; enable : BOOL; count : INT; edges : INT; copy : BOOL; x : BOOL := TRUE;
END_VAR
g(open := enable);
trig(CLK := g.passed);
IF g.passed THEN count := count + 1; END_IF;
IF trig.Q XOR NOT x THEN edges := edges + 1; END_IF;
copy := g.seen;
END_PROGRAM
`;

describe('BOOL variables and fields read as conditions and values', () => {
  it('are compared with true (one compare for V8, and a boolean it stores without a write barrier)', () => {
    const code = mainCode('g : R_TRIG; a : BOOL; b : BOOL; n : INT;', 'g(CLK := a); IF g.Q OR NOT b THEN n := n + 1; END_IF; b := g.Q;');
    expect(code).toContain('.CLK = (l_a === true);');
    expect(code).toContain('if (((r_g.Q === true) || !((l_b === true)))) {');
    expect(code).toContain('l_b = (r_g.Q === true);');
  });

  it('give the same results, with values written from outside the scan (1 and 0 become TRUE and FALSE)', () => {
    const r = compileSources([new SourceFile('t.st', SRC)]);
    if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    const app = r.application;
    const runner = new ResourceRunner(app, app.resources[0]!.name);
    const main = runner.instance.programs['Main'] as Record<string, unknown>;
    const seen: unknown[] = [];
    for (const v of [1, 1, 0, 'true', false, 1]) {
      const w = prepareWrite(app, app.resources[0]!, 'Main.enable', v);
      if ('error' in w) throw new Error(w.error);
      main['enable'] = w.value;
      expect(runner.runCycles(1).fault).toBeUndefined();
      seen.push([main['count'], main['edges'], main['copy']]);
    }
    // rising edges of enable at scans 1, 4 and 6; trig.Q follows g.passed one for one
    expect(seen).toEqual([[1, 1, true], [1, 1, true], [1, 1, false], [2, 2, true], [2, 2, false], [3, 3, true]]);
  });
});
