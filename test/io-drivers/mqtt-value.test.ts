import { describe, expect, it } from 'vitest';
import type { TypeInfo } from '../../compiler/application.js';
import { changed, commandValue, jsonValue, shortestFloat32 } from '../../io-drivers/mqtt-value.js';

const el = (name: string) => ({ kind: 'elementary', name }) as TypeInfo;
const mode: TypeInfo = { kind: 'enum', name: 'Mode', base: 'INT', values: [{ name: 'Off', value: 0 }, { name: 'Fast', value: 2 }] };

describe('MQTT values', () => {
  it('renders values typed as their variables', () => {
    expect(jsonValue(el('TIME'), 1_500_000_000)).toBe('T#1s500ms');
    expect(jsonValue(el('TIME'), -120e9)).toBe('T#-2m');
    expect(jsonValue(el('REAL'), Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(3.3))).toBe(3.3);
    expect(jsonValue(el('LINT'), 2n ** 60n)).toBe('1152921504606846976');
    expect(jsonValue(el('LINT'), -5n)).toBe(-5);
    expect(jsonValue(el('BOOL'), 1)).toBe(true);
    expect(jsonValue(mode, 2)).toBe('Mode#Fast');
    expect(jsonValue(el('DT'), Date.UTC(2026, 11, 3, 13, 5, 7, 250))).toBe('DT#2026-12-03-13:05:07.250');
    expect(jsonValue({ kind: 'array', dims: [{ lo: 0, hi: 1 }], element: el('TIME') }, [1e6, 2e9])).toEqual(['T#1ms', 'T#2s']);
  });

  it('sees a change only beyond the absolute and relative deadbands', () => {
    expect(changed(10, 10, 0, 0)).toBe(false);
    expect(changed(10, 10.5, 0, 0)).toBe(true);
    expect(changed(10, 10.5, 0.5, 0)).toBe(false);
    expect(changed(10, 10.6, 0.5, 0)).toBe(true);
    expect(changed(200, 201, 0, 0.01)).toBe(false); // 0.5 % of 200
    expect(changed(200, 203, 0, 0.01)).toBe(true); // 1.5 %
    expect(changed([1, 2], [1, 2], 0, 0)).toBe(false);
    expect(changed([1, 2], [1, 3], 0, 0)).toBe(true);
    expect(changed('a', 'b', 5, 0)).toBe(true);
    expect(changed(undefined, 0, 0, 0)).toBe(true);
  });

  it('converts commands with range checks, never wrapping', () => {
    expect(commandValue(el('INT'), 32767)).toEqual({ value: 32767 });
    expect(commandValue(el('INT'), 32768)).toMatch(/32768 is out of range for INT \(-32768 … 32767\)/);
    expect(commandValue(el('USINT'), -1)).toMatch(/out of range for USINT/);
    expect(commandValue(el('DINT'), 1.5)).toMatch(/not an integer/);
    expect(commandValue(el('INT'), '16#7FFF')).toEqual({ value: 32767 });
    expect(commandValue(el('INT'), 'INT#40000')).toMatch(/out of range/);
    expect(commandValue(el('LINT'), '-9223372036854775808')).toEqual({ value: -9223372036854775808n });
    expect(commandValue(el('ULINT'), '-1')).toMatch(/out of range for ULINT/);
    expect(commandValue(el('TIME'), 'T#2s')).toEqual({ value: 2e9 });
    expect(commandValue(el('TIME'), 5)).toMatch(/duration literal/);
    expect(commandValue(el('BOOL'), 'TRUE')).toEqual({ value: true });
    expect(commandValue(el('BOOL'), 'maybe')).toMatch(/not a BOOL/);
    expect(commandValue(el('REAL'), 1e39)).toMatch(/out of range for REAL/);
    expect(commandValue(el('INT'), true)).toMatch(/needs an integer/);
    expect(commandValue(mode, 'Mode#Fast')).toEqual({ value: 2 });
    expect(commandValue(mode, 'Slow')).toMatch(/Mode has no value "Slow"/);
    expect(commandValue({ kind: 'string', wide: false, length: 4 }, 'abcde')).toMatch(/longer than 4/);
    expect(commandValue({ kind: 'struct', name: 'Pos', fields: [] }, {})).toMatch(/structured/);
  });
});
