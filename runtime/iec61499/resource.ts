/**
 * A running IEC 61499 resource: start, stop and kill, the event chains run through the
 * compiled dispatch, the resource clock and its timers, event counts, and what native blocks
 * ask of it (NativeContext). The network and its management are resource-network.ts.
 */
import { NativeFb, type NativeContext, type RestartMode } from '../../blocks/native/native-fb.js';
import type { ImageView } from '../../compiler/application.js';
import { EventPinCounts } from './event-pin-counts.js';
import { ResourceError, ResourceNetwork, type Timer } from './resource-network.js';

export { EventQueueOverflow, ResourceError, type ResourceState } from './resource-network.js';

/**
 * Events a chain runs before it yields to its driver (stop requests, the end of the run, due
 * timers, management requests): about 0.3 to 1 ms of a ring like FORTE's benchmark, so a stop
 * is honoured well within 10 ms; one check per 65,536 events costs nothing measurable.
 */
export const SLICE_EVENTS = 65_536;

/**
 * How advanceTo treats a periodic timer (E_CYCLE, E_TRAIN: re-armed from its own expiry) that
 * falls due again within the same advance. 'exact' (the virtual clock): every period is
 * delivered, in time order. 'skip-missed' (the real clock after a stall): one tick is
 * delivered; the further periods more than CATCH_UP_NS past are missed: the FB's own period
 * grid moves on, their output events are dropped, and advanceTo counts them, so there is no
 * long catch-up burst; the periods of the last CATCH_UP_NS are delivered.
 */
export type ClockPolicy = 'exact' | 'skip-missed';

/**
 * Under 'skip-missed', periods that fell due less than this long before the wake-up are still
 * delivered: a wake-up a millisecond or two late (the operating system's jitter) loses no tick
 * of a 1 ms E_CYCLE, while after a longer stall the older periods are skipped, never bursting
 * more than this much of catch-up.
 */
export const CATCH_UP_NS = 10_000_000;

/**
 * One IEC 61499 resource: FB instances, their connections, a FIFO event queue and the
 * resource clock. Management operations (create, connect, write, fire, start/stop/kill) are
 * methods, so that a boot file, a .sys and the FORTE management protocol all build the same
 * thing. The dispatch is compiled to JavaScript and recompiled after any change of the network.
 */
export class Resource61499 extends ResourceNetwork implements NativeContext {
  /** Queue an event from outside (the management protocol, a test) and run the chain. */
  fireEvent(target: string): number {
    const [fb, port] = this.port(target);
    const ei = this.slots[fb]!.type.events.inputs.findIndex((e) => e.name === port);
    if (ei < 0) throw new ResourceError(`${target} is not an event input`);
    const d = this.ensureDispatcher();
    if (this.state === 'stopped' || this.state === 'killed') return 0;
    d.push(this.eventBase[fb]! + ei);
    return d.run(this.sliceEvents);
  }

  start(mode: 'COLD' | 'WARM' = 'COLD'): void {
    this.state = 'running';
    this.restart(mode);
  }

  stop(): void {
    if (this.state !== 'running') return;
    // a chain still running is cut: the STOP event must not queue behind an endless one
    this.dispatcher?.clear();
    this.restart('STOP');
    this.dispatcher?.clear();
    this.state = 'stopped';
    this.timers = [];
  }

  /** Stop at once: no STOP event, queued events dropped. */
  kill(): void {
    this.state = 'killed';
    this.timers = [];
    this.dispatcher?.clear();
    // a killed resource runs no more: its sockets go too (a new deployment may take the ports)
    this.dispose();
  }

  /**
   * Advance the resource clock to `untilNs`, delivering timer events in time order. Returns the
   * number of periodic ticks skipped under the 'skip-missed' policy (always 0 with 'exact').
   */
  advanceTo(untilNs: number, policy: ClockPolicy = 'exact'): number {
    this.advanceUntil[0] = untilNs;
    return this.advance(policy);
  }

  advance(policy: ClockPolicy = 'exact'): number {
    const untilNs = this.advanceUntil[0]!;
    const d = this.ensureDispatcher();
    const pass = ++this.advancePass;
    let missed = 0;
    let yielded = false;
    while (this.state === 'running' && this.timers.length > 0) {
      let best = 0;
      for (let k = 1; k < this.timers.length; k++) {
        const a = this.timers[k]!;
        const b = this.timers[best]!;
        if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) best = k;
      }
      const timer = this.timers[best]!;
      if (timer.at > untilNs) break;
      this.removeTimer(best);
      if (timer.at > this.timeNs) this.timeNs = timer.at;
      const mark = d.mark();
      // a further period of the same FB in one advance, long past (a stall): its output
      // events (queued behind anything a yielded chain left) are dropped, uncounted
      const dropped = policy === 'skip-missed' && timer.rearmedIn === pass && untilNs - timer.at > CATCH_UP_NS;
      if (dropped && this.pinCounts) this.keepOutputCounts(timer.fb);
      this.firing = timer.fb;
      this.firingAt[0] = timer.at;
      try {
        timer.fb.$timer();
      } finally {
        this.firing = undefined;
      }
      if (dropped) {
        d.truncate(mark);
        this.pinCounts?.restore();
        missed++;
        this.spareTimers.push(timer);
      } else {
        this.spareTimers.push(timer);
        d.run(this.sliceEvents);
        // a chain that yielded goes on first; the timers still due wait for it (runChain)
        if (d.pending() > 0) {
          yielded = true;
          break;
        }
      }
    }
    if (!yielded && untilNs > this.timeNs) this.timeNs = untilNs;
    return missed;
  }

  /** A chain yielded after sliceEvents events and has events queued. */
  busy(): boolean {
    return this.dispatcher !== undefined && this.dispatcher.pending() > 0;
  }

  /** Go on with a chain that yielded, for at most sliceEvents events; returns events delivered. */
  runChain(): number {
    const d = this.dispatcher;
    return d === undefined || this.state !== 'running' ? 0 : d.run(this.sliceEvents);
  }

  /**
   * Name a running chain: its events in the order they are delivered next (FB.EVENT, each
   * once), found by delivering up to `maxEvents` of them one by one.
   */
  traceChain(maxEvents = 256): string[] {
    const d = this.dispatcher;
    const seen: string[] = [];
    if (!d) return seen;
    for (let k = 0; k < maxEvents && d.pending() > 0; k++) {
      const name = this.eventName(d.head());
      if (!seen.includes(name)) seen.push(name);
      d.run(1);
    }
    return seen;
  }

  /** 'FB.EVENT' of a dispatch target id. */
  private eventName(id: number): string {
    for (let fb = this.slots.length - 1; fb >= 0; fb--) {
      const base = this.eventBase[fb]!;
      if (id >= base) return `${this.slots[fb]!.name}.${this.slots[fb]!.type.events.inputs[id - base]?.name ?? '?'}`;
    }
    return '?';
  }

  /** Time of the next timer, or undefined. */
  nextTimer(): number | undefined {
    this.findNextTimer();
    const t = this.nextTimerAt[0]!;
    return t === Infinity ? undefined : t;
  }

  /** nextTimer() for the scan loop: the time lands in nextTimerAt (a returned double would be boxed). */
  findNextTimer(): void {
    const timers = this.timers;
    let t = Infinity;
    for (let k = 0; k < timers.length; k++) if (timers[k]!.at < t) t = timers[k]!.at;
    this.nextTimerAt[0] = t;
  }

  eventCount(): number {
    return this.deliveredBefore + (this.dispatcher?.count() ?? 0);
  }

  /**
   * Count the events of every pin (EventPinCounts) while at least one watcher wants them: the
   * first watcher starts the counts at zero, the last one stops them. Either way the dispatch is
   * generated anew between two events (a chain that yielded goes on where it was), so that an
   * unwatched resource runs code with no counting in it at all.
   */
  countEvents(on: boolean): EventPinCounts | undefined {
    const was = this.pinWatchers > 0;
    this.pinWatchers = Math.max(0, this.pinWatchers + (on ? 1 : -1));
    if (was !== this.pinWatchers > 0) {
      this.pinCounts = undefined;
      const old = this.dispatcher;
      this.dispatcher = undefined;
      if (old) this.deliveredBefore += old.count();
      // the same network: its blocks are not prepared again (a comm FB would zero its RD outputs)
      if (this.pinWatchers > 0 || old) this.ensureDispatcher(old === undefined).seed(old?.cursor() ?? 0, old?.mark() ?? 0);
    }
    return this.pinCounts;
  }

  private keepOutputCounts(fb: NativeFb): void {
    const slot = this.byName.get(fb.$name);
    if (slot !== undefined) this.pinCounts!.keep(this.outputPin[slot]!, this.slots[slot]!.type.events.outputs.length);
  }

  /** The per-pin counts while counted (a network that grew meanwhile has a new table). */
  eventPinCounts(): EventPinCounts | undefined {
    if (this.pinWatchers > 0) this.ensureDispatcher();
    return this.pinCounts;
  }

  // ---------------------------------------------------------------- NativeContext

  now(): number {
    return this.timeNs;
  }

  schedule(fb: NativeFb, atNs: number): void {
    this.arm(fb).at = atNs;
  }

  rearm(fb: NativeFb, periodNs: number): void {
    const base = this.firing === fb ? this.firingAt[0]! : this.timeNs;
    this.arm(fb).at = base + periodNs;
  }

  /** The FB's timer record, armed (its time still to set). */
  private arm(fb: NativeFb): Timer {
    this.cancel(fb);
    const t = this.spareTimers.pop() ?? { fb, at: 0, seq: 0, rearmedIn: -1 };
    t.fb = fb;
    t.seq = this.timerSeq++;
    t.rearmedIn = this.firing === fb ? this.advancePass : -1;
    this.timers.push(t);
    return t;
  }

  cancel(fb: NativeFb): void {
    const timers = this.timers;
    for (let k = 0; k < timers.length; k++) {
      if (timers[k]!.fb === fb) {
        this.spareTimers.push(this.removeTimer(k));
        return;
      }
    }
  }

  /** Take timer `k` out (the order of the list does not matter: due times and seq decide). */
  private removeTimer(k: number): Timer {
    const timers = this.timers;
    const t = timers[k]!;
    const last = timers.pop()!;
    if (k < timers.length) timers[k] = last;
    return t;
  }

  processImage(): ImageView {
    return this.image;
  }

  watchInputs(fb: NativeFb, on: boolean): void {
    const k = this.inputWatchers.indexOf(fb);
    if (on && k < 0) this.inputWatchers.push(fb);
    else if (!on && k >= 0) this.inputWatchers.splice(k, 1);
  }

  /** The run ends: blocks let go of their sockets. */
  dispose(): void {
    for (const s of this.slots) s.native?.$dispose();
  }

  /** Whether a block keeps sockets (communication FBs): the driver must let the event loop run. */
  usesEventLoop(): boolean {
    return this.slots.some((s) => s.native?.$usesEventLoop === true);
  }

  /** Whether an input block waits for changes of the image (the loop must then look regularly). */
  hasInputWatchers(): boolean {
    return this.inputWatchers.length > 0;
  }

  /**
   * The process image was exchanged: input blocks compare their pins and send IND for a
   * change; the chains run now.
   */
  pollInputs(): void {
    if (this.state !== 'running' || this.inputWatchers.length === 0) return;
    const d = this.ensureDispatcher();
    for (let k = 0; k < this.inputWatchers.length; k++) {
      this.inputWatchers[k]!.$poll();
      d.run(this.sliceEvents);
    }
  }

  report(fb: NativeFb, passed: boolean, detail: string): void {
    this.reports.push({ fb: fb.$name, passed, detail });
  }

  external(fb: NativeFb, eo: number): void {
    if (this.state !== 'running') return;
    const d = this.ensureDispatcher();
    const idle = d.pending() === 0;
    fb.$emit(eo);
    // behind a chain that yielded, the event waits its turn (runChain delivers it)
    if (idle) d.run(this.sliceEvents);
  }

  private restart(mode: RestartMode): void {
    const d = this.ensureDispatcher();
    for (const s of this.slots) {
      if (!s.native) continue;
      s.native.$restart(mode);
      d.run(this.sliceEvents);
    }
  }
}
