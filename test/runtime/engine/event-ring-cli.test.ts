import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VIRTUAL_NS_PER_EVENT } from '../../../runtime/engine/event-resource.js';
import { SLICE_EVENTS } from '../../../runtime/iec61499/resource.js';
import { ringAfter, writeRing } from './ring-fixture.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** `vplc run …` in a child process, from the sources. */
function vplcRun(args: string[]) {
  const script = `import('./runtime/cli/run.ts').then((m) => m.runCommand(${JSON.stringify(args)})).then((code) => process.exit(code));`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  proc.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, out, exited };
}

interface RunJson {
  vars: Record<string, unknown>;
  metrics: { tasks: Record<string, { cycles: number }>; events: Record<string, { delivered: number }> };
  faults?: { kind: string; pou: string; file: string; line: number; detail: string }[];
}

/** The ring's counters agree with the events the run reports delivered. */
function expectConsistent(r: RunJson): number {
  const delivered = r.metrics.events['RES']!.delivered;
  expect(delivered).toBeGreaterThan(0);
  const { c1, c2 } = ringAfter(delivered);
  expect(r.vars['RES.C1.CV']).toBe(c1);
  expect(r.vars['RES.C2.CV']).toBe(c2);
  return delivered;
}

describe('an endless IEC 61499 event chain (FORTE\'s E_CTU/E_SWITCH ring) under vplc run', () => {
  it('--duration ends it on the real clock and reports vars and event counts', async () => {
    const { out, exited } = vplcRun([writeRing(), '--duration', '1s', '--json']);
    expect(await exited).toBe(0);
    expect(out.stderr).toBe('');
    const r = JSON.parse(out.stdout) as RunJson;
    expect(r.faults).toBeUndefined();
    // a million events at the very least in a second, even on a loaded machine
    expect(expectConsistent(r)).toBeGreaterThan(1_000_000);
  }, 60_000);

  it('--virtual-time --duration ends it after the same events on every run: 10 ns a slice event', async () => {
    const ring = writeRing();
    const durationNs = 100_000_000;
    const runs = await Promise.all(
      [0, 1].map(async () => {
        const { out, exited } = vplcRun([ring, '--virtual-time', '--duration', '100ms', '--json']);
        expect(await exited).toBe(0);
        return JSON.parse(out.stdout) as RunJson;
      }),
    );
    // every slice of SLICE_EVENTS events ends with the chain running: the clock moves by a slice each
    const slices = Math.ceil(durationNs / (SLICE_EVENTS * VIRTUAL_NS_PER_EVENT));
    for (const r of runs) expect(expectConsistent(r)).toBe(slices * SLICE_EVENTS);
    expect(runs[1]!.vars).toEqual(runs[0]!.vars);
  }, 60_000);

  it('--virtual-time --cycles N ends it too (a slice of a running chain counts as a wake-up)', async () => {
    const { out, exited } = vplcRun([writeRing(), '--virtual-time', '--cycles', '10', '--json']);
    expect(await exited).toBe(0);
    const r = JSON.parse(out.stdout) as RunJson;
    // the COLD chain's first slice, then ten more
    expect(expectConsistent(r)).toBe(11 * SLICE_EVENTS);
  }, 60_000);

  it('SIGTERM ends a run without --duration, with vars and counts printed', async () => {
    const { proc, out, exited } = vplcRun([writeRing(), '--json']);
    // the run prints a summary line every second while it runs
    while (!out.stderr.includes('RES:')) await new Promise((r) => setTimeout(r, 20));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expectConsistent(JSON.parse(out.stdout) as RunJson);
  }, 60_000);

  it('has no event-chain watchdog unless asked; --watchdog T names the chain when it fires', async () => {
    const ring = writeRing();
    const { out, exited } = vplcRun([ring, '--duration', '2s', '--watchdog', '50ms', '--json']);
    expect(await exited).toBe(2);
    const r = JSON.parse(out.stdout) as RunJson;
    expect(r.faults).toHaveLength(1);
    const f = r.faults![0]!;
    expect(f.kind).toBe('WATCHDOG');
    // the FBs and events of the chain, located at the first FB's line of the boot file
    expect(f.pou).toBe('C1 (E_CTU), SW (E_SWITCH)');
    expect(f.file).toBe(ring);
    expect(f.line).toBe(2);
    expect(f.detail).toMatch(/^event chain C1\.CU → SW\.EI still running after the watchdog time of 50 ms$/);
    expect(out.stderr).toContain(`fault WATCHDOG in C1 (E_CTU), SW (E_SWITCH) at ${ring}:2: event chain C1.CU → SW.EI`);
    // the vars are still those of the ring at the moment it was stopped
    expectConsistent(r);
  }, 60_000);

  it('--watchdog 0 turns the watchdog of 61131 tasks off', async () => {
    // one scan of about a second (far beyond the default watchdog of 10 × 10 ms)
    const st = join(dirname(writeRing()), 'slow.st');
    writeFileSync(st, 'PROGRAM Main\nVAR i : DINT; x : LREAL; END_VAR\nFOR i := 1 TO 100000000 DO x := x + 1.0; END_FOR;\nEND_PROGRAM\n');
    const off = vplcRun([st, '--cycles', '1', '--watchdog', '0', '--json']);
    expect(await off.exited).toBe(0);
    expect((JSON.parse(off.out.stdout) as RunJson).vars).toMatchObject({ Main: { x: 1e8 } });
    const on = vplcRun([st, '--cycles', '1', '--watchdog', '1ms', '--json']);
    expect(await on.exited).toBe(2);
    expect(on.out.stderr).toContain('fault WATCHDOG in Main');
  }, 90_000);
});
