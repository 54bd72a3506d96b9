import { PlantModel, param, type SignalSpec } from './plant.js';

/**
 * A tank filled through an on/off inflow valve and drained through an outflow valve
 * (Torricelli: outflow ∝ √level). Sensors: level (m), high and low level switches.
 * `inflowPosition` (0…1) is a proportional inflow valve for continuous controllers (PID);
 * the inflow is the larger of the two valves' openings.
 */
export class TankModel extends PlantModel {
  static readonly params = ['area', 'height', 'inflow', 'outflowCoeff', 'highLevel', 'lowLevel', 'initialLevel'] as const;
  readonly signals: readonly SignalSpec[] = [
    { name: 'inflowValve', dir: 'actuator', kind: 'BOOL' },
    { name: 'outflowValve', dir: 'actuator', kind: 'BOOL' },
    { name: 'level', dir: 'sensor', kind: 'REAL' },
    { name: 'high', dir: 'sensor', kind: 'BOOL' },
    { name: 'low', dir: 'sensor', kind: 'BOOL' },
    { name: 'inflowPosition', dir: 'actuator', kind: 'REAL' },
  ];
  private readonly area: number;
  private readonly height: number;
  private readonly inflow: number;
  private readonly k: number;
  private readonly highLevel: number;
  private readonly lowLevel: number;

  constructor(p: Record<string, number> = {}) {
    super();
    this.init();
    this.area = param(p, 'area', 1); // m²
    this.height = param(p, 'height', 2); // m
    this.inflow = param(p, 'inflow', 0.02); // m³/s with the valve open
    this.k = param(p, 'outflowCoeff', 0.01); // m³/s per √m
    this.highLevel = param(p, 'highLevel', 1.8);
    this.lowLevel = param(p, 'lowLevel', 0.2);
    this.values[2] = param(p, 'initialLevel', 0);
    this.sense();
  }

  step(dtS: number): void {
    const v = this.values;
    let level = v[2]!;
    const opening = Math.max(v[0]! > 0 ? 1 : 0, Math.min(1, Math.max(0, v[5]!)));
    const qin = this.inflow * opening;
    const qout = v[1]! > 0 ? this.k * Math.sqrt(Math.max(0, level)) : 0;
    level += ((qin - qout) * dtS) / this.area;
    v[2] = Math.min(this.height, Math.max(0, level));
    this.sense();
  }

  private sense(): void {
    const v = this.values;
    v[3] = v[2]! >= this.highLevel ? 1 : 0;
    v[4] = v[2]! <= this.lowLevel ? 1 : 0;
  }
}
