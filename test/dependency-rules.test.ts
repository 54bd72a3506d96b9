import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layering rules (test/dependency-rules.cjs) run over the sources in `npm test`. Here they
 * run over small trees made for the purpose, to show that each kind of forbidden edge fails.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const RULES = join(ROOT, 'test', 'dependency-rules.cjs');

function cruise(files: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-layers-'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const folders = [...new Set(Object.keys(files).map((f) => f.split('/')[0]!))];
  const r = spawnSync(process.execPath, [DEPCRUISE, ...folders, '--config', RULES, '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

const leaf = { 'compiler/application.ts': 'export interface Application { name: string }\n' };

describe('layering rules', () => {
  it('pass a tree that keeps the layers', () => {
    const r = cruise({
      ...leaf,
      'compiler/project.ts': "import type { Application } from './application.js';\nexport const a: Application = { name: 'x' };\n",
      'runtime/engine.ts': "import type { Application } from '../compiler/application.js';\nexport type A = Application;\n",
      'runtime/cli/main.ts': "import { a } from '../../compiler/project.js';\nexport const b = a;\n",
      'io-drivers/driver.ts': "import type { Application } from '../compiler/application.js';\nexport type D = Application;\n",
    });
    expect(r.out).toContain('no dependency violations');
    expect(r.status).toBe(0);
  });

  it.each([
    ['compiler-stays-in-compiler', { 'compiler/x.ts': "import '../runtime/y.js';\n", 'runtime/y.ts': 'export {};\n' }],
    ['runtime-sees-only-the-compiler-leaf', { 'runtime/engine/x.ts': "import '../../compiler/project.js';\n", 'compiler/project.ts': 'export {};\n' }],
    ['drivers-see-only-the-leaf', { 'io-drivers/x.ts': "import type { E } from '../runtime/engine/e.js';\nexport type X = E;\n", 'runtime/engine/e.ts': 'export type E = 1;\n' }],
    ['blocks-see-only-the-leaf', { 'blocks/native/x.ts': "import '../../runtime/y.js';\n", 'runtime/y.ts': 'export {};\n' }],
    ['leaf-imports-only-leaf', { 'compiler/contract/x.ts': "import '../project.js';\n", 'compiler/project.ts': 'export {};\n' }],
    ['samples-not-tests', { 'samples/x.ts': "import '../test/support/wait.js';\n", 'test/support/wait.ts': 'export {};\n' }],
    ['no-cycle', { 'runtime/a.ts': "import './b.js';\n", 'runtime/b.ts': "import type {} from './a.js';\n" }],
  ])('fail on %s', (rule, files) => {
    const r = cruise(files as Record<string, string>);
    expect(r.out).toContain(`error ${rule}:`);
    expect(r.status).not.toBe(0);
  });
});
