import { PlantModel, param, type SignalSpec } from './plant.js';

/**
 * A motor with inertia: speed follows the commanded speed as a first-order lag
 * (time constant from inertia and friction). Actuators: enable (BOOL) and setpoint (0…1 of
 * maxSpeed; when unbound, full speed). Sensors: speed (rpm) and atSpeed (within 2 %).
 */
export class MotorModel extends PlantModel {
  static readonly params = ['maxSpeed', 'timeConstant', 'defaultSetpoint'] as const;
  readonly signals: readonly SignalSpec[] = [
    { name: 'enable', dir: 'actuator', kind: 'BOOL' },
    { name: 'setpoint', dir: 'actuator', kind: 'REAL' },
    { name: 'speed', dir: 'sensor', kind: 'REAL' },
    { name: 'atSpeed', dir: 'sensor', kind: 'BOOL' },
  ];
  private readonly maxSpeed: number;
  private readonly tau: number;

  constructor(p: Record<string, number> = {}) {
    super();
    this.init();
    this.maxSpeed = param(p, 'maxSpeed', 1500);
    this.tau = Math.max(1e-6, param(p, 'timeConstant', 0.5));
    this.values[1] = param(p, 'defaultSetpoint', 1);
  }

  step(dtS: number): void {
    const v = this.values;
    const target = v[0]! > 0 ? Math.min(1, Math.max(0, v[1]!)) * this.maxSpeed : 0;
    // exact solution of the first-order lag over dt, stable for any step size
    v[2] = target + (v[2]! - target) * Math.exp(-dtS / this.tau);
    v[3] = v[0]! > 0 && Math.abs(v[2]! - target) <= 0.02 * this.maxSpeed ? 1 : 0;
  }
}
