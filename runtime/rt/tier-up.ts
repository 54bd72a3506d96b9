import { setFlagsFromString } from 'node:v8';

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
 * Have V8 optimise the scan code after far fewer runs. A V8 flag is the process's, not the
 * isolate's: the I/O thread's code is optimised sooner too, which costs compile time on V8's
 * helper threads and nothing on the scan path.
 */
export function tierUpEarly(): void {
  setFlagsFromString(`--interrupt-budget=${REALTIME_INTERRUPT_BUDGET}`);
}
