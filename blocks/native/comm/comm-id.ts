/**
 * The ID of a communication FB as 4diac writes it: layers from the top, `fbdk[].ip[host:port]`,
 * `raw[].ip[host:port]`, `fbdk[].mqtt[tcp://host:1883, clientId, topic]` or `raw[].mqtt[…]`;
 * a bare `host:port` is FORTE's default, `fbdk[].ip[host:port]`, and a bare `mqtt[…]` is taken
 * as `fbdk[].mqtt[…]` (FORTE has no encoding layer then and cannot send data).
 */
export type CommEncoding = 'fbdk' | 'raw';

export interface IpCommId {
  layer: 'ip';
  /** how data is put on the wire: the compliance profile's encoding, or one STRING as its bytes */
  encoding: CommEncoding;
  host: string;
  port: number;
  /** an IPv4 multicast group (224.0.0.0/4): PUBLISH sends to it, SUBSCRIBE joins it */
  multicast: boolean;
}

/** FORTE's `mqtt[broker-url, client-id, topic]`: one broker connection per URL and client ID. */
export interface MqttCommId {
  layer: 'mqtt';
  encoding: CommEncoding;
  /** the broker as MQTT.js takes it: mqtt://host:port (FORTE's Paho spelling tcp:// accepted) */
  broker: string;
  clientId: string;
  topic: string;
}

export type CommId = IpCommId | MqttCommId;

const LAYER = /^([A-Za-z][A-Za-z0-9_]*)\[([^\]]*)\]$/;

/** Parse an ID; a string is the reason it is not one. */
export function parseCommId(text: string): CommId | string {
  const id = text.trim();
  if (id === '') return 'the ID is empty';
  let encoding: CommEncoding = 'fbdk';
  let address = id;
  if (id.includes('[')) {
    // split at the dots between layers (addresses in brackets contain dots)
    const layers = id.match(/[A-Za-z][A-Za-z0-9_]*\[[^\]]*\]/g) ?? [];
    if (layers.join('.') !== id) return `'${id}' is not a layer list such as fbdk[].ip[127.0.0.1:61500]`;
    const parsed = layers.map((l) => LAYER.exec(l)!);
    const names = parsed.map((m) => m[1]!.toLowerCase());
    const bottom = parsed.findIndex((m) => ['ip', 'mqtt'].includes(m[1]!.toLowerCase()));
    if (bottom < 0) return `'${id}' has no ip[host:port] or mqtt[broker, clientId, topic] layer`;
    if (bottom !== names.length - 1) return `'${id}': ${parsed[bottom]![1]}[…] must be the last layer`;
    const top = names[0]!;
    if (top === 'raw') encoding = 'raw';
    else if (top !== 'fbdk' && bottom !== 0) return `the layer ${parsed[0]![1]} is not supported (fbdk, raw, ip and mqtt are)`;
    if (names.length > 2) return `'${id}' has more layers than an encoding and ip[…] or mqtt[…]`;
    if (names[bottom] === 'mqtt') return parseMqtt(parsed[bottom]![2]!, encoding);
    address = parsed[bottom]![2]!;
  }
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) return `'${address}' is not host:port`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `port ${m[2]} is out of range`;
  const host = m[1]! === '' ? '127.0.0.1' : m[1]!;
  const first = /^(\d+)\.\d+\.\d+\.\d+$/.exec(host);
  const multicast = !!first && Number(first[1]) >= 224 && Number(first[1]) <= 239;
  return { layer: 'ip', encoding, host, port, multicast };
}

/** `tcp://host:port, clientId, topic`, parameters separated by commas as FORTE's parser splits them. */
function parseMqtt(params: string, encoding: CommEncoding): MqttCommId | string {
  const parts = params.split(',').map((p) => p.trim());
  if (parts.length !== 3) return `mqtt[${params}] needs three parameters: broker URL, client ID, topic`;
  const [url, clientId, topic] = parts as [string, string, string];
  const u = /^(tcp|mqtt):\/\/([^/:@\s]+)(?::(\d{1,5}))?\/?$/i.exec(url);
  if (!u) {
    if (/^(ssl|mqtts|ws|wss):\/\//i.test(url)) return `the broker URL '${url}': only tcp:// and mqtt:// brokers are supported`;
    return `the broker URL '${url}' is not tcp://host[:port] or mqtt://host[:port]`;
  }
  const port = u[3] === undefined ? 1883 : Number(u[3]);
  if (port < 1 || port > 65535) return `port ${u[3]} is out of range`;
  if (clientId === '') return `mqtt[${params}]: the client ID is empty`;
  if (topic === '') return `mqtt[${params}]: the topic is empty`;
  if (!validTopicFilter(topic)) return `the topic '${topic}' is not an MQTT topic (+ and # stand for whole levels, # last)`;
  return { layer: 'mqtt', encoding, broker: `mqtt://${u[2]!}:${port}`, clientId, topic };
}

/** A topic filter: + a whole level, # the whole last level. */
function validTopicFilter(topic: string): boolean {
  const levels = topic.split('/');
  return levels.every((l, i) => (!l.includes('+') || l === '+') && (!l.includes('#') || (l === '#' && i === levels.length - 1)));
}
