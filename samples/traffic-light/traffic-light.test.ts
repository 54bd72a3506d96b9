import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPlc } from '../../runtime/testing/index.js';

const source = fileURLToPath(new URL('./traffic_light.st', import.meta.url));

describe('traffic-light sample', () => {
  it('keeps cars on green until the button is pressed, then cycles through the walk phase', () => {
    const plc = loadPlc(source);
    plc.advance('10s');
    expect(plc.image('%QX0.2')).toBe(true); // green
    expect(plc.read('Light.crossing.phase')).toBe('Phase#CarsGreen');

    plc.setInput('%IX0.0', true).scans(2).setInput('%IX0.0', false);
    plc.advance('10ms');
    expect(plc.read('Light.crossing.phase')).toBe('Phase#CarsYellow');
    expect(plc.image('%QX0.1')).toBe(true);
    expect(plc.image('%QX0.2')).toBe(false);

    plc.advance('2050ms'); // each phase's timer starts at the first scan in it
    expect(plc.image('%QX0.3')).toBe(true); // walk
    expect(plc.image('%QX0.0')).toBe(true); // red
    plc.advance('5050ms');
    expect(plc.read('Light.crossing.phase')).toBe('Phase#CarsRedYellow');
    plc.advance('1050ms');
    expect(plc.image('%QX0.2')).toBe(true);
    expect(plc.read('Light.crossing.crossings')).toBe(1);
  });

  it('the simulated pedestrian of the slow task presses every 20 s', () => {
    const plc = loadPlc(source);
    plc.advance('10m');
    const n = plc.value('Light.crossing.crossings');
    // 600 s / 20 s presses, each served after its 3 s minimum green
    expect(n).toBeGreaterThanOrEqual(28);
    expect(n).toBeLessThanOrEqual(30);
    expect(plc.faults).toEqual([]);
  });

  it('shows the walk lamp only while the car lights are red', () => {
    const plc = loadPlc(source);
    for (let i = 0; i < 3000; i++) {
      plc.scans(1);
      if (plc.image('%QX0.3')) {
        expect(plc.image('%QX0.0')).toBe(true);
        expect(plc.image('%QX0.2')).toBe(false);
      }
    }
  });
});
