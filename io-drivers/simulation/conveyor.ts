import { PlantModel, param, type SignalSpec } from './plant.js';

/**
 * A conveyor belt driven by a motor (run), carrying parts placed at its start every
 * `partEvery` seconds (only while the start is free). Sensors: a part at the start, a part at
 * the end (photo eyes), and the count of parts delivered off the end.
 */
export class ConveyorModel extends PlantModel {
  static readonly params = ['length', 'speed', 'partEvery', 'sensorWidth', 'maxParts'] as const;
  readonly signals: readonly SignalSpec[] = [
    { name: 'run', dir: 'actuator', kind: 'BOOL' },
    { name: 'partAtStart', dir: 'sensor', kind: 'BOOL' },
    { name: 'partAtEnd', dir: 'sensor', kind: 'BOOL' },
    { name: 'delivered', dir: 'sensor', kind: 'REAL' },
    { name: 'position', dir: 'sensor', kind: 'REAL' },
  ];
  private readonly length: number;
  private readonly speed: number;
  private readonly every: number;
  private readonly width: number;
  /** positions of the parts on the belt (m from the start); NaN marks a free slot */
  private readonly parts: Float64Array;
  private sinceLast = Infinity;

  constructor(p: Record<string, number> = {}) {
    super();
    this.init();
    this.length = param(p, 'length', 5);
    this.speed = param(p, 'speed', 0.5);
    this.every = param(p, 'partEvery', 4);
    this.width = param(p, 'sensorWidth', 0.1);
    this.parts = new Float64Array(Math.max(1, param(p, 'maxParts', 64))).fill(NaN);
    this.sense();
  }

  step(dtS: number): void {
    const v = this.values;
    const moving = v[0]! > 0;
    const d = moving ? this.speed * dtS : 0;
    if (moving) v[4] = v[4]! + d;
    let startFree = true;
    for (let i = 0; i < this.parts.length; i++) {
      const x = this.parts[i]!;
      if (Number.isNaN(x)) continue;
      const nx = x + d;
      if (nx > this.length) {
        this.parts[i] = NaN;
        v[3] = v[3]! + 1;
      } else {
        this.parts[i] = nx;
        if (nx < this.width) startFree = false;
      }
    }
    this.sinceLast += dtS;
    if (startFree && this.sinceLast >= this.every) {
      for (let i = 0; i < this.parts.length; i++) {
        if (Number.isNaN(this.parts[i]!)) {
          this.parts[i] = 0;
          this.sinceLast = 0;
          break;
        }
      }
    }
    this.sense();
  }

  private sense(): void {
    const v = this.values;
    let atStart = 0;
    let atEnd = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const x = this.parts[i]!;
      if (Number.isNaN(x)) continue;
      if (x < this.width) atStart = 1;
      if (x > this.length - this.width) atEnd = 1;
    }
    v[1] = atStart;
    v[2] = atEnd;
  }
}
