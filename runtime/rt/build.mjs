// Builds vPLC's real-time helper (vplc_rt.c, Node-API) into build/rt/vplc_rt.node with the C
// compiler found on PATH. Part of `npm run build` (and so of `npm install`). Without Linux, a
// compiler or Node's headers it says why and succeeds: vPLC then runs without the helper
// (no --rt, and the scan clock is performance.now()).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'build', 'rt', 'vplc_rt.node');
const include = join(dirname(process.execPath), '..', 'include', 'node');

function skip(why) {
  console.error(`vplc: real-time helper not built: ${why}; vPLC runs without it (no --rt)`);
  process.exit(0);
}

if (process.platform !== 'linux') skip(`${process.platform} is not Linux`);
if (!existsSync(join(include, 'node_api.h'))) skip(`Node's headers are not in ${include}`);
const cc = process.env.CC || 'cc';
try {
  execFileSync(cc, ['--version'], { stdio: 'ignore' });
} catch {
  skip(`no C compiler (${cc}) on PATH (Debian: apt-get install gcc)`);
}
mkdirSync(dirname(out), { recursive: true });
try {
  execFileSync(cc, ['-O2', '-Wall', '-shared', '-fPIC', '-I', include, '-o', out, join(here, 'vplc_rt.c')], { stdio: 'inherit' });
} catch (e) {
  skip(`${cc} failed: ${e.message}`);
}
