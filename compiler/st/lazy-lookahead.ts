/**
 * Lookahead functions computed when their alternation or repetition is first reached, not all
 * while the parser is built: chevrotain's analysis of every production is most of the parser's
 * construction, which a cold `vplc run` of a small program pays in full for the few productions
 * it reaches. A computed function takes the lazy one's place in the parser's cache (its key is
 * learnt when chevrotain stores it, setLaFuncCache), so parsing pays nothing after a
 * production's first use; without that cache (another chevrotain) the lazy function keeps
 * forwarding, which is still correct.
 */
import type { ILookaheadStrategy, OptionalProductionType, Rule } from 'chevrotain';
import { LLkLookaheadStrategy } from './chevrotain.js';

// the functions chevrotain's lookahead strategies return, called with the parser as `this`
type LookaheadFunction = (this: unknown, alternatives?: unknown) => unknown;

/** A lookahead function not computed yet; `key` is where the parser keeps it. */
interface LazyLookaheadFunction extends LookaheadFunction {
  key?: number;
}

const lazyFunctions = new WeakSet<LookaheadFunction>();

function lazy(build: () => LookaheadFunction): LookaheadFunction {
  let real: LookaheadFunction | undefined;
  const f: LazyLookaheadFunction = function (this: unknown, alternatives?: unknown) {
    real ??= build();
    const cache = (this as { lookAheadFuncsCache?: unknown }).lookAheadFuncsCache;
    if (f.key !== undefined && cache instanceof Map && cache.get(f.key) === f) cache.set(f.key, real);
    return real.call(this, alternatives);
  };
  lazyFunctions.add(f);
  return f;
}

/** LL(k) lookahead as chevrotain computes it (LLkLookaheadStrategy), each function on first use. */
export class LazyLookahead extends LLkLookaheadStrategy implements ILookaheadStrategy {
  override buildLookaheadForAlternation(options: {
    prodOccurrence: number;
    rule: Rule;
    maxLookahead: number;
    hasPredicates: boolean;
    dynamicTokensEnabled: boolean;
  }): (orAlts?: unknown[]) => number | undefined {
    return lazy(() => super.buildLookaheadForAlternation(options) as LookaheadFunction) as (orAlts?: unknown[]) => number | undefined;
  }

  override buildLookaheadForOptional(options: {
    prodOccurrence: number;
    prodType: OptionalProductionType;
    rule: Rule;
    maxLookahead: number;
    dynamicTokensEnabled: boolean;
  }): () => boolean {
    return lazy(() => super.buildLookaheadForOptional(options) as LookaheadFunction) as () => boolean;
  }
}

/** Called by the parser where chevrotain stores a lookahead function: a lazy one learns its key. */
export function noteLookaheadKey(key: number, fn: unknown): void {
  if (typeof fn === 'function' && lazyFunctions.has(fn as LookaheadFunction)) (fn as LazyLookaheadFunction).key = key;
}

