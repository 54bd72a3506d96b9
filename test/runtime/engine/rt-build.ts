import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Build the native real-time helper as `npm run build` does, when it is not built yet. */
export function ensureRtHelper(): void {
  if (existsSync(`${root}build/rt/vplc_rt.node`)) return;
  execFileSync(process.execPath, [`${root}runtime/rt/build.mjs`], { stdio: 'inherit' });
}
