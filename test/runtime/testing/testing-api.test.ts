import { describe, expect, it } from 'vitest';
import { loadSt, MotorModel, ProjectError, durationNs } from '../../../runtime/testing/index.js';

const COUNTER = `
TYPE Mode : (Off, Slow, Fast); END_TYPE
PROGRAM Main
VAR
  start AT %IX0.0 : BOOL;
  speed AT %IW1 : INT;
  lamp AT %QX0.0 : BOOL;
  level AT %QD2 : REAL;
  t : TON;
  n : UDINT;
  big : LINT;
  mode : Mode;
  delay : TIME := T#2s;
  arr : ARRAY[1..3] OF INT;
END_VAR
t(IN := start, PT := delay);
lamp := t.Q;
n := n + 1;
arr[2] := speed * 2;
level := INT_TO_REAL(speed) / 4.0;
END_PROGRAM
`;

describe('vplc/testing: 61131 projects', () => {
  it('advances the virtual clock by durations, inclusive of the end instant', () => {
    const plc = loadSt(COUNTER);
    plc.advance('0s');
    expect(plc.read('Main.n')).toBe(1); // the release at 0
    plc.advance('1s');
    expect(plc.read('Main.n')).toBe(101);
    expect(plc.timeNs).toBe(1e9);
    plc.scans(5);
    expect(plc.read('Main.n')).toBe(106);
    expect(plc.timeNs).toBe(1.05e9);
  });

  it('forces inputs, reads outputs from the image and variables by path', () => {
    const plc = loadSt(COUNTER);
    plc.setInput('%IX0.0', true).setInput('%IW1', -8);
    plc.advance('1990ms');
    expect(plc.image('%QX0.0')).toBe(false);
    plc.advance('10ms');
    expect(plc.image('%QX0.0')).toBe(true);
    expect(plc.read('Main.t')).toMatchObject({ Q: true, ET: 'T#2s' });
    expect(plc.read('Main.arr[2]')).toBe(-16);
    expect(plc.image('%QD2')).toBe(-2);
    expect(() => plc.setInput('%QX0.0', true)).toThrow(/only inputs/);
  });

  it('writes variables with IEC values: TIME literals, enums, 64-bit integers', () => {
    const plc = loadSt(COUNTER);
    plc.write('Main.delay', 'T#100ms').write('Main.mode', 'Mode#Fast').write('Main.big', 2n ** 60n);
    plc.setInput('%IX0.0', true).advance('100ms');
    expect(plc.read('Main.lamp')).toBe(true);
    expect(plc.read('Main.mode')).toBe('Mode#Fast');
    expect(plc.read('Main.big')).toBe(String(2n ** 60n));
    expect(() => plc.write('Main.mode', 'Medium')).toThrow(/not a value of Mode/);
    expect(() => plc.read('Main.nothing')).toThrow(/no variable 'nothing'/);
    expect(() => plc.read('Main.arr[4]')).toThrow(/outside 1\.\.3/);
  });

  it('value() gives numbers only and sends BOOL and enums to read()', () => {
    const plc = loadSt(COUNTER);
    plc.setInput('%IW1', 12).write('Main.mode', 'Mode#Slow').scans(1);
    expect(plc.value('Main.level')).toBe(3);
    expect(plc.value('Main.delay')).toBe(2e9);
    expect(plc.value('Main.arr[2]')).toBe(24);
    expect(() => plc.value('Main.lamp')).toThrow("Main.lamp is BOOL, not a number: use read('Main.lamp'), which gives true or false");
    expect(() => plc.value('Main.mode')).toThrow("Main.mode is Mode (an enum), not a number: use read('Main.mode'), which gives 'Type#Value'");
    expect(plc.read('Main.mode')).toBe('Mode#Slow');
    expect(plc.read('Main.lamp')).toBe(false);
  });

  it('reads a VAR_EXTERNAL as the global it names', () => {
    const plc = loadSt(`CONFIGURATION Cell
VAR_GLOBAL gLimit : INT := 42; END_VAR
RESOURCE R ON PLC
  TASK T (INTERVAL := T#10ms, PRIORITY := 1);
  PROGRAM Use WITH T : UseLimit;
END_RESOURCE
END_CONFIGURATION
PROGRAM UseLimit
VAR_EXTERNAL gLimit : INT; END_VAR
VAR seen : INT; END_VAR
seen := gLimit;
END_PROGRAM
`);
    plc.scans(1);
    expect(plc.read('Use.gLimit')).toBe(42);
    plc.write('Use.gLimit', 7).scans(1);
    expect(plc.read('gLimit')).toBe(7);
    expect(plc.read('Use.seen')).toBe(7);
  });

  it('until() scans until a condition holds and says how long it took', () => {
    const plc = loadSt(COUNTER);
    plc.setInput('%IX0.0', true);
    const took = plc.until((p) => p.read('Main.lamp') === true);
    expect(took).toBe(2e9);
    expect(() => loadSt(COUNTER).until(() => false, '50ms')).toThrow(/not met within 50ms/);
  });

  it('binds a plant model to variables and steps it with the scans', () => {
    const plc = loadSt(`PROGRAM Main VAR run : BOOL := TRUE; target : REAL := 1500.0; speed : REAL; ready : BOOL; END_VAR END_PROGRAM`);
    const motor = new MotorModel();
    plc.bindPlant(motor, { enable: 'Main.run', setpoint: 'Main.target', speed: 'Main.speed', atSpeed: 'Main.ready' });
    plc.advance('30s');
    expect(plc.value('Main.speed')).toBeGreaterThan(1400);
    plc.write('Main.run', false).advance('30s');
    expect(plc.value('Main.speed')).toBeLessThan(100);
  });

  it('reports faults without throwing, and compile errors as a ProjectError', () => {
    const plc = loadSt('PROGRAM Main VAR d : INT; x : INT; END_VAR x := 10 / d; END_PROGRAM');
    plc.advance('50ms');
    expect(plc.faults[0]).toMatchObject({ kind: 'DIVISION_BY_ZERO', pou: 'Main' });
    expect(() => loadSt('PROGRAM Main x := 1; END_PROGRAM')).toThrow(ProjectError);
    expect(() => loadSt('PROGRAM Main x := 1; END_PROGRAM')).toThrow(/test\.st:1:\d+: error E\d+/);
  });

  it('parses durations', () => {
    expect(durationNs('T#1m30s')).toBe(90e9);
    expect(durationNs('1.5s')).toBe(1.5e9);
    expect(durationNs('250us')).toBe(250e3);
    expect(durationNs(42)).toBe(42);
    expect(() => durationNs('soon')).toThrow(/not a duration/);
  });
});
