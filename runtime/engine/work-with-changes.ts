import type { ScanClock } from '../clock.js';
import type { Schedulable } from './scan-loop.js';

/**
 * A resource's work as the scan loop sees it, with changes of the running resource queued
 * and applied between two steps of that work; when is the subclass's (after a release, or
 * once no event chain runs). Everything else is the work's own.
 */
export abstract class WorkWithChanges implements Schedulable {
  protected readonly pending: (() => void)[] = [];
  readonly due: Float64Array;

  constructor(protected readonly inner: Schedulable) {
    this.due = inner.due;
  }

  /** Queue `change`, or apply it at once where the subclass allows. */
  abstract schedule(change: () => void): void;
  /** Apply what is pending that may be applied now (called after a step, only with changes pending). */
  protected abstract applyPending(step: 'release' | 'resume'): void;

  begin(clock: ScanClock): void {
    this.inner.begin(clock);
  }
  plan(): void {
    this.inner.plan();
  }
  busy(): boolean {
    return this.inner.busy();
  }
  release(clock: ScanClock): number {
    const n = this.inner.release(clock);
    if (this.pending.length) this.applyPending('release');
    return n;
  }
  resume(clock: ScanClock): number {
    const n = this.inner.resume(clock);
    if (this.pending.length) this.applyPending('resume');
    return n;
  }
}
