import type { Application, GeneratedResource, ResourceModel } from '../../compiler/application.js';

/** JSON-ready variables of a resource's program instances, keyed by instance name. */
export type VarsSnapshotter = (app: Application, model: ResourceModel, instance: GeneratedResource) => Record<string, unknown>;

/**
 * The lead's runtime/values.ts `snapshotResource` renders values as users read them (TIME as
 * `T#1s500ms`, …). It is imported by name at run time so that the engine works before it exists;
 * until then a plain rendering stands in (numbers, bigint as decimal strings, arrays, objects).
 */
export async function loadSnapshotter(): Promise<VarsSnapshotter> {
  const specifier = '../values.js';
  try {
    const mod = (await import(specifier)) as { snapshotResource?: VarsSnapshotter };
    if (typeof mod.snapshotResource === 'function') return mod.snapshotResource;
  } catch {
    // not written yet: fall through
  }
  return plainSnapshot;
}

export const plainSnapshot: VarsSnapshotter = (app, model, instance) => {
  const out: Record<string, unknown> = {};
  for (const p of model.programs) {
    const obj = instance.programs[p.name] as Record<string, unknown> | undefined;
    if (!obj) continue;
    const vars = app.pouTypes[p.typeName]?.vars;
    const values: Record<string, unknown> = {};
    if (vars) for (const v of vars) values[v.name] = plain(obj[v.prop]);
    else for (const [k, v] of Object.entries(obj)) values[k] = plain(v);
    out[p.name] = values;
  }
  return out;
};

function plain(v: unknown, depth = 0): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (depth > 16) return null;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => plain(x));
  if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'function') o[k] = plain(x, depth + 1);
  return o;
}
