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
 *
 * Any other small WHILE or REPEAT loop (`WHILE j > 0 DO IF a[j - 1] <= key THEN EXIT; END_IF; …`)
 * gets four copies of its body an iteration with the loop's test between them: the test runs
 * before every copy as it ran before every iteration, so it is evaluated as often and at the
 * same points, EXIT leaves all copies and CONTINUE goes on to the next test. Only while the
 * first copy calls no helper that may fault (faultFree): the copy of a versioned loop that keeps
 * its index checks stays one body long.
 */
import type { Expr, Stmt, VarDecl, WhileStmt } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';
import { walkExpr, walkStmts } from './ast-walk.js';
import { constantOf } from './index-range.js';
import { inductionWhile } from './loop-versioning.js';

/** copies of the body per iteration of the unrolled loop */
export const UNROLL = 4;

/** How small a body must be to be copied: statements, expression nodes, and whether EXIT and CONTINUE may be among the statements (not counted). */
interface BodyLimits {
  statements: number;
  nodes: number;
  exits: boolean;
}

/** a counting loop's body, copied with no test between the copies */
const COUNTING: BodyLimits = { statements: 4, nodes: 40, exits: false };
/** the body of another WHILE or REPEAT loop, copied with the loop's test (counted) between the copies */
const TESTED: BodyLimits = { statements: 6, nodes: 48, exits: true };

/**
 * Is `body` (and `test`, when given) small and straight enough to copy: assignments and IF only
 * (no loop, CASE, RETURN, JMP or label; EXIT and CONTINUE where the limits allow), no call of an
 * FB, a function, a method or an action (their bodies would be copied by V8's inlining four times
 * over), no dereference?
 */
function smallBody(body: Stmt[], test: Expr | undefined, ann: Annotations, limits: BodyLimits): boolean {
  let statements = 0;
  let nodes = 0;
  let ok = true;
  const visitor = {
    stmt: (s: Stmt) => {
      if (limits.exits && (s.kind === 'exit' || s.kind === 'continue')) return;
      statements++;
      if (s.kind !== 'assign' && s.kind !== 'if' && s.kind !== 'empty') ok = false;
    },
    expr: (e: Expr) => {
      nodes++;
      if (e.kind === 'call' && ann.calls.get(e.id)?.kind !== 'builtin') ok = false;
      if (e.kind === 'deref') ok = false;
    },
  };
  walkStmts(body, visitor);
  if (test) walkExpr(test, visitor);
  return ok && statements <= limits.statements && nodes <= limits.nodes;
}

/** May the body of a counting loop be copied (loop unrolled while its bound is four steps away)? */
export function unrollableBody(body: Stmt[], ann: Annotations): boolean {
  return smallBody(body, undefined, ann, COUNTING);
}

/** May the body of a WHILE or REPEAT loop with test `cond` be copied with the test between the copies? */
export function testedCopies(body: Stmt[], cond: Expr, ann: Annotations): boolean {
  return smallBody(body, cond, ann, TESTED);
}

/** the generated helpers that may fault: a call of one, even on a path rarely taken, is a call V8 must assume does anything */
const FAULTING_CALL = /\$(?:fault|chk|sub|idiv|udiv|imod|tdiv|div64|mod64|deref|rd|wr|toBcd)\(/;

/**
 * Does the JavaScript of a loop's test and body call no helper that may fault? Copies of a body
 * pay only then: after such a call V8 forgets what it knew of the arrays, as after its interrupt
 * check, so each copy would check and reload them anyway, in four times the code.
 */
export function faultFree(js: string): boolean {
  return !FAULTING_CALL.test(js);
}

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

/** A WHILE loop over an induction variable with a small body, worth unrolling. */
export function whileUnroll(s: WhileStmt, ann: Annotations): WhileUnroll | undefined {
  const w = inductionWhile(s, ann);
  if (!w || s.cond.kind !== 'binary' || !unrollableBody(s.body, ann)) return undefined;
  const k = constantOf(w.step, ann);
  if (k !== undefined && k < 0n) return undefined;
  return { decl: w.sym.decl, variable: s.cond.left, bound: w.bound, up: w.up, strict: w.strict, step: w.step, stepKnown: k !== undefined };
}
