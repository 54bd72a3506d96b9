import type { Application, ResourceModel } from '../../compiler/application.js';
import { loadModule } from '../load.js';
import { TaskSupport } from '../support.js';
import { transferState, type TransferEntry } from './state-transfer.js';
import type { ResourceNetwork } from '../../compiler/iec61499/model.js';
import { resourceKey61499 } from '../engine/iec61499-resources.js';
import { planEdit, type NetworkEdit } from '../iec61499/network-edit.js';

/**
 * Whether a new version of an application can replace the running one online, and what the
 * state transfer will do, computed off the scan thread on throw-away instances (the same walk
 * the scan worker then applies, so that `--dry-run` shows what the swap does).
 *
 * An online change replaces the code and carries the state over; the resources and their
 * tasks stay as they are (a changed task configuration needs a restart, as in commercial
 * PLCs). An IEC 61499 application changes by editing each resource in place between two
 * event chains (runtime/iec61499/network-edit.ts): the FBs that stay keep their state.
 */
export interface ChangePlan {
  /** per 61131 resource: what happens to each variable; per IEC 61499 resource: to each FB */
  resources: Record<string, TransferEntry[]>;
}

/** Why `next` cannot replace `running` online; empty when it can. */
export function changeProblems(running: Application, next: Application): string[] {
  const problems: string[] = [];
  if (running.iec61499 || next.iec61499) return problems61499(running, next);
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

/** The IEC 61499 resources of an application by key (Device.Resource or Resource). */
function networks(app: Application): Map<string, ResourceNetwork> {
  return new Map((app.iec61499?.resources ?? []).map((n) => [resourceKey61499(app, n), n]));
}

function problems61499(running: Application, next: Application): string[] {
  if (!running.iec61499 || !next.iec61499 || running.resources.length || next.resources.length) {
    return ['an IEC 61131 application and an IEC 61499 one cannot replace each other online: restart to change between them'];
  }
  const problems: string[] = [];
  const a = networks(running);
  const b = networks(next);
  const names = (m: Map<string, ResourceNetwork>) => [...m.keys()].join(', ');
  if (names(a) !== names(b)) problems.push(`the resources differ (running: ${names(a) || 'none'}; new: ${names(b) || 'none'}): restart to change them`);
  for (const [key, net] of b) {
    const old = a.get(key);
    const why = old && planEdit(old, net).notInPlace;
    if (why) problems.push(`resource ${key}: ${why}: restart for it`);
  }
  return problems;
}

/** What an in-place edit does to each FB: kept, new, removed, re-initialised (its type changed). */
export function editEntries(old: ResourceNetwork, next: ResourceNetwork, edit: NetworkEdit): TransferEntry[] {
  const before = new Map(old.fbs.map((f) => [f.name, f.concreteType]));
  const added = new Set(edit.addedFbs.map((f) => f.name));
  const out: TransferEntry[] = [];
  for (const f of next.fbs) {
    const was = before.get(f.name);
    if (!added.has(f.name)) out.push({ path: f.name, action: 'kept' });
    else if (was === undefined) out.push({ path: f.name, action: 'new', to: f.concreteType });
    else out.push({ path: f.name, action: 'reinitialised', from: was, to: f.concreteType, reason: 'FB type changed' });
  }
  const stays = new Set(next.fbs.map((f) => f.name));
  for (const f of old.fbs) if (!stays.has(f.name)) out.push({ path: f.name, action: 'removed', from: f.concreteType });
  return out;
}

/** What the state transfer will do, per resource (call after changeProblems found none). */
export function planChange(running: Application, next: Application): ChangePlan {
  if (next.iec61499) {
    const a = networks(running);
    const resources: Record<string, TransferEntry[]> = {};
    for (const [key, net] of networks(next)) resources[key] = editEntries(a.get(key)!, net, planEdit(a.get(key)!, net));
    return { resources };
  }
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
