import { afterEach, describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import type { Application } from '../../../compiler/application.js';
import { createImageView } from '../../../compiler/contract/process-image.js';
import { readRaw, parseAddress, type ImageAddress } from '../../../compiler/contract/address.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { until } from '../../support/wait.js';

function compile(text: string): Application {
  const r = compileSources([new SourceFile('forcing.st', text)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => `${d.range.line}:${d.range.col} ${d.code} ${d.message}`).join('\n'));
  return r.application;
}

// the program writes every variable each scan: a force has to win against it
const SRC = `
PROGRAM Main
VAR
  count : DINT;
  speed : INT;
  start AT %IX0.0 : BOOL;
  running AT %QX0.0 : BOOL;
  level AT %IW0 : INT;
  copy : INT;
  out AT %QW1 : INT;
  mode : DINT;
END_VAR
count := count + 1;
speed := 7;
running := start;
copy := level;
out := 11;
mode := count;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast(INTERVAL := T#2ms, PRIORITY := 1);
    PROGRAM Main WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
`;

function address(text: string): ImageAddress {
  const a = parseAddress(text);
  if (typeof a === 'string') throw new Error(a);
  return a;
}

describe('forcing', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  it('keeps a forced variable against the program, and the program takes over after unforce', async () => {
    engine = await Engine.start(compile(SRC), { clock: 'real' });
    const vars = engine.variableAccess('Res', { samplingMs: 5 })!;
    await until(() => vars.readVars()['Main.speed'] === 7, 'the forced values in the scan');
    engine.force('Res', 'Main.speed', 42);
    expect(engine.forced()).toEqual({ Res: { 'Main.speed': 42 } });
    await until(() => vars.readVars()['Main.speed'] === 42, 'the forced values in the scan');
    // many scans later it is still forced, though the program writes 7 every scan
    const c0 = vars.readVars()['Main.count'] as number;
    await until(() => (vars.readVars()['Main.count'] as number) > c0 + 20, 'the forced values in the scan');
    expect(vars.readVars()['Main.speed']).toBe(42);
    expect(engine.unforce('Res', 'main.SPEED')).toBe(true);
    expect(engine.forced()).toEqual({});
    await until(() => vars.readVars()['Main.speed'] === 7, 'the forced values in the scan');
    expect(engine.unforce('Res', 'Main.speed')).toBe(false);
  });

  it('forces an input address against the I/O and an output address against the program', async () => {
    engine = await Engine.start(compile(SRC), { clock: 'real' });
    const ex = engine.exchange('Res');
    const vars = engine.variableAccess('Res', { samplingMs: 5 })!;
    // the I/O side says level 5 and start FALSE; the forces say 1234 and TRUE
    ex.writeInputs((v) => {
      v.inputWords[0] = 5;
      v.inputBits[0] = 0;
    });
    await until(() => vars.readVars()['Main.copy'] === 5, 'the forced values in the scan');
    engine.force('Res', '%IW0', 1234);
    engine.force('Res', '%ix0.0', true);
    engine.force('Res', '%QW1', 99);
    expect(engine.forced()).toEqual({ Res: { '%IW0': 1234, '%IX0.0': true, '%QW1': 99 } });
    await until(() => vars.readVars()['Main.copy'] === 1234 && vars.readVars()['Main.running'] === true, 'the forced values in the scan');
    // a new input update from the I/O does not undo the forces
    ex.writeInputs((v) => {
      v.inputWords[0] = 6;
    });
    // a Modbus client writing the forced holding register does not either
    ex.writeOutput('QW', 1, 3);
    const outputs = createImageView();
    const s0 = ex.scanCount();
    await until(() => ex.scanCount() > s0 + 10, 'the forced values in the scan');
    ex.readOutputs(outputs);
    expect(readRaw(outputs, address('%QW1'))).toBe(99);
    expect(readRaw(outputs, address('%QX0.0'))).toBe(true);
    expect(vars.readVars()['Main.copy']).toBe(1234);
    engine.unforce('Res', '*');
    expect(engine.forced()).toEqual({});
    await until(() => vars.readVars()['Main.copy'] === 6 && vars.readVars()['Main.running'] === false, 'the forced values in the scan');
    await until(() => {
      ex.readOutputs(outputs);
      return readRaw(outputs, address('%QW1')) === 11;
    }, 'the forced values in the scan');
  });

  it('refuses bad forces with a message and forces nothing', async () => {
    engine = await Engine.start(compile(SRC), { clock: 'real' });
    expect(() => engine!.force('Res', 'Main.nope', 1)).toThrow('Main.nope: no variable nope in resource Res');
    expect(() => engine!.force('Res', 'Main.speed', 40000)).toThrow('Main.speed: 40000 is out of the range of INT (-32768 … 32767)');
    expect(() => engine!.force('Res', 'Main.speed', 'fast')).toThrow('Main.speed: INT takes a whole number, not "fast"');
    expect(() => engine!.force('Res', 'Main.start', 2)).toThrow('Main.start: BOOL takes TRUE or FALSE, not 2');
    expect(() => engine!.force('Res', '%IX0.9', true)).toThrow('the bit number must be 0 to 7');
    expect(() => engine!.force('Res', '%IW0', 70000)).toThrow('70000 does not fit the 16 bits of %IW0 (-32768 … 65535)');
    expect(engine.forced()).toEqual({});
  });

  it('takes forces before the first scan, lists them with the result, and never carries them over a restart', async () => {
    const app = compile(SRC);
    engine = await Engine.start(app, { clock: 'virtual', cycles: 5, forces: { Res: { 'Main.mode': -3 } } });
    const r = await engine.done;
    expect((r.vars['Main'] as Record<string, unknown>)['mode']).toBe(-3);
    expect(engine.forced()).toEqual({ Res: { 'Main.mode': -3 } });
    await engine.restart('Res', 'cold');
    expect(engine.forced()).toEqual({});
  });
});
