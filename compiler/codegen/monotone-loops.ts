/**
 * WHILE loops over a variable that only moves one way. In the flag-ended insertion sort
 * (`j := i - 1; WHILE NOT done DO IF j < 1 THEN done := TRUE; ELSIF a[j] > key THEN
 * a[j + 1] := a[j]; j := j - 1; ELSE done := TRUE; END_IF; END_WHILE`) the loop's only write of
 * j is `j := j - 1`, under `j >= 1`: j never grows and never wraps, so it stays at or below its
 * value at entry. When that value is at most the highest index the accesses `a[j + k]` allow,
 * the loop runs as a copy that knows j <= that bound (loop-versioning.ts's entry test and two
 * copies); with what the IF tells its branch (branch-facts.ts, j >= 1) the accesses need no
 * check there. Otherwise the copy with every check runs. The same holds for the loop's own test
 * (`WHILE j >= 1 AND a[j] > key DO a[j + 1] := a[j]; j := j - 1; END_WHILE`): the test's
 * accesses count with the body's, the second half of an AND knows what the first says, and the
 * test runs in the copy knowing the bound too.
 *
 * The variable must be one nothing else can change (plainVar), written in the loop only by
 * `v := v - c` (or only by `v := v + c`, the mirror case) with c a positive constant, each
 * where the conditions on the way to it, or the loop's own test before any write of v, prove
 * v - c stays inside v's type; nothing else in the body may change v (a call, an inner loop).
 */
import type { Expr, Stmt, VarDecl, WhileStmt } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';
import { walkExpr, walkStmts } from './ast-walk.js';
import { branchFacts, type Tested } from './branch-facts.js';
import { constantOf, exprMayChange, mayChange, type IntRange } from './index-range.js';
import { accessRange, intRangeOf, mentions, plainVar } from './loop-versioning.js';

/** How such a loop is versioned: entry `variable <= range.hi` (down) or `>= range.lo` (up), the copy knowing `range`. */
export interface MonotoneVersion {
  decl: VarDecl;
  variable: Expr;
  range: IntRange;
  down: boolean;
}

/** The loop's variable that only moves one way, with the range its checked accesses need, or undefined. */
export function monotoneVersion(s: WhileStmt, ann: Annotations): MonotoneVersion | undefined {
  const tried = new Set<VarDecl>();
  for (const target of assignedNames(s.body)) {
    const sym = plainVar(target, ann);
    if (!sym || tried.has(sym.decl)) continue;
    tried.add(sym.decl);
    const own = intRangeOf(target, ann);
    if (!own) continue;
    // the loop's test reads the variable too, at every value it takes
    const access = accessRange([s], sym.decl, own, ann);
    if (!access) continue;
    for (const down of [true, false]) {
      // the bound the copy knows must say more than the type does
      if (down ? access.hi >= own.hi : access.lo <= own.lo) continue;
      const m = { decl: sym.decl, own, down, access, ann };
      if (!provenTest(s.cond, m, []) || !movesOneWay(s.body, m, [{ cond: s.cond, holds: true }])) continue;
      return { decl: sym.decl, variable: target, range: down ? { lo: own.lo, hi: access.hi } : { lo: access.lo, hi: own.hi }, down };
    }
  }
  return undefined;
}

/** The names assigned anywhere in `body`, in order. */
function assignedNames(body: Stmt[]): Expr[] {
  const out: Expr[] = [];
  walkStmts(body, {
    stmt: (st) => {
      if (st.kind === 'assign' && st.target.kind === 'name') out.push(st.target);
    },
  });
  return out;
}

interface Moves {
  decl: VarDecl;
  own: IntRange;
  down: boolean;
  /** the range of v that keeps every access a[v + k] inside its array */
  access: IntRange;
  ann: Annotations;
}

/**
 * Do the accesses a[v + k] in `node` stay inside their arrays on the side the copy's entry test
 * does not cover (the lower one for a v that moves down), by what `path` says of v? Otherwise
 * the copy would keep their checks, and two copies would cost without saving.
 */
function proven(node: { expr: Expr } | { stmt: Stmt }, m: Moves, path: readonly Tested[] | undefined): boolean {
  let ok = true;
  // what the path says of v, found at the first access that needs it
  let r: IntRange | undefined | null = null;
  const visitor = {
    expr: (e: Expr) => {
      if (!ok || e.kind !== 'index' || !e.indices.some((ix) => mentions(ix, m.decl, m.ann))) return;
      if (r === null) r = branchFacts(path ?? [], new Map(), m.ann)?.get(m.decl);
      ok = r !== undefined && (m.down ? r.lo >= m.access.lo : r.hi <= m.access.hi);
    },
  };
  if ('expr' in node) walkExpr(node.expr, visitor);
  else walkStmts([node.stmt], visitor);
  return ok;
}

/**
 * `proven` for a condition entered with `path`: the right operand of AND (OR) runs only where
 * the left one held (failed), so `j >= 1 AND a[j] > key` proves its access by its own first half.
 */
function provenTest(cond: Expr, m: Moves, path: readonly Tested[]): boolean {
  if (cond.kind === 'binary' && (cond.op === 'AND' || cond.op === 'OR')) {
    return provenTest(cond.left, m, path) && provenTest(cond.right, m, [...path, { cond: cond.left, holds: cond.op === 'AND' }]);
  }
  return proven({ expr: cond }, m, path);
}

/**
 * Do `stmts`, entered with `path` (the conditions that held or failed on the way, none of them
 * outdated by a write of v since), write v only by steps the way of `m` that stay in its type,
 * with every access proven on the other side?
 */
function movesOneWay(stmts: readonly Stmt[], m: Moves, path: readonly Tested[] | undefined): boolean {
  let known = path;
  for (const st of stmts) {
    if (st.kind === 'assign' && st.op === ':=' && plainVar(st.target, m.ann)?.decl === m.decl) {
      const c = stepOf(st.value, m);
      if (c === undefined) return false;
      const r = branchFacts(known ?? [], new Map(), m.ann)?.get(m.decl);
      if (!r || (m.down ? r.lo < m.own.lo + c : r.hi > m.own.hi - c)) return false;
      known = undefined; // written: what the conditions said of v no longer holds
    } else if (st.kind === 'if') {
      const failed: Tested[] = [];
      let wrote = false;
      for (const b of st.branches) {
        if (exprMayChange(b.cond, m.decl, m.ann) || !provenTest(b.cond, m, [...(known ?? []), ...failed])) return false;
        const here = [...(known ?? []), ...failed, { cond: b.cond, holds: true }];
        if (!movesOneWay(b.body, m, here)) return false;
        wrote ||= mayChange(b.body, m.decl, m.ann);
        failed.push({ cond: b.cond, holds: false });
      }
      if (st.elseBody) {
        if (!movesOneWay(st.elseBody, m, [...(known ?? []), ...failed])) return false;
        wrote ||= mayChange(st.elseBody, m.decl, m.ann);
      }
      if (wrote) known = undefined;
    } else if (mayChange(st, m.decl, m.ann) || !proven({ stmt: st }, m, known)) {
      return false;
    }
  }
  return true;
}

/** c of `v - c` (down) or of `v + c` / `c + v` (up), a positive constant; else undefined. */
function stepOf(value: Expr, m: Moves): bigint | undefined {
  if (value.kind !== 'binary') return undefined;
  const isV = (e: Expr) => plainVar(e, m.ann)?.decl === m.decl;
  const c = m.down
    ? value.op === '-' && isV(value.left) ? constantOf(value.right, m.ann) : undefined
    : value.op === '+' ? (isV(value.left) ? constantOf(value.right, m.ann) : isV(value.right) ? constantOf(value.left, m.ann) : undefined) : undefined;
  return c !== undefined && c > 0n ? c : undefined;
}
