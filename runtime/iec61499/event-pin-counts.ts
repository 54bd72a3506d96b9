/**
 * Per-pin event counts of an IEC 61499 resource, as 4diac's monitoring shows them: for each
 * event input and event output of its FBs, how many events passed and the resource time of the
 * last one. The generated dispatch writes them (E[2k]++, E[2k + 1] = time) only while counting
 * is on; in shared memory, so that the main thread reads a worker's counts without asking it.
 */

export interface EventPinCount {
  /** events that passed the pin since counting began */
  count: number;
  /** resource time of the last one (ns since the resource started); -1: none yet */
  lastNs: number;
}

/** Event outputs of one FB that keep()/restore() cover (timer blocks have one or two). */
const KEPT_PINS = 16;

export class EventPinCounts {
  readonly buffer: SharedArrayBuffer;
  /** count and time of the last event, per pin: [2k], [2k + 1] */
  readonly slots: Float64Array;
  private readonly index: Map<string, number>;
  /** keep()/restore(): preallocated, the scan path allocates nothing */
  private readonly scratch = new Float64Array(2 * KEPT_PINS);
  private kept = 0;
  private keptFrom = 0;

  /**
   * `pins`: 'FB.EVENT' of every pin, in the dispatch's counter order (names of an FB's event
   * inputs and outputs are distinct, IEC 61499-1 interface rules). Pass `buffer` to view counts
   * another thread keeps; omit it to create fresh ones (zero events).
   */
  constructor(
    readonly pins: readonly string[],
    buffer?: SharedArrayBuffer,
  ) {
    this.buffer = buffer ?? new SharedArrayBuffer(Math.max(pins.length, 1) * 16);
    this.slots = new Float64Array(this.buffer);
    if (!buffer) for (let k = 0; k < pins.length; k++) this.slots[2 * k + 1] = -1;
    this.index = new Map(pins.map((p, k) => [p, k]));
  }

  /** The count of 'FB.EVENT', undefined for a pin the resource does not have. */
  get(pin: string): EventPinCount | undefined {
    const k = this.index.get(pin);
    return k === undefined ? undefined : { count: this.slots[2 * k]!, lastNs: this.slots[2 * k + 1]! };
  }

  /** Every pin's count, by 'FB.EVENT'. */
  snapshot(): Record<string, EventPinCount> {
    const out: Record<string, EventPinCount> = {};
    this.pins.forEach((p, k) => (out[p] = { count: this.slots[2 * k]!, lastNs: this.slots[2 * k + 1]! }));
    return out;
  }

  /**
   * Remember pins first … first + n - 1 (the event outputs of an FB), to put them back with
   * restore() when what they sent is dropped unsent (a missed periodic tick): it did not pass.
   */
  keep(first: number, n: number): void {
    this.kept = Math.min(n, KEPT_PINS);
    this.keptFrom = first;
    for (let k = 0; k < 2 * this.kept; k++) this.scratch[k] = this.slots[2 * first + k]!;
  }

  restore(): void {
    for (let k = 0; k < 2 * this.kept; k++) this.slots[2 * this.keptFrom + k] = this.scratch[k]!;
    this.kept = 0;
  }

  /** The same pins counted on: what `previous` counted of each pin that is still there (a network grew). */
  carryFrom(previous: EventPinCounts): void {
    previous.pins.forEach((p, k) => {
      const j = this.index.get(p);
      if (j === undefined) return;
      this.slots[2 * j] = previous.slots[2 * k]!;
      this.slots[2 * j + 1] = previous.slots[2 * k + 1]!;
    });
  }
}
