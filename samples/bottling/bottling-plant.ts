import { PlantModel, param, type SignalSpec } from '../../io-drivers/simulation/plant.js';

/**
 * The bottling line's mechanics for tests: a conveyor brings a bottle under the filler in
 * `travelS` seconds and takes it away in `leaveS`; the valve pours `flowMlPerS` and, being
 * slow to close, keeps pouring for `closeDelayS` after it is told to close (the in-flight
 * volume the controller learns). The flow meter counts every millilitre poured.
 */
export class BottlingPlant extends PlantModel {
  readonly signals: readonly SignalSpec[] = [
    { name: 'fillValve', dir: 'actuator', kind: 'BOOL' },
    { name: 'conveyor', dir: 'actuator', kind: 'BOOL' },
    { name: 'bottleInPlace', dir: 'sensor', kind: 'BOOL' },
    { name: 'totalMl', dir: 'sensor', kind: 'REAL' },
  ];
  private readonly flow: number;
  private readonly closeDelay: number;
  private readonly travel: number;
  private readonly leave: number;
  private moving = 0;
  private closingFor = 0;
  private wasOpen = false;

  constructor(p: Record<string, number> = {}) {
    super();
    this.init();
    this.flow = param(p, 'flowMlPerS', 200);
    this.closeDelay = param(p, 'closeDelayS', 0.05);
    this.travel = param(p, 'travelS', 1);
    this.leave = param(p, 'leaveS', 0.5);
  }

  step(dt: number): void {
    const v = this.values;
    const open = v[0]! > 0;
    if (this.wasOpen && !open) this.closingFor = this.closeDelay;
    this.wasOpen = open;
    let pouring = 0;
    if (open) pouring = dt;
    else if (this.closingFor > 0) {
      pouring = Math.min(dt, this.closingFor);
      this.closingFor -= pouring;
    }
    v[3] = v[3]! + this.flow * pouring;
    if (v[1]! > 0) {
      this.moving += dt;
      if (v[2]! > 0 && this.moving >= this.leave) {
        v[2] = 0;
        this.moving = 0;
      } else if (v[2]! === 0 && this.moving >= this.travel) {
        v[2] = 1;
        this.moving = 0;
      }
    } else this.moving = 0;
  }
}
