/**
 * Instruction lists in PLCopen `<IL>` bodies (cases/il.xml) run with the values their
 * instructions compute: every operator and modifier, parentheses, jumps, labels, returns,
 * CAL in its forms, function calls, and a current result kept across a label.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPlcopen } from '../../../compiler/plcopen/import.js';
import { compileSources } from '../../../compiler/project.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

const dir = fileURLToPath(new URL('./cases/', import.meta.url));

function runner(): ResourceRunner {
  const imported = importPlcopen('il.xml', readFileSync(dir + 'il.xml', 'utf8'));
  expect(imported.diagnostics.map(formatDiagnostic)).toEqual([]);
  const compiled = compileSources(imported.sources);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return new ResourceRunner(compiled.application!, 'Res');
}

type Vars = Record<string, unknown>;

describe('IL in PLCopen bodies', () => {
  it('boolean operators with N and parentheses; S and R', () => {
    const r = runner();
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(1); // a = TRUE, b = FALSE, c = TRUE, d = FALSE
    expect(m()['and_ab']).toBe(false);
    expect(m()['not_a']).toBe(false); // LDN
    expect(m()['mix']).toBe(true); // (a AND NOT b) OR (c AND d)
    expect(m()['xor_ab']).toBe(true);
    expect(m()['xnor_n']).toBe(true); // NOT (a XOR NOT b)
    expect(m()['nand_stuff']).toBe(true); // STN of (a AND b) OR NOT c
    expect(m()['latched']).toBe(true); // S on c
    m()['d'] = true;
    r.runCycles(1);
    expect(m()['latched']).toBe(false); // R on d, after S
    m()['b'] = true;
    r.runCycles(1);
    expect([m()['and_ab'], m()['xor_ab'], m()['mix']]).toEqual([true, false, true]);
  });

  it('arithmetic and comparisons keep the operands\' types; a backward jump loops', () => {
    const r = runner();
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(1); // n = 3
    expect(m()['calc']).toBe(16); // (n + 5) * (3 - 1)
    expect(m()['rest']).toBe(1); // 16 / 4 MOD 3
    expect(m()['gt10']).toBe(true);
    expect(m()['le_or_12']).toBe(false); // 16 <= 10 OR 16 = 12
    expect(m()['ne_ge']).toBe(true); // 16 <> 0 AND 16 >= 0 AND NOT (16 < -5)
    expect(m()['r2']).toBeCloseTo(3.5, 6); // REAL current result
    expect(m()['sum']).toBe(55);
    expect(m()['i']).toBe(11);
    m()['n'] = 1;
    r.runCycles(1);
    expect([m()['calc'], m()['le_or_12'], m()['rest']]).toEqual([12, true, 0]);
  });

  it('CAL with formal and positional arguments, CALC/CALCN, ed. 2 input operators', () => {
    const r = runner();
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(1);
    expect(m()['count']).toBe(1); // CTU ctr(a, FALSE, 3): one rising edge of a
    expect(m()['c2']).toBe(0); // CALC with b FALSE: not called
    expect(m()['c3']).toBe(1); // CALCN with b FALSE: called
    expect(m()['t_q']).toBe(false);
    expect(m()['t2_q']).toBe(false);
    r.runCycles(2); // 30 ms: t2 (IN a, PT 20 ms through IN/PT operators) is done, t is not yet
    expect(m()['t2_q']).toBe(true);
    expect(m()['t_q']).toBe(false);
    expect(m()['t_et']).toBe(20_000_000);
    r.runCycles(2);
    expect(m()['t_q']).toBe(true); // Q => t_q
    m()['a'] = false;
    r.runCycles(1);
    m()['a'] = true;
    m()['b'] = true;
    r.runCycles(1);
    expect([m()['count'], m()['c2'], m()['c3']]).toEqual([2, 1, 1]);
  });

  it('functions: current result as first argument, formal calls, conversions', () => {
    const r = runner();
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(1);
    expect(m()['tw']).toBe(6); // Twice(n), a function in IL
    expect(m()['mx']).toBe(7); // MAX(n, 7)
    expect(m()['sc']).toBe(9); // Scale(v := n, k := 3): RET before the unreachable LD 0
    expect(m()['nr']).toBe(3);
  });

  it('JMPCN, a current result kept across a label, RETC and RETCN', () => {
    const r = runner();
    const m = () => r.instance.programs['main'] as Vars;
    r.runCycles(1);
    expect(m()['skipped']).toBe(2); // JMPCN with skipflag FALSE jumps
    expect(m()['a_or_c']).toBe(true); // a, carried to label gotit
    expect(m()['tick']).toBe(1);
    expect(m()['reached']).toBe(0); // RETCN with stopall FALSE returns
    m()['skipflag'] = true;
    m()['a'] = false;
    m()['c'] = false;
    r.runCycles(1);
    expect(m()['skipped']).toBe(1);
    expect(m()['a_or_c']).toBe(false); // c, loaded after the JMPC fell through
    m()['stopall'] = true;
    r.runCycles(1);
    expect(m()['reached']).toBe(1);
    expect(m()['tick']).toBe(3);
    m()['halt'] = true;
    r.runCycles(2);
    expect(m()['tick']).toBe(3); // RETC before the increment
  });
});
