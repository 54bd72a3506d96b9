import { readdirSync } from 'node:fs';

/**
 * The number of the newest RETAIN generation file in `dir` (0: none), read from the names only:
 * RetainStore.load() removes left-over temporary files, which would be a save under way when a
 * test looks at the folder of a running process.
 */
export function newestGeneration(dir: string): number {
  let newest = 0;
  for (const n of readdirSync(dir)) newest = Math.max(newest, Number(/^retain\.(\d+)\.vrs$/.exec(n)?.[1] ?? 0));
  return newest;
}

/** Resolves once a generation newer than `than` is in `dir` (or after `timeoutMs`). */
export async function savedAfter(dir: string, than: number, timeoutMs = 60_000): Promise<void> {
  for (const until = Date.now() + timeoutMs; Date.now() < until && newestGeneration(dir) <= than; ) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
