/**
 * What an IF's conditions tell of integer variables in its branches: in `IF j < 1 THEN … ELSIF
 * a[j] > key THEN … j := j - 1; … END_IF` the ELSIF branch runs with j >= 1, so `j - 1` cannot
 * wrap below the INT range and needs no `<< 16 >> 16`. The facts join the loop facts
 * (index-range.ts) for the branch's statements until one of them may write the variable (body.ts
 * drops the fact there), so they serve what loop facts serve: wraps and index checks left out.
 * An ELSIF's own condition is emitted knowing what the failed conditions before it say; a WHILE
 * loop's body, what its test says (loop-code.ts); the second operand of a BOOL AND (OR), emitted
 * as `&&` (`||`), what the first says when it held (failed) (expression-code.ts).
 *
 * Only comparisons of a variable with a constant count, through NOT, AND (when it holds) and OR
 * (when it does not); only variables no reference, call or other task can reach (not global,
 * VAR_EXTERNAL, VAR_IN_OUT or referenced), and only where no condition of the IF up to the
 * branch may change the variable while it is evaluated.
 */
import type { Expr, VarDecl } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';
import { concrete } from '../types/common-type.js';
import { integerRange } from '../types/types.js';
import { constantOf, exprMayChange, isWord, type IntRange, type LoopFacts } from './index-range.js';
import { plainVar } from './loop-versioning.js';

/** A condition of the IF and whether it held on the way to the branch. */
export interface Tested {
  cond: Expr;
  holds: boolean;
}

/** The ranges the tests give, each within what `facts` or the type already gave; undefined when none. */
export function branchFacts(tests: readonly Tested[], facts: LoopFacts, ann: Annotations): Map<VarDecl, IntRange> | undefined {
  const bounds = new Map<VarDecl, IntRange>();
  for (const t of tests) constrain(t.cond, t.holds, ann, bounds);
  let out: Map<VarDecl, IntRange> | undefined;
  for (const [decl, b] of bounds) {
    if (tests.some((t) => exprMayChange(t.cond, decl, ann))) continue;
    const known = facts.get(decl) ?? b;
    const r = { lo: known.lo > b.lo ? known.lo : b.lo, hi: known.hi < b.hi ? known.hi : b.hi };
    if (r.lo > r.hi) continue; // a branch that cannot run: nothing worth knowing
    (out ??= new Map()).set(decl, r);
  }
  return out;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '<>': '<>' };
const NOT: Record<string, string> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '=': '<>', '<>': '=' };

/** Narrows `out` (from each variable's type range) by `e` evaluating to `holds`. */
function constrain(e: Expr, holds: boolean, ann: Annotations, out: Map<VarDecl, IntRange>): void {
  if (e.kind === 'unary' && e.op === 'NOT') return constrain(e.operand, !holds, ann, out);
  if (e.kind !== 'binary') return;
  if ((e.op === 'AND' && holds) || (e.op === 'OR' && !holds)) {
    constrain(e.left, holds, ann, out);
    constrain(e.right, holds, ann, out);
    return;
  }
  if (!(e.op in FLIP)) return;
  // `v op k` or `k op v`
  let v = variable(e.left, ann);
  let k = constantOf(e.right, ann);
  let op: string = e.op;
  if (!v || k === undefined) {
    v = variable(e.right, ann);
    k = constantOf(e.left, ann);
    op = FLIP[e.op]!;
  }
  if (!v || k === undefined) return;
  if (!holds) op = NOT[op]!;
  const r = out.get(v.decl) ?? v.range;
  const lo = op === '>' ? k + 1n : op === '>=' || op === '=' ? k : r.lo;
  const hi = op === '<' ? k - 1n : op === '<=' || op === '=' ? k : r.hi;
  out.set(v.decl, { lo: lo > r.lo ? lo : r.lo, hi: hi < r.hi ? hi : r.hi });
}

/** A variable the branch facts may describe (`plainVar`: nothing else reaches it), with its type's range. */
function variable(e: Expr, ann: Annotations): { decl: VarDecl; range: IntRange } | undefined {
  const sym = plainVar(e, ann);
  const t = sym && concrete(sym.type);
  if (!sym || !t || !isWord(t) || t.kind !== 'elementary') return undefined;
  const range = integerRange(t.name);
  return range && { decl: sym.decl, range };
}
