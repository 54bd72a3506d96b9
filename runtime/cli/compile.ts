import type { Application } from '../../compiler/application.js';
import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import type { CompileOptions, CompileResult } from '../../compiler/project.js';
import { compileCacheDir, compileFilesCached, type CodeCache } from '../../compiler/cache.js';

/** A compile longer than this prints where it is on stderr (VPLC_PROGRESS_AFTER_MS overrides it). */
export const PROGRESS_AFTER_MS = 2000;
const PROGRESS_EVERY_MS = 1000;

/**
 * Progress of a long compile: silent for the first PROGRESS_AFTER_MS, then at most one line a
 * second on stderr (`vplc: compiling: checking POU 120 of 500, 3.1 s`), so that a big project
 * does not look hung. Always on, TTY or not: it goes to stderr, beside the diagnostics.
 */
export function compileProgress(now: () => number = () => performance.now()): NonNullable<CompileOptions['onProgress']> {
  const env = Number(process.env.VPLC_PROGRESS_AFTER_MS);
  const after = Number.isFinite(env) && process.env.VPLC_PROGRESS_AFTER_MS !== '' ? env : PROGRESS_AFTER_MS;
  const start = now();
  let next = start + after;
  return (step, done, total) => {
    const t = now();
    if (t < next) return;
    next = t + PROGRESS_EVERY_MS;
    const what = step === 'parsing' ? `parsing file ${done + 1} of ${total}` : step === 'checking' ? `checking POU ${done + 1} of ${total}` : step;
    process.stderr.write(`vplc: compiling: ${what}, ${((t - start) / 1000).toFixed(1)} s\n`);
  };
}

/**
 * Compile for a command through the compile cache (unless `cache` is false or VPLC_CACHE=0):
 * every diagnostic on stderr; when there is no error, the Application and the code cache of
 * its entry in the compile cache, if it has one.
 */
export async function compileForCommand(files: string[], options: CompileOptions = {}, cache = true): Promise<{ app: Application; codeCache?: CodeCache } | undefined> {
  const r = await compileWithCache(files, options, cache);
  for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(r.diagnostics) || !r.application) return undefined;
  return { app: r.application, ...(r.codeCache ? { codeCache: r.codeCache } : {}) };
}

/** compileFiles with progress, through the compile cache unless `cache` is false; a hit loads no parser. */
export function compileWithCache(files: string[], options: CompileOptions = {}, cache = true): Promise<CompileResult & { codeCache?: CodeCache }> {
  return compileFilesCached(files, { onProgress: compileProgress(), ...options }, cache ? compileCacheDir() : undefined);
}

/** The code cache as the engine takes it: every 61131 resource's worker may make one, the first is stored. */
export function engineCodeCache(cache: CodeCache): { data?: Uint8Array; store(bytes: Uint8Array): void } {
  let stored = false;
  return {
    ...(cache.data ? { data: cache.data } : {}),
    store: (bytes) => {
      if (!stored) stored = cache.store(bytes);
    },
  };
}
