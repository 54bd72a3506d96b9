import type { Application } from '../../compiler/application.js';
import { loadModule } from '../load.js';
import { changeProblems } from '../state/change-plan.js';
import { transferState, type TransferEntry } from '../state/state-transfer.js';
import type { ResourceRunner } from './resource-runner.js';
import { WorkWithChanges } from './work-with-changes.js';

/** What the scan worker answers to an online change. */
export type ChangeResult =
  | {
      ok: true;
      entries: TransferEntry[];
      /** time the swap took between two scans (µs): loading the new code, the state transfer */
      swapUs: number;
      /** real clock: how long before the next release the swap ended (µs; negative: that release was late by so much) */
      slackUs?: number;
    }
  | { ok: false; error: string };

/**
 * The scan worker's side of an online change, run at a scan boundary: load the new version's
 * code, build its instance, carry the running state over (state-transfer.ts) and hand the
 * instance to the runner, whose next scan runs it. The process image is not touched, so
 * outputs hold their values; the clock and the schedule go on, so timers keep running and no
 * release is skipped.
 */
export function swapProgram(runner: ResourceRunner, app: Application, realClock: boolean): ChangeResult {
  const t0 = performance.now();
  const problems = changeProblems(runner.app, app);
  const model = app.resources.find((r) => r.name === runner.resourceName);
  if (problems.length || !model) return { ok: false, error: problems.join('; ') || `the new version has no resource ${runner.resourceName}` };
  const module = loadModule(app, runner.support);
  const factory = module.resources[model.name];
  if (!factory) return { ok: false, error: `the generated code has no resource ${model.name}` };
  const instance = factory();
  const entries = transferState(
    { app: runner.app, model: runner.model, instance: runner.instance, fresh: runner.module.resources[model.name]!() },
    { app, model, instance, fresh: instance },
  );
  const refused = runner.replaceProgram(app, model, module, instance);
  if (refused) return { ok: false, error: refused };
  const t1 = performance.now();
  const result: ChangeResult = { ok: true, entries, swapUs: (t1 - t0) * 1000 };
  if (realClock) {
    const next = runner.scheduler.nextInstant();
    if (Number.isFinite(next)) result.slackUs = (next - runner.realNowNs()) / 1000;
  }
  return result;
}

/**
 * The resource's work as the scan loop sees it, with online changes applied right after a
 * release: then the whole gap to the next release is there for the swap, so that it does not
 * make that release late (a change asked for just before a release would otherwise take its
 * time from it). With nothing due (every task stopped) a change is applied at once.
 */
export class ChangeAtRelease extends WorkWithChanges {
  /** Run `swap` after the next release (at once when nothing is due). */
  schedule(swap: () => void): void {
    this.inner.plan();
    if (!Number.isFinite(this.inner.due[0]!)) swap();
    else this.pending.push(swap);
  }

  protected applyPending(step: 'release' | 'resume'): void {
    if (step === 'release') while (this.pending.length) this.pending.shift()!();
  }
}
