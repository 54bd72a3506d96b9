import type { DeviceConfigBase, WordOrder } from './config.js';
import { IO_DATA_TYPES } from './config.js';
import { pathText, type ConfigPath, type ConfigReader } from './config-reader.js';
import type { DeviceDriverFactory } from './driver.js';
import type { ModbusDeviceConfig, ModbusPoint } from './modbus-client.js';

/**
 * Modbus TCP/RTU remote I/O (`driver: modbus-tcp` or `modbus-rtu`): the validator and the
 * factory. The config type sits with the implementation (modbus-client.ts), which this file
 * imports for types only and loads on create, so that validation does not load modbus-serial.
 */

const KEYS = ['host', 'port', 'path', 'baudRate', 'parity', 'dataBits', 'stopBits', 'unitId', 'wordOrder', 'inputs', 'outputs'] as const;

function validate(r: ConfigReader, o: Record<string, unknown>, path: ConfigPath, base: DeviceConfigBase, driver: 'modbus-tcp' | 'modbus-rtu'): ModbusDeviceConfig {
  const dev: ModbusDeviceConfig = {
    ...base,
    driver,
    baudRate: r.int(o, 'baudRate', path, 50, 4_000_000, 19200),
    parity: r.str(o, 'parity', path, { oneOf: ['none', 'even', 'odd'] as const, def: 'none' })!,
    dataBits: r.int(o, 'dataBits', path, 5, 8, 8),
    stopBits: r.int(o, 'stopBits', path, 1, 2, 1),
    unitId: r.int(o, 'unitId', path, 0, 255, 1),
    inputs: [],
    outputs: [],
  };
  if (driver === 'modbus-tcp') {
    dev.host = r.str(o, 'host', path, { required: true }) ?? '127.0.0.1';
    dev.port = r.int(o, 'port', path, 1, 65535, 502);
  } else {
    dev.path = r.str(o, 'path', path, { required: true }) ?? '';
  }
  const order = r.str(o, 'wordOrder', path, { oneOf: ['big', 'little'] as const, def: 'big' })!;
  r.list(o, 'inputs', path).forEach((p, i) => {
    const pt = point(r, p, [...path, 'inputs', i], order, true, dev.name);
    if (pt) dev.inputs.push(pt);
  });
  r.list(o, 'outputs', path).forEach((p, i) => {
    const pt = point(r, p, [...path, 'outputs', i], order, false, dev.name);
    if (pt) dev.outputs.push(pt);
  });
  return dev;
}

function point(r: ConfigReader, value: unknown, path: ConfigPath, order: WordOrder, input: boolean, device: string): ModbusPoint | undefined {
  const o = r.object(value, path, ['table', 'address', 'count', 'type', 'wordOrder', 'var', 'safe']);
  if (!o) return undefined;
  const tables = input ? (['coil', 'discrete', 'input', 'holding'] as const) : (['coil', 'holding'] as const);
  const table = r.str(o, 'table', path, { required: true, oneOf: tables });
  const bitTable = table === 'coil' || table === 'discrete';
  const errorsBefore = r.diagnostics.length;
  const type = r.str(o, 'type', path, { oneOf: IO_DATA_TYPES, def: bitTable ? 'BOOL' : 'INT' })!;
  if (bitTable && type !== 'BOOL') r.expected([...path, 'type'], `BOOL for the ${table} table`, type);
  if (!bitTable && table && type === 'BOOL') r.expected([...path, 'type'], `a register type (INT, UINT, WORD, DINT, REAL, …) for the ${table} table`, type);
  const pt: ModbusPoint = {
    table: table ?? 'holding',
    address: r.int(o, 'address', path, 0, 65535, undefined, true),
    count: r.int(o, 'count', path, 1, bitTable ? 2000 : 125, 1),
    type,
    wordOrder: r.str(o, 'wordOrder', path, { oneOf: ['big', 'little'] as const, def: order })!,
    var: r.str(o, 'var', path, { required: true }) ?? '',
    safe: input ? 0 : r.safe(o, path),
    at: pathText(path),
  };
  if (input && o.safe !== undefined) r.error('E6003', [...path, 'safe'], "unknown key 'safe' (safe values apply to outputs only)", true);
  // a bad table or type already said what is wrong: do not pile address errors on top
  if (!table || !pt.var || r.diagnostics.length > errorsBefore) return undefined;
  const ok = input ? r.target(pt.var, [...path, 'var'], type, device, pt.count) : r.source(pt.var, [...path, 'var'], type, pt.count);
  if (ok && pt.count > 1 && !pt.var.startsWith('%')) {
    r.expected([...path, 'count'], 'count 1 for a symbolic variable', pt.count);
    return undefined;
  }
  return ok ? pt : undefined;
}

function factory(kind: 'modbus-tcp' | 'modbus-rtu'): DeviceDriverFactory<ModbusDeviceConfig> {
  return {
    kind,
    keys: KEYS,
    validate: (r, o, path, base) => validate(r, o, path, base, kind),
    async create(config, ctx) {
      const { ModbusClientDriver } = await import('./modbus-client.js');
      return new ModbusClientDriver(config, ctx);
    },
  };
}

export const MODBUS_TCP = factory('modbus-tcp');
export const MODBUS_RTU = factory('modbus-rtu');
