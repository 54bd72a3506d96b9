import { describe, expect, it } from 'vitest';
import { canSchedFifo, cpuList, schedOf, SCHED_FIFO, SCHED_OTHER, vplc } from './rt-child.js';
import { ensureRtHelper } from './rt-build.js';

describe('vplc run --rt: the scan threads real time, the main thread not', () => {
  it('SCHED_FIFO at the priority asked and pinned to the CPU asked, for the scan thread only (or exactly why not)', async () => {
    ensureRtHelper();
    const run = vplc(['samples/tank-level/tank_level.st', '--duration', '4s', '--rt', '--rt-priority', '70', '--cpu', '1', '--json']);
    if (!canSchedFifo()) {
      await run.waitErr(/SCHED_FIFO refused: EPERM \(needs CAP_SYS_NICE or root; in a container run with --cap-add SYS_NICE\)/);
      expect(await run.exited).toBe(0);
      return;
    }
    const m = await run.waitErr(/real time: Controller: scan thread (\d+): SCHED_FIFO priority 70, on CPU 1 \((\d+) other threads moved off it\); memory locked: /);
    const tid = Number(m[1]);
    const scan = schedOf(run.pid, tid);
    const main = schedOf(run.pid, run.pid);
    expect(await run.exited).toBe(0);
    expect(scan.policy).toBe(SCHED_FIFO);
    // the kernel's prio of a SCHED_FIFO thread is 99 − its real-time priority
    expect(scan.prio).toBe(99 - 70);
    expect(scan.cpus).toBe('1');
    expect(main.policy).toBe(SCHED_OTHER);
    // the I/O thread and V8's helpers left the scan CPU
    expect(Number(m[2])).toBeGreaterThan(1);
    expect(cpuList(main.cpus)).not.toContain(1);
    const result = JSON.parse(run.stdout.join('')) as { metrics: { tasks: Record<string, { cycles: number }> } };
    expect(result.metrics.tasks.Control!.cycles).toBeGreaterThan(100);
  }, 90_000);

  it('without CAP_SYS_NICE: says exactly why, and runs on under SCHED_OTHER', async () => {
    ensureRtHelper();
    // root without CAP_SYS_NICE is refused as any unprivileged user is
    const run = vplc(['samples/tank-level/tank_level.st', '--duration', '2s', '--rt', '--json'], ['setpriv', '--inh-caps=-sys_nice', '--bounding-set=-sys_nice']);
    const m = await run.waitErr(/real time: Controller: scan thread (\d+): SCHED_OTHER; SCHED_FIFO refused: EPERM \(needs CAP_SYS_NICE or root; in a container run with --cap-add SYS_NICE\); memory locked: .*; runs on$/);
    expect(schedOf(run.pid, Number(m[1])).policy).toBe(SCHED_OTHER);
    expect(await run.exited).toBe(0);
    const result = JSON.parse(run.stdout.join('')) as { metrics: { tasks: Record<string, { cycles: number }> } };
    expect(result.metrics.tasks.Control!.cycles).toBeGreaterThan(50);
  }, 90_000);

  it('vplc serve --rt: the scan thread SCHED_FIFO, the main (I/O) thread serving as before', async () => {
    ensureRtHelper();
    const serve = vplc(['serve', 'samples/tank-level/tank_level.st', '--rt', '--cpu', '0', '--no-metrics', '--summary-every', '0']);
    try {
      if (!canSchedFifo()) {
        await serve.waitErr(/SCHED_FIFO refused: EPERM/);
        return;
      }
      const m = await serve.waitErr(/real time: Controller: scan thread (\d+): SCHED_FIFO priority 80, on CPU 0 \(\d+ other threads moved off it\); memory locked: /);
      expect(schedOf(serve.pid, Number(m[1]))).toMatchObject({ policy: SCHED_FIFO, prio: 99 - 80, cpus: '0' });
      expect(schedOf(serve.pid, serve.pid).policy).toBe(SCHED_OTHER);
      // serving (signal handlers in place) before it is stopped
      for (let k = 0; k < 600 && !serve.stdout.join('').includes('stop with Ctrl+C'); k++) await new Promise((r) => setTimeout(r, 50));
      // serve prints that line before it gives memory back and then installs its handlers
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      process.kill(serve.pid, 'SIGTERM');
    }
    expect(await serve.exited).toBe(0);
    expect(serve.stdout.join('')).toContain('scheduling: main (I/O) thread SCHED_OTHER');
  }, 90_000);

  it('without the native helper: the fallback clock (performance.now, Atomics.wait) runs the scans, and --rt says why not', async () => {
    const run = vplc(['samples/tank-level/tank_level.st', '--duration', '1s', '--rt', '--json'], [], { VPLC_NO_RT_HELPER: '1' });
    await run.waitErr(/real time: Controller: real time not available: the real-time helper is turned off \(VPLC_NO_RT_HELPER\); runs under SCHED_OTHER$/);
    expect(await run.exited).toBe(0);
    const result = JSON.parse(run.stdout.join('')) as { metrics: { tasks: Record<string, { cycles: number; latenessUs: { p50: number } }> } };
    // 100 releases of the 10 ms task in 1 s, less what a loaded machine makes overrun
    expect(result.metrics.tasks.Control!.cycles).toBeGreaterThan(50);
    expect(result.metrics.tasks.Control!.cycles).toBeLessThanOrEqual(100);
  }, 90_000);

  it('usage: --cpu without --rt, a priority beyond 99, --rt on the virtual clock', async () => {
    for (const [args, why] of [
      [['--cpu', '1'], '--rt-priority and --cpu go with --rt'],
      [['--rt', '--rt-priority', '120'], '--rt-priority 120: SCHED_FIFO priorities are 1…99'],
      [['--rt', '--virtual-time', '--cycles', '3'], '--rt is for the real clock, not with --virtual-time'],
    ] as const) {
      const run = vplc(['samples/tank-level/tank_level.st', ...args]);
      expect(await run.exited).toBe(64);
      expect(run.stderr[0]).toBe(`vplc run: ${why}`);
    }
  }, 90_000);
});
