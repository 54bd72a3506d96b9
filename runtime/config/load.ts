import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document } from 'yaml';
import { sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { diagnostic } from '../../compiler/diagnostics/registry.js';
import type { SourceRange } from '../../compiler/source.js';
import { parseAddress } from '../io/address.js';
import { sizeOfType } from '../io/data-type.js';
import type {
  DeviceConfig, IoDataType, ModbusDeviceConfig, ModbusPoint, ModbusServerConfig, OpcuaDeviceConfig,
  OpcuaPoint, OpcuaServerConfig, PlcConfig, ReconnectConfig, SignalBinding, SimulationDeviceConfig, StatusBinding,
} from './schema.js';

/**
 * Reading and validating plc.yaml (or JSON, which YAML reads too). Every problem becomes a
 * diagnostic carrying the path of the bad key (`devices[1].inputs[0].type`), what was
 * expected, and the file:line:col of the value.
 */

export interface ConfigResult {
  config?: PlcConfig;
  diagnostics: Diagnostic[];
}

type Path = (string | number)[];

const DATA_TYPES: readonly IoDataType[] = [
  'BOOL', 'SINT', 'USINT', 'BYTE', 'INT', 'UINT', 'WORD', 'DINT', 'UDINT', 'DWORD', 'REAL', 'LINT', 'ULINT', 'LWORD', 'LREAL',
];

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
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e) => {
        const p = e.linePos?.[0];
        return diagnostic('E6002', e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), at(file, p?.line ?? 1, p?.col ?? 1));
      }),
    };
  }
  const v = new Validator(doc, lines, file);
  const config = v.root(doc.toJS() ?? {});
  return v.diagnostics.length > 0 ? { diagnostics: sortDiagnostics(v.diagnostics) } : { config, diagnostics: [] };
}

function at(file: string, line: number, col: number): SourceRange {
  return { file, line, col, endLine: line, endCol: col };
}

function pathText(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(top level)';
}

class Validator {
  readonly diagnostics: Diagnostic[] = [];
  private readonly inputOwners = new Map<string, string>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  // ------------------------------------------------------------ positions and reporting

  private range(path: Path, key = false): SourceRange {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    for (const p of path) {
      if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
      const items = (node as { items: unknown[] }).items;
      if (typeof p === 'number') {
        if (!items[p]) break;
        node = items[p];
        keyNode = undefined;
      } else {
        const pair = items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === p);
        if (!pair || !isPair(pair)) break;
        keyNode = pair.key;
        node = pair.value;
      }
    }
    const target = (key && keyNode) || node;
    const r = (target as { range?: [number, number, number] } | null)?.range;
    if (!r) return at(this.file, 1, 1);
    const s = this.lines.linePos(r[0]);
    const e = this.lines.linePos(r[1]);
    return { file: this.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  }

  private error(code: string, path: Path, message: string, key = false): void {
    this.diagnostics.push(diagnostic(code, `${pathText(path)}: ${message}`, this.range(path, key)));
  }

  private expected(path: Path, what: string, got: unknown): void {
    const shown = got === null ? 'null' : Array.isArray(got) ? 'a list' : typeof got === 'object' ? 'a mapping' : JSON.stringify(got);
    this.error('E6004', path, `expected ${what}, got ${shown}`);
  }

  // ------------------------------------------------------------ primitive readers

  private object(value: unknown, path: Path, allowed: readonly string[]): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.expected(path, 'a mapping (key: value)', value);
      return undefined;
    }
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.error('E6003', [...path, k], `unknown key '${k}' (allowed here: ${allowed.join(', ')})`, true);
    }
    return o;
  }

  private list(o: Record<string, unknown>, key: string, path: Path): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.expected([...path, key], 'a list', v);
      return [];
    }
    return v;
  }

  private str<T extends string>(o: Record<string, unknown>, key: string, path: Path, opts: { required?: boolean; oneOf?: readonly T[]; def?: T } = {}): T | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (opts.required) this.error('E6005', path, `missing key '${key}'${opts.oneOf ? ` (one of ${opts.oneOf.join(', ')})` : ''}`);
      return opts.def;
    }
    if (typeof v !== 'string' || v === '') {
      this.expected([...path, key], opts.oneOf ? `one of ${opts.oneOf.join(', ')}` : 'a non-empty string', v);
      return opts.def;
    }
    if (opts.oneOf) {
      const hit = opts.oneOf.find((x) => x.toLowerCase() === v.toLowerCase());
      if (!hit) {
        this.expected([...path, key], `one of ${opts.oneOf.join(', ')}`, v);
        return opts.def;
      }
      return hit;
    }
    return v as T;
  }

  private int(o: Record<string, unknown>, key: string, path: Path, min: number, max: number, def?: number, required = false): number {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required || def === undefined) this.error('E6005', path, `missing key '${key}' (an integer from ${min} to ${max})`);
      return def ?? min;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.expected([...path, key], `an integer from ${min} to ${max}`, v);
      return def ?? min;
    }
    return v;
  }

  private num(o: Record<string, unknown>, key: string, path: Path, def: number): number {
    const v = o[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.expected([...path, key], 'a number', v);
      return def;
    }
    return v;
  }

  private bool(o: Record<string, unknown>, key: string, path: Path, def: boolean): boolean {
    const v = o[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') {
      this.expected([...path, key], 'true or false', v);
      return def;
    }
    return v;
  }

  // ------------------------------------------------------------ the schema

  root(value: unknown): PlcConfig {
    const path: Path = [];
    const o = this.object(value, path, ['resource', 'modbusServer', 'opcuaServer', 'devices']) ?? {};
    const config: PlcConfig = { file: this.file, devices: [] };
    const resource = this.str(o, 'resource', path);
    if (resource) config.resource = resource;
    if (o.modbusServer !== undefined && o.modbusServer !== false) config.modbusServer = this.modbusServer(o.modbusServer === true ? {} : o.modbusServer, ['modbusServer']);
    if (o.opcuaServer !== undefined && o.opcuaServer !== false) config.opcuaServer = this.opcuaServer(o.opcuaServer === true ? {} : o.opcuaServer, ['opcuaServer']);
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

  private modbusServer(value: unknown, path: Path): ModbusServerConfig {
    const o = this.object(value, path, ['host', 'port', 'readOnly', 'unitId', 'maxConnections', 'idleTimeoutMs', 'allow']) ?? {};
    const allow = this.list(o, 'allow', path).flatMap((a, i) => {
      if (typeof a === 'string' && isClientAddress(a)) return [a.trim()];
      this.expected([...path, 'allow', i], 'a client IP address or subnet (192.168.1.10, 10.0.0.0/8)', a);
      return [];
    });
    return {
      host: this.str(o, 'host', path, { def: '127.0.0.1' })!,
      port: this.int(o, 'port', path, 0, 65535, 5020),
      readOnly: this.bool(o, 'readOnly', path, false),
      unitId: this.int(o, 'unitId', path, 0, 255, 0),
      maxConnections: this.int(o, 'maxConnections', path, 1, 10_000, 32),
      idleTimeoutMs: this.int(o, 'idleTimeoutMs', path, 0, 86_400_000, 60_000),
      allow,
    };
  }

  private opcuaServer(value: unknown, path: Path): OpcuaServerConfig {
    const keys = ['host', 'port', 'allowSecurityNone', 'allowAnonymous', 'users', 'pkiDir', 'trustedCertificates', 'trustFolder', 'samplingMs', 'writable'];
    const o = this.object(value, path, keys) ?? {};
    const users = this.list(o, 'users', path).flatMap((u, i) => {
      const p = [...path, 'users', i];
      const uo = this.object(u, p, ['username', 'password']);
      if (!uo) return [];
      const username = this.str(uo, 'username', p, { required: true });
      const password = this.str(uo, 'password', p, { required: true });
      return username && password ? [{ username, password }] : [];
    });
    const trusted = this.list(o, 'trustedCertificates', path).flatMap((c, i) => {
      if (typeof c === 'string' && c) return [c];
      this.expected([...path, 'trustedCertificates', i], 'a certificate file path', c);
      return [];
    });
    const cfg: OpcuaServerConfig = {
      port: this.int(o, 'port', path, 0, 65535, 4841),
      allowSecurityNone: this.bool(o, 'allowSecurityNone', path, false),
      allowAnonymous: this.bool(o, 'allowAnonymous', path, false),
      users,
      trustedCertificates: trusted,
      samplingMs: this.int(o, 'samplingMs', path, 1, 3_600_000, 100),
      writable: this.bool(o, 'writable', path, true),
    };
    const host = this.str(o, 'host', path);
    if (host) cfg.host = host;
    const pki = this.str(o, 'pkiDir', path);
    if (pki) cfg.pkiDir = pki;
    const tf = this.str(o, 'trustFolder', path);
    if (tf) cfg.trustFolder = tf;
    if (!cfg.allowAnonymous && users.length === 0 && o.users === undefined && !cfg.allowSecurityNone) {
      // nobody could log in: say so rather than start a useless server
      this.error('E6005', path, "missing key 'users' (a list of {username, password}); or set allowAnonymous: true");
    }
    return cfg;
  }

  private device(value: unknown, path: Path): DeviceConfig | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.expected(path, 'a device mapping', value);
      return undefined;
    }
    const driver = this.str(value as Record<string, unknown>, 'driver', path, {
      required: true, oneOf: ['modbus-tcp', 'modbus-rtu', 'opcua', 'simulation'] as const,
    });
    if (!driver) return undefined;
    const common = ['name', 'driver', 'pollMs', 'timeoutMs', 'reconnect', 'status'];
    const extra =
      driver === 'opcua' ? ['endpoint', 'securityMode', 'securityPolicy', 'username', 'password', 'inputs', 'outputs']
      : driver === 'simulation' ? ['model', 'params', 'signals']
      : ['host', 'port', 'path', 'baudRate', 'parity', 'dataBits', 'stopBits', 'unitId', 'wordOrder', 'inputs', 'outputs'];
    const o = this.object(value, path, [...common, ...extra])!;
    const name = this.str(o, 'name', path, { required: true }) ?? `device${String(path[1])}`;
    const base = {
      name,
      pollMs: this.int(o, 'pollMs', path, 0, 3_600_000, 100),
      timeoutMs: this.int(o, 'timeoutMs', path, 1, 600_000, 1000),
      reconnect: this.reconnect(o.reconnect, [...path, 'reconnect']),
      status: this.status(o.status, [...path, 'status'], name),
      at: pathText(path),
    };
    if (driver === 'simulation') return this.simulation(o, path, base);
    if (driver === 'opcua') return this.opcuaDevice(o, path, base);
    return this.modbusDevice(o, path, base, driver);
  }

  private reconnect(value: unknown, path: Path): ReconnectConfig {
    if (value === undefined || value === null) return { minMs: 200, maxMs: 5000 };
    const o = this.object(value, path, ['minMs', 'maxMs']) ?? {};
    const minMs = this.int(o, 'minMs', path, 1, 3_600_000, 200);
    const maxMs = this.int(o, 'maxMs', path, 1, 3_600_000, Math.max(5000, minMs));
    if (maxMs < minMs) this.expected([...path, 'maxMs'], `an integer not below minMs (${minMs})`, maxMs);
    return { minMs, maxMs };
  }

  private status(value: unknown, path: Path, device: string): StatusBinding {
    if (value === undefined || value === null) return {};
    const o = this.object(value, path, ['ok', 'errors']) ?? {};
    const s: StatusBinding = {};
    const ok = this.str(o, 'ok', path);
    if (ok && this.target(ok, [...path, 'ok'], 'BOOL', device)) s.ok = ok;
    const errors = this.str(o, 'errors', path);
    if (errors && this.target(errors, [...path, 'errors'], undefined, device)) s.errors = errors;
    return s;
  }

  /**
   * Check the PLC side of a mapping written by I/O (an input): a %I or %M address whose size
   * suits the type, or a symbolic variable path. `count` consecutive elements are claimed.
   */
  private target(text: string, path: Path, type: IoDataType | undefined, owner: string, count = 1): boolean {
    if (!text.startsWith('%')) return this.symbol(text, path);
    const a = parseAddress(text);
    if (typeof a === 'string') {
      this.error('E6006', path, a);
      return false;
    }
    if (a.area === 'Q') {
      this.error('E6006', path, `'${text}' is an output; device inputs and status go to %I (or %M) addresses`);
      return false;
    }
    if (type && sizeOfType(type) !== a.size) {
      this.error('E6006', path, `'${text}' does not hold a value of type ${type}: use a %${a.area}${sizeOfType(type)} address`);
      return false;
    }
    if (!type && a.size === 'X') {
      this.error('E6006', path, `'${text}' is a bit; an error counter needs a %${a.area}W or %${a.area}D address`);
      return false;
    }
    if (!this.fits(a.size, a.index, a.bit, count, a.area, path, text)) return false;
    for (let k = 0; k < count; k++) {
      const key = a.size === 'X' ? `${a.area}X${a.index * 8 + a.bit + k}` : `${a.area}${a.size}${a.index + k}`;
      const prev = this.inputOwners.get(key);
      if (prev) {
        this.error('E6008', path, `'${text}'${count > 1 ? ` (element ${k})` : ''} is already written by ${prev}`);
        return false;
      }
      this.inputOwners.set(key, `${owner} (${pathText(path)})`);
    }
    return true;
  }

  /** The PLC side of an output mapping: a %Q or %M address, or a symbolic variable. */
  private source(text: string, path: Path, type: IoDataType, count = 1): boolean {
    if (!text.startsWith('%')) return this.symbol(text, path);
    const a = parseAddress(text);
    if (typeof a === 'string') {
      this.error('E6006', path, a);
      return false;
    }
    if (a.area === 'I') {
      this.error('E6006', path, `'${text}' is an input; device outputs come from %Q or %M addresses`);
      return false;
    }
    if (sizeOfType(type) !== a.size) {
      this.error('E6006', path, `'${text}' does not hold a value of type ${type}: use a %${a.area}${sizeOfType(type)} address`);
      return false;
    }
    return this.fits(a.size, a.index, a.bit, count, a.area, path, text);
  }

  private fits(size: string, index: number, bit: number, count: number, area: string, path: Path, text: string): boolean {
    const check = parseAddress(
      size === 'X' ? `%${area}X${(index * 8 + bit + count - 1) >> 3}.${(index * 8 + bit + count - 1) & 7}` : `%${area}${size}${index + count - 1}`,
    );
    if (typeof check === 'string') {
      this.error('E6006', path, `'${text}' with count ${count} runs past the end of the process image`);
      return false;
    }
    return true;
  }

  private symbol(text: string, path: Path): boolean {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/.test(text)) {
      this.error('E6006', path, `'${text}' is neither a % address nor a variable path like Main.level`);
      return false;
    }
    return true;
  }

  private safe(o: Record<string, unknown>, path: Path): number | boolean | 'hold' {
    const v = o.safe;
    if (v === undefined || v === null) return 0;
    if (v === 'hold' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v as number | boolean | 'hold';
    this.expected([...path, 'safe'], "a number, true/false or 'hold'", v);
    return 0;
  }

  private modbusDevice(o: Record<string, unknown>, path: Path, base: Omit<ModbusDeviceConfig, 'driver' | 'baudRate' | 'parity' | 'dataBits' | 'stopBits' | 'unitId' | 'inputs' | 'outputs'>, driver: 'modbus-tcp' | 'modbus-rtu'): ModbusDeviceConfig {
    const dev: ModbusDeviceConfig = {
      ...base,
      driver,
      baudRate: this.int(o, 'baudRate', path, 50, 4_000_000, 19200),
      parity: this.str(o, 'parity', path, { oneOf: ['none', 'even', 'odd'] as const, def: 'none' })!,
      dataBits: this.int(o, 'dataBits', path, 5, 8, 8),
      stopBits: this.int(o, 'stopBits', path, 1, 2, 1),
      unitId: this.int(o, 'unitId', path, 0, 255, 1),
      inputs: [],
      outputs: [],
    };
    if (driver === 'modbus-tcp') {
      dev.host = this.str(o, 'host', path, { required: true }) ?? '127.0.0.1';
      dev.port = this.int(o, 'port', path, 1, 65535, 502);
    } else {
      dev.path = this.str(o, 'path', path, { required: true }) ?? '';
    }
    const order = this.str(o, 'wordOrder', path, { oneOf: ['big', 'little'] as const, def: 'big' })!;
    this.list(o, 'inputs', path).forEach((p, i) => {
      const pt = this.modbusPoint(p, [...path, 'inputs', i], order, true, dev.name);
      if (pt) dev.inputs.push(pt);
    });
    this.list(o, 'outputs', path).forEach((p, i) => {
      const pt = this.modbusPoint(p, [...path, 'outputs', i], order, false, dev.name);
      if (pt) dev.outputs.push(pt);
    });
    return dev;
  }

  private modbusPoint(value: unknown, path: Path, order: 'big' | 'little', input: boolean, device: string): ModbusPoint | undefined {
    const o = this.object(value, path, ['table', 'address', 'count', 'type', 'wordOrder', 'var', 'safe']);
    if (!o) return undefined;
    const tables = input ? (['coil', 'discrete', 'input', 'holding'] as const) : (['coil', 'holding'] as const);
    const table = this.str(o, 'table', path, { required: true, oneOf: tables });
    const bitTable = table === 'coil' || table === 'discrete';
    const errorsBefore = this.diagnostics.length;
    const type = this.str(o, 'type', path, { oneOf: DATA_TYPES, def: bitTable ? 'BOOL' : 'INT' })!;
    if (bitTable && type !== 'BOOL') this.expected([...path, 'type'], `BOOL for the ${table} table`, type);
    if (!bitTable && table && type === 'BOOL') this.expected([...path, 'type'], `a register type (INT, UINT, WORD, DINT, REAL, …) for the ${table} table`, type);
    const pt: ModbusPoint = {
      table: table ?? 'holding',
      address: this.int(o, 'address', path, 0, 65535, undefined, true),
      count: this.int(o, 'count', path, 1, bitTable ? 2000 : 125, 1),
      type,
      wordOrder: this.str(o, 'wordOrder', path, { oneOf: ['big', 'little'] as const, def: order })!,
      var: this.str(o, 'var', path, { required: true }) ?? '',
      safe: input ? 0 : this.safe(o, path),
      at: pathText(path),
    };
    if (input && o.safe !== undefined) this.error('E6003', [...path, 'safe'], "unknown key 'safe' (safe values apply to outputs only)", true);
    // a bad table or type already said what is wrong: do not pile address errors on top
    if (!table || !pt.var || this.diagnostics.length > errorsBefore) return undefined;
    const ok = input ? this.target(pt.var, [...path, 'var'], type, device, pt.count) : this.source(pt.var, [...path, 'var'], type, pt.count);
    if (ok && pt.count > 1 && !pt.var.startsWith('%')) {
      this.expected([...path, 'count'], 'count 1 for a symbolic variable', pt.count);
      return undefined;
    }
    return ok ? pt : undefined;
  }

  private opcuaDevice(o: Record<string, unknown>, path: Path, base: Omit<OpcuaDeviceConfig, 'driver' | 'endpoint' | 'securityMode' | 'securityPolicy' | 'inputs' | 'outputs'>): OpcuaDeviceConfig {
    const dev: OpcuaDeviceConfig = {
      ...base,
      driver: 'opcua',
      endpoint: this.str(o, 'endpoint', path, { required: true }) ?? '',
      securityMode: this.str(o, 'securityMode', path, { oneOf: ['None', 'Sign', 'SignAndEncrypt'] as const, def: 'None' })!,
      securityPolicy: this.str(o, 'securityPolicy', path, { oneOf: ['None', 'Basic256Sha256'] as const, def: 'None' })!,
      inputs: [],
      outputs: [],
    };
    if (dev.endpoint && !dev.endpoint.startsWith('opc.tcp://')) this.expected([...path, 'endpoint'], 'an opc.tcp:// URL', dev.endpoint);
    if ((dev.securityMode === 'None') !== (dev.securityPolicy === 'None')) {
      this.expected([...path, 'securityPolicy'], `a policy matching securityMode ${dev.securityMode}`, dev.securityPolicy);
    }
    const u = this.str(o, 'username', path);
    if (u) dev.username = u;
    const pw = this.str(o, 'password', path);
    if (pw !== undefined) dev.password = pw;
    for (const dir of ['inputs', 'outputs'] as const) {
      this.list(o, dir, path).forEach((p, i) => {
        const pp = [...path, dir, i];
        const po = this.object(p, pp, dir === 'outputs' ? ['node', 'type', 'var', 'safe'] : ['node', 'type', 'var']);
        if (!po) return;
        const pt: OpcuaPoint = {
          node: this.str(po, 'node', pp, { required: true }) ?? '',
          type: this.str(po, 'type', pp, { required: true, oneOf: DATA_TYPES }) ?? 'INT',
          var: this.str(po, 'var', pp, { required: true }) ?? '',
          safe: dir === 'outputs' ? this.safe(po, pp) : 0,
          at: pathText(pp),
        };
        if (!pt.node || !pt.var) return;
        const ok = dir === 'inputs' ? this.target(pt.var, [...pp, 'var'], pt.type, dev.name) : this.source(pt.var, [...pp, 'var'], pt.type);
        if (ok) dev[dir].push(pt);
      });
    }
    return dev;
  }

  private simulation(o: Record<string, unknown>, path: Path, base: Omit<SimulationDeviceConfig, 'driver' | 'model' | 'params' | 'signals'>): SimulationDeviceConfig {
    const dev: SimulationDeviceConfig = {
      ...base,
      driver: 'simulation',
      model: this.str(o, 'model', path, { required: true, oneOf: ['tank', 'conveyor', 'motor'] as const }) ?? 'tank',
      params: {},
      signals: {},
    };
    if (o.params !== undefined) {
      const po = this.object(o.params, [...path, 'params'], Object.keys(o.params ?? {})) ?? {};
      for (const k of Object.keys(po)) dev.params[k] = this.num(po, k, [...path, 'params'], 0);
    }
    const so = o.signals === undefined ? {} : this.object(o.signals, [...path, 'signals'], Object.keys(o.signals ?? {})) ?? {};
    for (const [k, v] of Object.entries(so)) {
      const sp = [...path, 'signals', k];
      let b: SignalBinding | undefined;
      if (typeof v === 'string') b = { var: v, scale: 1, at: pathText(sp) };
      else {
        const bo = this.object(v, sp, ['var', 'scale']);
        if (bo) b = { var: this.str(bo, 'var', sp, { required: true }) ?? '', scale: this.num(bo, 'scale', sp, 1), at: pathText(sp) };
      }
      if (!b || !b.var) continue;
      if (b.var.startsWith('%') && typeof parseAddress(b.var) === 'string') {
        this.error('E6006', [...sp, ...(typeof v === 'string' ? [] : ['var'])], parseAddress(b.var) as string);
        continue;
      }
      dev.signals[k] = b;
    }
    return dev;
  }
}

/** An IPv4/IPv6 address, or one with a /prefix length. */
function isClientAddress(a: string): boolean {
  const [ip, prefix, ...rest] = a.trim().split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const n = Number(prefix);
  return /^\d+$/.test(prefix) && n <= (family === 4 ? 32 : 128);
}
