import { RealClock } from '../clock.js';
import type { Resource61499 } from '../iec61499/resource.js';
import type { ImageExchange } from '../../compiler/contract/image-exchange.js';
import type { ResourceMetrics } from '../metrics/resource-metrics.js';
import type { EventCounters } from './event-counters.js';

/** The resource's one metrics "task" (index 0): named after the resource. */
const TASK = 0;

export interface Realtime61499Options {
  /** stop before the first timer at or after this time (ns since the start); Infinity: until stopped */
  untilNs: number;
  /** or stop after this many wake-ups */
  wakeups?: number;
  /** spin this long before each deadline instead of sleeping (ns) */
  spinNs: number;
  /** cell 0 is the attention word: 0 while nothing is asked of the loop */
  attention: Int32Array;
  /** called when the attention word is non-zero; return true to stop the loop */
  onAttention: () => boolean;
  metrics: ResourceMetrics;
  counters: EventCounters;
  /** the resource's process image exchange: inputs in before each wake-up's chains, outputs out after */
  exchange?: ImageExchange;
  /** while an input block waits for changes (IND), look at the inputs at least this often (ns) */
  ioPollNs?: number;
}

/** Default period at which an event-driven network with input blocks looks at its inputs. */
export const DEFAULT_IO_POLL_NS = 10_000_000;

/** Before a wake-up's chains: the inputs of this instant (and queued external %Q/%M writes). */
function beginWake(resource: Resource61499, exchange: ImageExchange | undefined): void {
  exchange?.beginScan(resource.image);
}

/** After them: the IND of input blocks whose pin changed, then the outputs are published. */
function endWake(resource: Resource61499, exchange: ImageExchange | undefined): void {
  if (!exchange) return;
  resource.pollInputs();
  exchange.endScan(resource.image);
}

/**
 * Drive an IEC 61499 resource on the real clock: time 0 is now, the resource is started COLD,
 * then the loop sleeps (Atomics.wait, then a short spin) until the earliest timer the resource
 * reports and advances the resource to the instant it woke, which delivers the due timers and
 * runs their event chains. Per wake-up: execution time of the chains, lateness (wake-up minus
 * the timer's due time). After a stall, periodic timers deliver one tick and skip the periods
 * already past (counted as overruns and missed ticks): no catch-up burst. Exceptions of the
 * resource (faults) propagate to the caller. Returns the number of wake-ups.
 */
export function runRealtime61499(resource: Resource61499, options: Realtime61499Options): number {
  const { untilNs, spinNs, attention, onAttention, metrics, counters, exchange } = options;
  const maxWakeups = options.wakeups ?? Infinity;
  const pollNs = options.ioPollNs ?? DEFAULT_IO_POLL_NS;
  const clock = new RealClock();
  metrics.epochNs = clock.epochNs;
  // the COLD chain runs under the watchdog but is not a timed wake-up; it sees the inputs
  // (INIT of process-interface blocks) and publishes what it writes
  metrics.beginScan(TASK, 0);
  beginWake(resource, exchange);
  resource.start('COLD');
  endWake(resource, exchange);
  metrics.clearRunning();
  let lastWake = 0;
  counters.setDelivered(resource.eventCount());
  let wakeups = 0;
  while (wakeups < maxWakeups) {
    if (Atomics.load(attention, 0) !== 0 && onAttention()) break;
    let next = resource.nextTimer();
    // input blocks waiting for a change (IND) need a look at the inputs now and then
    const polled = exchange !== undefined && resource.hasInputWatchers() && (next === undefined || next > lastWake + pollNs);
    if (polled) next = lastWake + pollNs;
    if (next === undefined || !(next < untilNs)) {
      if (Number.isFinite(untilNs)) break;
      // nothing timed: an event-driven network waits for a stop
      clock.sleepUntil(Infinity, spinNs, attention, 0);
      continue;
    }
    if (!clock.sleepUntil(next, spinNs, attention, 0)) continue; // attention: handled at the top
    // the spin reads performance.now(), this hrtime: the two may differ by a hair; the
    // deadline is reached either way, so the due timer is delivered on this wake-up
    const now = Math.max(clock.nowNs(), next);
    lastWake = now;
    metrics.beginScan(TASK, now);
    const t0 = performance.now();
    beginWake(resource, exchange);
    const missed = resource.advanceTo(now, 'skip-missed');
    endWake(resource, exchange);
    metrics.endScan(TASK, (performance.now() - t0) * 1e6, now - next);
    counters.setDelivered(resource.eventCount());
    wakeups++;
    if (missed > 0) {
      counters.addMissed(missed);
      for (let k = 0; k < missed; k++) metrics.countOverrun(TASK);
    }
  }
  return wakeups;
}

/**
 * The same resource on the virtual clock, as fast as the CPU allows: advanced from one timer
 * instant to the next with the exact policy (every period delivered), which delivers the same
 * events in the same order as one advanceTo(untilNs). Execution time is measured, lateness is 0.
 */
export function runVirtual61499(resource: Resource61499, options: Realtime61499Options): number {
  const { untilNs, attention, onAttention, metrics, counters, exchange } = options;
  const maxWakeups = options.wakeups ?? Infinity;
  metrics.epochNs = process.hrtime.bigint();
  const started = performance.now();
  const since = () => (performance.now() - started) * 1e6;
  metrics.beginScan(TASK, since());
  beginWake(resource, exchange);
  resource.start('COLD');
  endWake(resource, exchange);
  metrics.clearRunning();
  counters.setDelivered(resource.eventCount());
  let steps = 0;
  while (steps < maxWakeups) {
    if (Atomics.load(attention, 0) !== 0 && onAttention()) break;
    const next = resource.nextTimer();
    if (next === undefined || !(next < untilNs)) {
      if (Number.isFinite(untilNs)) break;
      // nothing left to happen on the virtual clock: wait for a stop
      Atomics.wait(attention, 0, 0);
      continue;
    }
    const t0 = since();
    metrics.beginScan(TASK, t0);
    beginWake(resource, exchange);
    resource.advanceTo(next);
    endWake(resource, exchange);
    metrics.endScan(TASK, since() - t0, 0);
    counters.setDelivered(resource.eventCount());
    steps++;
  }
  return steps;
}
