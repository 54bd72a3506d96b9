import type { ConfigPath, ConfigReader } from './config-reader.js';
import type { ServerDriverFactory } from './driver.js';
import type { ModbusServerConfig } from './modbus-server.js';

/**
 * The Modbus TCP server exposing the process image (`modbusServer:`): the validator and the
 * factory (the config type is in modbus-server.ts).
 */

function validate(r: ConfigReader, value: unknown, path: ConfigPath): ModbusServerConfig {
  const o = r.object(value, path, ['host', 'port', 'readOnly', 'unitId']) ?? {};
  return {
    host: r.str(o, 'host', path, { def: '0.0.0.0' })!,
    port: r.int(o, 'port', path, 0, 65535, 5020),
    readOnly: r.bool(o, 'readOnly', path, false),
    unitId: r.int(o, 'unitId', path, 0, 255, 0),
  };
}

export const MODBUS_SERVER: ServerDriverFactory<ModbusServerConfig> = {
  key: 'modbusServer',
  validate,
  async create(config, ctx) {
    const { ModbusServerDriver } = await import('./modbus-server.js');
    return new ModbusServerDriver(config, ctx);
  },
};
