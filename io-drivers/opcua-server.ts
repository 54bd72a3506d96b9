import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DataType, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, SecurityPolicy, StatusCodes, Variant, VariantArrayType,
  nodesets, type Namespace, type UAObject,
} from 'node-opcua';
import type { Application, TypeInfo, VarInfo } from '../compiler/application.js';
import { DeviceStatus } from './device-status.js';
import { catalog61499, type CatalogVar } from './variable-catalog.js';
import type { DriverContext, IoDriver } from './driver.js';
import { standardImageFile, standardSubset } from './opcua-nodeset.js';
import { installOpcuaWarnings } from './opcua-warnings.js';

// before node-opcua's start-up self-test (an RSA key generation) reports
installOpcuaWarnings();

/** This driver's configuration (validated by its factory). */
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

export interface OpcuaServerContext extends DriverContext {
  app?: Application;
  resource?: string;
  metrics?: () => Record<string, number>;
  /** folder relative paths in the config are resolved against */
  configDir?: string;
}

/** IEC elementary type → OPC UA built-in type. TIME-like durations are Double milliseconds. */
function uaType(t: TypeInfo): DataType | undefined {
  if (t.kind === 'string') return DataType.String;
  if (t.kind === 'enum') return DataType.Int32;
  if (t.kind !== 'elementary') return undefined;
  switch (t.name) {
    case 'BOOL': return DataType.Boolean;
    case 'SINT': return DataType.SByte;
    case 'USINT': case 'BYTE': return DataType.Byte;
    case 'INT': return DataType.Int16;
    case 'UINT': case 'WORD': return DataType.UInt16;
    case 'DINT': return DataType.Int32;
    case 'UDINT': case 'DWORD': return DataType.UInt32;
    case 'LINT': return DataType.Int64;
    case 'ULINT': case 'LWORD': return DataType.UInt64;
    case 'REAL': return DataType.Float;
    case 'LREAL': return DataType.Double;
    case 'TIME': case 'LTIME': case 'TOD': case 'LTOD': return DataType.Double;
    case 'DATE': case 'LDATE': case 'DT': case 'LDT': return DataType.DateTime;
    case 'CHAR': case 'WCHAR': return DataType.String;
  }
}

const NS_PER_MS = 1e6;

/** PLC value → OPC UA value of `dt`. */
function toUa(t: TypeInfo, dt: DataType, v: unknown): unknown {
  if (t.kind === 'elementary') {
    if (t.name === 'BOOL') return Boolean(v); // BOOL array elements are stored as bytes
    if (['TIME', 'LTIME', 'TOD', 'LTOD'].includes(t.name)) return Number(v) / NS_PER_MS;
    if (['DATE', 'LDATE', 'DT', 'LDT'].includes(t.name)) return new Date(Number(v));
    if (dt === DataType.Int64 || dt === DataType.UInt64) return typeof v === 'bigint' ? v.toString() : String(v ?? 0);
    if (t.name === 'CHAR' || t.name === 'WCHAR') return typeof v === 'number' ? String.fromCharCode(v) : String(v ?? '');
  }
  return v;
}

/** OPC UA value → PLC value. */
function fromUa(t: TypeInfo, v: unknown): unknown {
  if (t.kind === 'elementary') {
    if (['TIME', 'LTIME', 'TOD', 'LTOD'].includes(t.name)) return Math.round(Number(v) * NS_PER_MS);
    if (['DATE', 'LDATE', 'DT', 'LDT'].includes(t.name)) return v instanceof Date ? v.getTime() : Number(v);
    if (['LINT', 'ULINT', 'LWORD'].includes(t.name)) return BigInt(Array.isArray(v) ? String(v) : String(v));
    if (t.name === 'CHAR' || t.name === 'WCHAR') return String(v).charCodeAt(0) || 0;
  }
  return v;
}

/**
 * OPC UA server exposing program and FB instance variables under
 * Objects/vPLC/<resource>/<program>/… (IEC 61499: Objects/vPLC/<device>/<resource>/<FB>/…), typed, writable where allowed, with values sampled at
 * scan boundaries (the engine's snapshot of variables), and task metrics as variables.
 * Security: Basic256Sha256 Sign and SignAndEncrypt, username/password users from the
 * configuration, None only when allowed; client certificates must be trusted explicitly.
 */
export class OpcuaServerDriver implements IoDriver {
  readonly name = 'opcua-server';
  readonly status = new DeviceStatus('opcua-server');
  private server: OPCUAServer | undefined;
  private values: Record<string, unknown> = {};
  private metrics: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  /** Reads of program variables throw inside node-opcua's callbacks until a restart, once (VPLC_IO_FAULT); armed once started */
  private faultAsked = false;
  private faultArmed = false;

  constructor(
    private readonly cfg: OpcuaServerConfig,
    private readonly ctx: OpcuaServerContext,
  ) {}

  /**
   * Make Reads of program variables throw from their value callback, inside node-opcua, where
   * no caller catches it: what a bug there would do. From the next start until the one after
   * (a restart clears it); for checking that `vplc serve` survives it.
   */
  armFault(): void {
    this.faultAsked = true;
  }

  get endpointUrl(): string {
    return this.server?.getEndpointUrl() ?? '';
  }

  /** The server's PKI (its own certificate and trust lists). */
  certificateManager: OPCUACertificateManager | undefined;

  async start(): Promise<void> {
    this.faultArmed = false;
    const dir = this.ctx.configDir ?? '.';
    const pki = resolve(dir, this.cfg.pkiDir ?? 'pki');
    const certificateManager = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: false });
    await certificateManager.initialize();
    this.certificateManager = certificateManager;
    for (const file of this.trustedFiles(dir)) {
      await certificateManager.trustCertificate(readCertificate(file));
    }
    const users = this.cfg.users;
    const policies = [SecurityPolicy.Basic256Sha256];
    const modes = [MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt];
    if (this.cfg.allowSecurityNone) {
      policies.push(SecurityPolicy.None);
      modes.push(MessageSecurityMode.None);
    }
    const server = new OPCUAServer({
      port: this.cfg.port,
      // `hostname` names the endpoints; `host` is where it listens (without it: every interface)
      ...(this.cfg.host ? { hostname: this.cfg.host, host: this.cfg.host } : {}),
      // a subset of the standard nodeset (opcua-nodeset.ts): the rest would cost memory for nothing
      nodesets: [{ name: 'Opc.Ua.NodeSet2 (vPLC subset)', source: standardSubset(standardImageFile(nodesets.standard)) }],
      serverCertificateManager: certificateManager,
      securityPolicies: policies,
      securityModes: modes,
      allowAnonymous: this.cfg.allowAnonymous,
      userManager: { isValidUser: (u: string, p: string) => users.some((x) => x.username === u && x.password === p) },
      buildInfo: { productName: 'vPLC', manufacturerName: 'vPLC', softwareVersion: '0.1.0' },
      isAuditing: false,
    });
    await server.initialize();
    this.build(server);
    this.sample();
    this.timer = setInterval(() => this.sample(), this.cfg.samplingMs);
    await server.start();
    this.server = server;
    this.status.ok = true;
    this.status.inputsBad = false;
    // node-opcua reads every variable once while building: only clients' Reads may meet the fault
    this.faultArmed = this.faultAsked;
    this.faultAsked = false;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const s = this.server;
    this.server = undefined;
    this.status.ok = false;
    if (s) await s.shutdown(0);
  }

  private trustedFiles(dir: string): string[] {
    const files = this.cfg.trustedCertificates.map((f) => resolve(dir, f));
    if (this.cfg.trustFolder) {
      const folder = resolve(dir, this.cfg.trustFolder);
      for (const f of readdirSync(folder)) {
        const p = join(folder, f);
        if (statSync(p).isFile() && /\.(der|pem|crt|cer)$/i.test(f)) files.push(p);
      }
    }
    return files;
  }

  /** Take the latest variable values (sampled by the engine at a scan boundary) and metrics. */
  private sample(): void {
    if (this.ctx.vars) this.values = this.ctx.vars.readVars();
    if (this.ctx.metrics) this.metrics = this.ctx.metrics();
  }

  private build(server: OPCUAServer): void {
    const space = server.engine.addressSpace!;
    const ns = space.getOwnNamespace();
    const root = ns.addFolder(space.rootFolder.objects, { browseName: 'vPLC', nodeId: 's=vPLC' });
    const app = this.ctx.app;
    if (app) {
      for (const res of app.resources) {
        if (this.ctx.resource && res.name.toLowerCase() !== this.ctx.resource.toLowerCase()) continue;
        const resFolder = ns.addFolder(root, { browseName: res.name, nodeId: `s=${res.name}` });
        for (const g of res.globals) this.addVar(ns, resFolder, g, g.name, `${res.name}.${g.name}`);
        for (const prog of res.programs) {
          const folder = ns.addFolder(resFolder, { browseName: prog.name, nodeId: `s=${res.name}.${prog.name}` });
          for (const v of app.pouTypes[prog.typeName.toUpperCase()]?.vars ?? app.pouTypes[prog.typeName]?.vars ?? []) {
            this.addVar(ns, folder, v, `${prog.name}.${v.name}`, `${res.name}.${prog.name}.${v.name}`);
          }
        }
        // the configuration's access paths (VAR_ACCESS) by their names; READ_ONLY ones cannot be written
        if (res.access?.length) {
          const folder = ns.addFolder(resFolder, { browseName: 'Access', nodeId: `s=${res.name}.VAR_ACCESS` });
          for (const a of res.access) {
            this.addVar(ns, folder, { name: a.name, prop: a.name, section: 'VAR', type: a.type, ...(a.readOnly ? { constant: true } : {}) }, a.path, `${res.name}.VAR_ACCESS.${a.name}`);
          }
        }
      }
    }
    // forced elements as `path=value`, so that a client sees that a value is not the program's
    ns.addVariable({
      componentOf: root,
      browseName: 'Forced',
      nodeId: 's=Forced',
      dataType: 'String',
      valueRank: 1,
      arrayDimensions: [0],
      minimumSamplingInterval: this.cfg.samplingMs,
      value: {
        get: () => {
          const forced = this.ctx.vars?.forced?.() ?? {};
          const value = Object.entries(forced).map(([k, v]) => `${k}=${String(v)}`);
          return new Variant({ dataType: DataType.String, arrayType: VariantArrayType.Array, value });
        },
      },
    });
    if (app?.iec61499) this.add61499(ns, root, app);
    const metrics = ns.addFolder(root, { browseName: 'Metrics', nodeId: 's=Metrics' });
    for (const name of Object.keys(this.ctx.metrics?.() ?? {})) {
      ns.addVariable({
        componentOf: metrics,
        browseName: name,
        nodeId: `s=Metrics.${name}`,
        dataType: 'Double',
        minimumSamplingInterval: this.cfg.samplingMs,
        value: { get: () => new Variant({ dataType: DataType.Double, value: this.metrics[name] ?? 0 }) },
      });
    }
  }

  /**
   * The IEC 61499 resource the I/O belongs to, read only: Objects/vPLC/<device>/<resource>/<FB>
   * (<resource>/<FB> from a .fboot; composites' inner FBs in folders of their own), each FB's
   * inputs, outputs and internal variables of elementary types, NodeId `s=Device.Resource.FB.Var`.
   */
  private add61499(ns: Namespace, root: UAObject, app: Application): void {
    const keyOf = (n: { device?: string; name: string }) => (app.iec61499?.origin === 'sys' && n.device ? `${n.device}.${n.name}` : n.name);
    const nets = app.iec61499?.resources ?? [];
    const want = this.ctx.resource?.toLowerCase();
    const net = nets.find((n) => want === undefined || keyOf(n).toLowerCase() === want);
    if (!net) return;
    const add = (parent: UAObject, v: CatalogVar) => {
      const name = v.path.slice(v.path.lastIndexOf('.') + 1);
      if (v.children) {
        const f = ns.addFolder(parent, { browseName: name, nodeId: `s=${v.path}` });
        for (const c of v.children) add(f, c);
        return;
      }
      const dt = uaType(v.type);
      if (dt === undefined || v.key === undefined) return;
      const key = v.key;
      ns.addVariable({
        componentOf: parent,
        browseName: name,
        nodeId: `s=${v.path}`,
        dataType: DataType[dt],
        accessLevel: 'CurrentRead',
        userAccessLevel: 'CurrentRead',
        value: { get: () => new Variant({ dataType: dt, value: toUa(v.type, dt, this.values[key] ?? defaultOf(dt)) }) },
      });
    };
    for (const v of catalog61499(app, keyOf(net), keyOf)) add(root, v);
  }

  /** One variable (`path`: the key in readVars, `id`: the NodeId string); structs and FBs become folders. */
  private addVar(ns: Namespace, parent: UAObject, v: VarInfo, path: string, id: string): void {
    if (v.section === 'VAR_TEMP' || v.section === 'VAR_IN_OUT' || v.section === 'VAR_EXTERNAL') return;
    const t = v.type;
    if (t.kind === 'struct') {
      const f = ns.addFolder(parent, { browseName: v.name, nodeId: `s=${id}` });
      for (const field of t.fields) this.addVar(ns, f, field, `${path}.${field.name}`, `${id}.${field.name}`);
      return;
    }
    if (t.kind === 'fb') {
      const f = ns.addFolder(parent, { browseName: v.name, nodeId: `s=${id}` });
      for (const iv of this.ctx.app?.pouTypes[t.name.toUpperCase()]?.vars ?? this.ctx.app?.pouTypes[t.name]?.vars ?? []) {
        this.addVar(ns, f, iv, `${path}.${iv.name}`, `${id}.${iv.name}`);
      }
      return;
    }
    const element = t.kind === 'array' ? t.element : t;
    const dt = uaType(element);
    if (dt === undefined) return; // references and arrays of structs are not exposed
    const isArray = t.kind === 'array';
    const writable = this.cfg.writable && !v.constant && v.section !== 'VAR_OUTPUT' && !!this.ctx.vars;
    ns.addVariable({
      componentOf: parent,
      browseName: v.name,
      nodeId: `s=${id}`,
      dataType: DataType[dt],
      ...(isArray ? { valueRank: 1, arrayDimensions: [0] } : {}),
      // values change once per sample: clients may ask for samples that often, and no faster
      minimumSamplingInterval: this.cfg.samplingMs,
      accessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      userAccessLevel: writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
      value: {
        get: () => {
          if (this.faultArmed) {
            throw new Error(`VPLC_IO_FAULT: a fault injected into the OPC UA server's Read of ${path}`);
          }
          const raw = this.values[path];
          const value = isArray
            ? Array.from((raw ?? []) as ArrayLike<unknown>, (x) => toUa(element, dt, x))
            : toUa(element, dt, raw ?? defaultOf(dt));
          return new Variant({ dataType: dt, arrayType: isArray ? VariantArrayType.Array : VariantArrayType.Scalar, value });
        },
        ...(writable
          ? {
              set: (variant: Variant) => {
                const value = isArray
                  ? Array.from(variant.value as ArrayLike<unknown>, (x) => fromUa(element, x))
                  : fromUa(element, variant.value);
                this.ctx.vars!.writeVar(path, value);
                this.values[path] = isArray ? value : value; // read-back before the next sample
                return StatusCodes.Good;
              },
            }
          : {}),
      },
    });
  }
}

function defaultOf(dt: DataType): unknown {
  if (dt === DataType.Boolean) return false;
  if (dt === DataType.String) return '';
  if (dt === DataType.DateTime) return new Date(0);
  return 0;
}

function readCertificate(file: string): Buffer {
  const data = readFileSync(file);
  const text = data.toString('latin1');
  const m = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(text);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : data;
}
