import { isIP } from 'node:net';
import type { ConfigPath, ConfigReader } from './config-reader.js';
import type { ServerDriverFactory } from './driver.js';
import type { ModbusServerConfig } from './modbus-server.js';

/**
 * The Modbus TCP server exposing the process image (`modbusServer:`): the validator and the
 * factory (the config type is in modbus-server.ts).
 */

function validate(r: ConfigReader, value: unknown, path: ConfigPath): ModbusServerConfig {
  const o = r.object(value, path, ['host', 'port', 'readOnly', 'unitId', 'maxConnections', 'idleTimeoutMs', 'allow']) ?? {};
  const allow = r.list(o, 'allow', path).flatMap((a, i) => {
    if (typeof a === 'string' && isClientAddress(a)) return [a.trim()];
    r.expected([...path, 'allow', i], 'a client IP address or subnet (192.168.1.10, 10.0.0.0/8)', a);
    return [];
  });
  return {
    // Modbus has no authentication: listening beyond this machine is the user's choice
    host: r.str(o, 'host', path, { def: '127.0.0.1' })!,
    port: r.int(o, 'port', path, 0, 65535, 5020),
    readOnly: r.bool(o, 'readOnly', path, false),
    unitId: r.int(o, 'unitId', path, 0, 255, 0),
    maxConnections: r.int(o, 'maxConnections', path, 1, 10_000, 32),
    idleTimeoutMs: r.int(o, 'idleTimeoutMs', path, 0, 86_400_000, 60_000),
    allow,
  };
}

/** An IPv4/IPv6 address, or a subnet in CIDR form. */
function isClientAddress(a: string): boolean {
  const [ip, prefix, ...rest] = a.trim().split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  return /^\d+$/.test(prefix) && n <= (family === 4 ? 32 : 128);
}

export const MODBUS_SERVER: ServerDriverFactory<ModbusServerConfig> = {
  key: 'modbusServer',
  validate,
  async create(config, ctx) {
    const { ModbusServerDriver } = await import('./modbus-server.js');
    const driver = new ModbusServerDriver(config, ctx);
    // VPLC_IO_FAULT=modbus-server: check on an installation that a faulting server is survived
    if (process.env.VPLC_IO_FAULT?.split(',').some((s) => s.trim() === 'modbus-server')) driver.armFault();
    return driver;
  },
};
