import type { Application, GeneratedResource, ResourceModel, TypeInfo, VarInfo } from '../../compiler/application.js';
import { convertScalar, fbVars, stateful, typeName, widens } from './iec-types.js';

/**
 * State transfer of an online change: the values of a running resource carried into the
 * fresh instance of its new version. A variable whose path and type are unchanged keeps its
 * value (inside FB instances, structs and arrays alike); a new variable starts at its initial
 * value; a changed type is converted when IEC allows it without loss (INT → DINT, REAL →
 * LREAL, STRING[10] → STRING[20], an enum that kept its values, an array whose bounds moved:
 * the elements both have), otherwise re-initialised. A variable whose declared initial value
 * changed takes the new one: that is what changing a declaration asks for.
 *
 * The same walk reports (on throw-away instances, off the scan thread, for `--dry-run`) and
 * applies (in the scan worker, at a scan boundary), so the report is what the swap does.
 */

export type TransferAction = 'kept' | 'converted' | 'reinitialised' | 'new' | 'removed';

export interface TransferEntry {
  /** dotted path; `[*]` stands for every element of an array */
  path: string;
  action: TransferAction;
  /** the old and the new type, when they differ */
  from?: string;
  to?: string;
  reason?: string;
}

/** One version of a resource: its types, its running instance and a fresh one (initial values). */
export interface TransferSide {
  app: Application;
  model: ResourceModel;
  instance: GeneratedResource;
  fresh: GeneratedResource;
}

const RANK: Record<TransferAction, number> = { kept: 0, converted: 1, new: 2, removed: 2, reinitialised: 3 };

type Holder = Record<string | number, unknown>;

/**
 * Copy the state of `old.instance` into `next.instance` (a fresh instance of the new version),
 * returning what happened to every variable. `next.fresh` may be `next.instance` itself.
 */
export function transferState(old: TransferSide, next: TransferSide): TransferEntry[] {
  const w = new Walk(old.app, next.app);
  const upper = (s: string) => s.toUpperCase();
  for (const p of next.model.programs) {
    const op = old.model.programs.find((x) => upper(x.name) === upper(p.name));
    const newObj = programOf(next.instance, p.name);
    if (!op) {
      w.report({ path: p.name, action: 'new', to: p.typeName });
      continue;
    }
    const oldVars = fbVars(old.app, op.typeName) ?? [];
    const newVars = fbVars(next.app, p.typeName) ?? [];
    w.vars(oldVars, newVars, programOf(old.instance, op.name), programOf(old.fresh, op.name), newObj, p.name);
  }
  for (const op of old.model.programs) {
    if (!next.model.programs.some((p) => upper(p.name) === upper(op.name))) w.report({ path: op.name, action: 'removed', from: op.typeName });
  }
  w.vars(old.model.globals, next.model.globals, old.instance.globals, old.fresh.globals, next.instance.globals, '');
  return w.entries();
}

/** How many entries of each action; the report's headline. */
export function countActions(entries: readonly TransferEntry[]): Record<TransferAction, number> {
  const c: Record<TransferAction, number> = { kept: 0, converted: 0, reinitialised: 0, new: 0, removed: 0 };
  for (const e of entries) c[e.action]++;
  return c;
}

function programOf(instance: GeneratedResource, name: string): Holder {
  const key = Object.keys(instance.programs).find((k) => k.toUpperCase() === name.toUpperCase());
  return (key === undefined ? {} : instance.programs[key]) as Holder;
}

class Walk {
  private readonly byPath = new Map<string, TransferEntry>();

  constructor(
    private readonly oldApp: Application,
    private readonly newApp: Application,
  ) {}

  entries(): TransferEntry[] {
    return [...this.byPath.values()];
  }

  /** Array elements report under one `[*]` path: the strongest action of them wins. */
  report(e: TransferEntry): void {
    const prev = this.byPath.get(e.path);
    if (!prev || RANK[e.action] > RANK[prev.action]) this.byPath.set(e.path, e);
  }

  vars(oldVars: readonly VarInfo[], newVars: readonly VarInfo[], o: Holder, f: Holder, n: Holder, prefix: string): void {
    const upper = (s: string) => s.toUpperCase();
    const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
    for (const v of newVars) {
      if (!stateful(v) || v.constant) continue;
      const ov = oldVars.find((x) => upper(x.name) === upper(v.name) && stateful(x) && !x.constant);
      if (!ov) this.report({ path: at(v.name), action: 'new', to: typeName(v.type) });
      else this.value(ov.type, v.type, o, ov.prop, f, n, v.prop, at(v.name));
    }
    for (const ov of oldVars) {
      if (!stateful(ov) || ov.constant) continue;
      if (!newVars.some((x) => upper(x.name) === upper(ov.name) && stateful(x) && !x.constant)) {
        this.report({ path: at(ov.name), action: 'removed', from: typeName(ov.type) });
      }
    }
  }

  /** One variable: `o[ok]` (running) and `f[ok]` (initial) of the old version into `n[nk]`. */
  value(ot: TypeInfo, nt: TypeInfo, o: Holder, ok: string | number, f: Holder, n: Holder, nk: string | number, path: string): void {
    const change = { from: typeName(ot), to: typeName(nt) };
    if (isScalar(ot) && isScalar(nt)) {
      const conv = scalarConversion(ot, nt);
      if (!conv) return this.report({ path, action: 'reinitialised', ...change, reason: 'type changed' });
      const init = conv.convert(f[ok]);
      if (!same(init, n[nk])) return this.report({ path, action: 'reinitialised', ...(conv.kept ? {} : change), reason: 'initial value changed' });
      n[nk] = conv.convert(o[ok]);
      return this.report(conv.kept ? { path, action: 'kept' } : { path, action: 'converted', ...change });
    }
    if (ot.kind === 'array' && nt.kind === 'array') return this.array(ot, nt, o[ok] as Holder, f[ok] as Holder, n[nk] as Holder, path);
    if (ot.kind === 'struct' && nt.kind === 'struct') {
      return this.vars(ot.fields, nt.fields, o[ok] as Holder, f[ok] as Holder, n[nk] as Holder, path);
    }
    if (ot.kind === 'fb' && nt.kind === 'fb' && ot.name.toUpperCase() === nt.name.toUpperCase()) {
      return this.vars(fbVars(this.oldApp, ot.name) ?? [], fbVars(this.newApp, nt.name) ?? [], o[ok] as Holder, f[ok] as Holder, n[nk] as Holder, path);
    }
    this.report({ path, action: 'reinitialised', ...change, reason: ot.kind === 'ref' || nt.kind === 'ref' ? 'a reference is bound anew' : 'type changed' });
  }

  private array(ot: TypeInfo & { kind: 'array' }, nt: TypeInfo & { kind: 'array' }, o: Holder, f: Holder, n: Holder, path: string): void {
    const change = { from: typeName(ot), to: typeName(nt) };
    if (ot.dims.length !== nt.dims.length) return this.report({ path, action: 'reinitialised', ...change, reason: 'dimensions changed' });
    const sameBounds = ot.dims.every((d, i) => d.lo === nt.dims[i]!.lo && d.hi === nt.dims[i]!.hi);
    const pairs = overlap(ot.dims, nt.dims);
    if (isScalar(ot.element) && isScalar(nt.element)) {
      const conv = scalarConversion(ot.element, nt.element);
      if (!conv) return this.report({ path, action: 'reinitialised', ...change, reason: 'element type changed' });
      for (const [oi, ni] of pairs) {
        if (!same(conv.convert(f[oi]), n[ni])) return this.report({ path, action: 'reinitialised', ...change, reason: 'initial value changed' });
      }
      for (const [oi, ni] of pairs) n[ni] = conv.convert(o[oi]);
      return this.report(conv.kept && sameBounds ? { path, action: 'kept' } : { path, action: 'converted', ...change });
    }
    if (!sameBounds) this.report({ path, action: 'converted', ...change, reason: 'the elements both versions have are kept' });
    for (const [oi, ni] of pairs) this.value(ot.element, nt.element, o, oi, f, n, ni, `${path}[*]`);
  }
}

function isScalar(t: TypeInfo): boolean {
  return t.kind === 'elementary' || t.kind === 'string' || t.kind === 'enum';
}

interface Conversion {
  kept: boolean;
  convert(v: unknown): unknown;
}

const identity: Conversion = { kept: true, convert: (v) => v };

function scalarConversion(ot: TypeInfo, nt: TypeInfo): Conversion | undefined {
  if (ot.kind === 'elementary' && nt.kind === 'elementary') {
    if (ot.name === nt.name) return identity;
    const to = nt.name;
    return widens(ot.name, to) ? { kept: false, convert: (v) => convertScalar(v, to) } : undefined;
  }
  if (ot.kind === 'string' && nt.kind === 'string') {
    if (ot.wide !== nt.wide || nt.length < ot.length) return undefined;
    return nt.length === ot.length ? identity : { kept: false, convert: (v) => v };
  }
  if (ot.kind === 'enum' && nt.kind === 'enum') {
    if (ot.name.toUpperCase() !== nt.name.toUpperCase()) return undefined;
    // by name: a value that kept its name keeps its meaning, whatever its number now
    const map = new Map<number, number>();
    for (const v of ot.values) {
      const nv = nt.values.find((x) => x.name.toUpperCase() === v.name.toUpperCase());
      if (!nv) return undefined;
      map.set(v.value, nv.value);
    }
    const kept = [...map].every(([a, b]) => a === b) && ot.values.length === nt.values.length;
    return kept ? identity : { kept: false, convert: (v) => map.get(v as number) ?? v };
  }
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  // a BOOL array element is a byte, a BOOL variable a boolean
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) === Number(b);
  return a === b;
}

/**
 * Pairs of flat indices (old, new) of the elements both arrays have, row-major as generated
 * code lays out multi-dimensional arrays (JS arrays and typed arrays alike are flat).
 */
function overlap(od: readonly { lo: number; hi: number }[], nd: readonly { lo: number; hi: number }[]): [number, number][] {
  const lo = od.map((d, i) => Math.max(d.lo, nd[i]!.lo));
  const hi = od.map((d, i) => Math.min(d.hi, nd[i]!.hi));
  if (lo.some((l, i) => l > hi[i]!)) return [];
  const out: [number, number][] = [];
  const idx = lo.slice();
  const flat = (dims: readonly { lo: number; hi: number }[]) => {
    let k = 0;
    for (let i = 0; i < dims.length; i++) k = k * (dims[i]!.hi - dims[i]!.lo + 1) + (idx[i]! - dims[i]!.lo);
    return k;
  };
  for (;;) {
    out.push([flat(od), flat(nd)]);
    let d = idx.length - 1;
    while (d >= 0 && idx[d] === hi[d]) idx[d] = lo[d--]!;
    if (d < 0) return out;
    idx[d]!++;
  }
}
