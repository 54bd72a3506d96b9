/**
 * If-conversion: `IF c THEN x := a; ELSE x := b; END_IF` (or without ELSE: b is x) on an integer
 * variable of at most 32 bits, with cheap operands that can neither fault nor call anything, becomes one branch-free
 * select, `x := b XOR ((a XOR b) AND -c)`, as C compilers emit a conditional move. V8 keeps the
 * branch of a JS `if` or `?:`; when the condition follows the data (a CRC bit, a comparison of
 * samples) half of those branches are mispredicted, which costs more than computing both sides.
 */
import type { AssignStmt, Expr, Stmt } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';
import { concrete } from '../types/common-type.js';
import { ELEMENTARY, type Type } from '../types/types.js';
import { constantInt, powerOfTwo } from './index-range.js';

/** Pure, non-faulting standard functions whose code is a few integer operations. */
const PURE = new Set(['SHL', 'SHR', 'ROL', 'ROR', 'MIN', 'MAX']);
/** Operand size above which computing both sides costs more than a misprediction saves. */
const MAX_NODES = 12;

export interface Select {
  target: Expr;
  type: Type;
  whenTrue: Expr;
  whenFalse: Expr;
  cond: Expr;
}

/** The select an IF statement can become, or undefined. */
export function selectOf(s: Extract<Stmt, { kind: 'if' }>, ann: Annotations): Select | undefined {
  if (s.branches.length !== 1 || s.branches[0]!.body.length !== 1) return undefined;
  const a = s.branches[0]!.body[0]!;
  // no ELSE: the variable keeps its value, `ELSE x := x`. Such an IF is often a rare event (a
  // limit reached, a new maximum) that V8 predicts well and whose store a select would make on
  // every pass; only a test of one bit of data, as likely set as not, is worth the select.
  const single = !s.elseBody?.length && a.kind === 'assign' && oneBitTest(s.branches[0]!.cond) !== undefined;
  const b = single ? { ...a, value: a.target } : s.elseBody?.length === 1 ? s.elseBody[0]! : undefined;
  if (!b) return undefined;
  if (a.kind !== 'assign' || b.kind !== 'assign' || a.op !== ':=' || b.op !== ':=') return undefined;
  if (a.target.kind !== 'name' || b.target.kind !== 'name') return undefined;
  const sa = ann.symbols.get(a.target.id);
  const sb = ann.symbols.get(b.target.id);
  if (sa?.kind !== 'var' || sb?.kind !== 'var' || sa.decl !== sb.decl || sa.storage === 'global') return undefined;
  const type = concrete(ann.types.get(a.target.id) ?? sa.type);
  if (type.kind !== 'elementary') return undefined;
  const info = ELEMENTARY[type.name];
  if ((info.family !== 'signed' && info.family !== 'unsigned' && info.family !== 'bits') || info.bits > 32 || type.name === 'BOOL') return undefined;
  const cond = s.branches[0]!.cond;
  if (!cheap(cond, ann) || !cheap((a as AssignStmt).value, ann) || !cheap((b as AssignStmt).value, ann)) return undefined;
  if (size(cond) + size(a.value) + size(b.value) > MAX_NODES * 2) return undefined;
  return { target: a.target, type, whenTrue: a.value, whenFalse: b.value, cond };
}

/**
 * A test of one bit: `x.3`, `(x AND 16#0008) <> 0`, `(x AND 1) = 0`: the value tested (for an
 * AND, also the AND itself), the bit and whether the test holds when it is set.
 */
export function oneBitTest(c: Expr): { object: Expr; and?: Expr; bit: number; set: boolean } | undefined {
  if (c.kind === 'bit') return { object: c.object, bit: c.bit, set: true };
  if (c.kind !== 'binary' || (c.op !== '<>' && c.op !== '=') || constantInt(c.right) !== 0n) return undefined;
  const a = c.left;
  if (a.kind !== 'binary' || a.op !== 'AND') return undefined;
  for (const [object, m] of [[a.left, a.right], [a.right, a.left]] as const) {
    const bit = powerOfTwo(constantInt(m));
    if (bit !== undefined) return { object, and: a, bit, set: c.op === '<>' };
  }
  return undefined;
}

function size(e: unknown): number {
  if (Array.isArray(e)) return e.reduce((n: number, x) => n + size(x), 0);
  if (!e || typeof e !== 'object') return 0;
  const kind = (e as { kind?: string }).kind;
  let n = kind ? 1 : 0;
  for (const v of Object.values(e)) if (v && typeof v === 'object') n += size(v);
  return n;
}

/** Can `e` be evaluated whatever the condition, at no risk: no call, no index, no division? */
function cheap(e: Expr, ann: Annotations): boolean {
  switch (e.kind) {
    case 'literal':
      return e.value.type === 'int' || e.value.type === 'bool';
    case 'name': {
      const s = ann.symbols.get(e.id);
      return s?.kind === 'var' || s?.kind === 'enumValue';
    }
    case 'member':
      return ann.symbols.get(e.id)?.kind === 'var' && cheap(e.object, ann);
    case 'unary':
      return cheap(e.operand, ann);
    case 'bit':
      return cheap(e.object, ann);
    case 'binary':
      return e.op !== '/' && e.op !== 'MOD' && e.op !== '**' && cheap(e.left, ann) && cheap(e.right, ann);
    case 'call': {
      const t = ann.calls.get(e.id);
      return t?.kind === 'builtin' && PURE.has(t.name) && e.args.every((a) => !a.output && a.value !== undefined && cheap(a.value, ann));
    }
    default:
      return false;
  }
}
