import { afterEach, describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import type { Application } from '../../../compiler/application.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { convertValue, prepareWrite } from '../../../runtime/engine/variable-write.js';
import { parseConfig } from '../../../runtime/config/load.js';
import { IoManager } from '../../../runtime/io/io-manager.js';

function compile(text: string): Application {
  const r = compileSources([new SourceFile('variable-access.st', text)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => `${d.range.line}:${d.range.col} ${d.code} ${d.message}`).join('\n'));
  return r.application;
}

async function until<T>(probe: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not reached; last value ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const SRC = `
TYPE Pt : STRUCT x : REAL; y : INT; END_STRUCT END_TYPE
PROGRAM Main
VAR
  count : DINT;
  setpoint : REAL := 1.0;
  level : REAL;
  big : LINT;
  small : SINT;
  delay : TIME := T#20ms;
  flags : ARRAY[0..2] OF BOOL;
  p : Pt;
  t : TON;
  name : STRING[8] := 'pump';
END_VAR
VAR CONSTANT limit : INT := 5; END_VAR
count := count + 1;
level := setpoint * 2.0;
flags[1] := TRUE;
big := big + 1;
t(IN := TRUE, PT := delay);
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    VAR_GLOBAL gMode : INT := 3; END_VAR
    TASK Fast(INTERVAL := T#2ms, PRIORITY := 1);
    PROGRAM Main WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
`;

describe('Engine.variableAccess', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  it('samples raw values by dotted path on the real clock, and applies writes at a scan boundary', async () => {
    const app = compile(SRC);
    engine = await Engine.start(app, { clock: 'real' });
    const access = engine.variableAccess('Res', { samplingMs: 10 })!;
    expect(access).toBeDefined();
    const first = await until(() => access.readVars(), (v) => typeof v['Main.count'] === 'number' && (v['Main.count'] as number) > 0);
    // the flat map the OPC UA server and the bindings look up
    expect(first['gMode']).toBe(3);
    expect(first['Main.setpoint']).toBe(1);
    expect(typeof first['Main.big']).toBe('bigint');
    expect(first['Main.delay']).toBe(20_000_000);
    expect(first['Main.flags']).toEqual([false, true, false]);
    expect(first['Main.p.x']).toBe(0);
    expect(first['Main.p.y']).toBe(0);
    expect(first['Main.t.PT']).toBe(20_000_000);
    expect(typeof first['Main.t.Q']).toBe('boolean');
    expect(first['Main.name']).toBe('pump');
    expect(first['Main.limit']).toBe(5);
    const c1 = first['Main.count'] as number;
    const later = await until(() => access.readVars(), (v) => (v['Main.count'] as number) > c1);
    expect(later['Main.count'] as number).toBeGreaterThan(c1);
    // the TON reaches its preset on the real clock
    await until(() => access.readVars(), (v) => v['Main.t.Q'] === true);

    access.writeVar('Main.setpoint', 2.5);
    const after = await until(() => access.readVars(), (v) => v['Main.level'] === 5);
    expect(after['Main.setpoint']).toBe(2.5);

    // converted to the variable's type: wrapped to the width, 64-bit as bigint, REAL rounded to single
    access.writeVar('Main.small', 200);
    access.writeVar('Main.big', 1_000_000);
    access.writeVar('Main.p.x', 0.1);
    access.writeVar('Main.flags', [true, false, true]);
    access.writeVar('gMode', 7);
    access.writeVar('Main.name', 'valve');
    // a sample may come at the very boundary the writes were applied at, before the program ran again
    const w = await until(() => access.readVars(), (v) => v['Main.small'] === -56 && v['gMode'] === 7 && (v['Main.flags'] as boolean[])[1] === true);
    expect(w['Main.p.x']).toBe(Math.fround(0.1));
    expect(w['Main.flags']).toEqual([true, true, true]); // [0] and [2] written, [1] set by the program again
    expect(w['Main.name']).toBe('valve');
    expect(w['Main.big'] as bigint).toBeGreaterThanOrEqual(1_000_000n);

    // refused: unknown paths, constants, values that do not fit, structured variables
    expect(() => access.writeVar('Main.nothing', 1)).toThrow(/no variable nothing/);
    expect(() => access.writeVar('Nope', 1)).toThrow(/no variable Nope/);
    expect(() => access.writeVar('Main.limit', 1)).toThrow(/constant/);
    expect(() => access.writeVar('Main.count', 'many')).toThrow(/DINT needs/);
    expect(() => access.writeVar('Main.p', { x: 1 })).toThrow(/structured/);
    expect(() => access.writeVar('Main.flags', [true])).toThrow(/3 elements/);
    const errors: string[] = [];
    const reporting = engine.variableAccess('Res', { onError: (m) => errors.push(m) })!;
    reporting.writeVar('Main.limit', 9);
    expect(errors).toEqual(['Main.limit is a constant']);
    reporting.close();
    access.close();
  }, 60_000);

  it('converts values to the run-time representation of each type', () => {
    expect(convertValue({ kind: 'elementary', name: 'INT' }, 40000)).toEqual({ value: 40000 - 65536 });
    expect(convertValue({ kind: 'elementary', name: 'UDINT' }, -1)).toEqual({ value: 4294967295 });
    expect(convertValue({ kind: 'elementary', name: 'BYTE' }, 257)).toEqual({ value: 1 });
    expect(convertValue({ kind: 'elementary', name: 'ULINT' }, -1n)).toEqual({ value: 2n ** 64n - 1n });
    expect(convertValue({ kind: 'elementary', name: 'BOOL' }, 'TRUE')).toEqual({ value: true });
    expect(convertValue({ kind: 'elementary', name: 'TIME' }, 1.6)).toEqual({ value: 2 });
    expect(convertValue({ kind: 'enum', name: 'Mode', base: 'INT', values: [{ name: 'Off', value: 0 }, { name: 'On', value: 1 }] }, 'Mode#On')).toEqual({ value: 1 });
    expect(typeof convertValue({ kind: 'elementary', name: 'BOOL' }, 'maybe')).toBe('string');
    const app = compile(SRC);
    expect(prepareWrite(app, app.resources[0]!, 'main.SETPOINT', 3)).toEqual({ value: 3 });
  });

  it('feeds symbolic I/O bindings: a simulated tank senses into Tank.level and is driven by Tank.fill', async () => {
    const app = compile(`
PROGRAM Tank
VAR level : REAL; fill : BOOL := TRUE; high : BOOL; END_VAR
IF level > 0.8 THEN fill := FALSE; END_IF;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast(INTERVAL := T#2ms, PRIORITY := 1);
    PROGRAM Tank WITH Fast : Tank;
  END_RESOURCE
END_CONFIGURATION
`);
    const { config, diagnostics } = parseConfig(`
devices:
  - name: tank
    driver: simulation
    model: tank
    pollMs: 10
    params: { area: 1, height: 2, inflow: 0.5, outflowCoeff: 0, initialLevel: 0.5, highLevel: 1.5 }
    signals:
      inflowValve: { var: 'Tank.fill' }
      level: { var: 'Tank.level' }
      high: { var: 'Tank.high' }
`);
    expect(diagnostics).toEqual([]);
    engine = await Engine.start(app, { clock: 'real' });
    const access = engine.variableAccess('Res', { samplingMs: 10 })!;
    const io = IoManager.fromConfig(config!, { exchange: engine.exchange('Res'), app, vars: access, log: () => {} });
    await io.start();
    try {
      // the plant's level reaches the program through writeVar; the program's valve reaches the plant through readVars
      const risen = await until(() => access.readVars(), (v) => (v['Tank.level'] as number) > 0.6);
      expect(risen['Tank.fill']).toBe(true);
      const closed = await until(() => access.readVars(), (v) => v['Tank.fill'] === false);
      expect(closed['Tank.level'] as number).toBeGreaterThan(0.8);
      // with the valve shut the level holds (open, it would rise 0.5 m in this second): the plant saw the program's output
      await new Promise((r) => setTimeout(r, 1000));
      await access.refresh();
      const held = access.readVars();
      expect(held['Tank.level'] as number).toBeLessThan(0.95);
      expect(held['Tank.high']).toBe(false);
    } finally {
      await io.stop();
      access.close();
    }
  }, 60_000);
});
