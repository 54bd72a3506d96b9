import type { Application } from '../../compiler/application.js';
import type { ResourceNetwork } from '../../compiler/iec61499/model.js';
import { applyEdit, planEdit } from '../iec61499/network-edit.js';
import type { Resource61499 } from '../iec61499/resource.js';
import { editEntries } from '../state/change-plan.js';
import { resourceKey61499 } from './iec61499-resources.js';
import type { ChangeResult } from './online-change.js';
import { WorkWithChanges } from './work-with-changes.js';

/**
 * The online change of an IEC 61499 resource in its scan worker (`vplc deploy app.sys` to a
 * `vplc serve`): the executing resource is edited in place, as `vplc device` edits one, so the
 * FBs that stay keep their data, ECC state, timers and sockets and START is not fired again.
 */
export function swapNetwork(resource: Resource61499, key: string, running: ResourceNetwork, app: Application): { result: ChangeResult; network?: ResourceNetwork } {
  const t0 = performance.now();
  const next = app.iec61499?.resources.find((n) => resourceKey61499(app, n) === key);
  if (!next) return { result: { ok: false, error: `the new version has no resource ${key}` } };
  const edit = planEdit(running, next);
  if (edit.notInPlace) return { result: { ok: false, error: `${edit.notInPlace}: restart for it` } };
  applyEdit(resource, edit, app, next);
  return { result: { ok: true, entries: editEntries(running, next, edit), swapUs: (performance.now() - t0) * 1000 }, network: next };
}

/**
 * An IEC 61499 resource's work with edits applied between two event chains: at once when no
 * chain runs, else as soon as the one that yielded has ended (never inside a chain).
 */
export class EditBetweenChains extends WorkWithChanges {
  schedule(edit: () => void): void {
    this.pending.push(edit);
    this.applyPending();
  }

  protected applyPending(): void {
    while (this.pending.length && !this.inner.busy()) this.pending.shift()!();
  }
}
