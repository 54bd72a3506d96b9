/**
 * Runs `vplc` as a child process for the samples' end-to-end tests: the TypeScript sources
 * through tsx (no build needed), output collected line by line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
export { freePort, until } from './wait.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  readonly out: string[];
  readonly err: string[];
  /** resolves with the first stdout line matching `re` */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** resolves with the exit code (or 128+signal) */
  readonly exited: Promise<number>;
}

export function startCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const lines = (into: string[], check: boolean) => {
    let buf = '';
    return (chunk: Buffer) => {
      buf += chunk.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const l of parts) {
        into.push(l);
        if (!check) continue;
        for (const w of [...waiters]) {
          const m = w.re.exec(l);
          if (m) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
      }
    };
  };
  child.stdout!.on('data', lines(out, true));
  child.stderr!.on('data', lines(err, false));
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGTERM' ? 15 : signal === 'SIGKILL' ? 9 : 2))));
  return {
    child,
    out,
    err,
    exited,
    waitFor(re, ms = 60_000) {
      for (const l of out) {
        const m = re.exec(l);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms; stdout:\n${out.join('\n')}\nstderr:\n${err.join('\n')}`)), ms);
        waiters.push({ re, resolve: (m) => (clearTimeout(t), resolve(m)) });
        void exited.then((code) => reject(new Error(`vplc exited (${code}) before printing ${re}; stderr:\n${err.join('\n')}`)));
      });
    },
  };
}


