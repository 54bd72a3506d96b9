import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/wait.js';

/**
 * The start of `vplc serve` (and `vplc device`) as a service manager sees it: a SIGTERM sent
 * as soon as the start line appears stops cleanly.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Child {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** exit code, or the signal that ended it */
  exited: Promise<number | string>;
}

function vplc(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/cli/main.ts', ...args], { cwd: root, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, out: () => out, err: () => err, exited };
}

/** SIGTERM the moment `line` is on stdout: nothing else happens in between. */
function termOn(c: Child, line: string): void {
  let sent = false;
  c.child.stdout!.on('data', () => {
    if (!sent && c.out().includes(line)) {
      sent = true;
      c.child.kill('SIGTERM');
    }
  });
}

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('vplc serve start', () => {
  it('stops cleanly (exit 0, last summary) on a SIGTERM sent as soon as "stop with Ctrl+C" appears', async () => {
    const file = write('blink.st', 'PROGRAM Blink\nVAR n : DINT; END_VAR\nn := n + 1;\nEND_PROGRAM\n');
    // several times: the window it had before the handlers were installed was a few ms wide
    for (let i = 0; i < 3; i++) {
      const s = vplc(['serve', file, '--no-metrics', '--summary-every', '0'], { VPLC_CACHE_DIR: join(dir, 'cache-signal') });
      termOn(s, 'stop with Ctrl+C');
      expect(await s.exited).toBe(0);
      expect(s.out()).toMatch(/^Default: \d+ scans/m);
    }
  }, 120_000);

  it('vplc device stops cleanly on a SIGTERM sent as soon as it says it listens', async () => {
    const port = await freePort();
    const d = vplc(['device', '--port', String(port)]);
    termOn(d, 'vplc device: listening on');
    expect(await d.exited).toBe(0);
    expect(d.out()).toContain('vplc device: stopped');
  }, 60_000);
});
