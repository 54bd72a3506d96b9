import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../runtime/config/load.js';
import type { SimulationDeviceConfig } from '../../../runtime/config/schema.js';
import { SimulationDriver, createPlant } from '../../../io-drivers/simulation/simulation-driver.js';
import { createImageView } from '../../../compiler/contract/process-image.js';
import { MotorModel } from '../../../io-drivers/simulation/motor.js';
import { ConveyorModel } from '../../../io-drivers/simulation/conveyor.js';

function sim(yaml: string): SimulationDeviceConfig {
  const r = parseConfig(yaml);
  expect(r.diagnostics).toEqual([]);
  return r.config!.devices[0] as SimulationDeviceConfig;
}

describe('simulated plant', () => {
  it('a tank under a two-point level controller, stepped on a virtual clock', () => {
    const plant = new SimulationDriver(sim(`
devices:
  - name: tank
    driver: simulation
    model: tank
    params: { area: 1, inflow: 0.05, outflowCoeff: 0.02, highLevel: 1.5, lowLevel: 0.5 }
    signals:
      inflowValve: '%QX0.0'
      outflowValve: '%QX0.1'
      level: { var: '%IW0', scale: 1000 }
      high: '%IX0.0'
      low: '%IX0.1'
`));
    const img = createImageView();
    let filling = true;
    let highSeen = 0;
    let maxLevel = 0;
    // 10 minutes of plant time at 10 ms per scan, in a loop: virtual time
    for (let scan = 0; scan <= 60_000; scan++) {
      plant.exchangeLocal(img, scan * 10_000_000);
      const high = (img.inputBits[0]! & 1) !== 0;
      const low = (img.inputBits[0]! & 2) !== 0;
      if (high && filling) highSeen++;
      if (high) filling = false;
      if (low) filling = true;
      img.outputBits[0] = (filling ? 1 : 0) | 2;
      maxLevel = Math.max(maxLevel, img.inputWords[0]!);
    }
    expect(highSeen).toBeGreaterThan(1); // it cycled between the switches
    expect(maxLevel).toBeGreaterThanOrEqual(1500);
    expect(maxLevel).toBeLessThan(1600);
  });

  it('a motor with inertia approaches its setpoint; a conveyor delivers parts', () => {
    const m = new MotorModel({ maxSpeed: 1000, timeConstant: 1 });
    m.values[0] = 1;
    m.step(1);
    expect(m.values[2]).toBeCloseTo(1000 * (1 - Math.exp(-1)), 6);
    m.step(10);
    expect(m.values[3]).toBe(1);
    const c = new ConveyorModel({ length: 2, speed: 1, partEvery: 1 });
    c.values[0] = 1;
    let endSeen = 0;
    for (let i = 0; i < 1000; i++) {
      c.step(0.01);
      if (c.values[2] === 1) endSeen++;
    }
    expect(c.values[3]).toBeGreaterThanOrEqual(7); // parts every second, 2 s of travel, 10 s run
    expect(endSeen).toBeGreaterThan(0);
  });

  it('rejects unknown signals, parameters and wrong directions', () => {
    const r = createPlant(sim(`
devices:
  - name: m
    driver: simulation
    model: motor
    params: { mass: 3 }
    signals: { speed: '%QW0', torque: '%IW1', enable: '%IX0.0' }
`));
    expect(r.errors).toEqual([
      "devices[0].params: unknown parameter 'mass' for the motor model (known: maxSpeed, timeConstant, defaultSetpoint)",
      "devices[0].signals.speed: 'speed' is a sensor: bind it to a %I or %M address, not %QW0",
      "devices[0].signals.torque: the motor model has no signal 'torque' (signals: enable, setpoint, speed, atSpeed)",
      "devices[0].signals.enable: 'enable' is driven by the PLC: bind it to a %Q or %M address, not %IX0.0",
    ]);
  });
});
