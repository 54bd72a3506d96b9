import { RealClock, type ScanClock } from '../clock.js';
import { PlcFault } from '../faults.js';
import { SLICE_EVENTS, type ClockPolicy, type Resource61499 } from '../iec61499/resource.js';
import type { ImageExchange } from '../../compiler/contract/image-exchange.js';
import type { ResourceMetrics } from '../metrics/resource-metrics.js';
import type { EventCounters } from './event-counters.js';
import type { Schedulable } from './scan-loop.js';

/** The resource's one metrics "task" (index 0): named after the resource. */
const TASK = 0;

/** Default period at which an event-driven network with input blocks looks at its inputs. */
export const DEFAULT_IO_POLL_NS = 10_000_000;

/**
 * Virtual time a slice takes when the chain is still running at its end: 10 ns per event.
 * A chain that ends within its slice takes no virtual time (events are instantaneous); an
 * endless one moves the virtual clock on by 655.36 µs per slice, so `--duration` and timers
 * that fall due meanwhile are reached, the same way on every run.
 */
export const VIRTUAL_NS_PER_EVENT = 10;

export interface EventResourceOptions {
  metrics: ResourceMetrics;
  counters: EventCounters;
  /** the resource's process image exchange: inputs in before each step's chains, outputs out after */
  exchange?: ImageExchange;
  /** while an input block waits for changes (IND), look at the inputs at least this often (ns) */
  ioPollNs?: number;
  /** event-chain watchdog (ns on the loop's clock); Infinity (the default, as in FORTE): none */
  watchdogNs?: number;
  /** how the resource starts: COLD (the default), or WARM when retained values were put back */
  restart?: 'COLD' | 'WARM';
  /** where an FB instance is declared, for a watchdog fault */
  locate?: (fb: string) => { file: string; line: number } | undefined;
}

/**
 * An IEC 61499 resource as the scan loop schedules it: started COLD at time 0, woken at the
 * earliest timer it reports (or to look at its inputs), advanced to that instant, which
 * delivers the due timers and runs their event chains. A chain yields every SLICE_EVENTS
 * events; the loop then resumes it slice by slice (timers that fell due meanwhile queue their
 * events behind it, FIFO, as FORTE's timer thread does). On the real clock after a stall a
 * periodic timer delivers one tick and skips the periods already past (counted as overruns and
 * missed ticks): no catch-up burst; on the virtual clock every period is delivered. Metrics per
 * wake-up: the time until its chains ended, and lateness (wake-up minus the timer's due time).
 * Faults of the resource (exceptions) propagate to the caller.
 */
export class EventResource implements Schedulable {
  private readonly pollNs: number;
  private readonly watchdogNs: number;
  private wall = new RealClock();
  private policy: ClockPolicy = 'exact';
  private lastWake = 0;
  /** the current step is a timed wake-up (not the COLD chain) */
  private timed = false;
  private latenessNs = 0;
  readonly due = new Float64Array(1);
  /** clock time at which the running chain began */
  private chainSinceNs = 0;

  constructor(
    readonly resource: Resource61499,
    private readonly options: EventResourceOptions,
  ) {
    this.pollNs = options.ioPollNs ?? DEFAULT_IO_POLL_NS;
    this.watchdogNs = options.watchdogNs ?? Infinity;
  }

  begin(clock: ScanClock): void {
    const { metrics } = this.options;
    const resource = this.resource;
    if (clock instanceof RealClock) this.wall = clock;
    metrics.epochNs = this.wall.epochNs;
    this.policy = clock.kind === 'real' ? 'skip-missed' : 'exact';
    resource.sliceEvents = SLICE_EVENTS;
    // the COLD chain is watched but is not a timed wake-up; it sees the inputs (INIT of
    // process-interface blocks) and publishes what it writes
    this.timed = false;
    this.chainSinceNs = clock.nowNs();
    metrics.beginScan(TASK);
    this.beginWake();
    resource.start(this.options.restart ?? 'COLD');
    this.endWake();
    this.afterStep(clock);
  }

  plan(): void {
    const resource = this.resource;
    resource.findNextTimer();
    let next = resource.nextTimerAt[0]!;
    // input blocks waiting for a change (IND) need a look at the inputs now and then
    if (this.options.exchange !== undefined && resource.hasInputWatchers() && next > this.lastWake + this.pollNs) {
      next = this.lastWake + this.pollNs;
    }
    this.due[0] = next;
  }

  busy(): boolean {
    return this.resource.busy();
  }

  release(clock: ScanClock): number {
    const { metrics } = this.options;
    const dueNs = this.due[0];
    const resource = this.resource;
    // the spin reads one clock, Atomics.wait another: the deadline is reached either way
    clock.sample();
    const now = Math.max(clock.slots[0]!, dueNs);
    this.lastWake = now;
    this.timed = true;
    this.latenessNs = clock.kind === 'real' ? now - dueNs : 0;
    this.chainSinceNs = now;
    metrics.beginScan(TASK);
    this.beginWake();
    resource.advanceUntil[0] = now;
    this.countMissed(resource.advance(this.policy));
    this.endWake();
    this.afterStep(clock);
    return 1;
  }

  /** Periodic ticks skipped after a stall: overruns of the resource's task, and missed ticks. */
  private countMissed(missed: number): void {
    if (missed === 0) return;
    this.options.counters.addMissed(missed);
    for (let k = 0; k < missed; k++) this.options.metrics.countOverrun(TASK);
  }

  /** One more slice of a chain that yielded; timers due by now are delivered behind it. */
  resume(clock: ScanClock): number {
    const resource = this.resource;
    clock.sample();
    const now = clock.slots[0]!;
    this.beginWake();
    resource.findNextTimer();
    if (resource.nextTimerAt[0]! <= now) {
      resource.advanceUntil[0] = now;
      this.countMissed(resource.advance(this.policy));
    }
    else {
      // events the chain creates (E_DELAY started in it) count from now
      if (now > resource.timeNs) resource.timeNs = now;
      resource.runChain();
    }
    this.endWake();
    this.afterStep(clock);
    return 1;
  }

  private beginWake(): void {
    // the inputs of this instant (and queued external %Q/%M writes)
    this.options.exchange?.beginScan(this.resource.image);
  }

  private endWake(): void {
    const exchange = this.options.exchange;
    if (!exchange) return;
    // the IND of input blocks whose pin changed, once the chains have ended; then the outputs
    if (!this.resource.busy()) this.resource.pollInputs();
    exchange.endScan(this.resource.image);
  }

  private afterStep(clock: ScanClock): void {
    const { metrics, counters } = this.options;
    const resource = this.resource;
    counters.setDelivered(resource.eventCount());
    if (resource.busy()) {
      clock.spend(SLICE_EVENTS * VIRTUAL_NS_PER_EVENT);
      if (clock.nowNs() - this.chainSinceNs > this.watchdogNs) this.chainWatchdog();
      return;
    }
    // whole ns: a small integer crosses the call unboxed
    if (this.timed) metrics.endScan(TASK, Math.round(this.latenessNs));
    else metrics.clearRunning();
  }

  /** The chain outran the watchdog: a fault that names its FBs and events. */
  private chainWatchdog(): never {
    const chain = this.resource.traceChain();
    // the trace delivered events too: the counts stay those of the reported variables
    this.options.counters.setDelivered(this.resource.eventCount());
    const first = chain[0]?.slice(0, chain[0].lastIndexOf('.')) ?? '?';
    const at = this.options.locate?.(first);
    const fbs = [...new Set(chain.map((e) => e.slice(0, e.lastIndexOf('.'))))];
    throw new PlcFault(
      'WATCHDOG',
      fbs.map((fb) => `${fb} (${this.resource.fbType(fb)?.baseType ?? '?'})`).join(', '),
      at?.file ?? this.resource.name,
      at?.line ?? 0,
      `event chain ${chain.join(' → ')} still running after the watchdog time of ${this.watchdogNs / 1e6} ms`,
    );
  }
}
