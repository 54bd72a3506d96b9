/**
 * The configuration of a vPLC (plc.yaml or JSON), after validation: every default filled in.
 * Durations are milliseconds; `var` is a process image address (`%IW3`) or a symbolic
 * variable path (`Main.level`).
 */

export interface PlcConfig {
  /** the file it was read from (for messages) */
  file: string;
  /** resource whose variables OPC UA exposes and symbolic mappings use (default: the first) */
  resource?: string;
  modbusServer?: ModbusServerConfig;
  opcuaServer?: OpcuaServerConfig;
  devices: DeviceConfig[];
}

export interface ModbusServerConfig {
  /** 127.0.0.1 by default: Modbus has no authentication, so opening it is a choice */
  host: string;
  /** 5020 by default so that no root is needed; 502 is the standard Modbus port */
  port: number;
  readOnly: boolean;
  /** unit id answered; 0 answers every unit id */
  unitId: number;
  /** connections held at once; more are refused */
  maxConnections?: number;
  /** a connection with no traffic (or whose replies are not read) this long is closed; 0: never */
  idleTimeoutMs?: number;
  /** client addresses or subnets (`192.168.1.0/24`) let in; empty: any */
  allow?: string[];
}

export interface OpcuaUser {
  username: string;
  password: string;
}

export interface OpcuaServerConfig {
  host?: string;
  port: number;
  /** `None` security (no signing, no encryption) is offered only when this is true */
  allowSecurityNone: boolean;
  allowAnonymous: boolean;
  users: OpcuaUser[];
  /** PKI folder for the server's own certificate and the trust lists */
  pkiDir?: string;
  /** client certificates (DER or PEM files) trusted explicitly */
  trustedCertificates: string[];
  /** a folder whose certificate files are all trusted */
  trustFolder?: string;
  /** how often values are sampled from the scans, in ms */
  samplingMs: number;
  /** allow OPC UA clients to write program variables */
  writable: boolean;
}

export type ModbusTable = 'coil' | 'discrete' | 'input' | 'holding';
export type WordOrder = 'big' | 'little';
export type IoDataType =
  | 'BOOL' | 'INT' | 'UINT' | 'WORD' | 'SINT' | 'USINT' | 'BYTE'
  | 'DINT' | 'UDINT' | 'DWORD' | 'REAL' | 'LINT' | 'ULINT' | 'LWORD' | 'LREAL';

export interface ReconnectConfig {
  minMs: number;
  maxMs: number;
}

export interface StatusBinding {
  /** BOOL: TRUE while the device answers */
  ok?: string;
  /** a counter of failed requests (wraps at the width of its address) */
  errors?: string;
}

interface DeviceBase {
  name: string;
  /** poll period; 0 polls as often as the device answers (about every scan) */
  pollMs: number;
  timeoutMs: number;
  reconnect: ReconnectConfig;
  status: StatusBinding;
  /** where in the config the device is, for messages */
  at: string;
}

export interface ModbusPoint {
  table: ModbusTable;
  /** 0-based register or coil number on the device */
  address: number;
  /** elements; for BOOL bits, otherwise values of `type` */
  count: number;
  type: IoDataType;
  wordOrder: WordOrder;
  /** the PLC side */
  var: string;
  /** value written on stop (outputs only); 'hold' keeps the last value */
  safe: number | boolean | 'hold';
  at: string;
}

export interface ModbusDeviceConfig extends DeviceBase {
  driver: 'modbus-tcp' | 'modbus-rtu';
  host?: string;
  port?: number;
  /** serial line (RTU) */
  path?: string;
  baudRate: number;
  parity: 'none' | 'even' | 'odd';
  dataBits: number;
  stopBits: number;
  unitId: number;
  inputs: ModbusPoint[];
  outputs: ModbusPoint[];
}

export interface OpcuaPoint {
  /** NodeId of the remote variable, e.g. `ns=1;s=Level` */
  node: string;
  type: IoDataType;
  var: string;
  safe: number | boolean | 'hold';
  at: string;
}

export interface OpcuaDeviceConfig extends DeviceBase {
  driver: 'opcua';
  endpoint: string;
  securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  securityPolicy: 'None' | 'Basic256Sha256';
  username?: string;
  password?: string;
  inputs: OpcuaPoint[];
  outputs: OpcuaPoint[];
}

export type PlantModel = 'tank' | 'conveyor' | 'motor';

export interface SignalBinding {
  var: string;
  /** engineering value × scale is stored in integer addresses (e.g. level in mm with scale 1000) */
  scale: number;
  at: string;
}

export interface SimulationDeviceConfig extends DeviceBase {
  driver: 'simulation';
  model: PlantModel;
  /** model parameters (see io-drivers/simulation) */
  params: Record<string, number>;
  /** model signal → PLC address */
  signals: Record<string, SignalBinding>;
}

export type DeviceConfig = ModbusDeviceConfig | OpcuaDeviceConfig | SimulationDeviceConfig;
