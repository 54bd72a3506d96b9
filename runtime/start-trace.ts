/**
 * Where a start spends its time (VPLC_START_TRACE=1): one line on stderr per phase, with the
 * milliseconds since the process started (the same origin in every thread of the process) and
 * the wall clock, so that a benchmark can take the time from its own spawn of `vplc`.
 */
const tracing = process.env.VPLC_START_TRACE === '1';

/** Print `phase` with its time since process start; nothing unless VPLC_START_TRACE=1. */
export function startMark(phase: string): void {
  if (!tracing) return;
  const now = performance.now();
  process.stderr.write(`vplc: start: ${phase} at ${now.toFixed(1)} ms (wall ${(performance.timeOrigin + now).toFixed(1)})\n`);
}

export function startTracing(): boolean {
  return tracing;
}
