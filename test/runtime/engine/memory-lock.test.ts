import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureRtHelper } from './rt-build.js';
import { lockedBytes, vplc } from './rt-child.js';

/** CAP_IPC_LOCK (bit 14) in this process's effective set: mlock is then not bounded by RLIMIT_MEMLOCK */
function canLockMemory(): boolean {
  const eff = /^CapEff:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]!;
  return (BigInt(`0x${eff}`) & (1n << 14n)) !== 0n;
}

/** Two resources, each a worker with its own scan thread; `step` is what the online change alters. */
function plant(step: number): string {
  return `PROGRAM Counter
VAR n : DINT; END_VAR
n := n + ${step};
END_PROGRAM

CONFIGURATION Plant
  RESOURCE Filler ON PLC
    TASK Fast(INTERVAL := T#2ms, PRIORITY := 1);
    PROGRAM Fill WITH Fast : Counter;
  END_RESOURCE
  RESOURCE Packer ON PLC
    TASK Slow(INTERVAL := T#10ms, PRIORITY := 1);
    PROGRAM Pack WITH Slow : Counter;
  END_RESOURCE
END_CONFIGURATION
`;
}

const LOCKED = /memory locked: (\d+) KiB of stack, ([\d.]+) MiB of code; V8 heap not lockable, prefaulted: ([\d.]+) MiB young generation in (\d+) passes$/;

describe('vplc --rt locks memory', () => {
  it('locks the scan threads\' stacks and the code (VmLck), prefaults the V8 heap, and exits cleanly with two workers after an online change', async () => {
    ensureRtHelper();
    if (!canLockMemory()) return; // the refusal is the next test's
    const dir = mkdtempSync(join(tmpdir(), 'vplc-mlock-'));
    const file = join(dir, 'plant.st');
    writeFileSync(file, plant(1));
    const serve = vplc(['serve', file, '--rt', '--cpu', '1', '--watch', '--no-metrics', '--summary-every', '0'], [], { VPLC_CACHE: '0' });
    try {
      for (const resource of ['Filler', 'Packer']) {
        const m = await serve.waitErr(new RegExp(`real time: ${resource}: scan thread \\d+: .*${LOCKED.source}`));
        expect(Number(m[1])).toBe(512);
        expect(Number(m[2])).toBeGreaterThan(1);
        // fully committed and no page faulted in the last pass
        expect(Number(m[3])).toBeGreaterThan(0);
        expect(Number(m[4])).toBeGreaterThanOrEqual(1);
      }
      // the kernel's account: at least the code and the two stacks
      expect(lockedBytes(serve.pid)).toBeGreaterThan(1024 * 1024);
      for (let k = 0; k < 600 && !serve.stdout.join('').includes('watching'); k++) await new Promise((r) => setTimeout(r, 50));
      writeFileSync(file, plant(2));
      for (let k = 0; k < 600 && !serve.stdout.join('').includes('vplc serve: watch:'); k++) await new Promise((r) => setTimeout(r, 50));
      expect(serve.stdout.join('')).toMatch(/vplc serve: watch: /);
      await new Promise((r) => setTimeout(r, 500));
      expect(lockedBytes(serve.pid)).toBeGreaterThan(1024 * 1024);
    } finally {
      process.kill(serve.pid, 'SIGTERM');
    }
    // V8 aborted at a worker's teardown when its heap was locked (mlockall): not so now
    expect(await serve.exited).toBe(0);
    expect(serve.stderr.join('\n')).not.toMatch(/Fatal error|Check failed/);
  }, 90_000);

  it('refused (a user without CAP_IPC_LOCK, RLIMIT_MEMLOCK 0): says exactly why, and runs on', async () => {
    ensureRtHelper();
    // as nobody, with no locked memory allowed: as any unprivileged user under `ulimit -l 0`
    const run = vplc(
      ['samples/tank-level/tank_level.st', '--duration', '1s', '--rt', '--json'],
      ['prlimit', '--memlock=0:0', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'],
      { VPLC_CACHE: '0' },
    );
    const m = await run.waitErr(/real time: Controller: scan thread \d+: (.*)$/);
    expect(m[1]).toMatch(/locking memory refused: EPERM \(needs CAP_IPC_LOCK or root, or a larger RLIMIT_MEMLOCK: it is 0 KiB\); V8 heap not lockable, prefaulted: [\d.]+ MiB young generation in \d+ passes; runs on$/);
    expect(await run.exited).toBe(0);
    const result = JSON.parse(run.stdout.join('')) as { metrics: { tasks: Record<string, { cycles: number }> } };
    expect(result.metrics.tasks.Control!.cycles).toBeGreaterThan(50);
  }, 90_000);
});
