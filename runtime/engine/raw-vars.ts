import type { Application, GeneratedResource, ResourceModel, VarInfo } from '../../compiler/application.js';
import { VariablePath } from './variable-path.js';

/**
 * A resource's variables as one flat map of run-time values by dotted path, for I/O drivers
 * (OPC UA server, symbolic bindings): `Main.level`, `Main.t.Q`, `Main.s.x`, globals by name.
 * Values are raw, not formatted: numbers, booleans, bigint (64-bit integers), TIME as ns,
 * strings, enums as their numeric value, arrays as plain arrays (BOOL elements as booleans,
 * multi-dimensional ones flattened row by row); the elements of a one-dimensional array of
 * structures or FB instances by index (`Line.cells[2].count`). Paths are resolved once; a snapshot is taken
 * only when the main thread asks, at a scan boundary.
 */
export class RawVariables {
  private readonly leaves: { key: string; path: VariablePath; array: boolean; bool: boolean }[] = [];

  constructor(app: Application, model: ResourceModel, instance: GeneratedResource) {
    const keys: { key: string; v: VarInfo }[] = [];
    collect(app, model.globals, '', keys);
    for (const p of model.programs) {
      const info = app.pouTypes[p.typeName.toUpperCase()] ?? app.pouTypes[p.typeName];
      collect(app, info?.vars ?? [], p.name, keys);
    }
    for (const { key, v } of keys) {
      const path = VariablePath.resolve(app, model, instance, key);
      if (typeof path === 'string') continue; // a global hidden by a program of the same name
      const t = v.type;
      const element = t.kind === 'array' ? t.element : t;
      this.leaves.push({ key, path, array: t.kind === 'array', bool: element.kind === 'elementary' && element.name === 'BOOL' });
    }
  }

  /** every path the snapshot holds */
  get paths(): string[] {
    return this.leaves.map((l) => l.key);
  }

  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const l of this.leaves) {
      const v = l.path.read();
      if (l.array) {
        const arr = Array.from((v ?? []) as ArrayLike<unknown>);
        out[l.key] = l.bool ? arr.map((x) => x === true || x === 1) : arr;
      } else {
        out[l.key] = l.bool ? v === true || v === 1 : v;
      }
    }
    return out;
  }
}

/** Leaves under `prefix`, as the OPC UA server names them (temporaries and references left out). */
function collect(app: Application, vars: readonly VarInfo[], prefix: string, out: { key: string; v: VarInfo }[]): void {
  for (const v of vars) {
    if (v.section === 'VAR_TEMP' || v.section === 'VAR_IN_OUT' || v.section === 'VAR_EXTERNAL') continue;
    const key = prefix ? `${prefix}.${v.name}` : v.name;
    const t = v.type;
    if (t.kind === 'struct') collect(app, t.fields, key, out);
    else if (t.kind === 'fb') collect(app, app.pouTypes[t.name.toUpperCase()]?.vars ?? app.pouTypes[t.name]?.vars ?? [], key, out);
    else if (t.kind === 'array') {
      const k = t.element.kind;
      if (k === 'elementary' || k === 'string' || k === 'enum') out.push({ key, v });
      else if ((t.element.kind === 'struct' || t.element.kind === 'fb') && t.dims.length === 1) {
        // elements of an array of structures or FB instances, one by one: `Line.cells[2].count`
        const e = t.element;
        const fields = e.kind === 'struct' ? e.fields : (app.pouTypes[e.name.toUpperCase()]?.vars ?? app.pouTypes[e.name]?.vars ?? []);
        for (let i = t.dims[0]!.lo; i <= t.dims[0]!.hi; i++) collect(app, fields, `${key}[${i}]`, out);
      }
    } else if (t.kind !== 'ref') out.push({ key, v });
  }
}
