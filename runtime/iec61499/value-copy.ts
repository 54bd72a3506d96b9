/**
 * In-place copies of structured values (STRUCT instances, ARRAYs) for WITH sampling: the
 * sink keeps a value of its own (sampled, not aliased) in storage allocated once, so a
 * delivery copies fields and elements and allocates nothing.
 */

export type Copier = (dst: unknown, src: unknown) => void;

type Indexed = { length: number; [i: number]: unknown };

/** The struct class the ST compiler generated carries a static `$copy(dst, src)`. */
function structCopier(v: object): Copier | undefined {
  const copy = (v.constructor as { $copy?: unknown } | undefined)?.$copy;
  return typeof copy === 'function' ? (copy as Copier) : undefined;
}

function fieldwiseCopier(v: object): Copier {
  const keys = Object.keys(v);
  const nested = keys.map((k) => {
    const f = (v as Record<string, unknown>)[k];
    return typeof f === 'object' && f !== null ? copierFor(f) : undefined;
  });
  return (d, s) => {
    const dd = d as Record<string, unknown>;
    const ss = s as Record<string, unknown>;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const c = nested[k];
      if (c) c(dd[key], ss[key]);
      else dd[key] = ss[key];
    }
  };
}

function arrayCopier(v: Indexed): Copier {
  const first = v.length > 0 ? v[0] : undefined;
  const element = typeof first === 'object' && first !== null ? copierFor(first) : undefined;
  if (element) {
    return (d, s) => {
      const dd = d as Indexed;
      const ss = s as Indexed;
      const n = Math.min(dd.length, ss.length);
      for (let k = 0; k < n; k++) element(dd[k], ss[k]);
    };
  }
  return (d, s) => {
    const dd = d as Indexed;
    const ss = s as Indexed;
    const n = Math.min(dd.length, ss.length);
    for (let k = 0; k < n; k++) dd[k] = ss[k];
  };
}

/**
 * A function copying values shaped like `sample` into an existing value of the same shape;
 * undefined for a scalar (plain assignment is a copy).
 */
export function copierFor(sample: unknown): Copier | undefined {
  if (typeof sample !== 'object' || sample === null) return undefined;
  if (Array.isArray(sample) || ArrayBuffer.isView(sample)) return arrayCopier(sample as unknown as Indexed);
  return structCopier(sample) ?? fieldwiseCopier(sample);
}

/** A fresh value shaped like `sample`, for a sink that holds no storage of its own yet. */
export function allocateLike(sample: unknown): unknown {
  return structuredClone(sample);
}

/** Copy `src` into `dst` of the same shape, field by field (typed arrays by set). */
export function copyInto(dst: object, src: object): void {
  if (ArrayBuffer.isView(dst) && ArrayBuffer.isView(src)) {
    (dst as unknown as { set(v: unknown): void }).set(src);
    return;
  }
  const d = dst as Record<string, unknown>;
  for (const [k, v] of Object.entries(src)) {
    if (!(k in d)) continue;
    const cur = d[k];
    if (typeof cur === 'object' && cur !== null && typeof v === 'object' && v !== null) copyInto(cur, v);
    else if (typeof cur === typeof v) d[k] = v;
  }
}
