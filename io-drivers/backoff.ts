/** Exponential reconnection backoff: min, 2·min, 4·min … up to max, with a little jitter so that devices do not reconnect in lockstep. */
export class Backoff {
  private current: number;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {
    this.current = minMs;
  }

  next(): number {
    const d = this.current;
    this.current = Math.min(this.maxMs, this.current * 2);
    return Math.round(d * (0.9 + Math.random() * 0.2));
  }

  reset(): void {
    this.current = this.minMs;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
