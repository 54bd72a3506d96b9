import type { Application, GeneratedResource, ResourceModel, VarInfo } from '../../compiler/application.js';

/**
 * RETAIN (and PERSISTENT) variables of a resource, captured from a running instance and put
 * back into a fresh one: what a warm restart keeps. Values travel between threads by
 * structured clone, so objects (structs, FB instances) are copied field by field into the new
 * instance's objects rather than replaced.
 */
export interface RetainedValues {
  programs: Record<string, Record<string, unknown>>;
  globals: Record<string, unknown>;
  /** of an IEC 61499 resource: its retained variables, 'FB.VAR' → value (it then starts WARM) */
  fbs?: Record<string, unknown>;
}

const retained = (vars: readonly VarInfo[] | undefined) => (vars ?? []).filter((v) => v.retain !== undefined);

export function captureRetain(app: Application, model: ResourceModel, instance: GeneratedResource): RetainedValues {
  const out: RetainedValues = { programs: {}, globals: {} };
  for (const p of model.programs) {
    const obj = instance.programs[p.name] as Record<string, unknown> | undefined;
    const vars = retained((app.pouTypes[p.typeName] ?? app.pouTypes[p.typeName.toUpperCase()])?.vars);
    if (!obj || vars.length === 0) continue;
    const values: Record<string, unknown> = {};
    for (const v of vars) values[v.prop] = ownElements(obj[v.prop]);
    out.programs[p.name] = values;
  }
  for (const v of retained(model.globals)) out.globals[v.prop] = ownElements(instance.globals[v.prop]);
  return out;
}

export function restoreRetain(instance: GeneratedResource, values: RetainedValues): void {
  for (const [name, props] of Object.entries(values.programs)) {
    const obj = instance.programs[name] as Record<string, unknown> | undefined;
    if (obj) for (const [prop, value] of Object.entries(props)) assignInto(obj, prop, value);
  }
  for (const [prop, value] of Object.entries(values.globals)) assignInto(instance.globals, prop, value);
}

function assignInto(target: Record<string, unknown>, prop: string, value: unknown): void {
  const current = target[prop];
  if (ArrayBuffer.isView(current) && ArrayBuffer.isView(value)) {
    (current as unknown as { set(v: unknown): void }).set(value);
  } else if (Array.isArray(current) && Array.isArray(value)) {
    value.forEach((v, i) => assignInto(current as unknown as Record<string, unknown>, String(i), v));
  } else if (current !== null && typeof current === 'object' && value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k in current) assignInto(current as Record<string, unknown>, k, v);
  } else if (typeof current === typeof value || current === undefined) {
    target[prop] = value;
  }
}

/**
 * A value as it may travel to another thread: an array that is a view into a larger buffer (the
 * WebAssembly memory its POU's loops work in) as a copy of its own elements, since a structured
 * clone of a view copies its whole buffer.
 */
export function ownElements(v: unknown): unknown {
  return ArrayBuffer.isView(v) && v.byteLength !== v.buffer.byteLength ? (v as unknown as { slice(): unknown }).slice() : v;
}
