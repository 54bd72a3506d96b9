import { Script } from 'node:vm';
import type { Application, GeneratedModule, RuntimeSupport } from '../compiler/application.js';

/** Evaluate an Application's generated code. Each call yields fresh POU classes bound to `support`. */
export function loadModule(app: Application, support: RuntimeSupport): GeneratedModule {
  // The code was produced by our own codegen from checked sources; evaluating it lets V8
  // compile the PLC program like any other JavaScript.
  const factory = new Function('rt', app.code) as (rt: RuntimeSupport) => GeneratedModule;
  return factory(support);
}

/** A module loaded through V8's code cache (loadModuleCached). */
export interface CachedModule {
  module: GeneratedModule;
  /** V8 used the code cache it was given; false: none was given, or V8 rejected it */
  cacheUsed: boolean;
  /** a code cache of the code as compiled so far: after a scan it holds the functions that scan compiled too */
  createCache(): Uint8Array;
}

/**
 * loadModule through V8's code cache: with `cachedData` made from the same code by
 * createCache, V8 neither parses nor compiles again what it holds (a few hundred FB types of
 * generated code take tens of ms to parse). V8 checks the cache against its version, flags and
 * the source; one that does not fit is ignored (cacheUsed false) and the code is compiled as
 * without one.
 */
export function loadModuleCached(app: Application, support: RuntimeSupport, cachedData?: Uint8Array): CachedModule {
  // the same function new Function('rt', code) makes, as a script V8 can cache
  const script = new Script(`(function (rt) {\n${app.code}\n})`, { filename: 'vplc-generated.js', ...(cachedData ? { cachedData } : {}) });
  const factory = script.runInThisContext() as (rt: RuntimeSupport) => GeneratedModule;
  return {
    module: factory(support),
    cacheUsed: cachedData !== undefined && script.cachedDataRejected === false,
    createCache: () => script.createCachedData(),
  };
}
