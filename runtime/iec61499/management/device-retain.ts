import { join } from 'node:path';
import type { ResourceNetwork } from '../../../compiler/iec61499/model.js';
import { RetainStore } from '../../state/retain-store.js';
import { applyRestore61499, planRestore61499, readLeaves61499, retainLeaves61499, toSaved61499, type Retain61499Leaf } from '../../state/retain-61499.js';
import type { Resource61499 } from '../resource.js';

/** What a saved resource offers (ManagedResource does). */
export interface RetainedResource {
  readonly name: string;
  /** the executing resource and its network, when it has been started */
  retainSource(): { resource: Resource61499; network: ResourceNetwork } | undefined;
}

/**
 * `vplc device --state-dir DIR`: the retained variables of each resource (RETAIN-marked in
 * their FB types or on their FB instances) kept in DIR/<resource>, as `vplc serve` keeps them:
 * crash-safe generations, saved every period and at stop. When the device powers up from its
 * boot file, a resource that starts gets them back by path and type and starts WARM; a START
 * sent by the IDE (a new deployment) starts COLD, as FORTE does.
 */
export class DeviceRetain {
  private readonly stores = new Map<string, RetainStore>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<unknown> = Promise.resolve();
  private busy = false;
  /** set while the device loads its boot file: a START then restores */
  powerUp = false;

  constructor(
    readonly dir: string,
    readonly saveMs: number,
    private readonly log: (message: string) => void,
  ) {}

  private store(resource: string): RetainStore {
    let s = this.stores.get(resource);
    if (!s) this.stores.set(resource, (s = new RetainStore(join(this.dir, resource))));
    return s;
  }

  /**
   * Before the COLD or WARM start of a freshly built resource: at power-up, put its saved
   * values back. Returns whether it restored any (the resource then starts WARM).
   */
  restore(name: string, resource: Resource61499, network: ResourceNetwork): boolean {
    if (!this.powerUp) return false;
    const leaves = leavesOf(resource, network);
    if (leaves.length === 0) return false;
    const loaded = this.store(name).load();
    for (const s of loaded.skipped) this.log(`resource ${name}: ${s.file}: not used: ${s.reason}`);
    const g = loaded.generation;
    if (!g) {
      this.log(`resource ${name}: no saved retained values in ${this.store(name).dir}: starting COLD`);
      return false;
    }
    const plan = planRestore61499(leaves, g.resources[name] ?? []);
    applyRestore61499(resource, plan.values);
    this.log(`resource ${name}: restored ${plan.restored.length} retained value(s), warm, from ${loaded.file} (generation ${g.generation}, saved ${g.savedAt}${g.reason ? ` at ${g.reason}` : ''})`);
    for (const d of plan.dropped) this.log(`resource ${name}: ${d.path}: ${d.reason}`);
    for (const f of plan.fresh) this.log(`resource ${name}: ${f}: no saved value, starts at its initial value`);
    return plan.restored.length > 0;
  }

  /** Save every resource every saveMs until stop(). */
  start(resources: () => Iterable<RetainedResource>): void {
    this.timer = setInterval(() => {
      if (!this.busy) void this.saveAll(resources(), 'period');
    }, this.saveMs);
    this.timer.unref();
  }

  /** One generation per resource that has retained variables and is between two event chains. */
  saveAll(resources: Iterable<RetainedResource>, reason: string): Promise<void> {
    this.busy = true;
    // values are read now, between two chains (the device runs them on this thread)
    const pending: { name: string; values: ReturnType<typeof toSaved61499> }[] = [];
    for (const r of resources) {
      const src = r.retainSource();
      // a chain that yielded is in the middle of its work: its values wait for the next period
      if (!src || src.resource.busy()) continue;
      const leaves = leavesOf(src.resource, src.network);
      if (leaves.length) pending.push({ name: r.name, values: toSaved61499(leaves, readLeaves61499(leaves, src.resource)) });
    }
    const run = this.saving.then(async () => {
      for (const p of pending) {
        try {
          await this.store(p.name).save({ savedAt: new Date().toISOString(), application: p.name, reason, resources: { [p.name]: p.values } });
        } catch (e) {
          this.log(`resource ${p.name}: saving retained values failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    });
    const done = run.finally(() => {
      this.busy = false;
    });
    this.saving = done;
    return done;
  }

  /** No more periodic saves; waits for the one being written. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.saving;
  }
}

function leavesOf(resource: Resource61499, network: ResourceNetwork): Retain61499Leaf[] {
  return retainLeaves61499((fb) => resource.fbType(fb.name), network);
}
