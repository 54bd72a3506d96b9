import type { Application, ResourceModel } from '../../compiler/application.js';
import { loadModule } from '../load.js';
import { TaskSupport } from '../support.js';
import { transferState, type TransferEntry } from './state-transfer.js';

/**
 * Whether a new version of an application can replace the running one online, and what the
 * state transfer will do, computed off the scan thread on throw-away instances (the same walk
 * the scan worker then applies, so that `--dry-run` shows what the swap does).
 *
 * An online change replaces the code and carries the state over; the resources and their
 * tasks stay as they are (a changed task configuration needs a restart, as in commercial
 * PLCs), and IEC 61499 applications change through their management protocol instead.
 */
export interface ChangePlan {
  /** per 61131 resource: what happens to each variable */
  resources: Record<string, TransferEntry[]>;
}

/** Why `next` cannot replace `running` online; empty when it can. */
export function changeProblems(running: Application, next: Application): string[] {
  const problems: string[] = [];
  if (running.iec61499 || next.iec61499) {
    problems.push('IEC 61499 applications change online through their management protocol (vplc device), not by replacing the application');
    return problems;
  }
  const names = (a: Application) => a.resources.map((r) => r.name).join(', ');
  if (names(running) !== names(next)) problems.push(`the resources differ (running: ${names(running) || 'none'}; new: ${names(next) || 'none'}): restart to change them`);
  for (const r of next.resources) {
    const old = running.resources.find((x) => x.name === r.name);
    if (!old) continue;
    const why = taskDifference(old, r);
    if (why) problems.push(`resource ${r.name}: ${why}: restart to change tasks`);
  }
  return problems;
}

function taskDifference(old: ResourceModel, next: ResourceModel): string | undefined {
  const show = (m: ResourceModel) => m.tasks.map((t) => `${t.name} (${t.intervalNs / 1e6} ms, priority ${t.priority}${t.single ? `, SINGLE ${t.single}` : ''})`).join(', ');
  if (show(old) !== show(next)) return `the tasks differ (running: ${show(old)}; new: ${show(next)})`;
  return undefined;
}

/** What the state transfer will do, per resource (call after changeProblems found none). */
export function planChange(running: Application, next: Application): ChangePlan {
  const oldModule = loadModule(running, new TaskSupport());
  const newModule = loadModule(next, new TaskSupport());
  const resources: Record<string, TransferEntry[]> = {};
  for (const model of next.resources) {
    const oldModel = running.resources.find((r) => r.name === model.name)!;
    const fresh = oldModule.resources[model.name]!();
    resources[model.name] = transferState(
      { app: running, model: oldModel, instance: fresh, fresh },
      { app: next, model, instance: newModule.resources[model.name]!(), fresh: newModule.resources[model.name]!() },
    );
  }
  return { resources };
}
