import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformFileSync } from '@swc/core';
import { afterAll, describe, expect, it } from 'vitest';
import { RetainStore } from '../../../runtime/state/retain-store.js';

/**
 * 100 times: a process saving generations of RETAIN values as fast as it can is killed with
 * SIGKILL at a random moment, then a start restores. Every start must find a complete
 * generation (every value of one save, never values of two), at least as new as the last save
 * the process had reported finished, and never crash.
 *
 * The process runs vPLC's own store (runtime/state), transpiled to JavaScript once so that
 * each of the hundred starts is a plain `node` start rather than a TypeScript one.
 */
const CYCLES = 100;
const VALUES = 2000;

const WRITER = `
const [storeUrl, dir] = process.argv.slice(2);
const { RetainStore } = await import(storeUrl);
const store = new RetainStore(dir);
const loaded = store.load();
let k = 0;
if (loaded.generation) k = loaded.generation.resources.R[0].value;
process.stdout.write('restored ' + (loaded.generation ? loaded.generation.generation : 0) + ' ' + k + ' ' + loaded.skipped.length + '\\n');
for (;;) {
  k++;
  const values = [];
  for (let i = 0; i < ${VALUES}; i++) values.push({ path: 'Main.v' + i, type: 'DINT', value: k });
  values.push({ path: 'Main.arr', type: 'ARRAY[0..999] OF LREAL', value: new Float64Array(1000).fill(k + 0.5) });
  values.push({ path: 'Main.big', type: 'LINT', value: BigInt(k) * 1000000000000n });
  const file = await store.save({ savedAt: new Date().toISOString(), application: 'KillTest', reason: 'period', resources: { R: values } });
  process.stdout.write('saved ' + k + '\\n');
}
`;

const work = mkdtempSync(join(tmpdir(), 'vplc-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function transpileStore(): string {
  const out = join(work, 'state');
  mkdirSync(out, { recursive: true });
  const src = new URL('../../../runtime/state/', import.meta.url);
  for (const f of ['retain-store', 'retain-file', 'value-codec']) {
    const { code } = transformFileSync(new URL(`${f}.ts`, src).pathname, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
    writeFileSync(join(out, `${f}.js`), code);
  }
  writeFileSync(join(work, 'writer.mjs'), WRITER);
  return pathToFileURL(join(out, 'retain-store.js')).href;
}

interface Run {
  restored: { generation: number; k: number; skipped: number };
  lastSaved: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Start the writer, let it save for a random while (at least one save), kill it. */
function runAndKill(storeUrl: string, dir: string, rand: () => number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(work, 'writer.mjs'), storeUrl, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let stderr = '';
    let restored: Run['restored'] | undefined;
    let lastSaved = 0;
    let armed = false;
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        const [what, a, b, c2] = l.split(' ');
        if (what === 'restored') restored = { generation: Number(a), k: Number(b), skipped: Number(c2) };
        if (what === 'saved') {
          lastSaved = Number(a);
          if (!armed) {
            armed = true;
            setTimeout(() => child.kill('SIGKILL'), Math.floor(rand() * 40));
          }
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code, signal) => resolve({ restored: restored!, lastSaved, code, signal, stderr }));
  });
}

describe('RETAIN generations under kill -9', () => {
  it(`restores a complete generation after each of ${CYCLES} kills during saves`, { timeout: 180_000 }, async () => {
    const storeUrl = transpileStore();
    const dir = join(work, 'state-dir');
    // a fixed seed: a failure can be replayed
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let previous = { generation: 0, k: 0 };
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const run = await runAndKill(storeUrl, dir, rand);
      expect(run.stderr).toBe('');
      expect(run.signal).toBe('SIGKILL');
      // the writer's start restored what the previous check found: the newest complete generation
      expect(run.restored).toEqual({ ...previous, skipped: 0 });
      expect(run.lastSaved).toBeGreaterThan(previous.k);

      // a start: the newest intact generation, complete
      const loaded = new RetainStore(dir).load();
      expect(loaded.skipped).toEqual([]);
      const g = loaded.generation!;
      expect(g).toBeDefined();
      const values = g.resources.R!;
      expect(values).toHaveLength(VALUES + 2);
      const k = values[0]!.value as number;
      // every value of one save: no mixture of two generations
      for (let i = 0; i < VALUES; i++) expect(values[i]!.value).toBe(k);
      expect(Array.from(values[VALUES]!.value as Float64Array).every((x) => x === k + 0.5)).toBe(true);
      expect(values[VALUES + 1]!.value).toBe(BigInt(k) * 1000000000000n);
      // a save reported finished is never lost; at most the one under way when killed is
      expect(k).toBeGreaterThanOrEqual(run.lastSaved);
      expect(k).toBeLessThanOrEqual(run.lastSaved + 1);
      // two generations kept, a third only while the oldest was about to go
      const files = readdirSync(dir).filter((f) => f.endsWith('.vrs'));
      expect(files.length).toBeGreaterThanOrEqual(1);
      expect(files.length).toBeLessThanOrEqual(3);
      previous = { generation: g.generation, k };
    }
  });
});
