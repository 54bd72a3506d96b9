import type { PlantModel } from '../../io-drivers/simulation/plant.js';

/**
 * A plant model wired to a program under test by signal name: each actuator reads a PLC value
 * (an output), each sensor writes one (an input). `get`/`set` are given by the project kind
 * (process image or variable path for 61131, FB.VAR for 61499).
 */
export class PlantBinding {
  private lastNs: number | undefined;
  private readonly links: { index: number; target: string; actuator: boolean }[] = [];

  constructor(
    readonly model: PlantModel,
    wiring: Record<string, string>,
    private readonly get: (target: string) => unknown,
    private readonly set: (target: string, value: number | boolean) => void,
  ) {
    for (const [signal, target] of Object.entries(wiring)) {
      const index = model.index(signal);
      if (index < 0) throw new Error(`the plant has no signal '${signal}' (signals: ${model.signals.map((s) => s.name).join(', ')})`);
      this.links.push({ index, target, actuator: model.signals[index]!.dir === 'actuator' });
    }
  }

  /** Actuators from the PLC, physics up to `nowNs`, sensors to the PLC. */
  exchange(nowNs: number): void {
    const v = this.model.values;
    for (const l of this.links) {
      if (!l.actuator) continue;
      const x = this.get(l.target);
      v[l.index] = typeof x === 'boolean' ? (x ? 1 : 0) : Number(x);
    }
    if (this.lastNs !== undefined && nowNs > this.lastNs) this.model.step((nowNs - this.lastNs) / 1e9);
    this.lastNs = nowNs;
    for (const l of this.links) {
      if (l.actuator) continue;
      const spec = this.model.signals[l.index]!;
      this.set(l.target, spec.kind === 'BOOL' ? v[l.index]! > 0 : v[l.index]!);
    }
  }

  /** A signal's current value (BOOL as true/false). */
  signal(name: string): number | boolean {
    const i = this.model.index(name);
    if (i < 0) throw new Error(`the plant has no signal '${name}'`);
    return this.model.signals[i]!.kind === 'BOOL' ? this.model.values[i]! > 0 : this.model.values[i]!;
  }
}
