import type { Application, GeneratedResource, ResourceModel, TypeInfo, VarInfo } from '../../compiler/application.js';
import { ownElements, type RetainedValues } from '../engine/retain.js';
import { fbVars, stateful, typeSignature } from './iec-types.js';

/**
 * What a resource keeps across a power cut: its RETAIN and PERSISTENT variables, in programs,
 * in globals and inside FB instances (`Main.counter.n` when the FB type declares `n` RETAIN,
 * `Main.pumps[2].hours` in an array of them). Each is a leaf with its dotted path, its type
 * signature (a saved value is restored only into a variable of the same path and type) and the
 * chain of properties that reaches it from the program instance or the globals.
 */
export interface RetainLeaf {
  path: string;
  signature: string;
  /** program instance name, or undefined for a global */
  program?: string;
  /** properties (and flat array indices) from the program instance or the globals object */
  chain: (string | number)[];
}

/** A saved value of one leaf. */
export interface SavedValue {
  path: string;
  /** type signature (iec-types.ts) */
  type: string;
  value: unknown;
}

export function retainLeaves(app: Application, model: ResourceModel): RetainLeaf[] {
  const out: RetainLeaf[] = [];
  for (const p of model.programs) walk(app, fbVars(app, p.typeName) ?? [], p.name, p.name, [], out, new Set());
  walk(app, model.globals, '', undefined, [], out, new Set());
  return out;
}

function walk(app: Application, vars: readonly VarInfo[], prefix: string, program: string | undefined, chain: (string | number)[], out: RetainLeaf[], seen: Set<string>): void {
  for (const v of vars) {
    if (!stateful(v) || v.constant) continue;
    const path = prefix ? `${prefix}.${v.name}` : v.name;
    if (v.retain !== undefined) {
      out.push({ path, signature: typeSignature(app, v.type), ...(program !== undefined ? { program } : {}), chain: [...chain, v.prop] });
    } else {
      inside(app, v.type, path, program, [...chain, v.prop], out, seen);
    }
  }
}

/** RETAIN variables declared inside the FB type of a variable that is not itself RETAIN. */
function inside(app: Application, t: TypeInfo, path: string, program: string | undefined, chain: (string | number)[], out: RetainLeaf[], seen: Set<string>): void {
  if (t.kind === 'fb') {
    const key = t.name.toUpperCase();
    if (seen.has(key)) return;
    walk(app, fbVars(app, t.name) ?? [], path, program, chain, out, new Set(seen).add(key));
  } else if (t.kind === 'array' && t.element.kind === 'fb') {
    const sizes = t.dims.map((d) => d.hi - d.lo + 1);
    const count = sizes.reduce((a, b) => a * b, 1);
    for (let k = 0; k < count; k++) {
      // the IEC index of flat element k, row-major
      const idx: number[] = [];
      let rest = k;
      for (let d = sizes.length - 1; d >= 0; d--) {
        idx.unshift(t.dims[d]!.lo + (rest % sizes[d]!));
        rest = Math.floor(rest / sizes[d]!);
      }
      inside(app, t.element, `${path}[${idx.join(',')}]`, program, [...chain, k], out, seen);
    }
  }
}

/**
 * The values of the leaves, read at a scan boundary in the scan worker. They are the live
 * values: posting them to the main thread is the copy (structured clone), and the only work
 * saving costs the scan thread.
 */
export function readLeaves(leaves: readonly RetainLeaf[], instance: GeneratedResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of leaves) {
    let o: unknown = l.program === undefined ? instance.globals : instance.programs[l.program];
    for (const k of l.chain) o = o === null || o === undefined ? undefined : (o as Record<string | number, unknown>)[k];
    out[l.path] = ownElements(o);
  }
  return out;
}

export interface RestorePlan {
  /** what the worker puts into the fresh instances before the first scan */
  values: RetainedValues;
  restored: string[];
  /** saved values not restored: the variable is gone or its type changed */
  dropped: { path: string; reason: string }[];
  /** RETAIN variables of this version with no saved value of their path: they start at their initial values */
  fresh: string[];
}

/** Match saved values to this version's RETAIN variables by path and type. */
export function planRestore(app: Application, model: ResourceModel, saved: readonly SavedValue[]): RestorePlan {
  const leaves = new Map(retainLeaves(app, model).map((l) => [l.path.toUpperCase(), l]));
  const plan: RestorePlan = { values: { programs: {}, globals: {} }, restored: [], dropped: [], fresh: [] };
  const used = new Set<string>();
  for (const s of saved) {
    const leaf = leaves.get(s.path.toUpperCase());
    if (!leaf) {
      plan.dropped.push({ path: s.path, reason: 'no such RETAIN variable in this version' });
      continue;
    }
    if (leaf.signature !== s.type) {
      used.add(leaf.path.toUpperCase());
      plan.dropped.push({ path: s.path, reason: `type changed (saved ${s.type}, now ${leaf.signature})` });
      continue;
    }
    used.add(leaf.path.toUpperCase());
    plan.restored.push(leaf.path);
    let target: Record<string, unknown>;
    if (leaf.program === undefined) target = plan.values.globals;
    else target = plan.values.programs[leaf.program] ??= {};
    // arrays of FB instances as objects keyed by index: only the elements saved are written
    for (let i = 0; i < leaf.chain.length - 1; i++) target = (target[String(leaf.chain[i])] ??= {}) as Record<string, unknown>;
    target[String(leaf.chain[leaf.chain.length - 1])] = s.value;
  }
  for (const [key, leaf] of leaves) if (!used.has(key)) plan.fresh.push(leaf.path);
  return plan;
}

/** The values read by readLeaves, with their types, as saved in a file. */
export function toSaved(leaves: readonly RetainLeaf[], values: Record<string, unknown>): SavedValue[] {
  return leaves.filter((l) => l.path in values).map((l) => ({ path: l.path, type: l.signature, value: values[l.path] }));
}
