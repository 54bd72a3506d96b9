import type { Application, GeneratedModule, RuntimeSupport } from '../compiler/application.js';

/** Evaluate an Application's generated code. Each call yields fresh POU classes bound to `support`. */
export function loadModule(app: Application, support: RuntimeSupport): GeneratedModule {
  // The code was produced by our own codegen from checked sources; evaluating it lets V8
  // compile the PLC program like any other JavaScript.
  const factory = new Function('rt', app.code) as (rt: RuntimeSupport) => GeneratedModule;
  return factory(support);
}
