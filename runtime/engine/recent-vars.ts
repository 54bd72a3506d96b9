/**
 * A recent copy of a running application's variables, for the case a watchdog ends a resource
 * (its worker is terminated mid-scan and its state goes with it): `vplc run` then prints the
 * last copy instead of nothing.
 *
 * A copy is made by the scan thread between two scans, and it allocates there: every variable
 * formatted, about 8 KB for the bottling sample. Taken ten times a second, as it once was, that
 * was the whole of what bottling's scan worker allocated in steady state (80 KB/s, a scavenge
 * every 13 s and fresh pages faulted in after each), measured with V8's sampling heap profiler
 * in the worker. So copies are taken often at first, when a program that hangs usually hangs,
 * and ever more rarely after: the interval doubles from 100 ms up to a minute (nine copies in
 * the first minute, then one a minute).
 */

/** The first copy after this long (ms) */
export const RECENT_VARS_FIRST_MS = 100;
/** and the interval doubles up to this (ms). */
export const RECENT_VARS_MAX_MS = 60_000;

/** The delay before copy number `k` (0, 1, …), ms. */
export function recentVarsDelayMs(k: number): number {
  return Math.min(RECENT_VARS_MAX_MS, RECENT_VARS_FIRST_MS * 2 ** Math.min(k, 30));
}

/** Call `copy` on that schedule (on the main thread's event loop) until the returned stop is called. */
export function keepRecentVars(copy: () => void): () => void {
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    timer = setTimeout(() => {
      copy();
      next();
    }, recentVarsDelayMs(k++));
  };
  next();
  return () => clearTimeout(timer);
}
