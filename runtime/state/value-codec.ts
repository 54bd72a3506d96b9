/**
 * PLC values as JSON and back, exactly: 64-bit integers (bigint) as decimal strings, arrays
 * of elementary types as the typed arrays generated code holds, REAL/LREAL infinities and NaN.
 * Structs and FB instances are plain objects of their variables.
 */

const TYPED = {
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED;

export function encodeValue(v: unknown): unknown {
  if (typeof v === 'bigint') return { $big: v.toString() };
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name;
    if (!(name in TYPED)) throw new Error(`cannot save a ${name}`);
    return { $typed: name, v: Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : Number.isFinite(x) ? x : String(x))) };
  }
  if (Array.isArray(v)) return v.map(encodeValue);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'function') out[k] = encodeValue(x);
  return out;
}

export function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const o = v as Record<string, unknown>;
  if (typeof o.$big === 'string') return BigInt(o.$big);
  if (typeof o.$num === 'string') return Number(o.$num);
  if (typeof o.$typed === 'string' && Array.isArray(o.v)) {
    const name = o.$typed as TypedName;
    const Ctor = TYPED[name];
    if (!Ctor) throw new Error(`unknown array kind ${o.$typed}`);
    const big = name === 'BigInt64Array' || name === 'BigUint64Array';
    const items = (o.v as unknown[]).map((x) => (big ? BigInt(x as string) : Number(x)));
    return (Ctor as unknown as { from(a: unknown[]): unknown }).from(items);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decodeValue(x);
  return out;
}
