import { leavesOf, type CatalogVar } from './variable-catalog.js';

/**
 * How the MQTT gateway selects variables of the resource's catalog (variable-catalog.ts): by
 * dotted path, with globs (`*`: one name, `**`: any depth) and array elements (`Main.arr[2]`,
 * `Line.cells[*].count`). Values are read from the engine's flat map of raw values.
 */

const SELECTOR = /^(\*\*|\*|[A-Za-z_][A-Za-z0-9_]*\*?)(\[(\d+|\*)\])?(\.(\*\*|\*|[A-Za-z_][A-Za-z0-9_]*\*?)(\[(\d+|\*)\])?)*$/;

/** Whether `text` is a path or glob the gateway accepts. */
export function isSelector(text: string): boolean {
  return SELECTOR.test(text);
}

function segmentPattern(seg: string): RegExp {
  const m = /^([^[]*)(?:\[(\d+|\*)\])?$/.exec(seg)!;
  const name = m[1]!.replace(/\*/g, '[A-Za-z0-9_]*');
  return new RegExp(`^${name}$`, 'i');
}

/**
 * The variables `selector` names in `all` (in declaration order), or a message saying why
 * none. `*` matches one name (a structure matched is published whole), `**` every leaf below.
 */
export function select(all: readonly CatalogVar[], selector: string): CatalogVar[] | string {
  const segs = selector.split('.');
  const out: CatalogVar[] = [];
  const visit = (vars: readonly CatalogVar[], i: number) => {
    const seg = segs[i]!;
    if (seg === '**') {
      for (const v of vars) out.push(...leavesOf(v));
      return;
    }
    const re = segmentPattern(seg);
    const index = /\[(\d+|\*)\]$/.exec(seg)?.[1];
    for (const v of vars) {
      const name = v.path.slice(v.path.lastIndexOf('.') + 1);
      if (!re.test(name)) continue;
      let hits: CatalogVar[] = [v];
      if (index !== undefined && v.type.kind === 'array' && v.children) {
        // an array of structures: its elements
        hits = index === '*' ? v.children : v.children.filter((c) => c.path.toUpperCase().endsWith(`[${index}]`));
        if (hits.length === 0) continue;
      } else if (index !== undefined) {
        if (v.type.kind !== 'array' || !v.key) continue;
        const size = v.type.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
        const lo = v.type.dims[0]!.lo;
        const element = v.type.element;
        const one = (k: number): CatalogVar => ({ ...v, path: `${v.path}[${k + lo}]`, type: element, index: k });
        if (index === '*') hits = Array.from({ length: size }, (_, k) => one(k));
        else if (v.type.dims.length === 1 && Number(index) >= lo && Number(index) - lo < size) hits = [one(Number(index) - lo)];
        else continue;
      }
      if (i === segs.length - 1) out.push(...hits);
      else for (const h of hits) if (h.children) visit(h.children, i + 1);
    }
  };
  visit(all, 0);
  if (out.length === 0) return `'${selector}' names no variable of the resource`;
  return out;
}

/** The variable at exactly `path` (case-insensitive), or undefined. */
export function find(all: readonly CatalogVar[], path: string): CatalogVar | undefined {
  if (!isSelector(path) || path.includes('*')) return undefined;
  const hit = select(all, path);
  return typeof hit === 'string' ? undefined : hit[0];
}

/** Whether `path` matches one of `selectors` (as select() would name it). */
export function matchesAny(all: readonly CatalogVar[], selectors: readonly string[], v: CatalogVar): boolean {
  return selectors.some((s) => {
    const hit = select(all, s);
    return typeof hit !== 'string' && hit.some((h) => h.path.toUpperCase() === v.path.toUpperCase() || leavesOf(h).some((l) => l.path.toUpperCase() === v.path.toUpperCase()));
  });
}

/** Read `v` from the raw map: a leaf's value, an array element, or an object of a structure's elements. */
export function rawValue(v: CatalogVar, raw: Record<string, unknown>): unknown {
  if (v.key !== undefined) {
    const x = raw[v.key];
    return v.index !== undefined ? (x as ArrayLike<unknown> | undefined)?.[v.index] : x;
  }
  return undefined;
}

