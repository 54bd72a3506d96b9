import type { Resource61499 } from '../resource.js';

/**
 * Event watches as FORTE keeps them: a count of the events that passed an event port (UDINT,
 * wrapping) and, when read, the device time in ms. The counts are the executing resource's
 * per-pin counts, the same ones the web console shows, switched on while any port is watched
 * (the dispatch has no counting code otherwise). An event input counts every event delivered
 * to it, from a connection or fired from outside ($e); an event output every event it sends.
 * Each watch counts from when it was created or reset ($er); counts survive a rebuild of the
 * executing network.
 */
export class EventWatches {
  /** what to add to the live pin count: minus the count at creation or reset, plus earlier networks' counts */
  private readonly watches = new Map<string, { base: number }>();
  private live: Resource61499 | undefined;
  private counting = false;

  has(port: string): boolean {
    return this.watches.has(port);
  }

  get ports(): string[] {
    return [...this.watches.keys()];
  }

  /** Watch an event port (`FB.EVENT`); `_eventOutput` and `_sourcesOf` are not needed by pin counts. */
  add(port: string): void {
    if (this.watches.has(port)) return;
    this.count_(true);
    this.watches.set(port, { base: -this.pinCount(port) });
  }

  delete(port: string): boolean {
    const had = this.watches.delete(port);
    if (had && this.watches.size === 0) this.count_(false);
    return had;
  }

  /** `$e` written to a watched event input: delivered through the dispatch, which counts it. */
  fired(_port: string): void {}

  /** `$er`: the count starts again from 0. */
  reset(port: string): void {
    const w = this.watches.get(port);
    if (w) w.base = -this.pinCount(port);
  }

  count(port: string): number {
    const w = this.watches.get(port);
    return w ? (w.base + this.pinCount(port)) >>> 0 : 0;
  }

  /** A new executing network (or none): keep what was counted so far, count on the new one. */
  rebuilt(resource: Resource61499 | undefined): void {
    if (resource === this.live) return;
    for (const [port, w] of this.watches) w.base += this.pinCount(port);
    this.count_(false);
    this.live = resource;
    if (this.watches.size > 0) this.count_(true);
    for (const [port, w] of this.watches) w.base -= this.pinCount(port);
  }

  /** Hold the live resource's counting on (one watcher for all watches) or let it go. */
  private count_(on: boolean): void {
    if (on === this.counting || !this.live) {
      if (!this.live) this.counting = false;
      return;
    }
    this.counting = on;
    this.live.countEvents(on);
  }

  private pinCount(port: string): number {
    return (this.counting && this.live?.eventPinCounts()?.get(port)?.count) || 0;
  }
}
