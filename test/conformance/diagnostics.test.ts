/**
 * Diagnostic conformance: for every test/conformance/diagnostics/<case>.errors.txt, reading
 * <case>.<ext> gives exactly those lines, formatted as `vplc check` prints them. The input is
 * ST (.st, which may be missing on purpose), IL (.il), IEC 61499 (.fbt, .sys, .fboot: compiled as
 * `vplc check` does; a .sys or .fboot finds the types of this folder, where helper types without
 * an .errors.txt of their own live) or a plc.yaml
 * configuration (.yaml). Paths are written relative to the project root (the runner strips the
 * root from the absolute path it reads). A new case is a new pair of files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ST_CODES } from '../../compiler/diagnostics/st-codes.js';
import { IEC61499_CODES } from '../../compiler/diagnostics/iec61499-codes.js';
import { CONFIG_CODES } from '../../compiler/diagnostics/config-codes.js';
import { IL_CODES } from '../../compiler/diagnostics/il-codes.js';
import { SFC_CODES } from '../../compiler/diagnostics/sfc-codes.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { loadConfigFile } from '../../runtime/config/load.js';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../compiler/project.js';
import { caseNames, projectRoot, relativeToRoot, vplc } from './conformance.js';

const DIR = 'test/conformance/diagnostics';

/** what `vplc check` reads (PLCopen .xml has its own baselines in test/compiler/plcopen), and plc.yaml */
const INPUTS = ['.st', '.il', '.fbt', '.sys', '.fboot', '.yaml'];

/** The input file of a case: the first that exists, or <case>.st (a missing file is a case too). */
function inputOf(name: string): string {
  const found = INPUTS.map((ext) => join(projectRoot, DIR, `${name}${ext}`)).find((p) => existsSync(p));
  return found ?? join(projectRoot, DIR, `${name}.st`);
}

function diagnosticsOf(path: string): Diagnostic[] {
  return path.endsWith('.yaml') ? loadConfigFile(path).diagnostics : compileFiles([path]).diagnostics;
}

function expectedLines(name: string): string[] {
  return readFileSync(join(projectRoot, DIR, `${name}.errors.txt`), 'utf8').split('\n').filter((l) => l.trim() !== '');
}

describe('diagnostic cases', () => {
  const names = caseNames(DIR, '.errors.txt');
  for (const name of names) {
    it(name, () => {
      expect(diagnosticsOf(inputOf(name)).map((d) => relativeToRoot(formatDiagnostic(d)))).toEqual(expectedLines(name));
    });
  }

  const covered = () => new Set(names.flatMap((n) => expectedLines(n).map((l) => / (?:error|warning) ([EW]\d{4}):/.exec(l)?.[1])));

  it('every code of st-codes.ts has a case', () => {
    const c = covered();
    expect(ST_CODES.map((x) => x.code).filter((x) => !c.has(x))).toEqual([]);
  });

  it('every code of il-codes.ts has a case', () => {
    const c = covered();
    expect(IL_CODES.map((x) => x.code).filter((x) => !c.has(x))).toEqual([]);
  });

  it('every code of sfc-codes.ts has a case', () => {
    const c = covered();
    expect(SFC_CODES.map((x) => x.code).filter((x) => !c.has(x))).toEqual([]);
  });

  it('every code of iec61499-codes.ts that vplc check can raise has a case', () => {
    const c = covered();
    // E4014: vplc check sends only .sys, .fboot and .fbt files to the IEC 61499 compiler;
    // W4002 (a type of the application shadowing a library type) would shadow it for every case
    // of this folder: test/runtime/iec61499/type-lookup.test.ts covers it
    const elsewhere = new Set(['E4014', 'W4002']);
    expect(IEC61499_CODES.map((x) => x.code).filter((x) => !elsewhere.has(x) && !c.has(x))).toEqual([]);
  });

  it('every code of config-codes.ts that plc.yaml alone can raise has a case', () => {
    const c = covered();
    // E6001: the file itself is missing; E6009 and E6010 need certificate files and a program;
    // E6011 a port taken by another program (test/runtime/cli/serve-exit.test.ts)
    const needOthers = new Set(['E6001', 'E6009', 'E6010', 'E6011']);
    expect(CONFIG_CODES.map((x) => x.code).filter((x) => !needOthers.has(x) && !c.has(x))).toEqual([]);
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
