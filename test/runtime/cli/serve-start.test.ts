import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../../support/wait.js';

/**
 * The start of `vplc serve` (and `vplc device`) as a service manager sees it: a SIGTERM sent
 * as soon as the start line appears stops cleanly, and a restart of an unchanged program takes
 * its generated code from V8's code cache beside the compile-cache entry, never a stale one.
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

/** With d 0 it divides by zero from its fifth scan on. */
const counter = (d: string) => `PROGRAM Main\nVAR n : DINT; d : DINT; q : DINT; END_VAR\nn := n + 1;\nd := ${d};\nIF n > 4 THEN\n  q := 10 / d;\nEND_IF;\nEND_PROGRAM\n`;

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

  it('a restart takes the generated code from the code cache; a program changed online or on disk runs its own code', async () => {
    const cache = join(dir, 'cache-code');
    const env = { VPLC_CACHE_DIR: cache, VPLC_START_TRACE: '1' };
    const file = write('counter.st', counter('1'));
    const args = ['serve', file, '--no-metrics', '--summary-every', '0', '--watchdog', '10s'];
    const startOf = (c: Child) => c.err().match(/code cache (used|absent|rejected)/)?.[1];

    // first start: compiled, no code cache yet; the worker makes one at the stop
    const first = vplc(args, env);
    termOn(first, 'stop with Ctrl+C');
    expect(await first.exited).toBe(0);
    expect(startOf(first)).toBe('absent');
    const files = readdirSync(cache);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.code'))).toHaveLength(1);

    // second start from the entry and its code cache; then the source changes (same length,
    // so V8's own check of the source would not tell): --watch swaps the new code in online
    const second = vplc([...args, '--watch'], env);
    await until(() => second.out().includes('stop with Ctrl+C'), 'the second start', 60_000);
    writeFileSync(file, counter('0'));
    await until(() => /watch: running Main, version 2/.test(second.out()), 'the online change', 60_000);
    // the new version divides by zero: its own code runs, not the cached one
    await until(() => second.err().includes('fault DIVISION_BY_ZERO in Main'), 'the new version\'s fault', 30_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(2);
    expect(startOf(second)).toBe('used');

    // third start: the changed file is another entry, whose code is compiled (no stale code cache)
    const third = vplc(args, env);
    await until(() => third.err().includes('every resource has stopped after a fault'), 'the third start\'s fault', 60_000);
    expect(third.err()).toContain('fault DIVISION_BY_ZERO in Main');
    // nothing else (metrics, I/O, summary timer) holds it: it still waits for its stop
    await new Promise((r) => setTimeout(r, 500));
    expect(third.child.exitCode).toBeNull();
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(2);
    expect(third.out()).toMatch(/^Default: 5 scans/m);
    expect(startOf(third)).toBe('absent');
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  }, 180_000);
});
