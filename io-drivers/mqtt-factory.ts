import type { ConfigPath, ConfigReader } from './config-reader.js';
import { pathText } from './config-reader.js';
import type { ServerDriverFactory } from './driver.js';
import type { MqttCommands, MqttConfig, MqttPublication, MqttStoreConfig, MqttWill, PublishMode } from './mqtt-config.js';
import { isSelector } from './mqtt-selection.js';

/**
 * The MQTT gateway (`mqtt:`): publishes variables to a broker as JSON or Sparkplug B, takes
 * commands, and stores QoS 1 messages while the broker is away. The validator is here; the
 * client (and the MQTT.js library) is loaded only when configured.
 */

const KEYS = [
  'url', 'ca', 'cert', 'key', 'rejectUnauthorized', 'username', 'password', 'clientId', 'keepAlive', 'cleanStart', 'will',
  'payload', 'sparkplug', 'samplingMs', 'reconnectMs', 'statusTopic', 'publications', 'commands', 'store',
];

function validate(r: ConfigReader, value: unknown, path: ConfigPath): MqttConfig {
  const o = r.object(value, path, KEYS) ?? {};
  const url = r.str(o, 'url', path, { required: true }) ?? 'mqtt://127.0.0.1:1883';
  if (!/^mqtts?:\/\/[^/:]+(:\d{1,5})?\/?$/.test(url)) r.expected([...path, 'url'], 'mqtt://host[:port] or mqtts://host[:port]', url);
  const tls = url.startsWith('mqtts:');
  const clientId = r.str(o, 'clientId', path, { def: 'vplc' }) ?? 'vplc';
  const payload = r.str(o, 'payload', path, { oneOf: ['json', 'sparkplug'] as const, def: 'json' }) ?? 'json';
  const cfg: MqttConfig = {
    url,
    rejectUnauthorized: r.bool(o, 'rejectUnauthorized', path, true),
    clientId,
    keepAliveS: r.int(o, 'keepAlive', path, 0, 65535, 30),
    cleanStart: r.bool(o, 'cleanStart', path, true),
    payload,
    samplingMs: r.int(o, 'samplingMs', path, 1, 3_600_000, 100),
    reconnectMs: r.int(o, 'reconnectMs', path, 10, 3_600_000, 1000),
    statusTopic: r.str(o, 'statusTopic', path, { def: `vplc/${clientId}/status` }) ?? `vplc/${clientId}/status`,
    publications: [],
    store: store(r, o, path),
  };
  for (const k of ['ca', 'cert', 'key', 'username', 'password'] as const) {
    const v = r.str(o, k, path);
    if (v !== undefined) cfg[k] = v;
  }
  if (!tls) for (const k of ['ca', 'cert', 'key'] as const) if (cfg[k]) r.error('E6004', [...path, k], `'${k}' needs an mqtts:// url`, true);
  if ((cfg.cert === undefined) !== (cfg.key === undefined)) r.error('E6005', path, "a client certificate needs both 'cert' and 'key'");
  if (cfg.password !== undefined && cfg.username === undefined) r.error('E6005', path, "missing key 'username' (a password was given)");
  if (o.will !== undefined) {
    const w = will(r, o.will, [...path, 'will']);
    if (w) cfg.will = w;
  }
  if (payload === 'sparkplug') {
    const sp = r.object(o.sparkplug ?? {}, [...path, 'sparkplug'], ['groupId', 'edgeNodeId', 'deviceId']) ?? {};
    const p = [...path, 'sparkplug'];
    const groupId = r.str(sp, 'groupId', p, { required: true }) ?? 'vplc';
    const edgeNodeId = r.str(sp, 'edgeNodeId', p, { def: clientId }) ?? clientId;
    for (const [k, v] of [['groupId', groupId], ['edgeNodeId', edgeNodeId], ['deviceId', sp.deviceId]] as const) {
      if (typeof v === 'string' && /[/+#]/.test(v)) r.expected([...p, k], 'a Sparkplug id without /, + or #', v);
    }
    cfg.sparkplug = { groupId, edgeNodeId };
    const d = r.str(sp, 'deviceId', p);
    if (d) cfg.sparkplug.deviceId = d;
    if (cfg.will) r.error('E6004', [...path, 'will'], 'with Sparkplug the will is the NDEATH message: leave out will', true);
  } else if (o.sparkplug !== undefined) {
    r.error('E6004', [...path, 'sparkplug'], "'sparkplug' needs payload: sparkplug", true);
  }
  r.list(o, 'publications', path).forEach((p, i) => {
    const pub = publication(r, p, [...path, 'publications', i], payload === 'sparkplug');
    if (pub) cfg.publications.push(pub);
  });
  if (o.commands !== undefined) {
    const c = commands(r, o.commands, [...path, 'commands'], payload === 'sparkplug');
    if (c) cfg.commands = c;
  }
  if (cfg.publications.length === 0 && o.publications === undefined) {
    r.error('E6005', path, "missing key 'publications' (a list of {vars, topic, mode})");
  }
  return cfg;
}

function will(r: ConfigReader, value: unknown, path: ConfigPath): MqttWill | undefined {
  const o = r.object(value, path, ['topic', 'payload', 'qos', 'retain']);
  if (!o) return undefined;
  const topic = r.str(o, 'topic', path, { required: true }) ?? '';
  if (/[+#]/.test(topic)) r.expected([...path, 'topic'], 'a topic without wildcards', topic);
  return {
    topic,
    payload: typeof o.payload === 'string' ? o.payload : o.payload === undefined ? 'offline' : JSON.stringify(o.payload),
    qos: r.int(o, 'qos', path, 0, 1, 1) as 0 | 1,
    retain: r.bool(o, 'retain', path, true),
  };
}

function selectors(r: ConfigReader, o: Record<string, unknown>, key: string, path: ConfigPath): string[] {
  const raw = typeof o[key] === 'string' ? [o[key]] : r.list(o, key, path);
  const out: string[] = [];
  raw.forEach((v, i) => {
    const p = typeof o[key] === 'string' ? [...path, key] : [...path, key, i];
    if (typeof v === 'string' && isSelector(v)) out.push(v);
    else r.expected(p, "a variable path or glob (Main.level, Main.*, 'Line.Cell[2].count', Dev.Res.FB.Var)", v);
  });
  return out;
}

function publication(r: ConfigReader, value: unknown, path: ConfigPath, sparkplug: boolean): MqttPublication | undefined {
  const o = r.object(value, path, ['vars', 'topic', 'mode', 'deadband', 'relativeDeadband', 'periodMs', 'trigger', 'qos', 'retain']);
  if (!o) return undefined;
  if (o.vars === undefined) r.error('E6005', path, "missing key 'vars' (variable paths or globs)");
  const vars = selectors(r, o, 'vars', path);
  const mode = (r.str(o, 'mode', path, { oneOf: ['change', 'period', 'trigger'] as const, def: 'change' }) ?? 'change') as PublishMode;
  const topic = sparkplug ? '' : (r.str(o, 'topic', path, { def: 'vplc/{clientId}/{path}' }) ?? '');
  if (sparkplug && o.topic !== undefined) r.error('E6004', [...path, 'topic'], 'Sparkplug topics are fixed (spBv1.0/group/DDATA/node/device): leave out topic', true);
  if (/[+#]/.test(topic)) r.expected([...path, 'topic'], 'a topic template without wildcards', topic);
  const unknown = /\{([^}]*)\}/g;
  for (let m = unknown.exec(topic); m; m = unknown.exec(topic)) {
    if (!['path', 'name', 'resource', 'clientId'].includes(m[1]!)) r.error('E6004', [...path, 'topic'], `unknown placeholder {${m[1]}} (use {path}, {name}, {resource}, {clientId})`);
  }
  const pub: MqttPublication = {
    vars,
    topic,
    mode,
    deadband: r.num(o, 'deadband', path, 0),
    relativeDeadband: r.num(o, 'relativeDeadband', path, 0),
    periodMs: r.int(o, 'periodMs', path, 0, 86_400_000, 0),
    qos: r.int(o, 'qos', path, 0, 1, sparkplug ? 0 : 1) as 0 | 1,
    retain: r.bool(o, 'retain', path, false),
    at: pathText(path),
  };
  if (pub.deadband < 0) r.expected([...path, 'deadband'], 'a number ≥ 0', pub.deadband);
  if (pub.relativeDeadband < 0) r.expected([...path, 'relativeDeadband'], 'a fraction ≥ 0 (0.01: 1 %)', pub.relativeDeadband);
  if (mode === 'period' && pub.periodMs === 0) r.error('E6005', path, "missing key 'periodMs' (mode: period publishes every periodMs)");
  if (mode === 'trigger') {
    const t = r.str(o, 'trigger', path, { required: true });
    if (t && !isSelector(t)) r.expected([...path, 'trigger'], 'a BOOL variable path', t);
    if (t) pub.trigger = t;
  } else if (o.trigger !== undefined) {
    r.error('E6004', [...path, 'trigger'], "'trigger' needs mode: trigger", true);
  }
  if (sparkplug && mode !== 'change') r.error('E6004', [...path, 'mode'], 'Sparkplug publishes on change (DDATA): leave out mode or use change', true);
  return pub;
}

function commands(r: ConfigReader, value: unknown, path: ConfigPath, sparkplug: boolean): MqttCommands | undefined {
  const o = r.object(value, path, ['topic', 'writable']);
  if (!o) return undefined;
  const topic = sparkplug ? '' : (r.str(o, 'topic', path, { required: true }) ?? '');
  if (!sparkplug && topic && !/(^|\/)(#|\+)$/.test(topic)) r.expected([...path, 'topic'], "a topic filter ending in /# or /+ (the variable path is what it matches: 'vplc/line1/set/#')", topic);
  if (o.writable === undefined) r.error('E6005', path, "missing key 'writable' (the variables MQTT may write)");
  return { topic, writable: selectors(r, o, 'writable', path) };
}

function store(r: ConfigReader, o: Record<string, unknown>, path: ConfigPath): MqttStoreConfig {
  const p = [...path, 'store'];
  const s = o.store === undefined ? {} : (r.object(o.store, p, ['dir', 'maxMessages', 'maxBytes', 'maxAgeS', 'fsync', 'fsyncMs']) ?? {});
  const cfg: MqttStoreConfig = {
    maxMessages: r.int(s, 'maxMessages', p, 1, 100_000_000, 100_000),
    maxBytes: r.int(s, 'maxBytes', p, 1024, 2 ** 40, 64 * 1024 * 1024),
    maxAgeMs: r.int(s, 'maxAgeS', p, 0, 10 * 365 * 86400, 86400) * 1000,
    fsync: r.str(s, 'fsync', p, { oneOf: ['always', 'periodic', 'never'] as const, def: 'periodic' }) ?? 'periodic',
    fsyncMs: r.int(s, 'fsyncMs', p, 1, 3_600_000, 200),
  };
  const dir = r.str(s, 'dir', p);
  if (dir) cfg.dir = dir;
  return cfg;
}

export const MQTT_GATEWAY: ServerDriverFactory<MqttConfig> = {
  key: 'mqtt',
  validate,
  async create(config, ctx) {
    // MQTT.js (and protobufjs for Sparkplug) are loaded only when a gateway is configured
    const { MqttGateway } = await import('./mqtt-gateway.js');
    return new MqttGateway(config, ctx);
  },
};
