import { describe, expect, it } from 'vitest';
import type { ElementaryTypeName, TypeInfo } from '../../../../compiler/application.js';
import { Asn1Writer, decodeMessage, encodeMessage } from '../../../../blocks/native/comm/asn1.js';

// Golden bytes from the IEC 61499 compliance profile's encoding: tag byte 0x40 + tag number,
// big-endian values of the type's width; the expected bytes are written out by hand here.
const el = (name: ElementaryTypeName): TypeInfo => ({ kind: 'elementary', name });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function encode(t: TypeInfo, v: unknown): string {
  return hex(encodeMessage(new Asn1Writer(), [t], [v]));
}

function roundTrip(t: TypeInfo, v: unknown, into?: unknown): unknown {
  const out: unknown[] = [into];
  const err = decodeMessage(encodeMessage(new Asn1Writer(), [t], [v]), [t], out);
  expect(err).toBeUndefined();
  return out[0];
}

const golden: [ElementaryTypeName, unknown, string][] = [
  ['BOOL', false, '40'],
  ['BOOL', true, '41'],
  ['SINT', -2, '42fe'],
  ['INT', -2, '43fffe'],
  ['INT', 0x1234, '431234'],
  ['DINT', -100000, '44fffe7960'],
  ['LINT', -2n, '45fffffffffffffffe'],
  ['USINT', 200, '46c8'],
  ['UINT', 65535, '47ffff'],
  ['UDINT', 0xdeadbeef, '48deadbeef'],
  ['ULINT', 0x0102030405060708n, '490102030405060708'],
  ['REAL', 1.5, '4a3fc00000'],
  ['LREAL', -2.5, '4bc004000000000000'],
  // T#1s500ms = 1,500,000 µs
  ['TIME', 1_500_000_000, '4c000000000016e360'],
  // D#1970-01-02: 86,400,000,000,000 ns
  ['DATE', 86_400_000, '4d00004e94914f0000'],
  // TOD#00:00:01 = 1e9 ns
  ['TOD', 1_000_000_000, '4e000000003b9aca00'],
  ['DT', 1, '4f00000000000f4240'],
  ['BYTE', 0xa5, '51a5'],
  ['WORD', 0xbeef, '52beef'],
  ['DWORD', 0x01020304, '5301020304'],
  ['LWORD', 0xffffffffffffffffn, '54ffffffffffffffff'],
  ['CHAR', 0x41, '5741'],
  ['WCHAR', 0x20ac, '5820ac'],
  ['LTIME', 2_000, '5c0000000000000002'],
];

describe('compliance profile (FBDK ASN.1) encoding', () => {
  for (const [name, value, bytes] of golden) {
    it(`${name} ${String(value)} is ${bytes}`, () => {
      expect(encode(el(name), value)).toBe(bytes);
      expect(roundTrip(el(name), value)).toEqual(value);
    });
  }

  it('CHAR and WCHAR written as literals (held as their text) go out as their codes', () => {
    expect(encode(el('CHAR'), 'a')).toBe('5761');
    expect(encode(el('WCHAR'), '€')).toBe('5820ac');
    expect(encode(el('CHAR'), '')).toBe('5700');
  });

  it('STRING: tag 0x50, 16-bit length, the bytes', () => {
    expect(encode({ kind: 'string', wide: false, length: 80 }, 'AB')).toBe('5000024142');
    expect(encode({ kind: 'string', wide: false, length: 80 }, '')).toBe('500000');
    expect(roundTrip({ kind: 'string', wide: false, length: 80 }, 'hello')).toBe('hello');
  });

  it('WSTRING: tag 0x55, 16-bit count of UTF-16 units, the units big-endian', () => {
    expect(encode({ kind: 'string', wide: true, length: 80 }, 'A€')).toBe('550002004120ac');
    expect(roundTrip({ kind: 'string', wide: true, length: 80 }, 'Grüß €')).toBe('Grüß €');
  });

  it('ARRAY of INT: tag 0x76, count, the element tag once, the values', () => {
    const t: TypeInfo = { kind: 'array', dims: [{ lo: 0, hi: 2 }], element: el('INT') };
    expect(encode(t, Int16Array.from([1, -1, 256]))).toBe('76000343' + '0001' + 'ffff' + '0100');
    const into = new Int16Array(3);
    expect(roundTrip(t, [7, 8, 9], into)).toBe(into);
    expect(Array.from(into)).toEqual([7, 8, 9]);
  });

  it('ARRAY of BOOL: every element with its own tag', () => {
    const t: TypeInfo = { kind: 'array', dims: [{ lo: 1, hi: 3 }], element: el('BOOL') };
    expect(encode(t, [true, false, true])).toBe('760003' + '41' + '40' + '41');
    expect(roundTrip(t, [false, true, true])).toEqual([false, true, true]);
  });

  it('STRUCT: tag 0x61, the members\' values, BOOL members with their tag', () => {
    const t: TypeInfo = {
      kind: 'struct',
      name: 'Point',
      fields: [
        { name: 'x', prop: 'x', section: 'VAR', type: el('DINT') },
        { name: 'ok', prop: 'ok', section: 'VAR', type: el('BOOL') },
        { name: 's', prop: 's', section: 'VAR', type: { kind: 'string', wide: false, length: 10 } },
      ],
    };
    expect(encode(t, { x: 5, ok: true, s: 'a' })).toBe('61' + '00000005' + '41' + '000161');
    const into = { x: 0, ok: false, s: '' };
    roundTrip(t, { x: -9, ok: true, s: 'zz' }, into);
    expect(into).toEqual({ x: -9, ok: true, s: 'zz' });
  });

  it('a message of several data points, and the NULL byte for none', () => {
    const w = new Asn1Writer();
    expect(hex(encodeMessage(w, [el('BOOL'), el('INT')], [true, 3]))).toBe('41' + '430003');
    expect(hex(encodeMessage(w, [], []))).toBe('05');
    expect(decodeMessage(Uint8Array.of(5), [], [])).toBeUndefined();
  });

  it('a wrong tag is a type mismatch, a short message truncated; the data is left as it was', () => {
    const out: unknown[] = [42];
    expect(decodeMessage(Buffer.from('4a3fc00000', 'hex'), [el('INT')], out)).toBe('type');
    expect(decodeMessage(Buffer.from('4300', 'hex'), [el('INT')], out)).toBe('truncated');
    expect(decodeMessage(Buffer.from('430001', 'hex'), [el('INT'), el('INT')], out)).toBe('truncated');
    expect(out).toEqual([42]);
  });

  it('the writer grows for long values', () => {
    const s = 'x'.repeat(1000);
    const t: TypeInfo = { kind: 'string', wide: false, length: 1000 };
    expect(roundTrip(t, s)).toBe(s);
  });
});
