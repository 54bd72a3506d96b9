import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ConveyorModel, loadSystem } from '../../runtime/testing/index.js';

const sys = fileURLToPath(new URL('./sorting.sys', import.meta.url));

function line() {
  const app = loadSystem(sys);
  // a 2 m belt at 0.5 m/s, a part placed every 3 s: one reaches the photo eye every 3 s
  const belt = new ConveyorModel({ length: 2, speed: 0.5, partEvery: 3, sensorWidth: 0.1 });
  // through the process image, as the IX/QX blocks see it (and plc.yaml binds the real plant)
  app.bindPlant(belt, { run: '%QX0.0', partAtEnd: '%IX0.0' });
  return { app, belt };
}

describe('sorting-conveyor sample (IEC 61499: .sys, basic and composite FB types, E_CYCLE)', () => {
  it('E_CYCLE scans the cell every 10 ms', () => {
    const { app } = line();
    const clock = app.watch('PLC.Line.CLOCK.EO');
    app.advance('1s');
    expect(clock.count).toBe(100);
    expect(clock.times.slice(0, 3)).toEqual([10e6, 20e6, 30e6]);
    expect(app.read('PLC.Line.CELL.S.RUN')).toBe(true);
  });

  it('sorts each part once as it reaches the end, every third to inspection', () => {
    const { app, belt } = line();
    const sorted = app.watch('PLC.Line.CELL.S.SORTED');
    app.advance('62s');
    // the first part reaches the eye after (2 - 0.1) / 0.5 = 3.8 s, then one every 3 s (the
    // plant places a part at the first 10 ms step at least 3 s after the last: 3.01 s apart)
    expect(sorted.count).toBe(20);
    expect(app.read('PLC.Line.CELL.N.CV')).toBe(20); // the composite's counter saw each SORTED
    expect(app.read('PLC.Line.CELL.S.TO_INSPECTION')).toBe(6);
    expect(belt.values[belt.index('delivered')]).toBeGreaterThanOrEqual(19);
    expect(sorted.times[1]! - sorted.times[0]!).toBeGreaterThanOrEqual(3e9);
    expect(sorted.times[1]! - sorted.times[0]!).toBeLessThanOrEqual(3.02e9);
    expect(app.faults).toEqual([]);
  });

  it('stops the belt when disabled, and no part is sorted meanwhile', () => {
    const { app, belt } = line();
    app.advance('10s');
    app.write('PLC.Line.CELL.S.ENABLE', false);
    app.advance('20ms');
    expect(app.read('PLC.Line.CELL.S.RUN')).toBe(false);
    const at = app.read('PLC.Line.CELL.N.CV');
    const pos = belt.values[belt.index('position')];
    app.advance('30s');
    expect(app.read('PLC.Line.CELL.N.CV')).toBe(at);
    expect(belt.values[belt.index('position')]).toBe(pos);
    app.write('PLC.Line.CELL.S.ENABLE', true).advance('10s');
    expect(Number(app.read('PLC.Line.CELL.N.CV'))).toBeGreaterThan(Number(at));
  });

  it('an event fired from outside runs the chain at once', () => {
    const { app } = line();
    const cnf = app.watch('PLC.Line.CELL.S.CNF');
    app.advance('0s');
    app.fire('PLC.Line.CELL.S.REQ');
    expect(cnf.count).toBe(1);
  });
});
