/**
 * Shared helpers of the conformance runners: the project root, the case files of a folder, and
 * the `vplc` command line run as users run it.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Case names in `dir`: files ending in `suffix`, without it, sorted. */
export function caseNames(dir: string, suffix: string): string[] {
  return readdirSync(join(projectRoot, dir))
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();
}

/** Paths in messages as the user sees them from the project root: relative, with '/'. */
export function relativeToRoot(text: string): string {
  return text.split(projectRoot).join('');
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `vplc ARGS…` through tsx, from the project root, exactly as a user types it. */
export function vplc(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'runtime/cli/main.ts', ...args], { cwd: projectRoot, encoding: 'utf8' }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}
