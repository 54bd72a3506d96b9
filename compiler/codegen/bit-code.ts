/**
 * Bit-string shifts and rotations and integer conversions whose operands are known well enough
 * to need less than the general code of compiler/stdlib/functions.ts: a shift count known below
 * the width needs no test, a rotation by a known count no call, a conversion of a value the
 * target type holds no wrap. Integers and bit strings up to 32 bits are JS numbers that every
 * operation keeps inside their type, which these rely on.
 */
import type { Annotations, BoundArgument } from '../semantics/symbols.js';
import { concrete } from '../types/common-type.js';
import { ELEMENTARY, integerRange, isBig, type Type } from '../types/types.js';
import { constantOf, isWord, valueRange, type LoopFacts } from './index-range.js';

/** What bitCode needs from the body being emitted. */
export interface BitCodeHost {
  ann: Annotations;
  /** ranges of the FOR variables around the code */
  facts: LoopFacts;
  /** a new temporary of the body */
  tmp(): string;
  /** the consumer keeps only the result type's bits (see ExpressionCode.lowBits): no final mask */
  unmasked?: boolean;
}

/**
 * Shifts and rotations of bit strings up to 32 bits whose count is known to be in range, and
 * integer conversions of values the target type holds as they are, without the tests and
 * masks the general case needs. Undefined: the general code.
 */
export function bitCode(name: string, bound: BoundArgument[], args: string[], params: Type[], result: Type, h: BitCodeHost): string | undefined {
  const r = concrete(result);
  if (r.kind !== 'elementary' || !isWord(r)) return undefined;
  if (bound.length === 1 && /^[A-Z]+_TO_[A-Z]+$/.test(name) && !/BCD/.test(name)) {
    if (!isWord(concrete(params[0]!))) return undefined;
    const known = valueRange(bound[0]!.value!, h.facts, h.ann);
    const own = integerRange(r.name);
    return known && own && known.lo >= own.lo && known.hi <= own.hi ? args[0]! : undefined;
  }
  if (!['SHL', 'SHR', 'ROL', 'ROR'].includes(name) || bound.length !== 2) return undefined;
  const info = ELEMENTARY[r.name];
  if (info.family !== 'bits' && info.family !== 'unsigned') return undefined;
  const n = concrete(params[1]!);
  if (n.kind !== 'elementary' || isBig(n)) return undefined;
  const count = valueRange(bound[1]!.value!, h.facts, h.ann);
  const bits = BigInt(info.bits);
  const mask = (x: string) => (h.unmasked ? `(${x})` : info.bits === 32 ? `((${x}) >>> 0)` : `((${x}) & ${2 ** info.bits - 1})`);
  const [x, c] = [args[0]!, args[1]!];
  // the general code tests only N >= bits: a count known below that needs no test
  if (name === 'SHL' || name === 'SHR') {
    if (!count || count.hi >= bits) return undefined;
    return name === 'SHL' ? mask(`${x} << ${c}`) : `(${x} >>> ${c})`;
  }
  const simple = (v: string) => /^[\w$]+$/.test(v);
  const k = constantOf(bound[1]!.value!, h.ann);
  if (k !== undefined) {
    const left = Number((((name === 'ROL' ? k : -k) % bits) + bits) % bits);
    if (left === 0) return x;
    const v = simple(x) ? x : h.tmp();
    const rot = mask(`(${v} << ${left}) | (${v} >>> ${info.bits - left})`);
    return v === x ? rot : `(${v} = ${x}, ${rot})`;
  }
  // a count 0..bits-1: (x << 0) | (x >>> bits) is x for these widths
  if (!count || count.lo < 0n || count.hi >= bits) return undefined;
  const v = simple(x) ? x : h.tmp();
  const m = simple(c) ? c : h.tmp();
  const [l, rr] = name === 'ROL' ? [m, `(${info.bits} - ${m})`] : [`(${info.bits} - ${m})`, m];
  const rot = mask(`(${v} << ${l}) | (${v} >>> ${rr})`);
  const sets = [v !== x ? `${v} = ${x}` : '', m !== c ? `${m} = ${c}` : ''].filter(Boolean);
  return sets.length ? `(${sets.join(', ')}, ${rot})` : rot;
}
