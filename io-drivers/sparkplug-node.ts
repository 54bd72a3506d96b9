import type { TypeInfo } from '../compiler/application.js';
import type { DeviceStatus } from './device-status.js';
import type { SparkplugConfig } from './mqtt-config.js';
import type { OutgoingMessage } from './mqtt-publisher.js';
import { rawValue } from './mqtt-selection.js';
import type { CatalogVar } from './variable-catalog.js';
import { changed, keep } from './mqtt-value.js';
import { decodePayload, encodePayload, SpDataType, type SpMetric } from './sparkplug-codec.js';

/** What the node needs of the gateway. */
export interface SparkplugLink {
  send(m: OutgoingMessage): void;
  /** write a variable from a command (checked there); returns the refusal, if any */
  write(path: string, value: unknown, via: string): string | undefined;
}

interface Metric {
  name: string;
  alias: number;
  leaf: CatalogVar;
  datatype: SpDataType;
  last: unknown;
}

const NAMESPACE = 'spBv1.0';
const REBIRTH = 'Node Control/Rebirth';

/**
 * A Sparkplug B v3.0 edge node with one device (the resource): NBIRTH then DBIRTH with every
 * metric, its datatype and alias on each connection, DDATA with the metrics that changed (by
 * alias), NDEATH as the will carrying the session's bdSeq, seq from 0 to 255 across the
 * node's messages, NCMD `Node Control/Rebirth` answered with new births, DCMD writes.
 * Metric names are the variable paths with `/` for `.` (`Main/level`, `Main/s/x`).
 */
export class SparkplugNode {
  private bdSeq = 0;
  private seq = 0;
  private readonly metrics: Metric[] = [];
  private readonly byName = new Map<string, Metric>();
  private lastRaw: Record<string, unknown> = {};

  constructor(
    private readonly cfg: SparkplugConfig,
    private readonly deviceId: string,
    leaves: readonly CatalogVar[],
    private readonly writers: ReadonlyMap<string, DeviceStatus>,
    private readonly link: SparkplugLink,
  ) {
    const seen = new Set<string>();
    for (const leaf of leaves) {
      for (const l of elements(leaf)) {
        const datatype = dataTypeOf(l.type);
        if (datatype === undefined || seen.has(l.path.toUpperCase())) continue;
        seen.add(l.path.toUpperCase());
        const m: Metric = { name: l.path.replace(/\./g, '/'), alias: this.metrics.length + 1, leaf: l, datatype, last: undefined };
        this.metrics.push(m);
        this.byName.set(m.name.toUpperCase(), m);
      }
    }
  }

  private topic(type: string, device = false): string {
    return `${NAMESPACE}/${this.cfg.groupId}/${type}/${this.cfg.edgeNodeId}${device ? `/${this.deviceId}` : ''}`;
  }

  deathTopic(): string {
    return this.topic('NDEATH');
  }

  /** NDEATH: the bdSeq of the session it ends, no seq. */
  death(): Buffer {
    return encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', datatype: SpDataType.Int64, value: this.bdSeq }] });
  }

  commandTopics(): string[] {
    return [this.topic('NCMD'), this.topic('DCMD', true)];
  }

  /** The session ended: the next one has the next bdSeq (its will is set from it). */
  lost(): void {
    this.bdSeq = (this.bdSeq + 1) % 256;
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) % 256;
    return s;
  }

  /** NBIRTH and DBIRTH, with every metric's current value. */
  born(raw: Record<string, unknown>, now: number): void {
    this.lastRaw = raw;
    this.seq = 0;
    this.link.send({
      topic: this.topic('NBIRTH'),
      payload: encodePayload({
        timestamp: now,
        seq: this.nextSeq(),
        metrics: [
          { name: 'bdSeq', datatype: SpDataType.Int64, value: this.bdSeq, timestamp: now },
          { name: REBIRTH, datatype: SpDataType.Boolean, value: false, timestamp: now },
        ],
      }),
      qos: 0,
      retain: false,
    });
    const metrics = this.metrics.map((m) => {
      m.last = keep(rawValue(m.leaf, raw));
      return { name: m.name, alias: m.alias, timestamp: now, ...this.value(m, m.last) };
    });
    this.link.send({ topic: this.topic('DBIRTH', true), payload: encodePayload({ timestamp: now, seq: this.nextSeq(), metrics }), qos: 0, retain: false });
  }

  /** DDATA with the metrics that changed since last sent (by alias only, as the births gave them). */
  data(raw: Record<string, unknown>, now: number): void {
    this.lastRaw = raw;
    const metrics: SpMetric[] = [];
    for (const m of this.metrics) {
      const v = rawValue(m.leaf, raw);
      if (!changed(m.last, v, 0, 0)) continue;
      m.last = keep(v);
      metrics.push({ alias: m.alias, timestamp: now, ...this.value(m, m.last) });
    }
    if (metrics.length === 0) return;
    this.link.send({ topic: this.topic('DDATA', true), payload: encodePayload({ timestamp: now, seq: this.nextSeq(), metrics }), qos: 0, retain: false });
  }

  /** NCMD (rebirth) and DCMD (writes by name or alias). */
  onCommand(topic: string, payload: Buffer): void {
    let p;
    try {
      p = decodePayload(payload);
    } catch {
      return; // not a Sparkplug payload
    }
    if (topic === this.topic('NCMD')) {
      if (p.metrics.some((m) => m.name === REBIRTH && m.value === true)) this.born(this.lastRaw, Date.now());
      return;
    }
    if (topic !== this.topic('DCMD', true)) return;
    for (const c of p.metrics) {
      const m = c.name !== undefined ? this.byName.get(c.name.toUpperCase()) : this.metrics[(c.alias ?? 0) - 1];
      if (!m) {
        this.link.write(c.name ?? `alias ${c.alias}`, c.value, topic);
        continue;
      }
      this.link.write(m.leaf.path, fromSparkplug(m.leaf.type, c.value), topic);
    }
  }

  /** A metric's value field; bad quality (an input of a lost device) is not sent as a value. */
  private value(m: Metric, raw: unknown): Pick<SpMetric, 'datatype' | 'value' | 'isNull'> {
    const w = m.leaf.key !== undefined ? this.writers.get(m.leaf.key) : undefined;
    if (raw === undefined || (w && w.inputsBad)) return { datatype: m.datatype, isNull: true };
    return { datatype: m.datatype, value: toSparkplug(m.leaf.type, raw) };
  }
}

/** An array leaf as its elements; any other leaf as itself. */
function elements(leaf: CatalogVar): CatalogVar[] {
  const t = leaf.type;
  if (t.kind !== 'array' || leaf.index !== undefined) return [leaf];
  const size = t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
  const lo = t.dims[0]!.lo;
  return Array.from({ length: size }, (_, k) => ({ ...leaf, path: `${leaf.path}[${t.dims.length === 1 ? k + lo : k}]`, type: t.element, index: k }));
}

/** IEC type → Sparkplug datatype; durations and times of day as Double milliseconds, as the OPC UA server does. */
export function dataTypeOf(t: TypeInfo): SpDataType | undefined {
  if (t.kind === 'string') return SpDataType.String;
  if (t.kind === 'enum') return SpDataType.Int32;
  if (t.kind !== 'elementary') return undefined;
  switch (t.name) {
    case 'BOOL': return SpDataType.Boolean;
    case 'SINT': return SpDataType.Int8;
    case 'INT': return SpDataType.Int16;
    case 'DINT': return SpDataType.Int32;
    case 'LINT': return SpDataType.Int64;
    case 'USINT': case 'BYTE': return SpDataType.UInt8;
    case 'UINT': case 'WORD': return SpDataType.UInt16;
    case 'UDINT': case 'DWORD': return SpDataType.UInt32;
    case 'ULINT': case 'LWORD': return SpDataType.UInt64;
    case 'REAL': return SpDataType.Float;
    case 'LREAL': return SpDataType.Double;
    case 'TIME': case 'LTIME': case 'TOD': case 'LTOD': return SpDataType.Double;
    case 'DATE': case 'LDATE': case 'DT': case 'LDT': return SpDataType.DateTime;
    case 'CHAR': case 'WCHAR': return SpDataType.String;
  }
}

function toSparkplug(t: TypeInfo, raw: unknown): SpMetric['value'] {
  if (t.kind === 'elementary') {
    switch (t.name) {
      case 'BOOL': return raw === true || raw === 1;
      case 'TIME': case 'LTIME': case 'TOD': case 'LTOD': return Number(raw) / 1e6;
      case 'CHAR': case 'WCHAR': return String.fromCharCode(Number(raw));
    }
  }
  if (typeof raw === 'bigint' || typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'string') return raw;
  return Number(raw);
}

/** A DCMD value as the gateway's command checks take it (TIME from milliseconds to a literal). */
function fromSparkplug(t: TypeInfo, v: unknown): unknown {
  if (t.kind === 'elementary' && (t.name === 'TIME' || t.name === 'LTIME') && typeof v === 'number') return `T#${v}ms`;
  if (typeof v === 'bigint') return v.toString();
  return v;
}
