import type { ConfigPath, ConfigReader } from './config-reader.js';
import type { ServerDriverFactory } from './driver.js';
import type { OpcuaServerConfig } from './opcua-server.js';

/**
 * The OPC UA server exposing program variables (`opcuaServer:`): the validator and the factory
 * (the config type is in opcua-server.ts, which is loaded only on create: node-opcua is large).
 */

function validate(r: ConfigReader, value: unknown, path: ConfigPath): OpcuaServerConfig {
  const keys = ['host', 'port', 'allowSecurityNone', 'allowAnonymous', 'users', 'pkiDir', 'trustedCertificates', 'trustFolder', 'samplingMs', 'writable'];
  const o = r.object(value, path, keys) ?? {};
  const users = r.users(o, path);
  const trusted = r.list(o, 'trustedCertificates', path).flatMap((c, i) => {
    if (typeof c === 'string' && c) return [c];
    r.expected([...path, 'trustedCertificates', i], 'a certificate file path', c);
    return [];
  });
  const cfg: OpcuaServerConfig = {
    port: r.int(o, 'port', path, 0, 65535, 4841),
    allowSecurityNone: r.bool(o, 'allowSecurityNone', path, false),
    allowAnonymous: r.bool(o, 'allowAnonymous', path, false),
    users,
    trustedCertificates: trusted,
    samplingMs: r.int(o, 'samplingMs', path, 1, 3_600_000, 100),
    writable: r.bool(o, 'writable', path, true),
  };
  const host = r.str(o, 'host', path);
  if (host) cfg.host = host;
  const pki = r.str(o, 'pkiDir', path);
  if (pki) cfg.pkiDir = pki;
  const tf = r.str(o, 'trustFolder', path);
  if (tf) cfg.trustFolder = tf;
  if (!cfg.allowAnonymous && users.length === 0 && o.users === undefined && !cfg.allowSecurityNone) {
    // nobody could log in: say so rather than start a useless server
    r.error('E6005', path, "missing key 'users' (a list of {username, password}); or set allowAnonymous: true");
  }
  return cfg;
}

export const OPCUA_SERVER: ServerDriverFactory<OpcuaServerConfig> = {
  key: 'opcuaServer',
  validate,
  async create(config, ctx) {
    // node-opcua is large: loaded only when the server is configured
    const { OpcuaServerDriver } = await import('./opcua-server.js');
    const driver = new OpcuaServerDriver(config, ctx);
    // VPLC_IO_FAULT=opcua-server: check on an installation that a faulting server is survived
    if (process.env.VPLC_IO_FAULT?.split(',').some((s) => s.trim() === 'opcua-server')) driver.armFault();
    return driver;
  },
};
