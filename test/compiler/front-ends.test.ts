import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFilesLoading, compileSourceTextsLoading, loadFrontEnds } from '../../compiler/front-ends.js';
import { compileFiles } from '../../compiler/project.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vplc-front-ends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ST = 'PROGRAM Main\nVAR n : INT; END_VAR\nn := n + 1;\nEND_PROGRAM\n';
const IL = join(root, 'test/compiler/il/cases/mixer.il');
const XML = join(root, 'samples/traffic-light-sfc/traffic_light_sfc.xml');

describe('front ends loaded by the files compiled', () => {
  it('loads only the front ends of the files given', async () => {
    expect(Object.keys(await loadFrontEnds(['a.st', 'b.ST']))).toEqual([]);
    expect(Object.keys(await loadFrontEnds(['a.st', 'b.XML', 'c.il'])).sort()).toEqual(['il', 'plcopen']);
    expect(Object.keys(await loadFrontEnds(['x.sys', 'y.fbt']))).toEqual(['iec61499']);
  });

  it('compiles ST, IL and PLCopen files as compileFiles does', async () => {
    const st = join(dir, 'main.st');
    writeFileSync(st, ST);
    for (const files of [[st], [IL], [XML]]) {
      const lazy = await compileFilesLoading(files);
      const all = compileFiles(files);
      expect(lazy.diagnostics).toEqual(all.diagnostics);
      expect(lazy.application).toBeDefined();
      expect(lazy.application!.code).toBe(all.application!.code);
    }
    const texts = await compileSourceTextsLoading([{ path: 'inline.st', text: ST }]);
    expect(texts.application!.resources[0]!.programs.map((p) => p.name)).toEqual(['Main']);
  });

  it('reports unreadable files and mixed IEC 61499 and ST sources as compileFiles does', async () => {
    const missing = join(dir, 'missing.st');
    const r = await compileFilesLoading([missing]);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([`E1008 cannot read ${missing}: no such file`]);
    const sys = join(dir, 'plant.sys');
    writeFileSync(sys, '<System Name="S"/>');
    const st = join(dir, 'other.st');
    writeFileSync(st, ST);
    const mixed = await compileFilesLoading([st, sys]);
    expect(mixed.diagnostics.map((d) => d.code)).toEqual(['E1008']);
    expect(mixed.diagnostics[0]!.message).toMatch(/cannot be mixed/);
  });

  // which modules a compile loads, seen by a resolve hook in a process of its own
  const loadedModules = (file: string) =>
    new Promise<string[]>((resolve, reject) => {
      const log = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
      writeFileSync(log, '');
      const hook = `import { appendFileSync } from 'node:fs';\n` +
        `export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`;
      const script = join(dir, `compile-${Math.random().toString(36).slice(2)}.mts`);
      writeFileSync(
        script,
        `import { register } from 'node:module';\n` +
          `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));\n` +
          `const { compileFilesLoading } = await import(${JSON.stringify(join(root, 'compiler/front-ends.ts'))});\n` +
          `const r = await compileFilesLoading([${JSON.stringify(file)}]);\n` +
          `if (!r.application) process.exit(3);\n`,
      );
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) reject(new Error(`compile exited with ${code}`));
        else resolve(readFileSync(log, 'utf8').split('\n').filter(Boolean));
      });
    });
  // (the IL translator itself is part of the ST front end: a chart's actions may be written in IL)
  const otherFrontEnds = (urls: string[]) => urls.filter((u) => /\/compiler\/(plcopen|iec61499)\/|\/compiler\/il\/il-file|fast-xml-parser/.test(u));

  it('an ST project loads none of the PLCopen, IL and IEC 61499 front ends; a PLCopen one loads its own', async () => {
    const st = join(dir, 'alone.st');
    writeFileSync(st, ST);
    const [stModules, xmlModules] = await Promise.all([loadedModules(st), loadedModules(XML)]);
    expect(stModules.some((u) => u.endsWith('/compiler/st/parse.ts'))).toBe(true);
    expect(otherFrontEnds(stModules)).toEqual([]);
    expect(xmlModules.some((u) => u.endsWith('/compiler/plcopen/import.ts'))).toBe(true);
    expect(xmlModules.some((u) => u.includes('fast-xml-parser'))).toBe(true);
    expect(xmlModules.some((u) => u.includes('/compiler/iec61499/') || u.endsWith('/compiler/il/il-file.ts'))).toBe(false);
  }, 120_000);
});
