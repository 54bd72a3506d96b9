import type { DeviceConfigBase } from './config.js';
import { IO_DATA_TYPES } from './config.js';
import { pathText, type ConfigPath, type ConfigReader } from './config-reader.js';
import type { DeviceDriverFactory } from './driver.js';
import type { OpcuaDeviceConfig, OpcuaPoint } from './opcua-client.js';

/**
 * A remote OPC UA server's variables as I/O (`driver: opcua`): the validator and the factory.
 * The config type sits with the implementation (opcua-client.ts), loaded only on create.
 */

function validate(r: ConfigReader, o: Record<string, unknown>, path: ConfigPath, base: DeviceConfigBase): OpcuaDeviceConfig {
  const dev: OpcuaDeviceConfig = {
    ...base,
    driver: 'opcua',
    endpoint: r.str(o, 'endpoint', path, { required: true }) ?? '',
    securityMode: r.str(o, 'securityMode', path, { oneOf: ['None', 'Sign', 'SignAndEncrypt'] as const, def: 'None' })!,
    securityPolicy: r.str(o, 'securityPolicy', path, { oneOf: ['None', 'Basic256Sha256'] as const, def: 'None' })!,
    inputs: [],
    outputs: [],
  };
  if (dev.endpoint && !dev.endpoint.startsWith('opc.tcp://')) r.expected([...path, 'endpoint'], 'an opc.tcp:// URL', dev.endpoint);
  if ((dev.securityMode === 'None') !== (dev.securityPolicy === 'None')) {
    r.expected([...path, 'securityPolicy'], `a policy matching securityMode ${dev.securityMode}`, dev.securityPolicy);
  }
  const u = r.str(o, 'username', path);
  if (u) dev.username = u;
  const pw = r.str(o, 'password', path);
  if (pw !== undefined) dev.password = pw;
  for (const dir of ['inputs', 'outputs'] as const) {
    r.list(o, dir, path).forEach((p, i) => {
      const pp = [...path, dir, i];
      const po = r.object(p, pp, dir === 'outputs' ? ['node', 'type', 'var', 'safe'] : ['node', 'type', 'var']);
      if (!po) return;
      const pt: OpcuaPoint = {
        node: r.str(po, 'node', pp, { required: true }) ?? '',
        type: r.str(po, 'type', pp, { required: true, oneOf: IO_DATA_TYPES }) ?? 'INT',
        var: r.str(po, 'var', pp, { required: true }) ?? '',
        safe: dir === 'outputs' ? r.safe(po, pp) : 0,
        at: pathText(pp),
      };
      if (!pt.node || !pt.var) return;
      const ok = dir === 'inputs' ? r.target(pt.var, [...pp, 'var'], pt.type, dev.name) : r.source(pt.var, [...pp, 'var'], pt.type);
      if (ok) dev[dir].push(pt);
    });
  }
  return dev;
}

export const OPCUA_CLIENT: DeviceDriverFactory<OpcuaDeviceConfig> = {
  kind: 'opcua',
  keys: ['endpoint', 'securityMode', 'securityPolicy', 'username', 'password', 'inputs', 'outputs'],
  validate,
  async create(config, ctx) {
    // node-opcua is large: loaded only when an OPC UA device is configured
    const { OpcuaClientDriver } = await import('./opcua-client.js');
    return new OpcuaClientDriver(config, ctx);
  },
};
