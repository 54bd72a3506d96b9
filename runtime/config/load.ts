import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { diagnostic } from '../../compiler/diagnostics/registry.js';
import { at, ConfigReader, pathText, type ConfigPath } from '../../io-drivers/config-reader.js';
import type { DeviceConfigBase, ReconnectConfig, StatusBinding } from '../../io-drivers/config.js';
import { DEVICE_DRIVERS, SERVER_DRIVERS, deviceDriver } from '../../io-drivers/registry.js';
import { validateConsoleConfig } from '../console/console-config.js';
import type { DeviceConfig, PlcConfig } from './schema.js';
import { validateDeployConfig, validateStateConfig } from '../state/config.js';

/**
 * Reading and validating plc.yaml (or JSON, which YAML reads too). Every problem becomes a
 * diagnostic carrying the path of the bad key (`devices[1].inputs[0].type`), what was
 * expected, and the file:line:col of the value. The file's frame is checked here; each
 * driver's and server's own keys by its factory (io-drivers/registry.ts).
 */

export interface ConfigResult {
  config?: PlcConfig;
  diagnostics: Diagnostic[];
}

export function loadConfigFile(path: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { diagnostics: [diagnostic('E6001', `cannot read configuration: ${reason}`, at(path, 1, 1))] };
  }
  return parseConfig(text, path);
}

export function parseConfig(text: string, file = 'plc.yaml'): ConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    // one syntax error, where the parser stopped: the ones after it follow from it
    const p = lines.linePos(first.pos[0]);
    return { diagnostics: [diagnostic('E6002', first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), at(file, p.line, p.col))] };
  }
  const v = new Validator(doc, lines, file);
  const config = v.root(doc.toJS() ?? {});
  return v.diagnostics.length > 0 ? { diagnostics: sortDiagnostics(v.diagnostics) } : { config, diagnostics: [] };
}

/** Devices' common keys; each driver adds its own (DeviceDriverFactory.keys). */
const COMMON_KEYS = ['name', 'driver', 'pollMs', 'timeoutMs', 'reconnect', 'status'];

class Validator extends ConfigReader {
  root(value: unknown): PlcConfig {
    const path: ConfigPath = [];
    const o = this.object(value, path, ['resource', 'console', ...SERVER_DRIVERS.map((s) => s.key), 'devices', 'state', 'deploy']) ?? {};
    const config: PlcConfig = { file: this.file, devices: [] };
    const resource = this.str(o, 'resource', path);
    if (resource) config.resource = resource;
    if (o.console !== undefined && o.console !== null) config.console = validateConsoleConfig(this, o.console, ['console']);
    const state = o.state === undefined ? undefined : validateStateConfig(this, o.state, ['state']);
    if (state) config.state = state;
    const deploy = o.deploy === undefined ? undefined : validateDeployConfig(this, o.deploy, ['deploy']);
    if (deploy) config.deploy = deploy;
    const servers = config as unknown as Record<string, unknown>;
    for (const s of SERVER_DRIVERS) {
      const v = o[s.key];
      if (v !== undefined && v !== false) servers[s.key] = s.validate(this, v === true ? {} : v, [s.key]);
    }
    const names = new Map<string, number>();
    this.list(o, 'devices', path).forEach((d, i) => {
      const dev = this.device(d, ['devices', i]);
      if (!dev) return;
      const prev = names.get(dev.name.toLowerCase());
      if (prev !== undefined) this.error('E6007', ['devices', i, 'name'], `device name '${dev.name}' is already used by devices[${prev}]`);
      else names.set(dev.name.toLowerCase(), i);
      config.devices.push(dev);
    });
    return config;
  }

  private device(value: unknown, path: ConfigPath): DeviceConfig | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.expected(path, 'a device mapping', value);
      return undefined;
    }
    const kind = this.str(value as Record<string, unknown>, 'driver', path, {
      required: true, oneOf: DEVICE_DRIVERS.map((d) => d.kind),
    });
    const factory = kind === undefined ? undefined : deviceDriver(kind);
    if (!factory) return undefined;
    const o = this.object(value, path, [...COMMON_KEYS, ...factory.keys])!;
    const name = this.str(o, 'name', path, { required: true }) ?? `device${String(path[1])}`;
    const base: DeviceConfigBase = {
      name,
      driver: factory.kind,
      pollMs: this.int(o, 'pollMs', path, 0, 3_600_000, 100),
      timeoutMs: this.int(o, 'timeoutMs', path, 1, 600_000, 1000),
      reconnect: this.reconnect(o.reconnect, [...path, 'reconnect']),
      status: this.status(o.status, [...path, 'status'], name),
      at: pathText(path),
    };
    return factory.validate(this, o, path, base);
  }

  private reconnect(value: unknown, path: ConfigPath): ReconnectConfig {
    if (value === undefined || value === null) return { minMs: 200, maxMs: 5000 };
    const o = this.object(value, path, ['minMs', 'maxMs']) ?? {};
    const minMs = this.int(o, 'minMs', path, 1, 3_600_000, 200);
    const maxMs = this.int(o, 'maxMs', path, 1, 3_600_000, Math.max(5000, minMs));
    if (maxMs < minMs) this.expected([...path, 'maxMs'], `an integer not below minMs (${minMs})`, maxMs);
    return { minMs, maxMs };
  }

  private status(value: unknown, path: ConfigPath, device: string): StatusBinding {
    if (value === undefined || value === null) return {};
    const o = this.object(value, path, ['ok', 'errors']) ?? {};
    const s: StatusBinding = {};
    const ok = this.str(o, 'ok', path);
    if (ok && this.target(ok, [...path, 'ok'], 'BOOL', device)) s.ok = ok;
    const errors = this.str(o, 'errors', path);
    if (errors && this.target(errors, [...path, 'errors'], undefined, device)) s.errors = errors;
    return s;
  }
}
