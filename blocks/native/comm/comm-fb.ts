import type { TypeInfo } from '../../../compiler/application.js';
import { NativeFb, type NativeBlock, type NativeContext, type RestartMode } from '../native-fb.js';
import { Asn1Reader, Asn1Writer, encodeMessage, NULL_TAG, typeOfTag, type Asn1ReadError } from './asn1.js';
import { parseCommId, type CommId, type MqttCommId } from './comm-id.js';
import { tcpClient, tcpServer, udpPublisher, udpSubscriber, type Transport, type TransportEvents } from './ip-transport.js';
import { isTopicName, openMqttLayer, type MqttLayer, type MqttLayerEvents } from './mqtt-layer.js';
import { typeInfoOfValue } from './port-type.js';

/**
 * FORTE's communication service interface FBs: PUBLISH_n / SUBSCRIBE_n (UDP, unicast or a
 * multicast group, or an MQTT broker) and CLIENT_n_m / SERVER_n_m (TCP), with INIT/INITO,
 * REQ/CNF, IND/RSP, QI/QO/STATUS and SD_k/RD_k of any type. INIT opens the socket (or broker
 * connection) named by ID, INIT with QI = FALSE closes it. What arrives enters the resource as an external event (IND, CNF, INITO),
 * as in FORTE. Failures are values: QO = FALSE, STATUS one of FORTE's texts (INVALID_ID,
 * NO_SOCKET, TERMINATED, DATA_TYPE_ERROR, RECV_FAILED, INHIBITED, SEND_FAILED), counted in the
 * FB's metrics; the resource goes on.
 */

export type CommKind = 'publish' | 'subscribe' | 'client' | 'server';

/** Per communication FB: messages sent and taken, failures, the last latency (µs). */
export interface CommMetrics {
  messagesIn: number;
  messagesOut: number;
  errors: number;
  /** SUBSCRIBE/SERVER: from receipt to the end of the IND chain; CLIENT: REQ to CNF; PUBLISH: the send */
  lastLatencyUs: number;
}

const INIT = 0;
const INITO = 0;
/** REQ (PUBLISH, CLIENT) or RSP (SUBSCRIBE, SERVER) */
const DATA_IN = 1;
/** CNF (PUBLISH, CLIENT) or IND (SUBSCRIBE, SERVER) */
const DATA_OUT = 1;

function zeroOf(t: TypeInfo): unknown {
  switch (t.kind) {
    case 'array': return Array.from({ length: t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1) }, () => zeroOf(t.element));
    case 'struct': return Object.fromEntries(t.fields.map((f) => [f.prop, zeroOf(f.type)]));
    case 'string': return '';
    case 'elementary': return t.name === 'BOOL' ? false : ['LINT', 'ULINT', 'LWORD'].includes(t.name) ? 0n : 0;
    default: return 0;
  }
}

const nowUs = (): number => performance.now() * 1000;

export class CommFb extends NativeFb implements TransportEvents, MqttLayerEvents {
  QI = false;
  ID = '';
  QO = false;
  STATUS = '';
  readonly $metrics: CommMetrics = { messagesIn: 0, messagesOut: 0, errors: 0, lastLatencyUs: 0 };
  /** RD port → the type of the value it holds, for an RD that takes the type on the wire (READ names it) */
  readonly $portTypes: Record<string, string> = {};
  [port: string]: unknown;
  private transport: Transport | undefined;
  private id: CommId | undefined;
  private sdTypes: TypeInfo[] | undefined;
  private readonly rdTypes: (TypeInfo | undefined)[] = [];
  private readonly sdNames: string[];
  private readonly rdNames: string[];
  private readonly writer = new Asn1Writer();
  private readonly rdValues: unknown[];
  private readonly sdValues: unknown[];
  /** bytes of a TCP stream not yet a whole message */
  private stream: Uint8Array = new Uint8Array(0);
  private requestAtUs = 0;

  // the metrics as the .fbt's internal variables: in `vars`, the console and watches
  get MessagesIn(): number { return this.$metrics.messagesIn; }
  get MessagesOut(): number { return this.$metrics.messagesOut; }
  get Errors(): number { return this.$metrics.errors; }
  get LastLatencyUs(): number { return this.$metrics.lastLatencyUs; }

  constructor(ctx: NativeContext, readonly kind: CommKind, sd: number, rd: number) {
    super(ctx);
    this.$usesEventLoop = true;
    this.sdNames = Array.from({ length: sd }, (_, k) => `SD_${k + 1}`);
    this.rdNames = Array.from({ length: rd }, (_, k) => `RD_${k + 1}`);
    for (const n of this.sdNames) this[n] = 0;
    for (const n of this.rdNames) this[n] = 0;
    this.rdValues = new Array<unknown>(rd);
    this.sdValues = new Array<unknown>(sd);
  }

  override $prepare(): void {
    // RD ports take the type of what they feed; ARRAY and STRUCT storage is made once, here
    for (let k = 0; k < this.rdNames.length; k++) {
      const t = this.$ctx.portType?.(this, this.rdNames[k]!);
      // the network was edited in place and the port kept its type: the received value stays
      const same = t !== undefined && JSON.stringify(t) === JSON.stringify(this.rdTypes[k]);
      this.rdTypes[k] = t;
      if (t && !same && (t.kind === 'array' || t.kind === 'struct' || t.kind === 'string' || t.kind === 'elementary')) this[this.rdNames[k]!] = zeroOf(t);
    }
  }

  override $dispose(): void {
    this.closeTransport();
  }

  override $restart(mode: RestartMode): void {
    if (mode === 'STOP') this.closeTransport();
  }

  $event(ei: number): void {
    if (ei === INIT) return this.init();
    if (ei === DATA_IN) return this.request();
  }

  // ---------------------------------------------------------------- TransportEvents

  onOpen(ok: boolean, status: string): void {
    this.QO = ok;
    this.STATUS = status;
    if (!ok) {
      this.$metrics.errors++;
      this.transport = undefined;
    }
    this.$ctx.external?.(this, INITO);
  }

  onClosed(status: string): void {
    this.transport?.close();
    this.transport = undefined;
    this.QO = false;
    this.STATUS = status;
    this.$metrics.errors++;
    this.$ctx.external?.(this, INITO);
  }

  /** MQTT: the broker (and the topic) is there again, or for the first time */
  onUp(): void {
    this.QO = true;
    this.STATUS = 'OK';
    this.$ctx.external?.(this, INITO);
  }

  /** MQTT: the broker is away; the layer stays open and reconnects */
  onDown(status: string): void {
    this.QO = false;
    this.STATUS = status;
    this.$metrics.errors++;
    this.$ctx.external?.(this, INITO);
  }

  onData(bytes: Uint8Array): void {
    const at = nowUs();
    if (this.kind === 'subscribe') {
      // a datagram is one message, whole or wrong
      const r = this.decode(bytes);
      this.deliver(typeof r === 'number' ? undefined : r, at);
      return;
    }
    if (this.kind === 'publish') return;
    this.stream = this.stream.length === 0 ? bytes : Buffer.concat([this.stream, bytes]);
    while (this.stream.length > 0) {
      const r = this.decode(this.stream);
      if (r === 'truncated') return; // the rest of the message is still on its way
      if (typeof r === 'number') this.stream = this.stream.subarray(r);
      else this.stream = new Uint8Array(0);
      this.deliver(typeof r === 'number' ? undefined : r, this.kind === 'client' ? this.requestAtUs : at);
    }
  }

  // ---------------------------------------------------------------- internals

  private init(): void {
    this.closeTransport();
    if (!this.QI) {
      this.QO = false;
      this.STATUS = 'TERMINATED';
      this.$emit(INITO);
      return;
    }
    const id = parseCommId(String(this.ID));
    if (typeof id === 'string' || !this.$ctx.external) {
      this.QO = false;
      this.STATUS = 'INVALID_ID';
      this.$metrics.errors++;
      this.$emit(INITO);
      return;
    }
    if (id.encoding === 'raw' && (this.sdNames.length > 1 || this.rdNames.length > 1)) {
      this.QO = false;
      this.STATUS = 'INVALID_ID';
      this.$metrics.errors++;
      this.$emit(INITO);
      return;
    }
    this.id = id;
    this.stream = new Uint8Array(0);
    if (id.layer === 'mqtt') return this.openMqtt(id);
    switch (this.kind) {
      case 'publish':
        // sending needs no peer: ready at once, as FORTE's INITO+
        this.transport = udpPublisher(id, { onOpen: () => {}, onData: () => {}, onClosed: (s) => this.onClosed(s) });
        this.QO = true;
        this.STATUS = 'OK';
        this.$emit(INITO);
        return;
      case 'subscribe': this.transport = udpSubscriber(id, this); return;
      case 'client': this.transport = tcpClient(id, this); return;
      case 'server': this.transport = tcpServer(id, this); return;
    }
  }

  private openMqtt(id: MqttCommId): void {
    // FORTE's MQTT layer has no CLIENT/SERVER (its INIT answers TERMINATED); a topic to publish to has no wildcards
    const refused = this.kind === 'client' || this.kind === 'server' ? 'TERMINATED'
      : this.kind === 'publish' && !isTopicName(id.topic) ? 'INVALID_ID' : undefined;
    if (refused) {
      this.QO = false;
      this.STATUS = refused;
      this.$metrics.errors++;
      this.$emit(INITO);
      return;
    }
    const layer: MqttLayer = openMqttLayer(id, this.kind === 'publish' ? 'publish' : 'subscribe', this);
    this.transport = layer;
    // the shared connection may answer at once; else onUp/onDown answer INIT as external events
    if (layer.state === 'pending') return;
    this.QO = layer.state === 'up';
    this.STATUS = this.QO ? 'OK' : 'TERMINATED';
    if (!this.QO) this.$metrics.errors++;
    this.$emit(INITO);
  }

  private request(): void {
    // as FORTE: a refused REQ or RSP is answered with CNF or IND, QO = FALSE
    if (!this.QI) return this.refuse('INHIBITED');
    if (this.kind === 'subscribe') return; // RSP: nothing to send back over UDP
    if (!this.transport) return this.refuse('NO_SOCKET');
    const start = nowUs();
    let bytes: Uint8Array;
    try {
      bytes = this.encode();
    } catch {
      return this.refuse('DATA_TYPE_ERROR');
    }
    const failed = this.transport.send(bytes);
    if (failed && this.kind === 'server') {
      // FORTE's SERVER says nothing when its client is gone: it listens for the next one
      this.$metrics.errors++;
      return;
    }
    if (failed) return this.refuse(failed);
    this.$metrics.messagesOut++;
    if (this.kind === 'publish') {
      this.$metrics.lastLatencyUs = nowUs() - start;
      this.QO = true;
      this.STATUS = 'OK';
      this.$emit(DATA_OUT);
    } else if (this.kind === 'client') {
      this.requestAtUs = start; // CNF comes with the response
    }
  }

  private refuse(status: string): void {
    this.QO = false;
    this.STATUS = status;
    this.$metrics.errors++;
    this.$emit(DATA_OUT);
  }

  private encode(): Uint8Array {
    for (let k = 0; k < this.sdNames.length; k++) this.sdValues[k] = this[this.sdNames[k]!];
    if (this.id?.encoding === 'raw') return Buffer.from(String(this.sdValues[0] ?? ''), 'utf8');
    // SD types: of the ports they are connected to, else of the parameter's value
    this.sdTypes ??= this.sdNames.map((n, k) => this.$ctx.portType?.(this, n) ?? typeInfoOfValue(this.sdValues[k]));
    return encodeMessage(this.writer, this.sdTypes, this.sdValues);
  }

  private decode(bytes: Uint8Array): number | Asn1ReadError {
    if (this.id?.encoding === 'raw') {
      if (this.rdNames.length === 1) this[this.rdNames[0]!] = Buffer.from(bytes).toString('utf8');
      return bytes.length;
    }
    // an unconnected RD takes the type the sender put on the wire (elementary types and strings)
    const r = new Asn1Reader(bytes);
    if (this.rdNames.length === 0) {
      if (bytes[0] !== NULL_TAG) return 'type';
      r.pos = 1;
    }
    for (let k = 0; k < this.rdNames.length; k++) {
      const t = this.rdTypes[k] ?? typeOfTag(bytes[r.pos] ?? 0);
      if (!t) return r.pos >= bytes.length ? 'truncated' : 'type';
      if (!this.rdTypes[k]) this.$portTypes[this.rdNames[k]!] = t.kind === 'elementary' ? t.name : t.kind === 'string' && t.wide ? 'WSTRING' : 'STRING';
      this.rdValues[k] = r.dataPoint(t, this[this.rdNames[k]!]);
      if (r.error) return r.error;
    }
    // elementary values are taken whole or not at all (ARRAY and STRUCT storage is filled as read)
    for (let k = 0; k < this.rdNames.length; k++) this[this.rdNames[k]!] = this.rdValues[k];
    return r.pos;
  }

  private deliver(error: Asn1ReadError | undefined, sinceUs: number): void {
    if (error) {
      this.$metrics.errors++;
      this.QO = false;
      this.STATUS = error === 'type' ? 'DATA_TYPE_ERROR' : 'RECV_FAILED';
    } else {
      this.$metrics.messagesIn++;
      this.QO = true;
      this.STATUS = 'OK';
    }
    this.$ctx.external?.(this, DATA_OUT);
    if (!error) this.$metrics.lastLatencyUs = nowUs() - sinceUs;
  }

  private closeTransport(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}

const MAX_PUBLISH = 8;
const MAX_CLIENT = 5;

function block(name: string, kind: CommKind, sd: number, rd: number): NativeBlock {
  const sends = kind === 'publish' || kind === 'client';
  return {
    name,
    events: { inputs: ['INIT', sends ? 'REQ' : 'RSP'], outputs: ['INITO', sends ? 'CNF' : 'IND'] },
    create: (c) => new CommFb(c, kind, sd, rd),
  };
}

/** PUBLISH_0…8, SUBSCRIBE_0…8, CLIENT_n_m and SERVER_n_m (n, m 0…5), CLIENT_n and SERVER_n. */
export const COMM_BLOCKS: NativeBlock[] = [
  ...Array.from({ length: MAX_PUBLISH + 1 }, (_, n) => [block(`PUBLISH_${n}`, 'publish', n, 0), block(`SUBSCRIBE_${n}`, 'subscribe', 0, n)]).flat(),
  ...Array.from({ length: MAX_CLIENT + 1 }, (_, n) =>
    Array.from({ length: MAX_CLIENT + 1 }, (_, m) => [block(`CLIENT_${n}_${m}`, 'client', n, m), block(`SERVER_${n}_${m}`, 'server', n, m)]).flat(),
  ).flat(),
  ...Array.from({ length: MAX_CLIENT + 1 }, (_, n) => [block(`CLIENT_${n}`, 'client', n, n), block(`SERVER_${n}`, 'server', n, n)]).flat(),
];
