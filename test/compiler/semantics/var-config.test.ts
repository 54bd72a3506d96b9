/**
 * VAR_CONFIG and VAR_ACCESS compiled and run: the configuration's initial values reach each
 * program instance (and the FB instances inside it), the addresses it completes (%I*, %Q* in
 * the declarations) are exchanged with the process image by a real scan, and the access paths
 * are in the resource's model with their direction.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFiles } from '../../../compiler/project.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { snapshotResource } from '../../../runtime/values.js';

const SOURCE = `
FUNCTION_BLOCK Motor
VAR_INPUT
  run AT %Q* : BOOL;
  speed : INT := 10;
END_VAR
VAR_OUTPUT
  fault AT %IX* : BOOL;
  level AT %IW* : INT;
END_VAR
END_FUNCTION_BLOCK

PROGRAM Line
VAR
  m1, m2 : Motor;
  count : INT := 1;
  lamp AT %QX* : BOOL;
  t : TON;
  seen : INT;
END_VAR
count := count + 1;
lamp := m1.fault;
m2.run := m1.fault;
seen := m2.level;
END_PROGRAM

CONFIGURATION Plant
VAR_GLOBAL
  gLevel : REAL := 2.5;
END_VAR
RESOURCE Cpu ON PLC
  TASK Fast (INTERVAL := T#10ms, PRIORITY := 1);
  PROGRAM L1 WITH Fast : Line;
  PROGRAM L2 WITH Fast : Line;
END_RESOURCE
VAR_ACCESS
  Level : Cpu.gLevel : REAL READ_WRITE;
  Count1 : Cpu.L1.count : INT;
  Speed2 : Cpu.L2.m2.speed : INT READ_WRITE;
END_VAR
VAR_CONFIG
  Cpu.L1.count : INT := 100;
  Cpu.L2.count : INT := 200;
  Cpu.L1.t : TON := (PT := T#2s);
  Cpu.L1.lamp AT %QX0.1 : BOOL;
  Cpu.L2.lamp AT %QX0.2 : BOOL;
  Cpu.L1.m1.run AT %QX1.0 : BOOL;
  Cpu.L1.m2.run AT %QX1.1 : BOOL;
  Cpu.L2.m1.run AT %QX1.2 : BOOL;
  Cpu.L2.m2.run AT %QX1.3 : BOOL;
  Cpu.L1.m1.fault AT %IX0.0 : BOOL;
  Cpu.L1.m2.fault AT %IX0.1 : BOOL;
  Cpu.L2.m1.fault AT %IX0.2 : BOOL;
  Cpu.L2.m2.fault AT %IX0.3 : BOOL;
  Cpu.L1.m1.level AT %IW4 : INT;
  Cpu.L1.m2.level AT %IW5 : INT;
  Cpu.L2.m1.level AT %IW6 : INT;
  Cpu.L2.m2.level AT %IW7 : INT;
  Cpu.L2.m2.speed : INT := 55;
END_VAR
END_CONFIGURATION
`;

const dir = mkdtempSync(join(tmpdir(), 'vplc-varconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile(text: string) {
  const file = join(dir, 'plant.st');
  writeFileSync(file, text);
  return compileFiles([file]);
}

describe('VAR_CONFIG', () => {
  it('gives each program instance, and the FB instances in it, its configured initial values', () => {
    const r = compile(SOURCE);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const app = r.application!;
    const model = app.resources[0]!;
    const runner = new ResourceRunner(app, model.name);
    runner.runUntil(2 * 10_000_000);
    const vars = snapshotResource(app, model, runner.instance) as Record<string, { count: number; t: { PT: string }; m2: { speed: number } }>;
    expect(vars.L1!.count).toBe(102);
    expect(vars.L2!.count).toBe(202);
    expect(vars.L1!.t.PT).toBe('T#2s');
    expect(vars.L2!.t.PT).toBe('T#0s');
    expect(vars.L2!.m2.speed).toBe(55);
    expect(vars.L1!.m2.speed).toBe(10);
  });

  it('completes the incomplete addresses: the scan reads and writes them in the process image', () => {
    const app = compile(SOURCE).application!;
    const model = app.resources[0]!;
    expect(model.located).toEqual(expect.arrayContaining([
      { address: '%QX1.0', path: 'L1.m1.run', type: 'BOOL' },
      { address: '%IX0.2', path: 'L2.m1.fault', type: 'BOOL' },
      { address: '%IW7', path: 'L2.m2.level', type: 'INT' },
      { address: '%QX0.2', path: 'L2.lamp', type: 'BOOL' },
    ]));
    const runner = new ResourceRunner(app, model.name);
    // L2.m1.fault (%IX0.2) on: L2 lights its lamp (%QX0.2) and runs its m2 (%QX1.3); L1 does neither
    runner.image.inputBits[0] = 0b0100;
    runner.image.inputWords[7] = 1234;
    runner.runUntil(10_000_000);
    expect(runner.image.outputBits[0]! & 0b0110).toBe(0b0100);
    expect(runner.image.outputBits[1]! & 0b1111).toBe(0b1000);
    const vars = snapshotResource(app, model, runner.instance) as Record<string, { seen: number; lamp: boolean }>;
    expect(vars.L2!.seen).toBe(1234);
    expect(vars.L1!.seen).toBe(0);
    expect(vars.L1!.lamp).toBe(false);
  });
});

describe('VAR_ACCESS', () => {
  it('lists the access paths of the resource with their variable path, type and direction', () => {
    const app = compile(SOURCE).application!;
    expect(app.resources[0]!.access).toEqual([
      { name: 'Level', path: 'gLevel', type: { kind: 'elementary', name: 'REAL' }, readOnly: false },
      { name: 'Count1', path: 'L1.count', type: { kind: 'elementary', name: 'INT' }, readOnly: true },
      { name: 'Speed2', path: 'L2.m2.speed', type: { kind: 'elementary', name: 'INT' }, readOnly: false },
    ]);
  });

  it('a configuration without RESOURCE is its own resource: paths may leave it out', () => {
    const r = compile(`
PROGRAM P
VAR x : INT; y AT %Q* : BOOL; END_VAR
x := x + 1;
END_PROGRAM
CONFIGURATION C
TASK T (INTERVAL := T#10ms, PRIORITY := 1);
PROGRAM Main WITH T : P;
VAR_ACCESS X : Main.x : INT; END_VAR
VAR_CONFIG Main.x : INT := 41; C.Main.y AT %QX0.0 : BOOL; END_VAR
END_CONFIGURATION
`);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const app = r.application!;
    expect(app.resources[0]!.access).toEqual([{ name: 'X', path: 'Main.x', type: { kind: 'elementary', name: 'INT' }, readOnly: true }]);
    const runner = new ResourceRunner(app, app.resources[0]!.name);
    runner.runUntil(10_000_000);
    expect((snapshotResource(app, app.resources[0]!, runner.instance) as { Main: { x: number } }).Main.x).toBe(42);
  });
});

describe('VAR_CONFIG as CODESYS writes it (a global variable list outside any CONFIGURATION)', () => {
  const CODESYS = `
FUNCTION_BLOCK locio
VAR
  xLocIn AT %I* : BOOL;
  xLocOut AT %Q* : BOOL;
END_VAR
xLocOut := xLocIn;
END_FUNCTION_BLOCK
PROGRAM PLC_PRG
VAR
  locioVar1, locioVar2 : locio;
END_VAR
locioVar1();
locioVar2();
END_PROGRAM
VAR_CONFIG
  PLC_PRG.locioVar1.xLocIn AT %IX1.0 : BOOL;
  PLC_PRG.locioVar1.xLocOut AT %QX0.0 : BOOL;
  PLC_PRG.locioVar2.xLocIn AT %IX1.1 : BOOL;
END_VAR
`;

  it('completes the addresses of a lone program, and names an incomplete one left out', () => {
    const bad = compile(CODESYS);
    expect(bad.diagnostics.map((d) => `${d.range.line} ${d.code} ${d.message}`)).toEqual([
      '17 E2014 PLC_PRG.locioVar2.xLocOut is declared AT %Q*: give its address in VAR_CONFIG (PLC_PRG.locioVar2.xLocOut AT %QX0.0 : BOOL;)',
    ]);
    const r = compile(CODESYS.replace('%IX1.1 : BOOL;\n', '%IX1.1 : BOOL;\n  PLC_PRG.locioVar2.xLocOut AT %QX0.3 : BOOL;\n'));
    expect(r.diagnostics).toEqual([]);
    const app = r.application!;
    const runner = new ResourceRunner(app, app.resources[0]!.name);
    runner.image.inputBits[1] = 0b10; // %IX1.1: locioVar2's input
    runner.runUntil(10_000_000);
    expect(runner.image.outputBits[0]).toBe(0b1000); // %QX0.3 on, %QX0.0 off
  });
});
