/**
 * Loop versioning for index checks: a FOR loop with bounds known only at run time, or a WHILE
 * loop over an induction variable (`WHILE v <= E DO … v := v + c; END_WHILE`), whose array
 * accesses `a[v + k]` stay inside their arrays whenever the variable stays inside one range.
 * The loop is emitted twice: one test before it (the entry value and the bound inside that
 * range) selects a copy without those checks; otherwise the copy with every check runs, so a
 * fault still happens at the same access and iteration as without versioning.
 *
 * The variable must be one nothing else can change: a local or instance variable (no global,
 * VAR_EXTERNAL, VAR_IN_OUT, no reference taken), written in the body only by the WHILE's last
 * statement, with no JMP or label, method or action call in the body (see mayChange).
 */
import type { Expr, ForStmt, Stmt, VarDecl, WhileStmt } from '../st/ast.js';
import type { Annotations, VarSymbol } from '../semantics/symbols.js';
import { concrete } from '../types/common-type.js';
import { integerRange, isBig } from '../types/types.js';
import { walkExpr, walkStmts } from './ast-walk.js';
import { constantOf, mayChange, rangeOf, type IntRange, type LoopFacts } from './index-range.js';

/** How a FOR loop is versioned: the range its variable must stay in for the unchecked copy. */
export interface ForVersion {
  decl: VarDecl;
  range: IntRange;
  /** a BY computed at run time: the largest step that cannot wrap the variable past its type from inside the range (the copy needs 1 <= BY <= stepMax) */
  stepMax?: bigint;
}

/** How a WHILE loop is versioned. */
export interface WhileVersion {
  decl: VarDecl;
  /** the induction variable as written (`v`) */
  variable: Expr;
  range: IntRange;
  /** the variable grows (`v := v + c`) or shrinks (`v := v - c`) */
  up: boolean;
  /** the loop bound E of `v <= E`, `v < E`, `v >= E` or `v > E`, and whether it is strict */
  bound: Expr;
  strict: boolean;
  /** the step c: a constant, or an invariant variable tested at entry */
  step: Expr;
  stepConst?: bigint;
  /** the largest step that cannot wrap the variable past its type from inside the range */
  stepMax: bigint;
}

/** A variable nothing but the loop's own statements can change. */
export function plainVar(e: Expr | undefined, ann: Annotations): VarSymbol | undefined {
  if (e?.kind !== 'name') return undefined;
  const s = ann.symbols.get(e.id);
  if (s?.kind !== 'var' || s.storage === 'global' || s.section === 'VAR_EXTERNAL' || s.section === 'VAR_IN_OUT') return undefined;
  if (ann.addressTaken.has(s) || s.decl === undefined) return undefined;
  return s;
}

/** The range of the integer type of `e` (not 64 bits, not a subrange), or undefined. */
export function intRangeOf(e: Expr, ann: Annotations): IntRange | undefined {
  const t = concrete(ann.types.get(e.id) ?? { kind: 'error' });
  if (t.kind !== 'elementary' || isBig(t) || t.subrange) return undefined;
  return integerRange(t.name);
}

/** k when `e` is `v`, `v + k`, `k + v` or `v - k` for the variable declared by `decl`. */
function offsetOf(e: Expr, decl: VarDecl, ann: Annotations): bigint | undefined {
  const isV = (x: Expr): boolean => {
    if (x.kind !== 'name') return false;
    const s = ann.symbols.get(x.id);
    return s?.kind === 'var' && s.decl === decl;
  };
  if (isV(e)) return 0n;
  if (e.kind !== 'binary' || (e.op !== '+' && e.op !== '-')) return undefined;
  const r = constantOf(e.right, ann);
  if (isV(e.left) && r !== undefined) return e.op === '+' ? r : -r;
  const l = constantOf(e.left, ann);
  if (e.op === '+' && isV(e.right) && l !== undefined) return l;
  return undefined;
}

/**
 * The range of the variable that keeps every access `a[v + k]` of the body inside its array,
 * within the variable's type; undefined when there is no such access (nothing to gain).
 */
export function accessRange(body: Stmt[], decl: VarDecl, own: IntRange, ann: Annotations): IntRange | undefined {
  let lo = own.lo;
  let hi = own.hi;
  let any = false;
  let other = false;
  walkStmts(body, {
    expr: (e) => {
      if (e.kind !== 'index') return;
      const t = concrete(ann.types.get(e.object.id) ?? { kind: 'error' });
      e.indices.forEach((ix, d) => {
        const dim = t.kind === 'array' ? t.dims[d] : undefined;
        const k = dim && offsetOf(ix, decl, ann);
        if (k === undefined || !dim) {
          if (mentions(ix, decl, ann)) other = true;
          return;
        }
        any = true;
        if (BigInt(dim.lo) - k > lo) lo = BigInt(dim.lo) - k;
        if (BigInt(dim.hi) - k < hi) hi = BigInt(dim.hi) - k;
      });
    },
  });
  // an index of another form in the variable (`a[j - gap]`) keeps its check in the copy too:
  // the entry test would then cost about what it saves
  return any && !other && lo <= hi ? { lo, hi } : undefined;
}

/** Does `e` read the variable declared by `decl`? */
export function mentions(e: Expr, decl: VarDecl, ann: Annotations): boolean {
  let found = false;
  walkExpr(e, {
    expr: (x) => {
      if (x.kind !== 'name') return;
      const s = ann.symbols.get(x.id);
      if (s?.kind === 'var' && s.decl === decl) found = true;
    },
  });
  return found;
}

/**
 * A FOR loop with bounds known only at run time, worth versioning. A BY that is no constant
 * (`FOR j := i * i TO n BY i`) is tested at entry too: the copy runs for a positive step that
 * cannot wrap the variable (stepMax).
 */
export function forVersion(s: ForStmt, ann: Annotations): ForVersion | undefined {
  const sym = plainVar(s.variable, ann);
  if (!sym) return undefined;
  const step = s.by ? constantOf(s.by, ann) : 1n;
  const own = intRangeOf(s.variable, ann);
  if (!own || step === 0n) return undefined;
  const range = accessRange(s.body, sym.decl, own, ann);
  if (!range || mayChange(s.body, sym.decl, ann)) return undefined;
  if (step === undefined) {
    const stepMax = own.hi - range.hi;
    return stepMax >= 1n ? { decl: sym.decl, range, stepMax } : undefined;
  }
  // the step past the last value must stay in the type, so the unchecked copy needs no wrap test
  if (range.hi + step > own.hi || range.lo + step < own.lo) return undefined;
  return { decl: sym.decl, range };
}

/**
 * A WHILE loop over an induction variable, `WHILE v op E DO …; v := v ± step; END_WHILE`: the
 * comparison's direction matches the step's, E and the step are unchanged by the body, and v
 * changes only at its end.
 */
export interface InductionWhile {
  sym: VarSymbol;
  /** `v := v + step` with `v < E` or `v <= E` (else `v := v - step` with `v > E` or `v >= E`) */
  up: boolean;
  strict: boolean;
  bound: Expr;
  step: Expr;
}

export function inductionWhile(s: WhileStmt, ann: Annotations): InductionWhile | undefined {
  const c = s.cond;
  if (c.kind !== 'binary' || !['<', '<=', '>', '>='].includes(c.op)) return undefined;
  const sym = plainVar(c.left, ann);
  if (!sym) return undefined;
  const last = s.body[s.body.length - 1];
  if (last?.kind !== 'assign' || last.op !== ':=' || plainVar(last.target, ann) !== sym) return undefined;
  const inc = last.value;
  if (inc.kind !== 'binary' || (inc.op !== '+' && inc.op !== '-')) return undefined;
  const up = inc.op === '+';
  if (up !== (c.op === '<' || c.op === '<=')) return undefined;
  const step = plainVar(inc.left, ann) === sym ? inc.right : up && plainVar(inc.right, ann) === sym ? inc.left : undefined;
  if (!step) return undefined;
  // the bound and a variable step must not change in the loop; the variable only at the end
  if (!invariant(c.right, s.body, ann) || !invariant(step, s.body, ann)) return undefined;
  if (mayChange(s.body.slice(0, -1), sym.decl, ann) || mayChange(s.body, undefined, ann)) return undefined;
  return { sym, up, strict: c.op === '<' || c.op === '>', bound: c.right, step };
}

/** A WHILE loop over an induction variable, worth versioning. */
export function whileVersion(s: WhileStmt, ann: Annotations): WhileVersion | undefined {
  const w = inductionWhile(s, ann);
  if (!w || s.cond.kind !== 'binary') return undefined;
  const own = intRangeOf(s.cond.left, ann);
  if (!own || !intRangeOf(w.bound, ann) || !intRangeOf(w.step, ann)) return undefined;
  const range = accessRange(s.body, w.sym.decl, own, ann);
  if (!range) return undefined;
  const stepConst = constantOf(w.step, ann);
  const stepMax = w.up ? own.hi - range.hi : range.lo - own.lo;
  if (stepConst !== undefined && (stepConst < 0n || stepConst > stepMax)) return undefined;
  return { decl: w.sym.decl, variable: s.cond.left, range, up: w.up, bound: w.bound, strict: w.strict, step: w.step, stepConst, stepMax };
}

/** A constant, or a plain variable the body cannot change. */
export function invariant(e: Expr, body: Stmt[], ann: Annotations): boolean {
  if (constantOf(e, ann) !== undefined) return true;
  const sym = plainVar(e, ann);
  return sym !== undefined && !mayChange(body, sym.decl, ann);
}


/**
 * `n := e` where n is a plain integer variable and the loop facts bound e: n's range right after
 * the statement (the caller keeps it only while no later statement may write n).
 */
export function assignedRange(s: Stmt, facts: LoopFacts, ann: Annotations): { decl: VarDecl; range: IntRange } | undefined {
  if (s.kind !== 'assign' || s.op !== ':=') return undefined;
  const sym = plainVar(s.target, ann);
  const own = sym && intRangeOf(s.target, ann);
  if (!sym || !own) return undefined;
  const r = rangeOf(s.value, facts, ann);
  return r && r.lo >= own.lo && r.hi <= own.hi ? { decl: sym.decl, range: r } : undefined;
}
