import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Application, ResourceModel } from '../compiler/application.js';
import { DeviceStatus } from './device-status.js';
import type { IoDriver, ServerContext } from './driver.js';
import type { MqttConfig } from './mqtt-config.js';
import { JsonPublication, type OutgoingMessage } from './mqtt-publisher.js';
import { inputWriters } from './mqtt-quality.js';
import { find, matchesAny, select } from './mqtt-selection.js';
import { catalog, catalog61499, leavesOf, type CatalogVar } from './variable-catalog.js';
import { MessageStore, type StoredMessage } from './mqtt-store.js';
import { commandValue } from './mqtt-value.js';
import { SparkplugNode } from './sparkplug-node.js';

/** How long a stop waits for the broker (the NDEATH, the DISCONNECT) before it closes the connection. */
const STOP_WAIT_MS = 1000;

/** QoS 1 messages handed to the client and not yet acknowledged, at most. */
const IN_FLIGHT = 256;

/** What the gateway counts, beside the connection's health in `status`. */
export interface MqttCounters {
  published: number;
  /** QoS 0 messages not sent because the broker was unreachable */
  skipped: number;
  commands: number;
  refused: number;
}

/**
 * The MQTT gateway: publishes the resource's variables to a broker (JSON or Sparkplug B),
 * applies commands at the next scan boundary, and keeps QoS 1 messages in the store while
 * the broker is away. It runs in the main thread and sees the scan only through the variables
 * the engine samples at scan boundaries; a slow or dead broker never waits a scan.
 */
export class MqttGateway implements IoDriver {
  readonly name = 'mqtt';
  readonly status = new DeviceStatus('mqtt');
  readonly counters: MqttCounters = { published: 0, skipped: 0, commands: 0, refused: 0 };
  store!: MessageStore;
  private client: MqttClient | undefined;
  private all: CatalogVar[] = [];
  private publications: JsonPublication[] = [];
  private sparkplug: SparkplugNode | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastRaw: Record<string, unknown> | undefined;
  private inFlight = 0;
  private resource = '';
  private commandPrefix = '';
  private stopping = false;
  private sampled = false;
  private iec61499 = false;
  private birthDue = false;

  constructor(
    private readonly cfg: MqttConfig,
    private readonly ctx: ServerContext,
  ) {}

  async start(): Promise<void> {
    const { app, model } = this.resourceModel();
    this.resource = model.name;
    this.iec61499 = model.kind === '61499';
    this.all = model.kind === '61131' ? catalog(app, model.model) : catalog61499(app, model.name, (n) => (app.iec61499?.origin === 'sys' && n.device ? `${n.device}.${n.name}` : n.name));
    const writers = inputWriters(this.all, this.ctx.devices ?? []);
    const names = { resource: model.name, clientId: this.cfg.clientId };
    const problems: string[] = [];
    const pick = (selectors: readonly string[], at: string): CatalogVar[] => {
      const seen = new Set<string>();
      const out: CatalogVar[] = [];
      for (const s of selectors) {
        const hit = select(this.all, s);
        if (typeof hit === 'string') problems.push(`mqtt.${at}: ${hit}`);
        else for (const v of hit) if (!seen.has(v.path.toUpperCase())) (seen.add(v.path.toUpperCase()), out.push(v));
      }
      return out;
    };
    this.cfg.publications.forEach((p, i) => {
      const vars = pick(p.vars, `publications[${i}].vars`);
      let trigger: CatalogVar | undefined;
      if (p.trigger) {
        trigger = find(this.all, p.trigger);
        if (!trigger || trigger.type.kind !== 'elementary' || trigger.type.name !== 'BOOL') problems.push(`mqtt.publications[${i}].trigger: '${p.trigger}' is not a BOOL variable of the resource`);
      }
      this.publications.push(new JsonPublication(p, vars, names, writers, trigger));
    });
    this.cfg.commands?.writable.forEach((s, i) => void pick([s], `commands.writable[${i}]`));
    if (problems.length) throw new Error(`${this.ctx.configFile ? `${this.ctx.configFile}: ` : ''}${problems.join('; ')} (resource ${model.name})`);
    if (!this.ctx.vars) throw new Error(`mqtt: the variables of resource ${model.name} cannot be sampled`);

    const dir = this.ctx.configDir ?? '.';
    this.store = new MessageStore(this.cfg.store, this.cfg.store.dir ? resolve(dir, this.cfg.store.dir) : undefined);
    this.store.open();
    if (this.store.recovered) this.ctx.log(`mqtt: ${this.store.recovered} queued message(s) from the last run will be sent`);
    if (this.cfg.sparkplug) {
      const metrics = this.publications.flatMap((p) => p.vars.flatMap(leavesOf));
      this.sparkplug = new SparkplugNode(this.cfg.sparkplug, this.cfg.sparkplug.deviceId ?? model.name, metrics, writers, {
        send: (m) => this.sendDirect(m),
        write: (path, value, via) => this.command(path, value, via),
      });
      this.publications = [];
    }
    this.connect(dir);
    this.timer = setInterval(() => this.sample(), this.cfg.samplingMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    const c = this.client;
    this.client = undefined;
    this.status.ok = false;
    if (c) {
      // a stalled broker must not hold up the stop: what is not acknowledged stays in the store
      const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
      // a clean disconnect: the broker does not send the will, so Sparkplug's NDEATH is sent here
      if (this.sparkplug && c.connected) await bounded(new Promise<void>((r) => c.publish(this.sparkplug!.deathTopic(), this.sparkplug!.death(), { qos: 0 }, () => r())));
      if (c.connected) await bounded(c.endAsync(false));
      c.end(true);
    }
    this.store?.close();
  }

  /** The resource whose variables the engine samples for the I/O (`resource:` of plc.yaml, default the first). */
  private resourceModel(): { app: Application; model: { kind: '61131'; name: string; model: ResourceModel } | { kind: '61499'; name: string } } {
    const app = this.ctx.app;
    if (!app) throw new Error('mqtt: no application to publish');
    const want = this.ctx.resource?.toLowerCase();
    const model = app.resources.find((r) => want === undefined || r.name.toLowerCase() === want);
    if (model) return { app, model: { kind: '61131', name: model.name, model } };
    const nets = app.iec61499?.resources ?? [];
    const key = (n: { device?: string; name: string }) => (app.iec61499?.origin === 'sys' && n.device ? `${n.device}.${n.name}` : n.name);
    const net = nets.find((n) => want === undefined || key(n).toLowerCase() === want);
    if (net) return { app, model: { kind: '61499', name: key(net) } };
    throw new Error(`mqtt: no resource${want ? ` ${this.ctx.resource}` : ''} to publish`);
  }

  private connect(dir: string): void {
    const cfg = this.cfg;
    const file = (f: string | undefined) => (f ? readFileSync(resolve(dir, f)) : undefined);
    const ca = file(cfg.ca);
    const cert = file(cfg.cert);
    const key = file(cfg.key);
    const will = this.sparkplug
      ? { topic: this.sparkplug.deathTopic(), payload: this.sparkplug.death(), qos: 1 as const, retain: false }
      : cfg.will
        ? { topic: cfg.will.topic, payload: Buffer.from(cfg.will.payload), qos: cfg.will.qos, retain: cfg.will.retain }
        : undefined;
    const options: IClientOptions = {
      clientId: cfg.clientId,
      keepalive: cfg.keepAliveS,
      clean: cfg.cleanStart,
      reconnectPeriod: cfg.reconnectMs,
      connectTimeout: Math.max(2000, cfg.reconnectMs * 2),
      protocolVersion: 4,
      // what is not acknowledged is this gateway's to send again (from its store), not MQTT.js's
      queueQoSZero: false,
      resubscribe: true,
      rejectUnauthorized: cfg.rejectUnauthorized,
      ...(cfg.username !== undefined ? { username: cfg.username } : {}),
      ...(cfg.password !== undefined ? { password: cfg.password } : {}),
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(will ? { will } : {}),
    };
    const client = mqtt.connect(cfg.url, options);
    this.client = client;
    client.on('connect', () => {
      this.status.ok = true;
      this.status.inputsBad = false;
      this.status.success(0);
      this.ctx.log(`mqtt: connected to ${cfg.url}`);
      if (this.cfg.commands && !this.sparkplug) {
        const t = this.cfg.commands.topic;
        this.commandPrefix = t.slice(0, -1);
        client.subscribe(t, { qos: 1 });
      }
      if (this.sparkplug) {
        client.subscribe(this.sparkplug.commandTopics(), { qos: 0 });
        // births at the next sample: they carry every metric's value
        this.birthDue = true;
      }
      this.store.enforce();
      this.pump();
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => {
      if (this.status.ok) this.ctx.log(`mqtt: connection to ${cfg.url} lost; queueing QoS 1 messages`);
      this.status.ok = false;
      this.status.inputsBad = true;
      // what was in flight is sent again from the store, in order, once connected
      for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
      this.store.unsendAll();
      this.inFlight = 0;
      if (this.sparkplug && !this.stopping) {
        this.sparkplug.lost();
        client.options.will = { topic: this.sparkplug.deathTopic(), payload: this.sparkplug.death(), qos: 1, retain: false };
      }
    });
    client.on('error', (e) => {
      // once per kind of failure, not at every retry
      if (e.message !== this.status.lastError) this.ctx.log(`mqtt: ${cfg.url}: ${e.message}; retrying every ${cfg.reconnectMs} ms`);
      this.status.failure(e.message);
      this.status.reconnects++;
    });
  }

  /** Take the variables as last sampled at a scan boundary and publish what is due. */
  private sample(): void {
    const raw = this.ctx.vars!.readVars();
    const fresh = raw !== this.lastRaw;
    this.lastRaw = raw;
    if (!this.sampled) {
      // nothing to publish before the engine's first sample has arrived
      if (Object.keys(raw).length === 0) return;
      this.sampled = true;
    }
    const now = Date.now();
    if (this.sparkplug) {
      if (!this.client?.connected) return;
      if (this.birthDue) {
        this.birthDue = false;
        this.sparkplug.born(raw, now);
      } else if (fresh) this.sparkplug.data(raw, now);
      return;
    }
    const out: OutgoingMessage[] = [];
    for (const p of this.publications) if (fresh || p.cfg.mode === 'period' || p.cfg.periodMs > 0) p.collect(raw, now, out);
    if (out.length === 0) return;
    const durable: OutgoingMessage[] = [];
    for (const m of out) {
      if (m.qos === 1) durable.push(m);
      else this.sendDirect(m);
    }
    if (durable.length) {
      this.store.append(durable, now);
      this.pump();
    }
  }

  /** QoS 0 (and Sparkplug) messages: sent when connected, else skipped and counted. */
  private sendDirect(m: OutgoingMessage): void {
    const c = this.client;
    if (!c?.connected) {
      this.counters.skipped++;
      return;
    }
    this.counters.published++;
    c.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain });
  }

  /** Hand queued QoS 1 messages to the client, oldest first, while connected. */
  private pump(): void {
    const c = this.client;
    while (c?.connected && this.inFlight < IN_FLIGHT) {
      const m = this.store.nextUnsent();
      if (!m) return;
      m.sent = true;
      this.inFlight++;
      c.publish(m.topic, m.payload, { qos: 1, retain: m.retain }, (err) => this.settled(m, err));
    }
  }

  private settled(m: StoredMessage, err: Error | undefined): void {
    if (this.inFlight > 0) this.inFlight--;
    if (err) return; // removed on a lost connection: sent again from the store
    this.counters.published++;
    this.store.ack(m);
    this.pump();
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.sparkplug) {
      this.sparkplug.onCommand(topic, payload);
      return;
    }
    if (!this.commandPrefix || !topic.startsWith(this.commandPrefix)) return;
    const path = topic.slice(this.commandPrefix.length).replace(/\//g, '.');
    const text = payload.toString('utf8');
    let value: unknown = text;
    try {
      const j = JSON.parse(text) as unknown;
      value = j !== null && typeof j === 'object' && !Array.isArray(j) && 'value' in j ? (j as { value: unknown }).value : j;
    } catch {
      // not JSON: a literal such as T#2s or Mode#Fast
    }
    this.command(path, value, topic);
  }

  /**
   * Write `path` from MQTT at the next scan boundary, after the checks: a variable of the
   * resource, listed writable, not a constant nor an input, the value of its type and range.
   * The outcome is reported on the status topic. Returns the error, if refused.
   */
  private command(path: string, value: unknown, via: string): string | undefined {
    this.counters.commands++;
    const v = find(this.all, path);
    let error: string | undefined;
    let converted: unknown;
    if (!v) error = `${path}: no such variable in resource ${this.resource}`;
    else if (this.iec61499) error = `${v.path}: variables of IEC 61499 resources cannot be written from outside (the engine does not take writes to them)`;
    else if (v.decl.constant) error = `${v.path} is a constant`;
    else if (v.input) error = `${v.path} is an input${v.location ? ` (${v.location})` : ''}: the process writes it`;
    else if (!matchesAny(this.all, this.cfg.commands?.writable ?? [], v)) error = `${v.path} is not writable from MQTT (not listed in mqtt.commands.writable)`;
    else {
      const c = commandValue(v.type, value);
      if (typeof c === 'string') error = `${v.path}: ${c}`;
      else converted = c.value;
    }
    if (!error && v) {
      try {
        if (v.index !== undefined) {
          // one element: the array as last sampled with that element changed
          const arr = Array.from((this.ctx.vars!.readVars()[v.key!] ?? []) as ArrayLike<unknown>);
          arr[v.index] = converted;
          this.ctx.vars!.writeVar(v.key!, arr);
        } else {
          this.ctx.vars!.writeVar(v.path, converted);
        }
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    if (error) {
      this.counters.refused++;
      this.ctx.log(`mqtt: command refused: ${error}`);
    }
    const report = { timestamp: Date.now(), command: via, path: v?.path ?? path, ok: !error, ...(error ? { error } : {}) };
    this.sendDirect({ topic: this.cfg.statusTopic, payload: Buffer.from(JSON.stringify(report)), qos: 1, retain: false });
    return error;
  }
}
