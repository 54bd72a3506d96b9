/**
 * A simulated plant model: named signals (actuators the PLC drives, sensors it reads) and a
 * step that advances the physics by a time delta. Values are numbers (BOOL as 0/1) held in a
 * Float64Array so that stepping allocates nothing and can run inside the scan worker.
 */
export interface SignalSpec {
  name: string;
  /** 'actuator': written by the PLC (its output); 'sensor': read by the PLC (its input) */
  dir: 'actuator' | 'sensor';
  kind: 'BOOL' | 'REAL';
}

export abstract class PlantModel {
  abstract readonly signals: readonly SignalSpec[];
  /** current value of every signal, in `signals` order */
  values!: Float64Array;

  protected init(): void {
    this.values = new Float64Array(this.signals.length);
  }

  index(name: string): number {
    return this.signals.findIndex((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  /** Advance the physics by `dtS` seconds, reading actuators and updating sensors. */
  abstract step(dtS: number): void;
}

/** Parameter with a default; unknown names are rejected by `checkParams`. */
export function param(params: Record<string, number>, name: string, def: number): number {
  return params[name] ?? def;
}

export function checkParams(params: Record<string, number>, known: readonly string[], model: string): string[] {
  return Object.keys(params)
    .filter((k) => !known.includes(k))
    .map((k) => `unknown parameter '${k}' for the ${model} model (known: ${known.join(', ')})`);
}
