import type { Application } from '../../compiler/application.js';
import type { FbInstance, ResourceNetwork, RuntimeFbType, VarDeclaration } from '../../compiler/iec61499/model.js';
import { resourceKey61499 } from '../engine/iec61499-resources.js';
import type { SavedValue } from './retain-leaves.js';

/**
 * The retained variables of an IEC 61499 resource: those its FB types mark RETAIN (the 4diac
 * IDE's `<Attribute Name="Retain" Value="RETAIN"/>` on an input, output or internal variable)
 * and the outputs and internal variables of FB instances marked so in the .sys (the instance,
 * or a composite or subapplication around it). Each is `FB.VAR` in its resource (`Comp.inner.CV`
 * inside a composite) with its declared type: a saved value is restored only into a variable
 * of the same path and type.
 */
export interface Retain61499Leaf {
  /** 'FB.VAR' */
  path: string;
  signature: string;
}

/** What a resource reads and writes them through (Resource61499 does). */
export interface RetainTarget {
  read(target: string): unknown;
  restoreValue(target: string, value: unknown): void;
}

function signature(v: VarDeclaration): string {
  return v.arraySize !== undefined ? `ARRAY[${v.arraySize}] OF ${v.type.toUpperCase()}` : v.type.toUpperCase();
}

/** `typeOf`: the runtime type of an instance (from the application's types, or the executing resource). */
export function retainLeaves61499(typeOf: (fb: FbInstance) => RuntimeFbType | undefined, net: ResourceNetwork): Retain61499Leaf[] {
  const out: Retain61499Leaf[] = [];
  for (const fb of net.fbs) {
    const t = typeOf(fb);
    if (!t) continue;
    const i = t.interface;
    const marked = [...i.inputVars, ...i.outputVars, ...t.internalVars].filter((v) => v.retain === true);
    // a marked instance keeps what it computed: outputs and internal variables
    const all = fb.retain ? [...i.outputVars, ...t.internalVars] : [];
    const seen = new Set<string>();
    for (const v of [...marked, ...all]) {
      if (seen.has(v.name)) continue;
      seen.add(v.name);
      out.push({ path: `${fb.name}.${v.name}`, signature: signature(v) });
    }
  }
  return out;
}

/** The retained leaves of each IEC 61499 resource of an application, by resource key. */
export function retainLeavesOfApp(app: Application): Map<string, Retain61499Leaf[]> {
  const out = new Map<string, Retain61499Leaf[]>();
  const model = app.iec61499;
  if (!model) return out;
  for (const net of model.resources) out.set(resourceKey61499(app, net), retainLeaves61499((fb) => model.types[fb.concreteType], net));
  return out;
}

export function readLeaves61499(leaves: readonly Retain61499Leaf[], resource: RetainTarget): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of leaves) out[l.path] = resource.read(l.path);
  return out;
}

export function toSaved61499(leaves: readonly Retain61499Leaf[], values: Record<string, unknown>): SavedValue[] {
  return leaves.filter((l) => l.path in values).map((l) => ({ path: l.path, type: l.signature, value: values[l.path] }));
}

export interface Restore61499Plan {
  /** 'FB.VAR' → value, to write before the resource starts (WARM) */
  values: Record<string, unknown>;
  restored: string[];
  dropped: { path: string; reason: string }[];
  /** retained variables with no saved value: they start at their initial values */
  fresh: string[];
}

/** Match saved values to the retained variables by path and type. */
export function planRestore61499(leaves: readonly Retain61499Leaf[], saved: readonly SavedValue[]): Restore61499Plan {
  const byPath = new Map(leaves.map((l) => [l.path, l]));
  const plan: Restore61499Plan = { values: {}, restored: [], dropped: [], fresh: [] };
  for (const s of saved) {
    const leaf = byPath.get(s.path);
    if (!leaf) plan.dropped.push({ path: s.path, reason: 'no such retained variable in this version' });
    else if (leaf.signature !== s.type) plan.dropped.push({ path: s.path, reason: `type changed (saved ${s.type}, now ${leaf.signature})` });
    else {
      plan.values[s.path] = s.value;
      plan.restored.push(s.path);
    }
  }
  for (const l of leaves) if (!(l.path in plan.values)) plan.fresh.push(l.path);
  return plan;
}

/** Write restored values into a resource built but not started yet. */
export function applyRestore61499(resource: RetainTarget, values: Record<string, unknown>): void {
  for (const [path, value] of Object.entries(values)) resource.restoreValue(path, value);
}
