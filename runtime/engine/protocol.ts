import type { MessagePort } from 'node:worker_threads';
import type { Application } from '../../compiler/application.js';
import type { ClockKind } from '../clock.js';
import type { FaultReport } from '../faults.js';
import type { RealtimeReport, RealtimeRequest } from '../rt/realtime.js';
import type { RetainedValues } from './retain.js';
import type { ChangeResult } from './online-change.js';
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
  /** an IEC 61499 resource's event-chain watchdog (ns); absent: none */
  chainWatchdogNs?: number;
  /** writes to variables from the main thread (VariableWrite), drained at a scan boundary */
  writePort?: MessagePort;
  /** online changes from the main thread (ProgramChange), applied at a scan boundary */
  changePort?: MessagePort;
  /** make the scan thread real time (vplc run|serve --rt) */
  realtime?: RealtimeRequest;
  /**
   * One Int32 shared by the resources of an engine started together: the worker, loaded, waits
   * until it is nonzero before its first release, so the devices of a system start at once
   * (workers load in different times: one was started ahead, the others load their modules).
   */
  startGate?: SharedArrayBuffer;
  /**
   * V8's code cache of app.code (a 61131 resource): `data` to load it with, if there is one;
   * without data, or when V8 rejects it, the worker posts a new one (`codeCache`) after its run
   */
  codeCache?: { data?: Uint8Array };
}

/** A new version of the application for a running resource (online change; an IEC 61499 one is edited in place). */
export interface ProgramChange {
  id: number;
  app: Application;
}

/**
 * One write to a symbolic variable, the value already in its run-time representation; or, with
 * `op`, a force of a variable or a process image address (`%IX0.1`) to `value`, or the release
 * of one (`path` '*': of every force).
 */
export interface VariableWrite {
  path: string;
  value: unknown;
  op?: 'write' | 'force' | 'release';
}

/** Attention bits (control word 0): set by the main thread, then Atomics.notify. */
export const ATTENTION_STOP = 1;
export const ATTENTION_VARS = 2;
/** With ATTENTION_STOP: end without an orderly stop (61499 kill: no STOP event; a 61131 worker just stops). */
export const ATTENTION_KILL = 4;
/** Post the variables as a flat map of raw values by dotted path (RawVariables). */
export const ATTENTION_RAW_VARS = 8;
/** Variable writes are waiting on the write port. */
export const ATTENTION_WRITES = 16;
/** Post the RETAIN and PERSISTENT values (RetainLeaf values by path) for saving. */
export const ATTENTION_RETAIN = 32;
/** A ProgramChange is waiting on the change port. */
export const ATTENTION_CHANGE = 64;
/** An IEC 61499 resource's per-pin event counts on or off (control word EVENT_PINS_WORD: 1 on, 0 off). */
export const ATTENTION_EVENT_PINS = 128;
export const EVENT_PINS_WORD = 1;
export const CONTROL_WORDS = 4;
/** Control words 2 and 3: where the running code is (RuntimeSupport.trace), read by the watchdog. */
export const TRACE_WORD = 2;

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'fault'; fault: FaultReport }
  | { type: 'vars'; vars: Record<string, unknown> }
  | { type: 'rawVars'; vars: Record<string, unknown> }
  | { type: 'writeError'; path: string; message: string }
  | { type: 'retain'; values: Record<string, unknown> }
  | { type: 'changed'; id: number; result: ChangeResult }
  | { type: 'realtime'; report: RealtimeReport }
  /** per-pin event counts switched on: the pins in counter order, the counts in shared memory (EventPinCounts); none: off */
  | { type: 'eventPins'; pins?: string[]; buffer?: SharedArrayBuffer }
  /** V8's code cache of the generated code, made after the run (ResourceWorkerData.codeCache) */
  | { type: 'codeCache'; data: Uint8Array }
  | { type: 'done'; scans: number; timeNs: number; vars: Record<string, unknown>; retained: RetainedValues; faulted?: boolean; persistent?: Record<string, unknown> }
  | { type: 'error'; message: string };
