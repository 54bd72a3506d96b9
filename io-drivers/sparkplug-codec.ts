import protobuf from 'protobufjs/light.js';

/**
 * Sparkplug B v3.0 payloads (the Eclipse Sparkplug specification, chapter 6: Payload and
 * Metric) through protobufjs. The schema is declared here from the specification's field
 * numbers, limited to what vPLC sends and reads: scalar metrics. Fields it does not know
 * (metadata, properties, data sets, templates) are skipped when reading.
 */

/** Sparkplug B metric datatypes (specification 6.4.16). */
export const enum SpDataType {
  Int8 = 1, Int16 = 2, Int32 = 3, Int64 = 4, UInt8 = 5, UInt16 = 6, UInt32 = 7, UInt64 = 8,
  Float = 9, Double = 10, Boolean = 11, String = 12, DateTime = 13, Text = 14,
}

export interface SpMetric {
  name?: string;
  alias?: number;
  timestamp?: number;
  datatype: SpDataType;
  isNull?: boolean;
  value?: number | bigint | boolean | string;
}

export interface SpPayload {
  timestamp: number;
  metrics: SpMetric[];
  seq?: number;
}

// proto2, as the specification's schema: a field set to 0 (seq of NBIRTH, bdSeq 0) is sent
const root = protobuf.Root.fromJSON({
  nested: {
    Payload: {
      edition: 'proto2',
      fields: {
        timestamp: { type: 'uint64', id: 1 },
        metrics: { rule: 'repeated', type: 'Metric', id: 2 },
        seq: { type: 'uint64', id: 3 },
        uuid: { type: 'string', id: 4 },
        body: { type: 'bytes', id: 5 },
      },
    },
    Metric: {
      edition: 'proto2',
      oneofs: { value: { oneof: ['intValue', 'longValue', 'floatValue', 'doubleValue', 'booleanValue', 'stringValue', 'bytesValue'] } },
      fields: {
        name: { type: 'string', id: 1 },
        alias: { type: 'uint64', id: 2 },
        timestamp: { type: 'uint64', id: 3 },
        datatype: { type: 'uint32', id: 4 },
        isHistorical: { type: 'bool', id: 5 },
        isTransient: { type: 'bool', id: 6 },
        isNull: { type: 'bool', id: 7 },
        intValue: { type: 'uint32', id: 10 },
        longValue: { type: 'uint64', id: 11 },
        floatValue: { type: 'float', id: 12 },
        doubleValue: { type: 'double', id: 13 },
        booleanValue: { type: 'bool', id: 14 },
        stringValue: { type: 'string', id: 15 },
        bytesValue: { type: 'bytes', id: 16 },
      },
    },
  },
} as protobuf.INamespace);
const Payload = root.lookupType('Payload');

/** Int8…Int32 and UInt8, UInt16 travel in int_value (signed ones as two's complement), the 64-bit ones and UInt32 in long_value. */
function valueField(dt: SpDataType, v: SpMetric['value']): Record<string, unknown> {
  switch (dt) {
    case SpDataType.Int8: case SpDataType.Int16: case SpDataType.Int32:
      return { intValue: Number(v) >>> 0 };
    case SpDataType.UInt8: case SpDataType.UInt16:
      return { intValue: Number(v) };
    case SpDataType.UInt32: case SpDataType.UInt64: case SpDataType.DateTime:
      return { longValue: String(v) };
    case SpDataType.Int64:
      // two's complement in an unsigned field
      return { longValue: BigInt.asUintN(64, BigInt(v as number | bigint)).toString() };
    case SpDataType.Float:
      return { floatValue: Number(v) };
    case SpDataType.Double:
      return { doubleValue: Number(v) };
    case SpDataType.Boolean:
      return { booleanValue: Boolean(v) };
    default:
      return { stringValue: String(v) };
  }
}

export function encodePayload(p: SpPayload): Buffer {
  const msg = Payload.fromObject({
    timestamp: p.timestamp,
    ...(p.seq !== undefined ? { seq: p.seq } : {}),
    metrics: p.metrics.map((m) => ({
      ...(m.name !== undefined ? { name: m.name } : {}),
      ...(m.alias !== undefined ? { alias: m.alias } : {}),
      ...(m.timestamp !== undefined ? { timestamp: m.timestamp } : {}),
      datatype: m.datatype,
      ...(m.isNull || m.value === undefined ? { isNull: true } : valueField(m.datatype, m.value)),
    })),
  });
  return Buffer.from(Payload.encode(msg).finish());
}

function toNumber(v: unknown): number {
  return typeof v === 'object' && v !== null ? Number((v as { toString(): string }).toString()) : Number(v ?? 0);
}

/** A received payload (NCMD, DCMD): metrics with their value as the datatype says. */
export function decodePayload(data: Uint8Array): SpPayload {
  const o = Payload.toObject(Payload.decode(data), { longs: String }) as {
    timestamp?: string; seq?: string; metrics?: Record<string, unknown>[];
  };
  return {
    timestamp: toNumber(o.timestamp),
    ...(o.seq !== undefined ? { seq: toNumber(o.seq) } : {}),
    metrics: (o.metrics ?? []).map((m) => {
      const dt = Number(m.datatype ?? 0) as SpDataType;
      const out: SpMetric = { datatype: dt };
      if (typeof m.name === 'string') out.name = m.name;
      if (m.alias !== undefined) out.alias = toNumber(m.alias);
      if (m.isNull === true) out.isNull = true;
      if (m.intValue !== undefined) {
        const u = Number(m.intValue);
        out.value = dt === SpDataType.Int8 ? (u << 24) >> 24 : dt === SpDataType.Int16 ? (u << 16) >> 16 : dt === SpDataType.Int32 ? u | 0 : u;
      } else if (m.longValue !== undefined) {
        const b = BigInt(String(m.longValue));
        out.value = dt === SpDataType.Int64 ? BigInt.asIntN(64, b) : dt === SpDataType.UInt64 ? b : Number(b);
      } else if (m.floatValue !== undefined) out.value = Number(m.floatValue);
      else if (m.doubleValue !== undefined) out.value = Number(m.doubleValue);
      else if (m.booleanValue !== undefined) out.value = Boolean(m.booleanValue);
      else if (m.stringValue !== undefined) out.value = String(m.stringValue);
      return out;
    }),
  };
}
