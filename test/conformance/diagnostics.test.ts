/**
 * Diagnostic conformance: for every test/conformance/diagnostics/<case>.errors.txt, compiling
 * <case>.st (which may be missing on purpose) gives exactly those lines, formatted as `vplc check`
 * prints them. Paths are written relative to the project root (the runner strips the root from
 * the absolute path it compiles). A new case is a new pair of files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ST_CODES } from '../../compiler/diagnostics/st-codes.js';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../compiler/project.js';
import { caseNames, projectRoot, relativeToRoot, vplc } from './conformance.js';

const DIR = 'test/conformance/diagnostics';

function expectedLines(name: string): string[] {
  return readFileSync(join(projectRoot, DIR, `${name}.errors.txt`), 'utf8').split('\n').filter((l) => l.trim() !== '');
}

describe('diagnostic cases', () => {
  const names = caseNames(DIR, '.errors.txt');
  for (const name of names) {
    it(name, () => {
      const r = compileFiles([join(projectRoot, DIR, `${name}.st`)]);
      expect(r.diagnostics.map((d) => relativeToRoot(formatDiagnostic(d)))).toEqual(expectedLines(name));
    });
  }

  it('every E code of st-codes.ts has a case', () => {
    const covered = new Set(names.flatMap((n) => expectedLines(n).map((l) => / (?:error|warning) ([EW]\d{4}):/.exec(l)?.[1])));
    const missing = ST_CODES.map((c) => c.code).filter((c) => !covered.has(c));
    expect(missing).toEqual([]);
  });
});

describe('vplc check (the command line)', () => {
  it.concurrent('prints every diagnostic and exits 1', async () => {
    const r = await vplc(['check', `${DIR}/unknown_name.st`]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual(expectedLines('unknown_name'));
  }, 180_000);

  it.concurrent('binary input is a diagnostic, not a stack trace', async () => {
    const r = await vplc(['check', `${DIR}/binary_bytes.st`]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual(expectedLines('binary_bytes'));
  }, 180_000);

  it.concurrent('a clean file exits 0', async () => {
    const r = await vplc(['check', 'test/conformance/st/int_wrap.st']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  }, 180_000);
});
