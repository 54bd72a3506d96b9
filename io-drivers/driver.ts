import type { ImageExchange } from '../compiler/contract/image-exchange.js';
import type { DeviceStatus } from './device-status.js';
import type { Application } from '../compiler/application.js';
import type { DeviceConfigBase } from './config.js';
import type { ConfigPath, ConfigReader } from './config-reader.js';

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
  /** what is forced now: variable paths and process image addresses with their forced values */
  forced?(): Record<string, unknown>;
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

/** A configured device as a server sees it: its configuration and its health. */
export interface DeviceView {
  readonly config: DeviceConfigBase;
  readonly status: DeviceStatus;
}

/** What a server exposing the PLC gets beyond a device's context. */
export interface ServerContext extends DriverContext {
  /** the devices of `devices:` (to mark the inputs of a lost one as bad) */
  devices?: readonly DeviceView[];
  app?: Application;
  resource?: string;
  /** task metrics by name, read when sampled */
  metrics?: () => Record<string, number>;
  /** folder relative paths in the config are resolved against */
  configDir: string;
  /** the configuration file, for messages */
  configFile?: string;
}

/**
 * A kind of device (`driver:` of an entry in `devices:`): it owns its configuration type and
 * validator, and creates its driver. Registered in io-drivers/registry.ts.
 */
export interface DeviceDriverFactory<C extends DeviceConfigBase = DeviceConfigBase> {
  readonly kind: string;
  /** the keys a device of this kind may have besides name, driver, pollMs, timeoutMs, reconnect, status */
  readonly keys: readonly string[];
  /** read the device's own keys from `o` (the common ones are in `base`); problems go to `r` with their path */
  validate(r: ConfigReader, o: Record<string, unknown>, path: ConfigPath, base: DeviceConfigBase): C;
  /** the implementation (and its protocol library) is loaded here, only when such a device is configured */
  create(config: C, ctx: DriverContext): Promise<IoDriver>;
}

/** A server exposing the PLC, configured by a top-level key of plc.yaml (`modbusServer:`, `opcuaServer:`). */
export interface ServerDriverFactory<C = unknown> {
  readonly key: string;
  validate(r: ConfigReader, value: unknown, path: ConfigPath): C;
  create(config: C, ctx: ServerContext): Promise<IoDriver>;
}
