import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPlc } from '../../runtime/testing/index.js';
import { BottlingPlant } from './bottling-plant.js';

const source = fileURLToPath(new URL('./bottling.st', import.meta.url));

function line(params: Record<string, number> = {}) {
  const plc = loadPlc(source);
  const plant = new BottlingPlant(params);
  plc.bindPlant(plant, { fillValve: '%QX0.0', conveyor: '%QX0.1', bottleInPlace: '%IX0.0', totalMl: '%ID0' });
  return { plc, plant };
}

describe('bottling sample (a fast and a slow task sharing globals)', () => {
  it('runs two tasks at their own intervals', () => {
    const { plc } = line();
    plc.advance('1s');
    const m = plc.runner.metrics.snapshot();
    expect(m.Fast!.cycles).toBe(501); // 0, 2 ms, …, 1000 ms
    expect(m.Slow!.cycles).toBe(11);
  });

  it('the slow task learns the valve in-flight volume the fast task fills with', () => {
    const { plc } = line({ closeDelayS: 0.05 }); // 200 ml/s × 50 ms = 10 ml in flight
    plc.advance('5s');
    // the first bottle overshoots by the in-flight volume and is rejected
    expect(plc.value('gRejects')).toBe(1);
    expect(plc.value('gLastFillMl')).toBeGreaterThan(508);
    plc.advance('2m');
    expect(plc.value('gPreCloseMl')).toBeGreaterThan(8);
    expect(plc.value('gPreCloseMl')).toBeLessThan(12);
    expect(Math.abs(plc.value('gLastFillMl') - 500)).toBeLessThan(2);
    expect(plc.value('gBottles')).toBeGreaterThan(20);
    expect(plc.value('gRejects')).toBeLessThan(3);
    expect(plc.read('gRun')).toBe(true);
  });

  it('switches recipe from the selector and counts bottles per minute', () => {
    const { plc } = line();
    plc.setInput('%IW2', 1);
    plc.advance('3m');
    expect(plc.value('gSetpointMl')).toBe(330);
    expect(Math.abs(plc.value('gLastFillMl') - 330)).toBeLessThan(3);
    expect(plc.value('Supervise.bottlesPerMinute')).toBeGreaterThan(10);
  });

  it('stops the line when too many bottles are rejected', () => {
    const { plc } = line({ flowMlPerS: 2000, closeDelayS: 0.2 }); // 400 ml in flight: pre-close saturates at 100
    plc.advance('3m');
    expect(plc.read('gRun')).toBe(false);
    const bottles = plc.value('gBottles') + plc.value('gRejects');
    plc.advance('1m');
    expect(plc.value('gBottles') + plc.value('gRejects')).toBe(bottles);
    expect(plc.image('%QX0.1')).toBe(false);
  });
});
