import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * V8's interrupt budget for real-time scan threads: bytes of bytecode a function runs before V8
 * considers optimising it (default 67,584 in Node 20). Code that runs rarely, a 100 ms task beside
 * a 2 ms one, stays in the interpreter for thousands of its scans with the default, and the
 * interpreter allocates (a boxed number per arithmetic result): bottling's supervisor then took
 * 185 page faults in 21 s on fresh heap pages (each up to milliseconds on a VM that gives free
 * pages back to its host); with this budget, 19.
 */
export const REALTIME_INTERRUPT_BUDGET = 4096;

/**
 * The young generation of a real-time scan worker: two semi-spaces of 1 MB (and as much for
 * large objects), initial size and maximum alike. V8 shrinks a young generation whose
 * allocation rate is low (a scan worker's) back to its initial size at a scavenge, giving its
 * pages back, and grows it again under load: fresh pages to fault each time (measured: the
 * worker's committed heap went from 15 to 8 MB at a scavenge 10 s into a run). At one fixed
 * size it can do neither, so the pages prefaulted (prefault.ts) stay; a scan that still
 * allocates pays a scavenge of a few tens of µs per MB instead.
 */
export const REALTIME_SEMI_SPACE_MB = 1;

/**
 * Set V8 up for real-time scan workers, before they start, and return their resource limits.
 * A V8 flag is the process's, not an isolate's: the I/O thread's code is optimised sooner too
 * (compile time on V8's helper threads), and its own young generation, made already, is not
 * changed.
 */
export function realtimeV8(): ResourceLimits {
  setFlagsFromString(`--interrupt-budget=${REALTIME_INTERRUPT_BUDGET}`);
  setFlagsFromString(`--min-semi-space-size=${REALTIME_SEMI_SPACE_MB}`);
  return { maxYoungGenerationSizeMb: 3 * REALTIME_SEMI_SPACE_MB };
}
