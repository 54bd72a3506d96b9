import { generationFiles } from '../../runtime/state/retain-store.js';

/**
 * The number of the newest RETAIN generation file in `dir` (0: none), read from the names only:
 * RetainStore.load() removes left-over temporary files, which would be a save under way when a
 * test looks at the folder of a running process.
 */
export function newestGeneration(dir: string): number {
  return generationFiles(dir)[0]?.g ?? 0;
}

/** Resolves once a generation newer than `than` is in `dir` (or after `timeoutMs`). */
export async function savedAfter(dir: string, than: number, timeoutMs = 60_000): Promise<void> {
  for (const until = Date.now() + timeoutMs; Date.now() < until && newestGeneration(dir) <= than; ) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
