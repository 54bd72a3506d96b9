/**
 * The documents in cases/ compile with the ST compiler and run with the values their XML means.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPlcopen } from '../../../compiler/plcopen/import.js';
import { compileSources } from '../../../compiler/project.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

const dir = fileURLToPath(new URL('./cases/', import.meta.url));

function build(name: string, accept: (code: string) => boolean = () => false) {
  const imported = importPlcopen(name, readFileSync(dir + name, 'utf8'));
  expect(imported.diagnostics.filter((d) => d.severity === 'error' && !accept(d.code)).map(formatDiagnostic)).toEqual([]);
  const compiled = compileSources(imported.sources);
  expect(compiled.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  return compiled.application!;
}

type Vars = Record<string, unknown>;

describe('PLCopen documents run', () => {
  it('FBD: data flow, feedback through a variable, negation, edges, EN, connectors, inline calls', () => {
    const runner = new ResourceRunner(build('fbd.xml'), 'Res');
    const fbd = () => runner.instance.programs['fbd'] as Vars;
    runner.runCycles(1);
    expect(fbd()['sum']).toBe(7); // in1 + in2
    expect(fbd()['big']).toBe(true); // 7 > 5
    expect(fbd()['chosen']).toBe(4); // SEL(big, in1, in2)
    expect(fbd()['acc']).toBe(1); // acc := acc + 1, read before it is written
    expect(fbd()['cnt']).toBe(1); // through connector c1 / continuation c1
    expect(fbd()['done']).toBe(false);
    expect(fbd()['notDone']).toBe(true); // negated output variable
    expect(fbd()['mx']).toBe(4); // MAX of two untyped literals, written inline
    expect(fbd()['prod']).toBe(6); // MUL enabled by EN = big
    expect(fbd()['both']).toBe(true); // big AND NOT flag (negated input pin)
    expect(fbd()['pulse']).toBe(true);
    expect(fbd()['edges']).toBe(1); // CTU counts rising edges of pulse
    runner.runCycles(9); // 100 ms: TON with PT 50 ms is done
    expect(fbd()['acc']).toBe(10);
    expect(fbd()['cnt']).toBe(10);
    expect(fbd()['edges']).toBe(5); // pulse toggles every cycle: a rising edge every other cycle
    expect(fbd()['done']).toBe(true);
    expect(fbd()['notDone']).toBe(false);
    fbd()['flag'] = true;
    runner.runCycles(1);
    expect(fbd()['both']).toBe(false);
  });

  it('FBD: executionOrderId overrides document order; FBD actions; RETURN in a function', () => {
    const runner = new ResourceRunner(build('fbd.xml'), 'Res');
    const use = () => runner.instance.programs['use'] as Vars;
    runner.runCycles(1);
    const o = use()['o'] as Vars;
    expect(o['a']).toBe(10); // a := x, then the FBD action Double: a := a + a
    expect(o['b']).toBe(0); // b := a ran first (executionOrderId 1), before a := x
    runner.runCycles(1);
    expect(o['b']).toBe(10);
    expect(use()['t5']).toBe(0); // 5 > 10 is false: no RETURN, Twice := 0 runs
    expect(use()['t20']).toBe(40); // RETURN after Twice := 2 * v
  });

  it('variables: constants, retain sections, addresses, initial values, globals, functions with VAR_IN_OUT', () => {
    const runner = new ResourceRunner(build('variables.xml'), 'Res');
    const main = () => runner.instance.programs['main'] as Vars;
    expect(runner.model.tasks.map((t) => t.name)).toEqual(['Fast', 'Slow', 'OnEvent']);
    runner.runCycles(1);
    expect(main()['result']).toBe(1000); // Scale(LIMIT_HI) = 100 * 10
    expect(main()['total']).toBe(1); // VAR_IN_OUT incremented by the function
    expect(main()['level']).toBe(5); // g_count's initial value, read before the increment
    expect(main()['period']).toBe(1_500_000_000);
    expect(Array.from(main()['buf'] as Int16Array)).toEqual([1, 2, 2, 2]);
    runner.runCycles(1);
    expect(main()['level']).toBe(6);
    expect(main()['total']).toBe(2);
  });

  it('data types: structures, enumerations, subranges, arrays with initial values', () => {
    const runner = new ResourceRunner(build('data-types.xml'), 'Default');
    const prog = () => Object.values(runner.instance.programs)[0] as Vars;
    const p = prog()['p'] as Vars;
    expect(p['x']).toBe(2.5);
    expect(p['label']).toBe('ab');
    expect(Array.from(prog()['t'] as ArrayLike<number>).slice(0, 3)).toEqual([7, 7, 9]);
    expect(prog()['lvl']).toBe(10); // first value of Level (Low := 10)
    expect(prog()['m']).toBe(1); // the type's initial value Mode := Run (values numbered in order)
    // elements without an initial value take the element type's: Percent := 50
    expect(Array.from(prog()['t'] as ArrayLike<number>).slice(3)).toEqual([50, 50, 50]);
    runner.runCycles(1);
    expect((prog()['p'] as Vars)['x']).toBe(3.5);
    prog()['m'] = 0; // Idle
    runner.runCycles(2);
    expect((prog()['p'] as Vars)['x']).toBe(3.5);
  });

  it('CODESYS form: actions, methods, global variable lists, ISO 8601 task interval', () => {
    const app = build('codesys-st.xml');
    const runner = new ResourceRunner(app, 'Application');
    expect(runner.model.tasks[0]!.intervalNs).toBe(10_000_000);
    runner.runCycles(3);
    const prg = runner.instance.programs['PLC_PRG'] as Vars;
    // each cycle: action Increment (+1) then method Add(100)
    expect((prg['c'] as Vars)['count']).toBe(303);
    expect(prg['n']).toBe(303);
  });

  it('unsupported bodies are stubbed so that the rest still compiles', () => {
    const app = build('unsupported.xml', (code) => code === 'E5004');
    expect(Object.keys(app.pouTypes)).toEqual(expect.arrayContaining(['CHART', 'LADDER', 'MIXED']));
  });

  it("the compiler's diagnostics point into the XML: body line and column, declaration lines", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<project xmlns="http://www.plcopen.org/xml/tc6_0201" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <types><dataTypes/><pous>
    <pou name="P" pouType="program">
      <interface>
        <localVars>
          <variable name="x"><type><INT/></type></variable>
          <variable name="m"><type><derived name="NoSuchType"/></type></variable>
        </localVars>
      </interface>
      <body><ST><xhtml:p><![CDATA[x := 1;
x := undefinedName + 1;]]></xhtml:p></ST></body>
    </pou>
  </pous></types>
</project>`;
    const where = (text: string) => {
      const imported = importPlcopen('diag.xml', text);
      expect(imported.diagnostics).toEqual([]);
      return compileSources(imported.sources).diagnostics.map((d) => `${d.range.file}:${d.range.line}:${d.range.col} ${d.code}`);
    };
    // NoSuchType is the value of the name attribute on line 8, column 51
    expect(where(xml)).toContain('diag.xml:8:51 E2003');
    // undefinedName starts line 12, column 6
    expect(where(xml.replace('NoSuchType', 'INT'))).toEqual(['diag.xml:12:6 E2001']);
  });
});
