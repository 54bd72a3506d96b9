import type { DeviceDriverFactory, ServerDriverFactory } from './driver.js';
import { MODBUS_RTU, MODBUS_TCP } from './modbus-client-factory.js';
import { OPCUA_CLIENT } from './opcua-client-factory.js';
import { SIMULATION } from './simulation/simulation-factory.js';
import { MODBUS_SERVER } from './modbus-server-factory.js';
import { OPCUA_SERVER } from './opcua-server-factory.js';
import { MQTT_GATEWAY } from './mqtt-factory.js';

/**
 * Every I/O driver vPLC knows. A new driver is one file exporting its factory, and one line
 * here; each factory loads its implementation (and protocol library) only when configured.
 */
const DEVICES = [MODBUS_TCP, MODBUS_RTU, OPCUA_CLIENT, SIMULATION] as const;

type ConfigOf<F> = F extends DeviceDriverFactory<infer C> ? C : never;

/** A validated device of any registered kind (discriminated by `driver`). */
export type DeviceConfig = ConfigOf<(typeof DEVICES)[number]>;

export const DEVICE_DRIVERS: readonly DeviceDriverFactory<DeviceConfig>[] = DEVICES;

/** Servers exposing the PLC, each under its own top-level key of plc.yaml. */
export const SERVER_DRIVERS: readonly ServerDriverFactory[] = [MODBUS_SERVER, OPCUA_SERVER, MQTT_GATEWAY];

export function deviceDriver(kind: string): DeviceDriverFactory<DeviceConfig> | undefined {
  return DEVICE_DRIVERS.find((d) => d.kind === kind);
}
