import { NativeFb, type NativeBlock, type NativeContext } from './native-fb.js';

/**
 * FORTE's timing functions (utils::timing F_NOW, F_NOW_MONOTONIC; TIMESTAMP_NS), served as
 * FBs: REQ computes the result, CNF publishes it on the output pin without a name (`F1.`).
 * They read the resource clock: on the virtual clock the date and time is DT#1970-01-01-00:00:00
 * plus the resource time, so a simulated run gives the same values on every run; on the real
 * clock it is the wall clock, read once when the resource first asks and then advanced by the
 * resource's monotonic time (as FORTE's NOW, a DT in ms; no jump when the system time is set).
 */

let virtualDateAndTime = false;

/** The resources of this thread run on the virtual clock: F_NOW counts from 1970-01-01. */
export function useVirtualDateAndTime(on = true): void {
  virtualDateAndTime = on;
}

/** ms since 1970 at resource time 0, per resource (read from the wall clock at its first use). */
const origins = new WeakMap<NativeContext, number>();

/** The resource's date and time, ns since 1970-01-01 (UTC), as a bigint. */
function dateAndTimeNs(ctx: NativeContext): bigint {
  const now = ctx.now();
  if (virtualDateAndTime) return BigInt(Math.round(now));
  let origin = origins.get(ctx);
  if (origin === undefined) {
    origin = Date.now() - now / 1e6;
    origins.set(ctx, origin);
  }
  return BigInt(Math.round(origin)) * 1_000_000n + BigInt(Math.round(now));
}

/** F_NOW: the current DATE_AND_TIME (vPLC's DT: ms since 1970). */
export class F_NOW extends NativeFb {
  '' = 0;
  $event(_ei: number): void {
    this[''] = Number(dateAndTimeNs(this.$ctx) / 1_000_000n);
    this.$emit(0);
  }
}

/** F_NOW_MONOTONIC: TIME since a fixed instant (the resource clock's start), never going back. */
export class F_NOW_MONOTONIC extends NativeFb {
  '' = 0;
  $event(_ei: number): void {
    this[''] = this.$ctx.now();
    this.$emit(0);
  }
}

/** TIMESTAMP_NS: ULINT ns from startDate (DT, default 1970: a Unix timestamp) to now; 0 before it. */
export class TIMESTAMP_NS extends NativeFb {
  startDate = 0;
  '' = 0n;
  $event(_ei: number): void {
    const ns = dateAndTimeNs(this.$ctx) - BigInt(this.startDate) * 1_000_000n;
    this[''] = ns < 0n ? 0n : ns;
    this.$emit(0);
  }
}

const REQ_CNF = { inputs: ['REQ'], outputs: ['CNF'] };

export const TIMING_BLOCKS: NativeBlock[] = [
  { name: 'F_NOW', events: REQ_CNF, create: (c) => new F_NOW(c) },
  { name: 'F_NOW_MONOTONIC', events: REQ_CNF, create: (c) => new F_NOW_MONOTONIC(c) },
  { name: 'TIMESTAMP_NS', events: REQ_CNF, create: (c) => new TIMESTAMP_NS(c) },
];
