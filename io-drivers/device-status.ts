import { LogHistogram } from '../compiler/contract/histogram.js';

/**
 * Health of one I/O device: whether it answers, how many requests failed, and how long round
 * trips take. The program sees `ok` and `errors` through the addresses bound in the
 * configuration; the metrics see everything.
 */
export class DeviceStatus {
  ok = false;
  /** failed requests and connection attempts since start */
  errors = 0;
  requests = 0;
  /** inputs from this device are stale (kept at their last value) */
  inputsBad = true;
  reconnects = 0;
  lastError = '';
  readonly roundTrip = LogHistogram.create();

  constructor(readonly device: string) {}

  success(roundTripNs: number): void {
    this.requests++;
    this.roundTrip.record(roundTripNs);
  }

  failure(message: string): void {
    this.requests++;
    this.errors++;
    this.ok = false;
    this.inputsBad = true;
    this.lastError = message;
  }

  toJSON(): Record<string, unknown> {
    return {
      device: this.device,
      ok: this.ok,
      inputsBad: this.inputsBad,
      requests: this.requests,
      errors: this.errors,
      reconnects: this.reconnects,
      lastError: this.lastError,
      roundTripMs: {
        count: this.roundTrip.count,
        mean: this.roundTrip.mean / 1e6,
        p50: this.roundTrip.quantile(0.5) / 1e6,
        p99: this.roundTrip.quantile(0.99) / 1e6,
        max: this.roundTrip.max / 1e6,
      },
    };
  }
}
