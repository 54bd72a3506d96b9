import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vplc-force-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vplc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'runtime/cli/main.ts'), ...args], { cwd: dir });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

writeFileSync(
  join(dir, 'pump.st'),
  `PROGRAM Main
VAR
  start AT %IX0.0 : BOOL;
  running AT %QX0.0 : BOOL;
  speed : INT;
  n : DINT;
END_VAR
n := n + 1;
speed := 10;
running := start;
END_PROGRAM
`,
);

describe('vplc run --force', () => {
  it('keeps a variable and an input forced for the whole run and lists them under "forced"', async () => {
    const o = await vplc(['run', 'pump.st', '--virtual-time', '--cycles', '5', '--json', '--force', 'Main.speed=-4', '--force', '%IX0.0=TRUE']);
    expect(o.err).toBe('');
    expect(o.code).toBe(0);
    const r = JSON.parse(o.out) as { vars: { Main: Record<string, unknown> }; forced: Record<string, Record<string, unknown>> };
    expect(r.vars.Main).toMatchObject({ speed: -4, running: true, start: true, n: 5 });
    expect(r.forced).toEqual({ Default: { 'Main.speed': -4, '%IX0.0': true } });
  });

  it('refuses an unknown variable or a value out of range, exit 64, before anything runs', async () => {
    const range = await vplc(['run', 'pump.st', '--virtual-time', '--cycles', '1', '--force', 'Main.speed=99999']);
    expect(range.code).toBe(64);
    expect(range.err).toContain('vplc run: --force Main.speed=99999: 99999 is out of the range of INT (-32768 … 32767)');
    const unknown = await vplc(['run', 'pump.st', '--virtual-time', '--cycles', '1', '--force', 'Main.nope=1']);
    expect(unknown.code).toBe(64);
    expect(unknown.err).toContain('vplc run: --force Main.nope=1: Main.nope: no variable nope in resource Default');
  });
});
