/**
 * The compiler context: the functions ST may call belong to one compilation, passed explicitly;
 * adding functions for one compilation (vplc test's assertions) leaves every other one as it was.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { STANDARD_FUNCTIONS, withFunctions } from '../../../compiler/stdlib/functions.js';
import { DINT } from '../../../compiler/types/types.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { loadModule } from '../../../runtime/load.js';
import { TEST_CONTEXT, TestSupport } from '../../../runtime/testing/st-assertions.js';

const program = (body: string) => [new SourceFile('ctx.st', `PROGRAM Main\nVAR ok : BOOL; n : DINT; END_VAR\n${body}\nEND_PROGRAM\n`)];

describe('compiler context', () => {
  it('test functions exist only in compilations made with the test context', () => {
    const src = program('ASSERT_TRUE(ok);');
    const withTests = compileSources(src, { context: TEST_CONTEXT });
    expect(withTests.diagnostics.map(formatDiagnostic)).toEqual([]);
    // compiled after the test context was used in this process: still the standard library only
    const plain = compileSources(src);
    expect(plain.diagnostics.map(formatDiagnostic)).toEqual(["ctx.st:3:1: error E2001: unknown function 'ASSERT_TRUE'"]);
  });

  it('a caller adds its own function to one compilation, and the program runs what it emits', () => {
    const context = {
      functions: withFunctions(TEST_CONTEXT.functions, {
        TWICE: { type: (args) => (args.length === 1 ? { params: [DINT], result: DINT } : 'takes one DINT'), emit: (a) => `((${a[0]}) * 2)`, paramNames: ['IN'] },
      }),
    };
    const run = (expected: number) => {
      const r = compileSources(program(`n := TWICE(21); ASSERT_EQ(n, ${expected});`), { context });
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
      const support = new TestSupport();
      const runner = new ResourceRunner(r.application!, r.application!.resources[0]!.name, { module: loadModule(r.application!, support), support });
      runner.runCycles(1);
      return support;
    };
    expect(run(42)).toMatchObject({ assertions: 1, failures: [] });
    expect(run(43).failures).toHaveLength(1);
    expect(compileSources(program('n := TWICE(21);')).diagnostics.map((d) => d.code)).toEqual(['E2001']);
    // the standard functions are still there, by any case
    expect(context.functions.lookup('abs')).toBe(STANDARD_FUNCTIONS.lookup('ABS'));
  });
});
