/**
 * Counters of an IEC 61499 resource that the task metrics do not have, in shared memory
 * (written by the resource's worker, read by the main thread): events delivered and periodic
 * ticks missed after a stall. Doubles, so that counts beyond 2^31 stay exact.
 */

const DELIVERED = 0;
const MISSED = 1;
const SLOTS = 4;

export interface EventMetricsSnapshot {
  /** events delivered to FB event inputs since the resource started */
  delivered: number;
  /** E_CYCLE/E_TRAIN periods skipped because the resource was stalled past them (real clock) */
  missedTicks: number;
}

export class EventCounters {
  readonly buffer: SharedArrayBuffer;
  private readonly slots: Float64Array;

  /** Pass `buffer` to view counters another thread created; omit it to create fresh ones. */
  constructor(
    readonly resource: string,
    buffer?: SharedArrayBuffer,
  ) {
    this.buffer = buffer ?? new SharedArrayBuffer(SLOTS * 8);
    this.slots = new Float64Array(this.buffer);
  }

  reset(): void {
    this.slots.fill(0);
  }

  setDelivered(n: number): void {
    this.slots[DELIVERED] = n;
  }

  addMissed(n: number): void {
    this.slots[MISSED] += n;
  }

  snapshot(): EventMetricsSnapshot {
    return { delivered: this.slots[DELIVERED]!, missedTicks: this.slots[MISSED]! };
  }
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text for the 61499 counters, to append to renderPrometheus's output ('' when none). */
export function renderEventCounters(counters: readonly EventCounters[]): string {
  if (counters.length === 0) return '';
  const lines: string[] = [];
  const counter = (name: string, help: string, pick: (s: EventMetricsSnapshot) => number) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const c of counters) lines.push(`${name}{resource="${escapeLabel(c.resource)}"} ${pick(c.snapshot())}`);
  };
  counter('vplc_resource_events_total', 'Events delivered to FB event inputs of an IEC 61499 resource.', (s) => s.delivered);
  counter('vplc_resource_missed_ticks_total', 'Periodic timer ticks skipped after a stall (real clock).', (s) => s.missedTicks);
  return lines.join('\n') + '\n';
}
