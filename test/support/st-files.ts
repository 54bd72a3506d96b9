/** The project's own ST files (blocks/, samples/, test/): the corpus the ST parsers are compared on. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function stFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...stFiles(path));
    else if (name.endsWith('.st')) out.push(path);
  }
  return out;
}

export function projectStFiles(): string[] {
  return ['blocks', 'samples', 'test'].flatMap((d) => stFiles(join(ROOT, d)));
}
