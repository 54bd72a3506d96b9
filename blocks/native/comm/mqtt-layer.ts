import type { MqttClient } from 'mqtt';
import type { MqttCommId } from './comm-id.js';

/**
 * FORTE's MQTT layer (`fbdk[].mqtt[tcp://host:1883, clientId, topic]`) for PUBLISH and
 * SUBSCRIBE: one broker connection per broker URL and client ID, shared by every FB of the
 * thread that names them (FORTE shares one per device), MQTT 3.1.1, QoS 0, not retained, clean
 * session, keep-alive 20 s, as FORTE's Paho client. A lost broker is retried every
 * RECONNECT_MS and each topic subscribed again once it answers. MQTT.js is loaded when the
 * first mqtt[] ID is opened, not before. Received payloads are handed over as they are; the FB
 * decodes them and raises its IND as an external event, as for the ip layer.
 */

/** What a layer tells its FB. */
export interface MqttLayerEvents {
  /** connected (a subscriber: and its topic subscribed): QO = TRUE */
  onUp(): void;
  /** the broker could not be reached, went away or refused the topic: QO = FALSE, retrying */
  onDown(status: string): void;
  onData(bytes: Uint8Array): void;
}

export type MqttRole = 'publish' | 'subscribe';

/** Between connection attempts to a broker that is away. */
export const RECONNECT_MS = 1000;
const KEEPALIVE_S = 20;
const CONNECT_TIMEOUT_MS = 5000;

/** A topic to publish to: no wildcards. */
export const isTopicName = (topic: string): boolean => !/[+#]/.test(topic);

/** MQTT's matching of a topic filter (+ one level, # the rest) against a topic. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** One communication FB on a broker connection. */
export class MqttLayer {
  /** pending: INIT not answered yet; up: QO TRUE; down: QO FALSE while the connection retries */
  state: 'pending' | 'up' | 'down' = 'pending';
  /** the topic filter has + or # */
  readonly wild: boolean;

  constructor(private readonly connection: BrokerConnection, readonly topic: string, readonly role: MqttRole, readonly events: MqttLayerEvents) {
    this.wild = !isTopicName(topic);
  }

  accepts(topic: string): boolean {
    return this.role === 'subscribe' && (this.topic === topic || (this.wild && matches(this.topic, topic)));
  }

  /** undefined when handed to the client, else FORTE's STATUS (SEND_FAILED while the broker is away) */
  send(bytes: Uint8Array): string | undefined {
    return this.connection.publish(this.topic, bytes);
  }

  close(): void {
    this.connection.remove(this);
  }
}

const connections = new Map<string, BrokerConnection>();

class BrokerConnection {
  private client: MqttClient | undefined;
  private connected = false;
  /** a first attempt has ended: a new layer can be answered at once */
  private attempted = false;
  private closed = false;
  /** topics subscribed in this session (cleared when it ends: clean session) */
  private readonly subscribed = new Set<string>();
  private readonly layers = new Set<MqttLayer>();

  constructor(private readonly key: string, private readonly broker: string, private readonly clientId: string) {
    import('mqtt').then(
      (m) => this.connect(m.connect ?? m.default.connect),
      () => {
        this.attempted = true;
        for (const l of this.layers) this.down(l, 'NO_SOCKET');
      },
    );
  }

  add(layer: MqttLayer): void {
    this.layers.add(layer);
    if (this.connected) this.bringUp(layer, false);
    else if (this.attempted) layer.state = 'down';
  }

  remove(layer: MqttLayer): void {
    if (!this.layers.delete(layer)) return;
    const c = this.client;
    if (layer.role === 'subscribe' && ![...this.layers].some((l) => l.role === 'subscribe' && l.topic === layer.topic)) {
      if (this.subscribed.delete(layer.topic) && this.connected) c?.unsubscribe(layer.topic);
    }
    if (this.layers.size > 0) return;
    this.closed = true;
    connections.delete(this.key);
    c?.end(true);
  }

  publish(topic: string, bytes: Uint8Array): string | undefined {
    if (!this.connected || !this.client) return 'SEND_FAILED';
    // a copy: the FB's encoder reuses its buffer, MQTT.js writes later
    this.client.publish(topic, Buffer.from(bytes), { qos: 0, retain: false });
    return undefined;
  }

  private connect(connect: typeof import('mqtt').connect): void {
    if (this.closed) return;
    const client = connect(this.broker, {
      clientId: this.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: KEEPALIVE_S,
      reconnectPeriod: RECONNECT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // nothing waits for a broker that is away: a REQ then answers SEND_FAILED, as FORTE's
      queueQoSZero: false,
      // subscriptions are made again here, so that each FB learns when its topic is back
      resubscribe: false,
    });
    this.client = client;
    client.on('connect', () => {
      this.connected = true;
      this.attempted = true;
      this.subscribed.clear();
      for (const l of this.layers) this.bringUp(l, true);
    });
    client.on('close', () => {
      this.connected = false;
      this.attempted = true;
      this.subscribed.clear();
      if (!this.closed) for (const l of this.layers) this.down(l, 'TERMINATED');
    });
    // refused, unreachable, timed out: 'close' follows and MQTT.js tries again
    client.on('error', () => {});
    client.on('message', (topic, payload) => {
      for (const l of this.layers) if (l.accepts(topic)) l.events.onData(payload);
    });
  }

  /** A layer on a live connection: a publisher is ready, a subscriber once its topic is granted. */
  private bringUp(layer: MqttLayer, tell: boolean): void {
    if (layer.role === 'publish' || this.subscribed.has(layer.topic)) {
      if (tell) this.up(layer);
      else layer.state = 'up';
      return;
    }
    const client = this.client!;
    client.subscribe(layer.topic, { qos: 0 }, (err, granted) => {
      if (this.client !== client || !this.connected || !this.layers.has(layer)) return;
      if (err || !granted || granted.some((g) => g.qos === 128)) return this.down(layer, 'TERMINATED');
      this.subscribed.add(layer.topic);
      for (const l of this.layers) if (l.role === 'subscribe' && l.topic === layer.topic) this.up(l);
    });
  }

  private up(layer: MqttLayer): void {
    if (layer.state === 'up') return;
    layer.state = 'up';
    layer.events.onUp();
  }

  private down(layer: MqttLayer, status: string): void {
    if (layer.state === 'down') return;
    layer.state = 'down';
    layer.events.onDown(status);
  }
}

/** The layer of one FB on the connection for its broker and client ID (made on first use). */
export function openMqttLayer(id: MqttCommId, role: MqttRole, events: MqttLayerEvents): MqttLayer {
  const key = `${id.broker}\n${id.clientId}`;
  let c = connections.get(key);
  if (!c) {
    c = new BrokerConnection(key, id.broker, id.clientId);
    connections.set(key, c);
  }
  const layer = new MqttLayer(c, id.topic, role, events);
  c.add(layer);
  return layer;
}
