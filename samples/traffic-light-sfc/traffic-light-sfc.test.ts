import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPlc } from '../../runtime/testing/index.js';

const sample = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** The car lights and walk lamp as one string: R, Y, G, W for the lamps that are on. */
function lamps(plc: ReturnType<typeof loadPlc>): string {
  return ['%QX0.0', '%QX0.1', '%QX0.2', '%QX0.3'].map((a, i) => (plc.image(a) ? 'RYGW'[i] : '')).join('');
}

/**
 * The same crossing drawn twice: with Boolean actions, ST and an FBD timer; and with Ladder
 * (LD actions whose coils follow the step flags, a TON in a rung drawn in the chart, LD and IL
 * transitions). Both must light the lamps at the same instants.
 */
describe.each([
  ['Boolean actions, ST and FBD', 'traffic_light_sfc.xml'],
  ['Ladder actions and conditions, IL transitions', 'traffic_light_sfc_ladder.xml'],
])('traffic-light-sfc sample (PLCopen SFC as OpenPLC Editor writes it): %s', (_what, file) => {
  const source = sample(file);

  it('keeps cars on green without a request', () => {
    const plc = loadPlc(source);
    plc.advance('30s');
    expect(lamps(plc)).toBe('G');
    expect(plc.read('Light.CarsGreen.X')).toBe(true);
    expect(plc.faults).toEqual([]);
  });

  it('serves a request after the minimum green: yellow 2 s (TON), walk 5 s, red-yellow 1 s (step times)', () => {
    const plc = loadPlc(source);
    plc.advance('1s');
    plc.setInput('%IX0.0', true).scans(1).setInput('%IX0.0', false);
    expect(plc.read('Light.request')).toBe(true);
    plc.advance('1980ms'); // t = 2.99 s: the minimum green (CarsGreen.T >= T#3s) is not over
    expect(lamps(plc)).toBe('G');
    const yellowAt = plc.timeNs + plc.until((p) => lamps(p) === 'Y');
    expect(yellowAt).toBe(3_000_000_000);
    // the TON drawn in the chart starts in the scan after CarsYellow's activation
    const walkAt = plc.timeNs + plc.until((p) => lamps(p) === 'RW');
    expect(walkAt - yellowAt).toBe(2_010_000_000);
    expect(plc.read('Light.request')).toBe(false);
    const redYellowAt = plc.timeNs + plc.until((p) => lamps(p) === 'RY');
    expect(redYellowAt - walkAt).toBe(5_000_000_000);
    const greenAt = plc.timeNs + plc.until((p) => lamps(p) === 'G');
    expect(greenAt - redYellowAt).toBe(1_000_000_000);
    plc.advance('20s'); // no new request: green stays
    expect(lamps(plc)).toBe('G');
  });

  it('never shows the walk lamp unless the cars have red, nor green with red', () => {
    const plc = loadPlc(source);
    for (let i = 0; i < 3000; i++) {
      plc.setInput('%IX0.0', i % 700 === 100).scans(1);
      const l = lamps(plc);
      if (l.includes('W')) expect(l).toBe('RW');
      expect(l.includes('G') && l.includes('R')).toBe(false);
      expect(l).not.toBe('');
    }
  });
});
