import { PlantModel, param, type SignalSpec } from './plant.js';

/**
 * A tank filled through an on/off inflow valve and drained through an outflow valve
 * (Torricelli: outflow ∝ √level). Sensors: level (m), high and low level switches.
 */
export class TankModel extends PlantModel {
  static readonly params = ['area', 'height', 'inflow', 'outflowCoeff', 'highLevel', 'lowLevel', 'initialLevel'] as const;
  readonly signals: readonly SignalSpec[] = [
    { name: 'inflowValve', dir: 'actuator', kind: 'BOOL' },
    { name: 'outflowValve', dir: 'actuator', kind: 'BOOL' },
    { name: 'level', dir: 'sensor', kind: 'REAL' },
    { name: 'high', dir: 'sensor', kind: 'BOOL' },
    { name: 'low', dir: 'sensor', kind: 'BOOL' },
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
    const qin = v[0]! > 0 ? this.inflow : 0;
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
