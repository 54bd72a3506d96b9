import type { Application } from '../../compiler/application.js';
import type { RetainedValues } from '../engine/retain.js';
import { planRestore, retainLeaves, toSaved, type RetainLeaf, type SavedValue } from './retain-leaves.js';
import { RetainStore } from './retain-store.js';
import { planRestore61499, retainLeavesOfApp, toSaved61499, type Retain61499Leaf } from './retain-61499.js';

/** What persistence needs of the running PLC (the Engine provides it). */
export interface RetainSource {
  readonly app: Application;
  /** RETAIN values by path per resource (61131; IEC 61499: 'FB.VAR'), read at a scan boundary (or as the worker ended) */
  retainValues(): Promise<Record<string, Record<string, unknown>>>;
}

export interface RestoreReport {
  /** the values to start the resources with, by resource name (EngineOptions.initialValues) */
  initialValues: Record<string, RetainedValues>;
  /** one line per fact worth telling: what was restored from where, what was not and why */
  lines: string[];
  /** the generation restored, if any */
  generation?: number;
  restored: number;
}

/**
 * RETAIN and PERSISTENT variables of a running PLC kept in a folder (`vplc serve --state-dir`):
 * restored at start (warm), saved every period, at every online change and at stop. The scan
 * worker only copies the values at a scan boundary; encoding and writing happen here, in the
 * main thread, one save after the other (a period that comes while a save is still being
 * written is skipped, not queued).
 */
export class Persistence {
  readonly store: RetainStore;
  private timer?: NodeJS.Timeout;
  private busy = false;
  /** saves and online changes one after the other: a save never mixes two versions */
  private queue: Promise<unknown> = Promise.resolve();
  private leaves = new Map<string, RetainLeaf[]>();
  private leavesOf?: Application;
  /** generations written since start */
  saves = 0;
  lastError?: string;

  constructor(
    dir: string,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.store = new RetainStore(dir);
  }

  /** Read the newest intact generation and match it to `app`'s RETAIN variables. */
  restore(app: Application): RestoreReport {
    const loaded = this.store.load();
    const report: RestoreReport = { initialValues: {}, lines: [], restored: 0 };
    for (const s of loaded.skipped) report.lines.push(`${s.file}: not used: ${s.reason}`);
    const g = loaded.generation;
    if (!g) {
      report.lines.push(loaded.skipped.length ? 'no intact RETAIN generation: starting cold' : `no saved RETAIN values in ${this.store.dir}: starting cold`);
      return report;
    }
    report.generation = g.generation;
    const dropped: string[] = [];
    for (const model of app.resources) {
      const plan = planRestore(app, model, g.resources[model.name] ?? []);
      report.initialValues[model.name] = plan.values;
      report.restored += plan.restored.length;
      for (const d of plan.dropped) dropped.push(`${model.name}: ${d.path}: ${d.reason}`);
      if (plan.fresh.length && g.application === app.name) {
        for (const f of plan.fresh) dropped.push(`${model.name}: ${f}: no saved value, starts at its initial value`);
      }
    }
    const leaves61499 = retainLeavesOfApp(app);
    for (const [key, leaves] of leaves61499) {
      if (leaves.length === 0) continue;
      const plan = planRestore61499(leaves, g.resources[key] ?? []);
      // a resource with retained values starts WARM with them
      if (plan.restored.length) report.initialValues[key] = { programs: {}, globals: {}, fbs: plan.values };
      report.restored += plan.restored.length;
      for (const d of plan.dropped) dropped.push(`${key}: ${d.path}: ${d.reason}`);
      if (plan.fresh.length && g.application === app.name) {
        for (const f of plan.fresh) dropped.push(`${key}: ${f}: no saved value, starts at its initial value`);
      }
    }
    for (const r of Object.keys(g.resources)) {
      if (!app.resources.some((m) => m.name === r) && !leaves61499.get(r)?.length) dropped.push(`${r}: no such resource in this version: its ${g.resources[r]!.length} saved values are not restored`);
    }
    report.lines.push(`restored ${report.restored} RETAIN value(s), warm, from ${loaded.file} (generation ${g.generation}, saved ${g.savedAt}${g.reason ? ` at ${g.reason}` : ''})`);
    report.lines.push(...dropped);
    return report;
  }

  /** Save every `periodMs` until stop(). */
  start(source: RetainSource, periodMs: number): void {
    this.timer = setInterval(() => {
      if (!this.busy) void this.save(source, 'period');
    }, periodMs);
    this.timer.unref();
  }

  /** Save one generation now; resolves with its file (undefined when there was nothing to save or it failed). */
  save(source: RetainSource, reason: string): Promise<string | undefined> {
    this.busy = true;
    return this.exclusive(() => this.write(source, reason));
  }

  /** Run `fn` (an online change) between saves. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(source: RetainSource, reason: string): Promise<string | undefined> {
    try {
      const values = await source.retainValues();
      const app = source.app;
      const resources: Record<string, SavedValue[]> = {};
      for (const model of app.resources) {
        const v = values[model.name];
        if (v) resources[model.name] = toSaved(this.leavesFor(app, model.name), v);
      }
      for (const [key, leaves] of this.leaves61499For(app)) {
        const v = values[key];
        if (v && leaves.length) resources[key] = toSaved61499(leaves, v);
      }
      if (Object.keys(resources).length === 0) return undefined;
      const file = await this.store.save({ savedAt: new Date().toISOString(), application: app.name, reason, resources });
      this.saves++;
      return file;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.onError(`saving RETAIN values failed: ${this.lastError}`);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** No more periodic saves; waits for the one being written. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.store.flush();
  }

  private leaves61499?: { app: Application; leaves: Map<string, Retain61499Leaf[]> };

  private leaves61499For(app: Application): Map<string, Retain61499Leaf[]> {
    if (this.leaves61499?.app !== app) this.leaves61499 = { app, leaves: retainLeavesOfApp(app) };
    return this.leaves61499.leaves;
  }

  private leavesFor(app: Application, resource: string): RetainLeaf[] {
    if (this.leavesOf !== app) {
      this.leaves.clear();
      this.leavesOf = app;
    }
    let l = this.leaves.get(resource);
    if (!l) {
      const model = app.resources.find((m) => m.name === resource)!;
      this.leaves.set(resource, (l = retainLeaves(app, model)));
    }
    return l;
  }
}
