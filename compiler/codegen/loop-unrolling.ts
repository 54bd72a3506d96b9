/**
 * Unrolling of small counting loops (`WHILE v <= E DO a[v] := …; v := v + c; END_WHILE`, and
 * FOR loops BY a step computed at run time, `FOR j := i * i TO n BY i`: constant-step FOR
 * loops are left as they are, see LoopEmitter.forLoop). V8 puts an interrupt check in every
 * iteration of a loop; as it may run any JavaScript it forgets what it knew of the objects the
 * loop uses, so each iteration loads and checks the array again (its map, length and data
 * pointer) for a one-store body. Four copies of the body per iteration share one such check.
 *
 * The unrolled loop runs while the variable is at least three steps inside the bound, so every
 * copy runs exactly where the loop's own test would have let it run; the loop as written then
 * does the last iterations. Both run the statements in the same order on the same values, so a
 * fault still happens at the same access and iteration.
 */
import type { Expr, Stmt, VarDecl, WhileStmt } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';
import { walkStmts } from './ast-walk.js';
import { constantOf } from './index-range.js';
import { inductionWhile } from './loop-versioning.js';

/** copies of the body per iteration of the unrolled loop */
export const UNROLL = 4;

/** the largest body unrolled, in statements and expression nodes */
const MAX_STATEMENTS = 4;
const MAX_NODES = 40;

/** How a WHILE loop is unrolled: the loop runs while `variable op bound`, `step` the change. */
export interface WhileUnroll {
  decl: VarDecl;
  variable: Expr;
  bound: Expr;
  /** `v := v + c` (and `v < E` or `v <= E`) or `v := v - c` (`v > E`, `v >= E`) */
  up: boolean;
  strict: boolean;
  step: Expr;
  /** the step is a constant >= 0: no test of its sign at run time */
  stepKnown: boolean;
}

/**
 * Is `body` small and straight enough to copy: no loop, EXIT, CONTINUE, RETURN, JMP or label,
 * no call of an FB, a function, a method or an action (their bodies would be copied by V8's
 * inlining four times over)?
 */
export function unrollableBody(body: Stmt[], ann: Annotations): boolean {
  let statements = 0;
  let nodes = 0;
  let ok = true;
  walkStmts(body, {
    stmt: (s) => {
      statements++;
      if (s.kind !== 'assign' && s.kind !== 'if' && s.kind !== 'empty') ok = false;
    },
    expr: (e) => {
      nodes++;
      if (e.kind === 'call' && ann.calls.get(e.id)?.kind !== 'builtin') ok = false;
      if (e.kind === 'deref') ok = false;
    },
  });
  return ok && statements <= MAX_STATEMENTS && nodes <= MAX_NODES;
}

/** A WHILE loop over an induction variable with a small body, worth unrolling. */
export function whileUnroll(s: WhileStmt, ann: Annotations): WhileUnroll | undefined {
  const w = inductionWhile(s, ann);
  if (!w || s.cond.kind !== 'binary' || !unrollableBody(s.body, ann)) return undefined;
  const k = constantOf(w.step, ann);
  if (k !== undefined && k < 0n) return undefined;
  return { decl: w.sym.decl, variable: s.cond.left, bound: w.bound, up: w.up, strict: w.strict, step: w.step, stepKnown: k !== undefined };
}
