import type { ImageExchange } from '../compiler/contract/image-exchange.js';
import type { DeviceStatus } from './device-status.js';

/**
 * The one interface every I/O driver implements. A driver runs in the main thread, talks to
 * its device or clients asynchronously, and meets the scan only through the process image
 * exchange (and, for symbolic variables, the variable access callbacks), never by calling it.
 */
export interface IoDriver {
  /** the device name from the configuration */
  readonly name: string;
  /** health and counters, read by the I/O manager and the metrics */
  readonly status: DeviceStatus;
  /** connect and begin exchanging; resolves once running (a missing device is not an error: it is retried) */
  start(): Promise<void>;
  /** write the last outputs, then the safe values, then disconnect */
  stop(): Promise<void>;
}

/** Access to symbolic variables, provided by the engine (values sampled at scan boundaries). */
export interface VariableAccess {
  /** the latest values, by dotted path (`Main.level`), as sampled at the end of a scan */
  readVars(): Record<string, unknown>;
  /** write a variable; the engine applies it at the next scan boundary */
  writeVar(path: string, value: unknown): void;
}

/** The task clock in nanoseconds (real or virtual), as the engine exposes it. */
export interface IoClock {
  nowNs(): number;
}

/** What the I/O manager gives every driver. */
export interface DriverContext {
  exchange: ImageExchange;
  clock: IoClock;
  vars?: VariableAccess;
  /** one-line messages for the operator (device name and address included by the caller) */
  log(message: string): void;
}
