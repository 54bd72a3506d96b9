import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { compile61499, type Compile61499Options } from '../../compiler/iec61499/project.js';
import { compileSources } from '../../compiler/project.js';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { SystemRunner } from '../../runtime/iec61499/system-runner.js';

export type Compiled61499 = ReturnType<typeof compile61499>;

/** Write `files` (path inside the folder → text, subfolders allowed) into a fresh temporary folder; returns it. */
export function typeFolder(files: Record<string, string> = {}, prefix = 'vplc-61499-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Write a .sys or .fboot as `name` in `dir` and compile it: the compiler finds the type files beside it. */
export function compileFile(dir: string, name: string, text: string, options: Partial<Compile61499Options> = {}): Compiled61499 {
  const path = join(dir, name);
  writeFileSync(path, text);
  return compile61499([{ path, text }], { stCompiler: (s, o) => compileSources(s, o), ...options });
}

/** A runner over a compiled application that must have compiled without diagnostics (or, with `allowWarnings`, without errors). */
export function runnerOf(r: Compiled61499, allowWarnings = false): SystemRunner {
  const shown = allowWarnings ? r.diagnostics.filter((d) => d.severity === 'error') : r.diagnostics;
  expect(shown.map(formatDiagnostic)).toEqual([]);
  return new SystemRunner(r.application!);
}

/** Compile `name` in `dir`, build its runner and run it to time 0 (the COLD start and all it triggers). */
export function startSystem(dir: string, name: string, text: string, options: Partial<Compile61499Options> & { allowWarnings?: boolean } = {}) {
  const { allowWarnings, ...compileOptions } = options;
  const runner = runnerOf(compileFile(dir, name, text, compileOptions), allowWarnings);
  const outcome = runner.runUntil(0);
  return { runner, outcome, res: runner.resources[0]!.resource };
}

const attr = (v: string) => v.replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/**
 * Builders of .fboot lines for one resource, numbering the requests in order. Values written
 * with `write` are escaped for the XML attribute, so string literals can be passed as written in ST.
 */
export function bootRequests(resource = 'RES') {
  let id = 0;
  const request = (body: string) => `${resource};<Request ID="${++id}" ${body}`;
  return {
    fb: (name: string, type: string) => request(`Action="CREATE"><FB Name="${name}" Type="${type}" /></Request>`),
    conn: (source: string, destination: string) => request(`Action="CREATE"><Connection Source="${source}" Destination="${destination}" /></Request>`),
    write: (value: string, destination: string) => request(`Action="WRITE"><Connection Source="${attr(value)}" Destination="${destination}" /></Request>`),
    start: () => request('Action="START"/>'),
  };
}

/** The text of a boot file from its lines. */
export const fboot = (lines: string[]): string => lines.join('\n') + '\n';
