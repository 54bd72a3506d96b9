import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPlc, TankModel } from '../../runtime/testing/index.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const source = here('./tank_level.st');

describe('tank-level sample', () => {
  it('the PID brings the simulated tank of plc.yaml to the setpoint and holds it', () => {
    const plc = loadPlc(source, { config: here('./plc.yaml') });
    plc.advance('2m');
    expect(plc.value('Level.level')).toBeCloseTo(1.2, 1);
    // settled: the level stays within 2 cm over the next minute
    for (let i = 0; i < 6; i++) {
      plc.advance('10s');
      expect(Math.abs(plc.value('Level.level') - 1.2)).toBeLessThan(0.02);
    }
    expect(plc.plant('tank').values[plc.plant('tank').index('level')]).toBeCloseTo(plc.value('Level.level'), 5);
  });

  it('follows a new setpoint written while running', () => {
    const plc = loadPlc(source, { config: here('./plc.yaml') });
    plc.advance('2m');
    plc.write('Level.setpoint', 0.8);
    plc.advance('3m');
    expect(plc.value('Level.level')).toBeCloseTo(0.8, 1);
  });

  it('drives an on/off valve by PWM as well (a tank bound to %QX0.0 only)', () => {
    const plc = loadPlc(source);
    const tank = new TankModel({ area: 1, height: 2, inflow: 0.05, outflowCoeff: 0.02, initialLevel: 0.3 });
    const b = plc.bindPlant(tank, { inflowValve: '%QX0.0', outflowValve: '%QX0.1', level: '%ID0', high: '%IX0.0', low: '%IX0.1' });
    plc.advance('4m');
    expect(Number(b.signal('level'))).toBeGreaterThan(1.1);
    expect(Number(b.signal('level'))).toBeLessThan(1.3);
  });

  it('the high-level switch closes the inflow whatever the controller says', () => {
    const plc = loadPlc(source);
    plc.write('Level.setpoint', 5); // an impossible setpoint: the PID asks for a full valve
    plc.setInput('%ID0', 1.0).setInput('%IX0.0', true);
    plc.advance('1s');
    expect(plc.value('Level.controller.out')).toBe(1);
    expect(plc.image('%QD1')).toBe(0);
    expect(plc.image('%QX0.0')).toBe(false);
    plc.release('%IX0.0').setInput('%IX0.0', false).advance('10ms');
    expect(plc.image('%QD1')).toBe(1);
  });

  it('raises the alarm when the low switch holds for 30 s', () => {
    const plc = loadPlc(source);
    plc.setInput('%IX0.1', true).advance('29s');
    expect(plc.read('Level.alarm')).toBe(false);
    plc.advance('1s');
    expect(plc.read('Level.alarm')).toBe(true);
  });
});
