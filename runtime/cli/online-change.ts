import type { Engine } from '../engine/engine.js';
import { countActions, type TransferAction, type TransferEntry } from '../state/state-transfer.js';
import type { ChangeFile } from './change-compile.js';

export type { ChangeFile } from './change-compile.js';

export interface ResourceChangeReport {
  counts: Record<TransferAction, number>;
  entries: TransferEntry[];
  /** time the swap took between two scans (µs) */
  swapUs?: number;
  /** how long before the next release the swap ended (µs; negative: that release was late by so much) */
  slackUs?: number;
}

/** What a change request gets back. `status` is the HTTP status the deploy endpoint answers with. */
export type ChangeOutcome =
  | { status: 200; ok: true; applied: boolean; application: string; version: number; resources: Record<string, ResourceChangeReport> }
  | { status: 409 | 422 | 500; ok: false; error: string; diagnostics?: string[] };

/**
 * Online change of a running `vplc serve`: the new sources are compiled and checked in a
 * thread of their own (change-compile.ts), so that neither the scans nor the I/O, OPC UA and
 * HTTP of the main thread wait for a compile; if they do not compile, or cannot replace the
 * running version online, the running one goes on and the reasons are returned. Otherwise
 * each resource swaps at a scan boundary (Engine.change). Requests are applied one after the
 * other, in the order they came, each against the version running at its turn; a request
 * that names the version it was prepared against (`ifVersion`, from a dry run) is refused
 * (409) when another change came first.
 */
export class OnlineChange {
  private queue: Promise<unknown> = Promise.resolve();
  /** 1 at start, +1 per change applied */
  version = 1;

  constructor(
    private readonly engine: Engine,
    /** runs the swap between two saves of RETAIN values, and saves after it (Persistence) */
    private readonly around: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
    private readonly afterChange: () => void = () => {},
  ) {}

  apply(files: ChangeFile[], dryRun: boolean, ifVersion?: number): Promise<ChangeOutcome> {
    const run = this.queue.then(() => this.applyNow(files, dryRun, ifVersion));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(files: ChangeFile[], dryRun: boolean, ifVersion?: number): Promise<ChangeOutcome> {
    if (ifVersion !== undefined && ifVersion !== this.version) {
      return { status: 409, ok: false, error: `the running version is ${this.version}, not ${ifVersion}: another change came first` };
    }
    {
      // loaded at the first change: its module brings the whole compiler, which a start from the compile cache does without
      const { prepareChangeOffThread } = await import('./change-compile.js');
      const prepared = await prepareChangeOffThread(files, this.engine.app);
      if ('diagnostics' in prepared) return { status: 422, ok: false, error: 'the new version does not compile; the running one goes on', diagnostics: prepared.diagnostics };
      if ('problems' in prepared) return { status: 422, ok: false, error: `cannot change online: ${prepared.problems.join('; ')}` };
      if ('failure' in prepared) return { status: 500, ok: false, error: prepared.failure };
      const { app: next, plan } = prepared;
      if (dryRun) {
        const resources = Object.fromEntries(Object.entries(plan.resources).map(([r, entries]) => [r, { counts: countActions(entries), entries }]));
        return { status: 200, ok: true, applied: false, application: next.name, version: this.version, resources };
      }
      const results = await this.around(() => this.engine.change(next));
      const resources: Record<string, ResourceChangeReport> = {};
      for (const [r, res] of Object.entries(results)) {
        if (!res.ok) return { status: 500, ok: false, error: `resource ${r}: ${res.error}` };
        resources[r] = { counts: countActions(res.entries), entries: res.entries, swapUs: res.swapUs, ...(res.slackUs !== undefined ? { slackUs: res.slackUs } : {}) };
      }
      this.version++;
      this.afterChange();
      return { status: 200, ok: true, applied: true, application: next.name, version: this.version, resources };
    }
  }
}

/** The report as lines for a terminal: the counts, then every variable that did not simply keep its value. */
export function changeReportLines(outcome: ChangeOutcome): string[] {
  if (!outcome.ok) return [...(outcome.diagnostics ?? []), outcome.error];
  const lines: string[] = [];
  for (const [r, rep] of Object.entries(outcome.resources)) {
    const c = rep.counts;
    const swap = rep.swapUs !== undefined ? `; swapped in ${(rep.swapUs / 1000).toFixed(2)} ms between two scans` : '';
    const slack = rep.slackUs !== undefined ? (rep.slackUs >= 0 ? `, ${(rep.slackUs / 1000).toFixed(2)} ms before the next release` : `, the next release ${(-rep.slackUs / 1000).toFixed(2)} ms late`) : '';
    lines.push(`${r}: ${c.kept} kept, ${c.converted} converted, ${c.reinitialised} re-initialised, ${c.new} new, ${c.removed} removed${swap}${slack}`);
    for (const e of rep.entries) {
      if (e.action === 'kept') continue;
      const types = e.from && e.to ? ` (${e.from} → ${e.to})` : e.to ? ` (${e.to})` : e.from ? ` (${e.from})` : '';
      lines.push(`  ${e.action.padEnd(13)} ${e.path}${types}${e.reason ? `: ${e.reason}` : ''}`);
    }
  }
  lines.push(outcome.applied ? `running ${outcome.application}, version ${outcome.version}` : `dry run against version ${outcome.version}: nothing changed`);
  return lines;
}
