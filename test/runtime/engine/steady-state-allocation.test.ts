import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../compiler/application.js';
import { compileFiles } from '../../../compiler/project.js';
import { resourceModels61499 } from '../../../runtime/engine/iec61499-resources.js';
import { ATTENTION_VARS, CONTROL_WORDS } from '../../../runtime/engine/protocol.js';
import { keepRecentVars } from '../../../runtime/engine/recent-vars.js';
import { notifyWaiter } from '../../../runtime/clock.js';
import { realtimeV8 } from '../../../runtime/rt/v8-realtime.js';
import { rtHelper } from '../../../runtime/rt/native.js';
import type { HeapProbeRequest, HeapProbeResult } from './heap-probe-worker.js';
import { probeHeap as probe } from './heap-probe.js';
import { ensureRtHelper } from './rt-build.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SAMPLES = ['samples/tank-level/tank_level.st', 'samples/traffic-light/traffic_light.st', 'samples/bottling/bottling.st', 'samples/sorting-conveyor/sorting.sys'];

/**
 * What reading the heap statistics between two stretches costs in itself (about 2.5 KB of
 * result objects): a fixed amount. An
 * allocation per release, even of one 16-byte number, would be 16 bytes × the releases of the
 * stretch (160,000 bytes for 10,000).
 */
const FIXED_BYTES = 4096;

function compile(file: string): Application {
  const r = compileFiles([root + file]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => `${d.range.file}:${d.range.line}:${d.range.col} ${d.message}`).join('\n'));
  return r.application;
}

/** Scale every cyclic interval so that the fastest task runs every `fastestNs` (real-clock probes stay short). */
function faster(app: Application, fastestNs: number): Application {
  const all = app.resources.flatMap((r) => r.tasks.filter((t) => t.intervalNs > 0).map((t) => t.intervalNs));
  const k = fastestNs / Math.min(...all);
  return { ...app, resources: app.resources.map((r) => ({ ...r, tasks: r.tasks.map((t) => ({ ...t, intervalNs: Math.round(t.intervalNs * k) })) })) };
}


function resourceOf(app: Application): { resource: string; iec61499: boolean } {
  const nets = resourceModels61499(app);
  return nets.length > 0 ? { resource: nets[0]!.name, iec61499: true } : { resource: app.resources[0]!.name, iec61499: false };
}

/**
 * The young generation is where every short-lived object goes: a stretch in which it did not
 * shrink (no scavenge) and grew by less than FIXED_BYTES allocated nothing per release. V8 may
 * still do one-off work in a stretch (a function tiered up or reoptimised after a rare branch),
 * so three stretches are measured and the quietest must be clean: an allocation per release
 * shows in every stretch.
 */
function quietest(r: HeapProbeResult): number {
  return Math.min(...r.stretches.map((s) => s.youngBytes).filter((b) => b >= 0));
}

function expectNoAllocation(r: HeapProbeResult, stretches: number, scans: number, bound = FIXED_BYTES): void {
  expect(r.faults).toEqual([]);
  expect(r.stretches).toHaveLength(stretches);
  const young = r.stretches.map((s) => s.youngBytes);
  expect(quietest(r), `young generation growth per stretch of ${scans} releases: ${young.join(', ')} bytes`).toBeLessThan(bound);
}

/**
 * V8 decides what to inline as it optimises, and under a loaded machine it now and then (2 of
 * some 40 probes of a whole test run) leaves one small call out, whose time result is then
 * boxed: 16 bytes per release. Such a probe is measured again (a fresh worker), up to twice;
 * none may allocate more than that one number per release, and one must allocate nothing.
 */
async function probeSteady(req: HeapProbeRequest): Promise<HeapProbeResult> {
  let r = await probe(req);
  for (let k = 0; k < 2 && quietest(r) >= FIXED_BYTES; k++) {
    expect(quietest(r) / req.scans, 'at most one boxed number (16 bytes) per release').toBeLessThanOrEqual(17);
    r = await probe(req);
  }
  return r;
}

describe('steady-state scans allocate nothing (scan worker heap, after warm-up)', () => {
  it('the native real-time helper is built (the allocation-free clock)', () => {
    ensureRtHelper();
    expect(typeof rtHelper()).toBe('object');
  });
  for (const file of SAMPLES) {
    it(`${file}, virtual clock: 3 × 10,000 releases`, async () => {
      ensureRtHelper();
      const app = compile(file);
      // long enough for the code of a slow task (bottling's: 1 release in 50) to be optimised
      const r = await probeSteady({ app, ...resourceOf(app), clock: 'virtual', warmup: 400_000, scans: 10_000, stretches: 3, spinNs: 0 });
      // a release may run two tasks: the count stops at or just past the number asked for
      expect(r.releases).toBeGreaterThanOrEqual(430_000);
      expectNoAllocation(r, 3, 10_000);
    }, 60_000);
  }
  // The real clock's own path (the native clock and sleep, lateness of real releases): samples
  // whose tasks all run often enough to be optimised within seconds (bottling's slow task,
  // 1 scan in 50, takes minutes of real time: it is covered on the virtual clock above).
  for (const file of ['samples/tank-level/tank_level.st', 'samples/traffic-light/traffic_light.st']) {
    it(`${file}, real clock (fastest task every 250 µs, 100 µs spin): 3 × 2,000 scans after 20,000`, async () => {
      ensureRtHelper();
      const app = faster(compile(file), 250_000);
      const r = await probe({ app, ...resourceOf(app), clock: 'real', warmup: 20_000, scans: 2_000, stretches: 3, spinNs: 100_000 });
      expect(r.releases).toBeGreaterThanOrEqual(26_000);
      // on a loaded machine late wake-ups and overruns take rarer paths, which still allocate
      // now and then (up to one number per 6 scans measured at a load average of 18 on 2
      // cores; none on a quiet one): allowed below 4 bytes per scan, a quarter of the least
      // an allocation in every scan would cost
      expectNoAllocation(r, 3, 2_000, FIXED_BYTES + 4 * 2_000);
    }, 60_000);
  }
  // A slow task beside a fast one on the real clock, as `vplc run --rt` runs it: V8 set up for
  // a real-time scan thread (v8-realtime.ts), and the main thread asking for recent copies of
  // the variables on the schedule `vplc run` uses (recent-vars.ts), each answered between two
  // scans. Asked for ten times a second, as they once were, the copies were what bottling's
  // scan worker allocated in steady state (about 40 KB per stretch, a scavenge in every run of
  // this test). Intervals scaled by 1/8 (250 µs and 12.5 ms), so that the slow task's code is
  // optimised within the warm-up.
  it('samples/bottling/bottling.st, real clock, real-time V8 setup, with recent copies of the variables asked for: 3 × 2,000 scans after 24,000', async () => {
    ensureRtHelper();
    const app = faster(compile('samples/bottling/bottling.st'), 250_000);
    const controlBuffer = new SharedArrayBuffer(CONTROL_WORDS * 4);
    const attention = new Int32Array(controlBuffer);
    const stop = keepRecentVars(() => {
      Atomics.or(attention, 0, ATTENTION_VARS);
      notifyWaiter(attention);
    });
    try {
      const r = await probe({ app, ...resourceOf(app), clock: 'real', warmup: 24_000, scans: 2_000, stretches: 3, spinNs: 100_000, controlBuffer }, realtimeV8());
      expect(r.releases).toBeGreaterThanOrEqual(30_000);
      // copies were asked for and answered (those asked for before its first scan count as one)
      expect(r.varsAnswered).toBeGreaterThanOrEqual(2);
      expectNoAllocation(r, 3, 2_000, FIXED_BYTES + 4 * 2_000);
    } finally {
      stop();
    }
  }, 60_000);
  // Whether V8 inlines a call is its choice, made anew at each optimisation: a time returned
  // from a call it leaves out is boxed (TaskScheduler.releaseOf was, under --rt, 16 bytes per
  // release). With inlining turned off every call on the scan path is left out, so none may
  // take or return a time as a number. (A V8 flag is the process's: set for this probe only.)
  it('samples/bottling/bottling.st, virtual clock, V8 inlining nothing: 3 × 10,000 releases', async () => {
    ensureRtHelper();
    const app = compile('samples/bottling/bottling.st');
    setFlagsFromString('--no-turbo-inlining');
    try {
      const r = await probe({ app, ...resourceOf(app), clock: 'virtual', warmup: 400_000, scans: 10_000, stretches: 3, spinNs: 0 });
      expectNoAllocation(r, 3, 10_000);
    } finally {
      setFlagsFromString('--turbo-inlining');
    }
  }, 60_000);
});
