import type { Application } from '../../compiler/application.js';
import type { ClockKind } from '../clock.js';
import type { FaultReport } from '../faults.js';
import type { RetainedValues } from './retain.js';
import type { SafeValues } from './safe-outputs.js';

/** What the main thread hands a resource worker. */
export interface ResourceWorkerData {
  app: Application;
  resource: string;
  clock: ClockKind;
  /** stop before the first release at or after this time (ns); Infinity: until stopped */
  untilNs: number;
  /** or: this many releases of the fastest task */
  cycles?: number;
  spinNs: number;
  metricsBuffer: SharedArrayBuffer;
  controlBuffer: SharedArrayBuffer;
  exchangeBuffer: SharedArrayBuffer;
  safeValues?: SafeValues;
  safeOnStop: boolean;
  /** RETAIN values to put back into the fresh instances (warm restart) */
  retained?: RetainedValues;
  /** module to import when booted through tsx (running from TypeScript sources) */
  entry?: string;
  /** an IEC 61499 resource (key Device.Resource or Resource): its event counters (EventCounters) */
  eventsBuffer?: SharedArrayBuffer;
}

/** Attention bits (control word 0): set by the main thread, then Atomics.notify. */
export const ATTENTION_STOP = 1;
export const ATTENTION_VARS = 2;
/** With ATTENTION_STOP: end without an orderly stop (61499 kill: no STOP event; a 61131 worker just stops). */
export const ATTENTION_KILL = 4;
export const CONTROL_WORDS = 4;
/** Control words 2 and 3: where the running code is (RuntimeSupport.trace), read by the watchdog. */
export const TRACE_WORD = 2;

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'fault'; fault: FaultReport }
  | { type: 'vars'; vars: Record<string, unknown> }
  | { type: 'done'; scans: number; timeNs: number; vars: Record<string, unknown>; retained: RetainedValues; faulted?: boolean }
  | { type: 'error'; message: string };
