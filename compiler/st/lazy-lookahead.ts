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
import { CstParser, LLkLookaheadStrategy } from './chevrotain.js';

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

/** chevrotain's own setLaFuncCache (of the base both its CstParser and EmbeddedActionsParser extend). */
const chevrotainSetLaFuncCache = (CstParser.prototype as unknown as { setLaFuncCache(key: number, fn: unknown): void }).setLaFuncCache;

/**
 * What a parser's setLaFuncCache override calls, where chevrotain stores a lookahead function:
 * a lazy one learns its key, then chevrotain stores it.
 */
export function storeLookahead(parser: object, key: number, fn: unknown): void {
  if (typeof fn === 'function' && lazyFunctions.has(fn as LookaheadFunction)) (fn as LazyLookaheadFunction).key = key;
  chevrotainSetLaFuncCache.call(parser, key, fn);
}

/** The parser options for lookahead: lazy without the validations (every start of vplc). */
export function lookaheadOptions(selfAnalysis: boolean, maxLookahead: number): { maxLookahead: number; lookaheadStrategy?: ILookaheadStrategy } {
  return selfAnalysis ? { maxLookahead } : { maxLookahead, lookaheadStrategy: new LazyLookahead({ maxLookahead }) };
}

