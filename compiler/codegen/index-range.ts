/**
 * Integer ranges of index expressions inside FOR loops, so that an array access that cannot be
 * out of bounds is emitted without its index check (the check, and the branch to the fault it
 * guards, would otherwise stay in every iteration: V8 does not hoist it out of the loop).
 *
 * A FOR variable has a known range in its body when FROM, TO and BY are constants and nothing
 * in the body can change it: no assignment to it, no nested FOR over it, no `=>` or bare
 * argument that could be a VAR_IN_OUT or an output, no method, action or property call (they
 * may write the instance's variables), no JMP or label. Ranges then go through `+`, `-`,
 * `*` by a constant and MOD by a positive constant, as long as no step leaves its type (IEC
 * integer arithmetic wraps; a range that would wrap is unknown).
 */
import type { Expr, ForStmt, Stmt, VarDecl } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';
import type { ElementaryTypeName } from '../application.js';
import { concrete } from '../types/common-type.js';
import { ELEMENTARY, integerRange } from '../types/types.js';

export interface IntRange {
  lo: bigint;
  hi: bigint;
}

/** Ranges of the FOR variables around the code being emitted, by declaration. */
export type LoopFacts = Map<VarDecl, IntRange>;

/** k when v is 2^k (v >= 1), else undefined. */
export function powerOfTwo(v: bigint | undefined): number | undefined {
  return v !== undefined && v > 0n && (v & (v - 1n)) === 0n ? v.toString(2).length - 1 : undefined;
}

/** An integer literal, possibly negated. */
export function constantInt(e: Expr): bigint | undefined {
  if (e.kind === 'literal' && e.value.type === 'int') return e.value.value;
  if (e.kind === 'unary' && e.op === '-') {
    const v = constantInt(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** A literal or a named integer CONSTANT. */
export function constantOf(e: Expr, ann: Annotations): bigint | undefined {
  const c = constantInt(e);
  if (c !== undefined) return c;
  if (e.kind === 'name') {
    const s = ann.symbols.get(e.id);
    if (s?.kind === 'var' && typeof s.constValue === 'bigint') return s.constValue;
  }
  return undefined;
}

/** The declaration and the range of the variable of `s` in its body, when they are certain. */
export function forVariableRange(s: ForStmt, ann: Annotations): { decl: VarDecl; range: IntRange } | undefined {
  const sym = ann.symbols.get(s.variable.id);
  if (sym?.kind !== 'var' || sym.storage === 'global' || sym.section === 'VAR_EXTERNAL' || sym.section === 'VAR_IN_OUT') return undefined;
  const from = constantOf(s.from, ann);
  const to = constantOf(s.to, ann);
  const by = s.by ? constantOf(s.by, ann) : 1n;
  if (from === undefined || to === undefined || by === undefined || by === 0n) return undefined;
  const range = by > 0n ? { lo: from, hi: to } : { lo: to, hi: from };
  if (range.lo > range.hi) return undefined;
  const t = concrete(ann.types.get(s.variable.id) ?? sym.type);
  const tr = t.kind === 'elementary' ? integerRange(t.name) : undefined;
  if (!tr || range.lo < tr.lo || range.hi > tr.hi) return undefined;
  return mayChange(s.body, sym.decl, ann) ? undefined : { decl: sym.decl, range };
}

/**
 * Could anything in `node` change the variable declared by `decl` (or jump around)? Without
 * `decl`: could anything jump around or call a method or action. A walk by node kind that stops
 * at the first hit: it runs for every FOR loop, on cold code, and a walk over every object's
 * fields (source ranges and literal values included) made arrays and closures per node.
 */
export function mayChange(node: Stmt | readonly Stmt[], decl: VarDecl | undefined, ann: Annotations): boolean {
  return isArray(node) ? stmtsMayChange(node, decl, ann) : stmtMayChange(node, decl, ann);
}

function isArray(node: Stmt | readonly Stmt[]): node is readonly Stmt[] {
  return Array.isArray(node);
}

function stmtsMayChange(stmts: readonly Stmt[], decl: VarDecl | undefined, ann: Annotations): boolean {
  for (let i = 0; i < stmts.length; i++) if (stmtMayChange(stmts[i]!, decl, ann)) return true;
  return false;
}

/** Whether `e` names the variable declared by `decl`. */
function isIt(e: Expr | undefined, decl: VarDecl | undefined, ann: Annotations): boolean {
  if (e?.kind !== 'name' || !decl) return false;
  const s = ann.symbols.get(e.id);
  return s?.kind === 'var' && s.decl === decl;
}

function stmtMayChange(s: Stmt, decl: VarDecl | undefined, ann: Annotations): boolean {
  switch (s.kind) {
    case 'label':
    case 'jmp':
      return true;
    case 'assign':
      // a bare name that is no variable (a property of THIS) or THIS.x may run a setter
      if (isIt(s.target, decl, ann) || (s.target.kind === 'name' && ann.symbols.get(s.target.id)?.kind !== 'var')) return true;
      if (s.target.kind === 'member' && (s.target.object.kind === 'this' || s.target.object.kind === 'super')) return true;
      return exprMayChange(s.target, decl, ann) || exprMayChange(s.value, decl, ann);
    case 'callStmt':
      return exprMayChange(s.call, decl, ann);
    case 'if':
      for (const b of s.branches) if (exprMayChange(b.cond, decl, ann) || stmtsMayChange(b.body, decl, ann)) return true;
      return s.elseBody !== undefined && stmtsMayChange(s.elseBody, decl, ann);
    case 'case':
      if (exprMayChange(s.selector, decl, ann)) return true;
      for (const c of s.cases) {
        for (const l of c.labels) {
          if (l.kind === 'value' ? exprMayChange(l.expr, decl, ann) : exprMayChange(l.lo, decl, ann) || exprMayChange(l.hi, decl, ann)) return true;
        }
        if (stmtsMayChange(c.body, decl, ann)) return true;
      }
      return s.elseBody !== undefined && stmtsMayChange(s.elseBody, decl, ann);
    case 'for':
      if (isIt(s.variable, decl, ann)) return true;
      return exprMayChange(s.from, decl, ann) || exprMayChange(s.to, decl, ann) || (s.by !== undefined && exprMayChange(s.by, decl, ann)) || stmtsMayChange(s.body, decl, ann);
    case 'while':
      return exprMayChange(s.cond, decl, ann) || stmtsMayChange(s.body, decl, ann);
    case 'repeat':
      return stmtsMayChange(s.body, decl, ann) || exprMayChange(s.until, decl, ann);
    case 'exit':
    case 'continue':
    case 'return':
    case 'empty':
      return false;
    default:
      return unknownNode(s);
  }
}

/**
 * `x := e` of the variable declared by `decl` whose value cannot change it: x changes only once
 * `e` is computed, so what was known of x before the statement holds while `e` is.
 */
export function assignsAfterValue(s: Stmt, decl: VarDecl, ann: Annotations): boolean {
  return s.kind === 'assign' && s.op === ':=' && isIt(s.target, decl, ann) && !exprMayChange(s.value, decl, ann);
}

/** Could evaluating `e` change the variable declared by `decl` (a call it is passed to, a method)? */
export function exprMayChange(e: Expr, decl: VarDecl | undefined, ann: Annotations): boolean {
  switch (e.kind) {
    case 'call': {
      const target = ann.calls.get(e.id);
      if (!target || target.kind === 'method' || target.kind === 'action') return true;
      for (const a of e.args) if (a.value && isIt(a.value, decl, ann) && (a.output || target.kind !== 'builtin')) return true;
      if (exprMayChange(e.callee, decl, ann)) return true;
      for (const a of e.args) if (a.value && exprMayChange(a.value, decl, ann)) return true;
      return false;
    }
    case 'member':
    case 'bit':
    case 'deref':
      return exprMayChange(e.object, decl, ann);
    case 'index':
      if (exprMayChange(e.object, decl, ann)) return true;
      for (const i of e.indices) if (exprMayChange(i, decl, ann)) return true;
      return false;
    case 'unary':
      return exprMayChange(e.operand, decl, ann);
    case 'binary':
      return exprMayChange(e.left, decl, ann) || exprMayChange(e.right, decl, ann);
    case 'literal':
    case 'name':
    case 'enumValue':
    case 'this':
    case 'super':
      return false;
    default:
      return unknownNode(e);
  }
}

function unknownNode(n: never): never {
  throw new Error(`internal error: the code generator's walk does not know the node kind '${(n as { kind: string }).kind}'`);
}

/** The range of an integer expression from the loop facts, or undefined when it is not known. */
export function rangeOf(e: Expr, facts: LoopFacts, ann: Annotations): IntRange | undefined {
  const c = constantOf(e, ann);
  if (c !== undefined) return { lo: c, hi: c };
  // x AND m keeps no bit m has not, whatever x is; SHR(x, c) of an n-bit x keeps n - c bits
  const m = bitRange(e, ann);
  if (m) return m;
  const arg = convertedArg(e, ann);
  if (arg) {
    const a = rangeOf(arg, facts, ann);
    const t = ann.types.get(e.id);
    return a && t && within(a, t) ? a : undefined;
  }
  if (facts.size === 0) return undefined;
  let r: IntRange | undefined;
  if (e.kind === 'name') {
    const s = ann.symbols.get(e.id);
    r = s?.kind === 'var' ? facts.get(s.decl) : undefined;
  } else if (e.kind === 'binary') {
    const a = rangeOf(e.left, facts, ann);
    const b = rangeOf(e.right, facts, ann);
    if (!a || !b) return undefined;
    r = combine(e.op, a, b);
    // the operation wraps in its operand type: the whole range must lie in it
    const ot = ann.operandTypes.get(e.id);
    if (r && ot && !within(r, ot)) return undefined;
  }
  const t = ann.types.get(e.id);
  return r && t && within(r, t) ? r : undefined;
}

function combine(op: string, a: IntRange, b: IntRange): IntRange | undefined {
  switch (op) {
    case '+':
      return { lo: a.lo + b.lo, hi: a.hi + b.hi };
    case '-':
      return { lo: a.lo - b.hi, hi: a.hi - b.lo };
    case '*': {
      const [x, k] = b.lo === b.hi ? [a, b.lo] : a.lo === a.hi ? [b, a.lo] : [undefined, 0n];
      if (!x) return undefined;
      return k >= 0n ? { lo: x.lo * k, hi: x.hi * k } : { lo: x.hi * k, hi: x.lo * k };
    }
    case 'MOD': {
      if (b.lo !== b.hi || b.lo <= 0n) return undefined;
      const m = b.lo;
      if (a.lo >= 0n) return a.hi < m ? a : { lo: 0n, hi: m - 1n };
      return { lo: -(m - 1n), hi: m - 1n };
    }
    default:
      return undefined;
  }
}

function within(r: IntRange, t: import('../types/types.js').Type): boolean {
  const c = concrete(t);
  const tr = c.kind === 'elementary' ? boundsOf(c.name) : undefined;
  return tr !== undefined && r.lo >= tr.lo && r.hi <= tr.hi;
}

/** integerRange by type name, made once per name (it computes its BigInts at every call); read only. */
const BOUNDS = new Map<ElementaryTypeName, Readonly<IntRange> | undefined>();
function boundsOf(name: ElementaryTypeName): Readonly<IntRange> | undefined {
  if (!BOUNDS.has(name)) BOUNDS.set(name, integerRange(name));
  return BOUNDS.get(name);
}

/**
 * The values an integer expression of up to 32 bits can take, from the loop facts and, for
 * variables outside them, their type; MOD and `/` by positive constants narrow. Used where a
 * wider bound than the truth costs only speed (an integer converted to REAL exactly needs no
 * rounding), never for index checks: those trust only the loop facts.
 */
export function valueRange(e: Expr, facts: LoopFacts, ann: Annotations): IntRange | undefined {
  const c = constantOf(e, ann);
  if (c !== undefined) return { lo: c, hi: c };
  const m = bitRange(e, ann);
  if (m) return m;
  const arg = convertedArg(e, ann);
  if (arg) {
    const a = valueRange(arg, facts, ann);
    const t = ann.types.get(e.id);
    return a && t && within(a, t) ? a : undefined;
  }
  let r: IntRange | undefined;
  if (e.kind === 'name') {
    const s = ann.symbols.get(e.id);
    r = s?.kind === 'var' ? facts.get(s.decl) : undefined;
    r ??= typeRange(ann.types.get(e.id));
  } else if (e.kind === 'binary') {
    const a = valueRange(e.left, facts, ann);
    const d = e.op === 'MOD' || e.op === '/' ? constantOf(e.right, ann) : undefined;
    if (e.op === 'MOD' && d !== undefined && d > 0n) {
      r = a && a.lo >= 0n ? { lo: 0n, hi: a.hi < d ? a.hi : d - 1n } : { lo: 1n - d, hi: d - 1n };
    } else if (e.op === '/' && d !== undefined && d > 0n) {
      r = a && { lo: a.lo / d, hi: a.hi / d };
    } else {
      const b = valueRange(e.right, facts, ann);
      r = a && b ? combine(e.op, a, b) : undefined;
      if (!r && a && b && e.op === '*') r = productRange(a, b);
    }
    const ot = ann.operandTypes.get(e.id);
    if (r && ot && !within(r, ot)) return undefined;
  } else if (e.kind === 'unary' && e.op === '-') {
    const a = valueRange(e.operand, facts, ann);
    r = a && { lo: -a.hi, hi: -a.lo };
  }
  const t = ann.types.get(e.id);
  return r && t && within(r, t) ? r : undefined;
}

/**
 * The values of a REAL or LREAL expression that holds an integer by construction, or undefined:
 * an integer operand, an integer-valued literal, an integer converted (`INT_TO_REAL(k MOD 3)`),
 * and +, - and * of those. A double holds their results exactly (they are checked to stay below
 * 2^53 in magnitude), so one of at most 2^24 is a single already and needs no rounding.
 */
export function integralRealRange(e: Expr, facts: LoopFacts, ann: Annotations): IntRange | undefined {
  const t = ann.types.get(e.id);
  const c = t && concrete(t);
  if (c?.kind === 'elementary' && isWord(c)) return valueRange(e, facts, ann);
  const k = constantInt(e);
  if (k !== undefined) return { lo: k, hi: k };
  let r: IntRange | undefined;
  if (e.kind === 'literal' && e.value.type === 'real' && Number.isInteger(e.value.value)) {
    const v = BigInt(e.value.value);
    r = { lo: v, hi: v };
  } else if (e.kind === 'call') {
    const arg = convertedToReal(e, ann);
    r = arg && valueRange(arg, facts, ann);
  } else if (e.kind === 'binary' && (e.op === '+' || e.op === '-' || e.op === '*')) {
    const a = integralRealRange(e.left, facts, ann);
    const b = integralRealRange(e.right, facts, ann);
    r = a && b && (e.op === '*' ? productRange(a, b) : combine(e.op, a, b));
  } else if (e.kind === 'unary' && e.op === '-') {
    const a = integralRealRange(e.operand, facts, ann);
    r = a && { lo: -a.hi, hi: -a.lo };
  }
  return r && r.lo >= -DOUBLE_EXACT && r.hi <= DOUBLE_EXACT ? r : undefined;
}

const DOUBLE_EXACT = 1n << 53n;

/** The integer argument of a conversion to REAL or LREAL (`DINT_TO_REAL(x)`, `TO_LREAL(x)`). */
function convertedToReal(e: Extract<Expr, { kind: 'call' }>, ann: Annotations): Expr | undefined {
  const target = ann.calls.get(e.id);
  if (target?.kind !== 'builtin' || !/^(?!BCD_)(?:[A-Z]+_)?TO_L?REAL$/.test(target.name) || target.argTypes.length !== 1) return undefined;
  const from = concrete(target.argTypes[0]!);
  const bound = ann.boundArgs.get(e.id);
  return isWord(from) && bound?.length === 1 ? bound[0]!.value : undefined;
}

/** Every product of a value of `a` and one of `b`. */
function productRange(a: IntRange, b: IntRange): IntRange {
  const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return { lo: p.reduce((x, y) => (y < x ? y : x)), hi: p.reduce((x, y) => (y > x ? y : x)) };
}

function typeRange(t: import('../types/types.js').Type | undefined): IntRange | undefined {
  const c = t && concrete(t);
  if (c?.kind !== 'elementary' || c.subrange) return undefined;
  const r = integerRange(c.name);
  return r && r.hi - r.lo < 1n << 33n ? r : undefined;
}

/**
 * [0, m] when `e` is `x AND m` (or `m AND x`) with a constant m >= 0, [0, 2^(n-c) - 1] when it is
 * SHR(x, c) of an unsigned n-bit x and a constant 0 <= c < n: whatever x is.
 */
function bitRange(e: Expr, ann: Annotations): IntRange | undefined {
  if (e.kind === 'binary' && e.op === 'AND') {
    if (!isWord(concrete(ann.operandTypes.get(e.id) ?? ann.types.get(e.id) ?? { kind: 'error' }))) return undefined;
    const m = constantOf(e.right, ann) ?? constantOf(e.left, ann);
    return m !== undefined && m >= 0n ? { lo: 0n, hi: m } : undefined;
  }
  if (e.kind !== 'call') return undefined;
  const target = ann.calls.get(e.id);
  const bound = ann.boundArgs.get(e.id);
  if (target?.kind !== 'builtin' || target.name !== 'SHR' || bound?.length !== 2) return undefined;
  const t = concrete(target.resultType);
  if (t.kind !== 'elementary' || !isWord(t) || ELEMENTARY[t.name].family === 'signed') return undefined;
  const c = constantOf(bound[1]!.value!, ann);
  const n = BigInt(ELEMENTARY[t.name].bits);
  return c !== undefined && c >= 0n && c < n ? { lo: 0n, hi: (1n << (n - c)) - 1n } : undefined;
}

/** The argument of an integer conversion (`WORD_TO_INT(x)`): the value is kept where the target type holds it. */
function convertedArg(e: Expr, ann: Annotations): Expr | undefined {
  if (e.kind !== 'call') return undefined;
  const target = ann.calls.get(e.id);
  if (target?.kind !== 'builtin' || !/^[A-Z]+_TO_[A-Z]+$/.test(target.name) || target.argTypes.length !== 1) return undefined;
  const from = concrete(target.argTypes[0]!);
  const to = concrete(target.resultType);
  if (!isWord(from) || !isWord(to)) return undefined;
  const bound = ann.boundArgs.get(e.id);
  return bound?.length === 1 ? bound[0]!.value : undefined;
}

/** An integer or bit string of up to 32 bits (a JS number that every operation wraps to its type). */
export function isWord(t: import('../types/types.js').Type): boolean {
  if (t.kind !== 'elementary' || t.subrange) return false;
  const info = ELEMENTARY[t.name];
  return (info.family === 'signed' || info.family === 'unsigned' || info.family === 'bits') && info.bits <= 32 && info.bits > 1;
}
