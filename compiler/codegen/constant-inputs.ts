/**
 * Function block bodies specialised for the constant inputs of a call. A call such as
 * `pid(sp := x, kp := 1.2, ti := 4.0, dt := 0.01)` stores each input in the instance, where it
 * stays readable as `pid.kp`, and runs the body; V8 does not carry a value stored in a field into
 * the body it inlines, so the body computes `kp * dt / ti` from the gains again on every call.
 * The call runs instead a copy of the body, `$k1()`, in which each input given a literal at that
 * call reads as the literal: V8 folds the constants, as gcc does with the same FB as a C function
 * called with constant arguments. The copy takes no arguments, so a call V8 does not inline
 * passes no float (which it would box) and the scan still allocates nothing.
 *
 * An input is replaced so only when nothing that runs during its FB's body can write it: it is
 * elementary (a scalar), has no R_EDGE/F_EDGE (the body sees the edge, not what was passed), no
 * reference to it is taken, and no statement the body may run (its own and, transitively, those
 * of every function, FB, method and action it calls) assigns it, binds it as an output or in-out
 * argument, or assigns a whole value holding an instance of the FB. FBs that extend another or
 * are extended are left out, as are bodies with loops (their loops may become WebAssembly, which
 * is compiled once per body). Each FB has at most MAX_COPIES copies; calls beyond run `$body`.
 */
import type { Expr, Stmt } from '../st/ast.js';
import type { Declarations } from '../semantics/declarations.js';
import type { Annotations, Pou, VarSymbol } from '../semantics/symbols.js';
import type { Type } from '../types/types.js';
import { hasLoop, walkStmts, walkWrites } from './ast-walk.js';
import { isScalar } from './values.js';

/** What the statements of a POU, and of everything they call, may write. */
interface Writes {
  vars: Set<VarSymbol>;
  /** FB types whose whole instances are assigned (a copy writes every input) */
  instances: Set<Type>;
}

/** Copies of the body of one FB at most: each is code V8 compiles. */
export const MAX_COPIES = 4;

/** The inputs of each FB that a copy of its body may read as constants (FBs with none are absent). */
export function fixedInputs(decls: Declarations, ann: Annotations): Map<Pou, Set<VarSymbol>> {
  const pous = decls.allPous();
  const extended = new Set<Pou>();
  for (const p of pous) if (p.base) extended.add(p.base);
  const analysis = new WriteAnalysis(pous, ann, extended);
  const out = new Map<Pou, Set<VarSymbol>>();
  for (const p of pous) {
    if (p.kind !== 'functionBlock' || p.base || extended.has(p)) continue;
    const body = (p.decl as { body: Stmt[] }).body;
    if (hasLoop(body)) continue;
    const candidates = p.vars.filter((v) => v.section === 'VAR_INPUT' && v.storage === 'instance' && isScalar(v.type) && !v.edge && !ann.addressTaken.has(v));
    if (!candidates.length) continue;
    const writes = analysis.of(body);
    if ([...writes.instances].some((t) => holds(t, p))) continue;
    // an input the body's own statements never read would give a copy identical to the body
    const read = new Set<VarSymbol>();
    walkStmts(body, {
      expr: (e) => {
        const s = e.kind === 'name' ? ann.symbols.get(e.id) : undefined;
        if (s?.kind === 'var') read.add(s);
      },
    });
    const fixed = candidates.filter((v) => read.has(v) && !writes.vars.has(v));
    if (fixed.length) out.set(p, new Set(fixed));
  }
  return out;
}

/** Does a value of type `t` hold an instance of FB `p`? */
function holds(t: Type, p: Pou): boolean {
  switch (t.kind) {
    case 'fb':
      return t.decl === p.decl;
    case 'array':
      return holds(t.element, p);
    case 'struct':
      return t.fields.some((f) => holds(f.type, p));
    default:
      return false;
  }
}

class WriteAnalysis {
  private readonly done = new Map<Stmt[], Writes>();
  private readonly active = new Set<Stmt[]>();
  private everything: Writes | undefined;

  constructor(private readonly pous: Pou[], private readonly ann: Annotations, private readonly extended: Set<Pou>) {}

  /** The writes of `body` and of everything it calls. */
  of(body: Stmt[]): Writes {
    const known = this.done.get(body);
    if (known) return known;
    // IEC 61131-3 has no recursion; should a cycle appear, assume the worst
    if (this.active.has(body)) return this.all();
    this.active.add(body);
    const w: Writes = { vars: new Set(), instances: new Set() };
    let unknownCallee = false;
    const callees: Stmt[][] = [];
    this.direct(body, w, (b) => {
      if (b === undefined) unknownCallee = true;
      else callees.push(b);
    });
    for (const b of unknownCallee ? [] : callees) merge(w, this.of(b));
    this.active.delete(body);
    const result = unknownCallee ? this.all() : w;
    this.done.set(body, result);
    return result;
  }

  /** Every write of the project: for a call whose body is not known before it runs. */
  private all(): Writes {
    if (this.everything) return this.everything;
    const w: Writes = { vars: new Set(), instances: new Set() };
    const each = (b: Stmt[]) => this.direct(b, w, () => undefined);
    for (const p of this.pous) {
      const d = p.decl as { body?: Stmt[]; actions?: { body: Stmt[] }[] };
      if (d.body) each(d.body);
      for (const a of d.actions ?? []) each(a.body);
      for (const m of p.methods.values()) {
        const md = m.decl as { body?: Stmt[] };
        if (md.body) each(md.body);
      }
    }
    return (this.everything = w);
  }

  /** The writes of the statements themselves; `callee` gets each body they call (undefined: not known statically). */
  private direct(body: Stmt[], w: Writes, callee: (body: Stmt[] | undefined) => void): void {
    const ann = this.ann;
    const written = (target: Expr) => {
      const t = ann.types.get(target.id);
      if (t) w.instances.add(t);
      for (let x: Expr | undefined = target; x; ) {
        if (x.kind === 'name' || x.kind === 'member') {
          const s = ann.symbols.get(x.id);
          if (s?.kind === 'var') w.vars.add(s);
        }
        x = x.kind === 'member' || x.kind === 'index' || x.kind === 'bit' || x.kind === 'deref' ? x.object : undefined;
      }
    };
    walkWrites(body, ann, written, (e) => {
      const target = e.kind === 'call' ? ann.calls.get(e.id) : undefined;
      if (!target) return;
      switch (target.kind) {
        case 'builtin':
          return;
        case 'function':
          return callee((target.pou.decl as { body: Stmt[] }).body);
        case 'fbInstance':
          return callee(this.extended.has(target.pou) ? undefined : (target.pou.decl as { body: Stmt[] }).body);
        case 'method': {
          // through an interface or on an FB that is extended, another class's method may run
          const body = (target.pou.decl as { body?: Stmt[] }).body;
          return callee(target.owner.kind === 'interface' || this.extended.has(target.owner) ? undefined : body);
        }
        case 'action':
          return callee(this.extended.has(target.owner) ? undefined : target.action.body);
      }
    });
  }
}

function merge(into: Writes, from: Writes): void {
  for (const v of from.vars) into.vars.add(v);
  for (const t of from.instances) into.instances.add(t);
}

/** One copy of an FB's body: its method and the code each constant input reads as. */
export interface BodyCopy {
  pou: Pou;
  method: string;
  constants: Map<VarSymbol, string>;
}

/** Is `code` a number or boolean literal as the code generator writes it (a REAL's rounded by $fround)? */
export function isLiteralCode(code: string): boolean {
  return /^(?:\$fround\()?-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\)?$/.test(code) || code === 'true' || code === 'false';
}

/** A REAL literal without its $fround when the number is a single already: less bytecode, and V8 still inlines the copy. */
function bare(code: string): string {
  if (!code.startsWith('$fround(')) return code;
  const x = Number(code.slice('$fround('.length, -1));
  return Math.fround(x) === x ? String(x) : code;
}

/** The copies the calls of one module ask for: one per FB and set of constants, MAX_COPIES per FB at most. */
export class BodyCopies {
  private readonly byPou = new Map<Pou, Map<string, BodyCopy>>();
  private readonly pending: BodyCopy[] = [];
  private count = 0;

  constructor(private readonly fixed: Map<Pou, Set<VarSymbol>>) {}

  /** The method running `pou`'s body with the inputs in `given` (each a literal's code) as constants; undefined: `$body`. */
  methodFor(pou: Pou, given: Map<VarSymbol, string>): string | undefined {
    const fixed = this.fixed.get(pou);
    if (!fixed) return undefined;
    const constants = new Map<VarSymbol, string>();
    for (const [v, code] of given) if (fixed.has(v)) constants.set(v, bare(code));
    if (!constants.size) return undefined;
    const key = [...constants].map(([v, code]) => `${v.prop}=${code}`).sort().join(';');
    let copies = this.byPou.get(pou);
    if (!copies) this.byPou.set(pou, (copies = new Map()));
    const known = copies.get(key);
    if (known) return known.method;
    if (copies.size >= MAX_COPIES) return undefined;
    const copy: BodyCopy = { pou, method: `$k${++this.count}`, constants };
    copies.set(key, copy);
    this.pending.push(copy);
    return copy.method;
  }

  /** The copies asked for since the last take (emitting one may ask for more: its body has calls too). */
  take(): BodyCopy[] {
    return this.pending.splice(0);
  }
}
