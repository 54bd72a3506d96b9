/**
 * The configuration of a vPLC (plc.yaml or JSON), after validation: every default filled in.
 * Each I/O driver owns its part (its type beside its implementation, its validator in its
 * factory, io-drivers/*-factory.ts); the device union follows the
 * driver registry, so adding a driver does not edit this file.
 */
import type { ConsoleConfig } from '../console/console-config.js';
import type { DeviceConfig } from '../../io-drivers/registry.js';
import type { ModbusServerConfig } from '../../io-drivers/modbus-server.js';
import type { OpcuaServerConfig } from '../../io-drivers/opcua-server.js';
import type { DeployConfig, StateConfig } from '../state/config.js';
import type { MqttConfig } from '../../io-drivers/mqtt-config.js';

export type { DeviceConfig } from '../../io-drivers/registry.js';
export type { IoDataType, ReconnectConfig, StatusBinding, WordOrder } from '../../io-drivers/config.js';
export type { ModbusDeviceConfig, ModbusPoint, ModbusTable } from '../../io-drivers/modbus-client.js';
export type { OpcuaDeviceConfig, OpcuaPoint } from '../../io-drivers/opcua-client.js';
export type { PlantKind as PlantModel, SignalBinding, SimulationDeviceConfig } from '../../io-drivers/simulation/simulation-driver.js';
export type { ModbusServerConfig } from '../../io-drivers/modbus-server.js';
export type { OpcuaServerConfig, OpcuaUser } from '../../io-drivers/opcua-server.js';
export type { MqttConfig, MqttPublication } from '../../io-drivers/mqtt-config.js';

export interface PlcConfig {
  /** the file it was read from (for messages) */
  file: string;
  /** resource whose variables OPC UA exposes and symbolic mappings use (default: the first) */
  resource?: string;
  /** the servers, each under its factory's key (io-drivers/registry.ts SERVER_DRIVERS) */
  modbusServer?: ModbusServerConfig;
  opcuaServer?: OpcuaServerConfig;
  mqtt?: MqttConfig;
  devices: DeviceConfig[];
  /** the web console's users and sessions (`vplc serve --console`) */
  console?: ConsoleConfig;
  /** RETAIN persistence (runtime/state/config.ts) */
  state?: StateConfig;
  /** the online-change endpoint of `vplc serve` */
  deploy?: DeployConfig;
}
