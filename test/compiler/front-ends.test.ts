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

  // which modules a compile loads, seen by a resolve hook in a process of its own, and its diagnostics
  const compiledAlone = (file: string) =>
    new Promise<{ urls: string[]; diagnostics: unknown[]; compiled: boolean }>((resolve, reject) => {
      const log = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
      const out = `${log}.json`;
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
          `(await import('node:fs')).writeFileSync(${JSON.stringify(out)}, JSON.stringify({ diagnostics: r.diagnostics, compiled: !!r.application }));\n`,
      );
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) reject(new Error(`compile exited with ${code}`));
        else resolve({ urls: readFileSync(log, 'utf8').split('\n').filter(Boolean), ...(JSON.parse(readFileSync(out, 'utf8')) as { diagnostics: unknown[]; compiled: boolean }) });
      });
    });
  // (the IL translator itself is part of the ST front end: a chart's actions may be written in IL)
  const loadedModules = async (file: string) => {
    const r = await compiledAlone(file);
    if (!r.compiled) throw new Error(`${file} did not compile`);
    return r.urls;
  };
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

  const fallbackParsers = (urls: string[]) => urls.filter((u) => /\/compiler\/st\/(parse-fallback|parser|to-ast|ast-parser|sfc-text)\.ts$/.test(u)).map((u) => u.replace(/.*\/compiler\//, ''));

  it('a clean ST file never loads the fallback parsers; a file with errors or a chart loads them and gets what compileFiles gives', async () => {
    const clean = join(dir, 'clean.st');
    writeFileSync(clean, ST);
    const broken = join(dir, 'broken.st');
    writeFileSync(broken, 'PROGRAM Main\nVAR n : INT; END_VAR\nn := n + ;\nm := 1;\nEND_PROGRAM\n');
    const chart = join(dir, 'chart.st');
    writeFileSync(chart, 'PROGRAM Main\nVAR n : INT; END_VAR\nINITIAL_STEP S0: n(N); END_STEP\nACTION n: n := n + 1; END_ACTION\nEND_PROGRAM\n');
    const [c, b, ch] = await Promise.all([compiledAlone(clean), compiledAlone(broken), compiledAlone(chart)]);
    expect(c.compiled).toBe(true);
    expect(fallbackParsers(c.urls)).toEqual([]);
    expect(b.compiled).toBe(false);
    expect(fallbackParsers(b.urls)).toContain('st/parse-fallback.ts');
    expect(b.diagnostics).toEqual(JSON.parse(JSON.stringify(compileFiles([broken]).diagnostics)));
    expect(b.diagnostics.length).toBeGreaterThan(0);
    expect(fallbackParsers(ch.urls)).toContain('st/sfc-text.ts');
    expect(ch.diagnostics).toEqual(JSON.parse(JSON.stringify(compileFiles([chart]).diagnostics)));
    expect(ch.compiled).toBe(compileFiles([chart]).application !== undefined);
  }, 120_000);
});
