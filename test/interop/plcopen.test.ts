/**
 * Beremiz projects (PLCopen TC6 XML as Beremiz writes it) from ../shared/fixtures/plcopen:
 * their ST, FBD, LD and IL POUs compile and run with the values Beremiz would compute; SFC
 * bodies are reported, not ignored.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPlcopen } from '../../compiler/plcopen/import.js';
import { compileSources } from '../../compiler/project.js';
import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { SourceFile } from '../../compiler/source.js';
import type { Application } from '../../compiler/application.js';
import { ResourceRunner } from '../../runtime/engine/resource-runner.js';

const fixtures = fileURLToPath(new URL('../../../shared/fixtures/plcopen/', import.meta.url));
const present = existsSync(fixtures);
if (!present) console.warn(`PLCopen interop tests skipped: ${fixtures} is absent (the Beremiz fixtures live beside the project)`);

function load(name: string) {
  const path = fixtures + name;
  return importPlcopen(path, readFileSync(path, 'utf8'));
}

function compile(sources: SourceFile[]): Application {
  const r = compileSources(sources);
  expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  expect(r.application).toBeDefined();
  return r.application!;
}

/**
 * Beremiz's logging library (LOGGER, LOGLEVEL) is part of its C runtime, not of IEC 61131-3.
 * This ST stand-in keeps what the fixtures can observe: the last message logged on a rising TRIG.
 */
const BEREMIZ_LOGGER = new SourceFile('beremiz-logger.st', `
TYPE LOGLEVEL : (CRITICAL, WARNING, INFO, DEBUG); END_TYPE
FUNCTION_BLOCK LOGGER
  VAR_INPUT TRIG : BOOL; MSG : STRING; LEVEL : LOGLEVEL; END_VAR
  VAR_OUTPUT last : STRING; count : INT; END_VAR
  VAR edge : R_TRIG; END_VAR
  edge(CLK := TRIG);
  IF edge.Q THEN last := MSG; count := count + 1; END_IF;
END_FUNCTION_BLOCK
`);

describe.skipIf(!present)('PLCopen interop: Beremiz fixtures', () => {
  it('first_steps: every POU (ST, FBD, LD, IL, SFC) is translated without a diagnostic', () => {
    const r = load('exemples_first_steps.xml');
    expect(r.diagnostics.map((d) => `${d.range.line} ${d.code} ${d.message.split(':')[0]}`)).toEqual([]);
    expect(r.diagnostics.every((d) => d.range.file.endsWith('exemples_first_steps.xml'))).toBe(true);
  });

  it('first_steps: the ST, FBD, IL, LD and SFC counters and the FBD program run', () => {
    const r = load('exemples_first_steps.xml');
    // the unsupported POUs are declared with empty bodies, so the rest compiles and runs
    const app = compile(r.sources);
    const runner = new ResourceRunner(app, 'resource1');
    const prg = () => runner.instance.programs['plc_task_instance'] as Record<string, unknown>;
    runner.runCycles(5);
    expect(prg()['Cnt1']).toBe(5); // CounterST (ST)
    expect(prg()['Cnt2']).toBe(5); // CounterFBD (FBD with a feedback loop through Cnt)
    expect(prg()['Cnt3']).toBe(5); // CounterSFC: Start → Count in the first scan, which counts in every scan
    // CounterIL: LD Reset, JMPC ResetCnt, LD Cnt, ADD 1, JMP QuitFb … QuitFb: ST Cnt, ST Out
    expect(prg()['Cnt4']).toBe(5);
    // CounterLD: contact Reset drives SEL's G; SEL(Reset, Cnt + 1, ResetCounterValue) → Cnt → Out
    expect(prg()['Cnt5']).toBe(5);
    expect(prg()['AVCnt']).toBeCloseTo((5 + 5 + 5 + 5 + 5) / 5, 5); // AverageVal (ST function) called from FBD
    (prg() as Record<string, unknown>)['Reset'] = true;
    runner.runCycles(1);
    expect(prg()['Cnt1']).toBe(17); // ResetCounterValue, a configuration constant
    expect(prg()['Cnt2']).toBe(17);
    expect(prg()['Cnt4']).toBe(17);
    expect(prg()['Cnt5']).toBe(17);
    runner.runCycles(2); // Reset held: every counter stays at the reset value
    expect([prg()['Cnt1'], prg()['Cnt2'], prg()['Cnt4'], prg()['Cnt5']]).toEqual([17, 17, 17, 17]);
    (prg() as Record<string, unknown>)['Reset'] = false;
    runner.runCycles(3);
    expect([prg()['Cnt1'], prg()['Cnt2'], prg()['Cnt4'], prg()['Cnt5']]).toEqual([20, 20, 20, 20]);
  });

  it('first_steps: the SFC counter steps through Start, ResetCounter and Count', () => {
    const r = load('exemples_first_steps.xml');
    const app = compile(r.sources);
    const runner = new ResourceRunner(app, 'resource1');
    const prg = () => runner.instance.programs['plc_task_instance'] as Record<string, unknown>;
    const sfc = () => prg()['CounterSFC0'] as Record<string, { X: boolean }>;
    const active = () => ['Start', 'ResetCounter', 'Count'].filter((s) => sfc()[s]!.X);
    const cnt3: unknown[] = [];
    const steps: string[][] = [];
    const scan = (reset: boolean) => {
      prg()['Reset'] = reset;
      runner.runCycles(1);
      cnt3.push(prg()['Cnt3']);
      steps.push(active());
    };
    for (let i = 0; i < 3; i++) scan(false);
    for (let i = 0; i < 3; i++) scan(true);
    for (let i = 0; i < 3; i++) scan(false);
    expect(steps).toEqual([
      ['Count'], ['Count'], ['Count'], // NOT Reset: Start → Count in the first scan
      ['Start'], ['ResetCounter'], ['ResetCounter'], // Reset: Count → Start (jump), then Start → ResetCounter
      ['Start'], ['Count'], ['Count'], // NOT Reset: back to Start, then Count
    ]);
    // Count's actions (Cnt := Cnt + 1; OUT := Cnt) run once more in the scan Count is left (the
    // standard's final scan: 4); ResetCounter's put ResetCounterValue (17) out, also in its final scan
    expect(cnt3).toEqual([1, 2, 3, 4, 17, 17, 17, 18, 19]);
  });

  it('modbus: the addresses of Beremiz\'s Modbus extension are reported at their XML line', () => {
    const r = load('exemples_modbus.xml');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const compiled = compileSources(r.sources);
    // %QW0.0.0.0 is bus.node.register.bit in Beremiz's Modbus plugin; vPLC maps Modbus by OpenPLC's plan
    expect(compiled.diagnostics.map((d) => `${d.range.line} ${d.code}`)).toEqual(['35 E2010', '40 E2010', '45 E2010', '50 E2010']);
  });

  it('modbus: the FBD program counts the pulses of the ST generator', () => {
    // the same project without the plugin's addresses (they only bind variables to its Modbus stack)
    const path = fixtures + 'exemples_modbus.xml';
    const r = importPlcopen(path, readFileSync(path, 'utf8').replace(/ address="%[^"]*"/g, ''));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const app = compile(r.sources);
    const runner = new ResourceRunner(app, 'resource1');
    const prg = () => runner.instance.programs['instance0'] as Record<string, unknown>;
    // task0 runs every 20 ms; Generator0 is on 1 s, off 1 s, first rising edge after 1 s
    runner.runCycles(25);
    expect(prg()['Counter']).toBe(0);
    runner.runCycles(75); // 2 s
    expect(prg()['Counter']).toBe(1);
    expect(prg()['MasterWriteToReg0']).toBe(1);
    runner.runCycles(100); // 4 s
    expect(prg()['Counter']).toBe(2);
  });

  for (const [file, prefix, period] of [
    ['tests_projects_logging.xml', 'IEC side logging: beat #', 3],
    ['tests_projects_c_runtime.xml', 'C runtime log OK #', 1],
  ] as const) {
    it(`${file}: the FBD program builds its log messages`, () => {
      const r = load(file);
      const warnings = r.diagnostics.map((d) => `${d.code} ${d.range.line}:${d.range.col}`);
      expect(warnings).toEqual(file.includes('c_runtime') ? ['W5002 46:1'] : []);
      // without the Beremiz library the only errors are about it
      const bare = compileSources(r.sources);
      expect(hasErrors(bare.diagnostics)).toBe(true);
      for (const d of bare.diagnostics.filter((x) => x.severity === 'error')) expect(formatDiagnostic(d)).toMatch(/LOGGER|LOGLEVEL|INFO/i);

      const app = compile([BEREMIZ_LOGGER, ...r.sources]);
      const runner = new ResourceRunner(app, 'resource1');
      const prg = () => runner.instance.programs['prg'] as Record<string, Record<string, unknown>>;
      runner.runCycles(1);
      expect(prg()['count']).toBe(1);
      expect(prg()['LOGGER0']!['last']).toBe(`${prefix}1`);
      // beat rises again one TOF period (plus two 100 ms cycles) later
      runner.runCycles((period * 10 + 2) * 2 + 1); // one cycle of margin for the timer's boundary
      expect(prg()['count']).toBe(3);
      expect(prg()['LOGGER0']!['last']).toBe(`${prefix}3`);
      expect(prg()['LOGGER0']!['count']).toBe(3);
    });
  }

  it('modbus_test_tcp: imports cleanly and its POUs are translated', () => {
    const r = load('tests_projects_modbus_test_tcp.xml');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const text = r.sources[0]!.text;
    expect(text).toContain('FUNCTION_BLOCK TestAllEqual');
    expect(text).toContain('TestAllEqual0();');
    const compiled = compileSources(r.sources);
    // every diagnostic the compiler has points into the XML file
    for (const d of compiled.diagnostics) expect(d.range.file).toMatch(/tests_projects_modbus_test_tcp\.xml$/);
  });
});
