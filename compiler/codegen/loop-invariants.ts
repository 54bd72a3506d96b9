/**
 * Loop-invariant expressions: work inside a loop whose operands nothing in the loop writes, such
 * as `(scanNo / 100) MOD 5 * 10` in a FOR over the controllers, is computed once before the
 * loop. V8 does not move it: it cannot prove the division, the conversion or the rounding free
 * of effects across the loop's back edge.
 *
 * Only expressions that cannot fault or have effects are moved (integer `/` and MOD only by a
 * non-zero constant, no array index, no call but pure standard functions), reading only plain
 * variables (no global, VAR_EXTERNAL, VAR_IN_OUT, no reference taken): computing one before a
 * loop that then runs no iteration changes nothing. A loop with a JMP, a label, a method or
 * action call or a property write moves nothing.
 */
import type { Expr, Stmt, VarDecl } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';
import { concrete } from '../types/common-type.js';
import { walkWrites } from './ast-walk.js';
import { constantInt, mayChange } from './index-range.js';

/** A loop being emitted, and what its body writes. */
export interface LoopScope {
  /** variables the loop writes (its own FOR variable included) */
  written: Set<VarDecl>;
  /** false when nothing may be moved out of this loop */
  open: boolean;
  /** where hoisted lines go in the emitter's output, and at which indentation */
  at: number;
  indent: number;
  /** code already hoisted before this loop → its temporary */
  hoisted: Map<string, string>;
}

/** standard functions without effects or faults whose calls may be moved */
const PURE = new Set([
  'ABS', 'SQRT', 'LN', 'LOG', 'EXP', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN', 'ATAN2', 'EXPT',
  'MIN', 'MAX', 'LIMIT', 'SEL', 'SHL', 'SHR', 'ROL', 'ROR', 'TRUNC', 'MOVE',
]);
const CONVERSION = /^([A-Z]+_)?TO_[A-Z]+$/;
const COSTLY = new Set(['SQRT', 'LN', 'LOG', 'EXP', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN', 'ATAN2', 'EXPT']);

function rootDecl(e: Expr, ann: Annotations): VarDecl | undefined {
  let x: Expr = e;
  while (x.kind === 'member' || x.kind === 'index' || x.kind === 'bit') x = x.object;
  if (x.kind !== 'name') return undefined;
  const s = ann.symbols.get(x.id);
  return s?.kind === 'var' ? s.decl : undefined;
}

/** The scope of a loop over `body` (and `variable`, a FOR's), before its code is emitted. */
export function loopScope(body: Stmt[], variable: Expr | undefined, ann: Annotations, at: number, indent: number): LoopScope {
  const written = new Set<VarDecl>();
  const mark = (e: Expr | undefined): void => {
    const d = e && rootDecl(e, ann);
    if (d) written.add(d);
  };
  mark(variable);
  walkWrites(body, ann, mark);
  return { written, open: !mayChange(body, undefined, ann), at, indent, hoisted: new Map() };
}

/**
 * The variables `e` reads when it may be moved out of a loop (pure, cannot fault, plain
 * variables only), or undefined. `costly` is set when it holds work worth a temporary.
 */
export function pureOperands(e: Expr, ann: Annotations, out: { decls: VarDecl[]; costly: boolean }): boolean {
  const t = concrete(ann.types.get(e.id) ?? { kind: 'error' });
  // numbers, bit strings, BOOL and times only (strings would allocate, aggregates are not values)
  if (t.kind !== 'elementary' && t.kind !== 'literalInt' && t.kind !== 'literalReal') return false;
  switch (e.kind) {
    case 'literal':
      return true;
    case 'enumValue':
      return true;
    case 'name': {
      const s = ann.symbols.get(e.id);
      if (s?.kind === 'enumValue') return true;
      if (s?.kind !== 'var') return false;
      if (s.constValue !== undefined) return true;
      if (s.storage === 'global' || s.section === 'VAR_EXTERNAL' || s.section === 'VAR_IN_OUT' || ann.addressTaken.has(s) || !s.decl) return false;
      out.decls.push(s.decl);
      return true;
    }
    case 'unary':
      return pureOperands(e.operand, ann, out);
    case 'binary': {
      if (e.op === '/' || e.op === 'MOD') {
        const d = constantInt(e.right);
        const lt = concrete(ann.types.get(e.left.id) ?? { kind: 'error' });
        const real = lt.kind === 'elementary' && (lt.name === 'REAL' || lt.name === 'LREAL');
        if (!real && (d === undefined || d === 0n)) return false;
      }
      // what costs more than the temporary: divisions (also by constants) and powers
      if (e.op === '/' || e.op === 'MOD' || e.op === '**') out.costly = true;
      return pureOperands(e.left, ann, out) && pureOperands(e.right, ann, out);
    }
    case 'call': {
      const target = ann.calls.get(e.id);
      if (target?.kind !== 'builtin' || !(PURE.has(target.name) || CONVERSION.test(target.name))) return false;
      if (target.name.includes('STRING')) return false;
      // a conversion to REAL rounds, the mathematical functions are library calls; shifts,
      // MIN, MAX, LIMIT, SEL and integer conversions cost less than the temporary
      if (COSTLY.has(target.name) || /_TO_L?REAL$|^TO_L?REAL$/.test(target.name)) out.costly = true;
      if (e.args.some((a) => a.output)) return false;
      return (ann.boundArgs.get(e.id) ?? []).every((b) => b.value !== undefined && pureOperands(b.value, ann, out));
    }
    default:
      return false;
  }
}

/** The outermost of `scopes` (innermost last) out of which `e` may be moved, or -1. */
export function hoistTarget(e: Expr, scopes: LoopScope[], ann: Annotations): number {
  if (e.kind !== 'binary' && e.kind !== 'call') return -1;
  const out = { decls: [] as VarDecl[], costly: false };
  if (!pureOperands(e, ann, out) || !out.costly) return -1;
  let best = -1;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i]!;
    if (!s.open || out.decls.some((d) => s.written.has(d))) break;
    best = i;
  }
  return best;
}
