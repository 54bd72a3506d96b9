import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding vPLC's package.json, found from this module's location, so that data
 * files (blocks/*.st, blocks/*.fbt) are found both from the sources and from dist/.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'blocks'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('vPLC installation is incomplete: blocks/ not found');
}
