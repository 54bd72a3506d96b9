import { describe, it, expect } from 'vitest';
import { literal, expr, parse } from './helpers.js';
import { decodeDuration, decodeString, decodeTyped } from '../../../compiler/st/literals.js';

const MS = 1e6;
const S = 1e9;

describe('integer literals', () => {
  it.each([
    ['0', 0n],
    ['123', 123n],
    ['1_000_000', 1000000n],
    ['2#1010', 10n],
    ['2#1111_0000', 240n],
    ['8#17', 15n],
    ['16#FF', 255n],
    ['16#ff_ff', 65535n],
    ['16#FFFF_FFFF_FFFF_FFFF', 18446744073709551615n],
    ['-5', -5n],
  ])('%s = %s', (text, value) => {
    expect(literal(text)).toEqual({ type: 'int', value });
  });

  it.each([
    ['INT#16#FF', 255n, 'INT'],
    ['SINT#-1', -1n, 'SINT'],
    ['SINT#-128', -128n, 'SINT'],
    ['UDINT#5', 5n, 'UDINT'],
    ['udint#16#FFFF_FFFF', 4294967295n, 'UDINT'],
    ['BYTE#255', 255n, 'BYTE'],
    ['WORD#2#1010', 10n, 'WORD'],
    ['LINT#-9223372036854775808', -9223372036854775808n, 'LINT'],
    ['ULINT#18446744073709551615', 18446744073709551615n, 'ULINT'],
  ])('typed %s = %s', (text, value, typeName) => {
    expect(literal(text)).toEqual({ type: 'int', value, typeName });
  });
});

describe('real and boolean literals', () => {
  it.each([
    ['1.5', 1.5],
    ['1.5E3', 1500],
    ['1.0e-3', 0.001],
    ['2E2', 200],
    ['1_000.25', 1000.25],
    ['-0.5', -0.5],
  ])('%s = %s', (text, value) => {
    expect(literal(text)).toEqual({ type: 'real', value });
  });

  it('typed reals carry their type', () => {
    expect(literal('REAL#1')).toEqual({ type: 'real', value: 1, typeName: 'REAL' });
    expect(literal('LREAL#2.5E-3')).toEqual({ type: 'real', value: 0.0025, typeName: 'LREAL' });
    expect(literal('LREAL#-1.5')).toEqual({ type: 'real', value: -1.5, typeName: 'LREAL' });
  });

  it('booleans', () => {
    expect(literal('TRUE')).toEqual({ type: 'bool', value: true });
    expect(literal('false')).toEqual({ type: 'bool', value: false });
    expect(literal('BOOL#1')).toEqual({ type: 'bool', value: true, typeName: 'BOOL' });
    expect(literal('BOOL#0')).toEqual({ type: 'bool', value: false, typeName: 'BOOL' });
    expect(literal('BOOL#TRUE')).toEqual({ type: 'bool', value: true, typeName: 'BOOL' });
  });
});

describe('durations', () => {
  it.each([
    ['T#1h2m3s4ms', ((1 * 60 + 2) * 60 + 3) * S + 4 * MS, false],
    ['TIME#5s', 5 * S, false],
    ['t#-1.5s', -1.5 * S, false],
    ['T#1d', 86400 * S, false],
    ['T#1.5h', 5400 * S, false],
    ['T#1h_30m', 5400 * S, false],
    ['T#100ms', 100 * MS, false],
    ['T#10us', 10_000, false],
    ['T#7ns', 7, false],
    ['T#1s500ms', 1.5 * S, false],
    ['T#2.5ms', 2.5 * MS, false],
    ['LTIME#5us', 5000, true],
    ['LT#1m', 60 * S, true],
    ['TIME#-2m30s', -150 * S, false],
    ['T#1.5h30m', 7200 * S, false],
    ['T#25h', 25 * 3600 * S, false],
  ])('%s = %d ns', (text, ns, long) => {
    expect(literal(text)).toEqual({ type: 'time', ns, long });
  });

  it('a minus sign in front of a duration literal folds into it', () => {
    expect(literal('-T#1s')).toEqual({ type: 'time', ns: -S, long: false });
  });

  it.each(['T#1x', 'T#', 'T#5', 'T#1s1h', 'T#1s1s', 'TIME#abc', 'T#1.s'])('%s is invalid', (text) => {
    expect(decodeDuration(text).ok).toBe(false);
  });
});

describe('dates and times of day', () => {
  it('dates in ms since the epoch', () => {
    expect(literal('D#2024-01-31')).toEqual({ type: 'date', ms: Date.UTC(2024, 0, 31), long: false });
    expect(literal('DATE#1970-01-01')).toEqual({ type: 'date', ms: 0, long: false });
    expect(literal('LDATE#2000-02-29')).toEqual({ type: 'date', ms: Date.UTC(2000, 1, 29), long: true });
  });

  it('times of day in ns since midnight', () => {
    expect(literal('TOD#12:30:15.5')).toEqual({ type: 'tod', ns: (12 * 3600 + 30 * 60 + 15.5) * S, long: false });
    expect(literal('TIME_OF_DAY#00:00:01')).toEqual({ type: 'tod', ns: S, long: false });
    expect(literal('LTOD#23:59:59.999999999')).toEqual({ type: 'tod', ns: 86399 * S + 999999999, long: true });
  });

  it('dates and times in ms since the epoch with the fraction', () => {
    expect(literal('DT#2024-01-31-12:30:15.5')).toEqual({ type: 'dt', ms: Date.UTC(2024, 0, 31, 12, 30, 15, 500), long: false });
    expect(literal('DATE_AND_TIME#1970-01-01-00:00:00')).toEqual({ type: 'dt', ms: 0, long: false });
    expect(literal('LDT#2024-01-31-00:00:00.25')).toEqual({ type: 'dt', ms: Date.UTC(2024, 0, 31) + 250, long: true });
  });
});

describe('strings', () => {
  it('STRING with every escape', () => {
    expect(literal(`'a$$b$'c$"d$L$N$P$R$T$41$4a'`)).toEqual({ type: 'string', value: 'a$b\'c"d\n\n\f\r\tAJ', wide: false });
    expect(literal(`''`)).toEqual({ type: 'string', value: '', wide: false });
    expect(literal(`'say "hi"'`)).toEqual({ type: 'string', value: 'say "hi"', wide: false });
  });

  it('WSTRING with four-digit escapes', () => {
    expect(literal(`"w$0041$20AC$""`)).toEqual({ type: 'string', value: 'wA€"', wide: true });
    expect(literal(`"it's"`)).toEqual({ type: 'string', value: "it's", wide: true });
  });

  it('typed strings', () => {
    expect(literal(`STRING#'x'`)).toEqual({ type: 'string', value: 'x', wide: false });
    expect(literal(`WSTRING#"y"`)).toEqual({ type: 'string', value: 'y', wide: true });
  });

  it('invalid escapes are reported', () => {
    expect(decodeString(`'$Q'`).ok).toBe(false);
    expect(decodeString(`'$4'`).ok).toBe(false);
    expect(decodeString(`"$41"`).ok).toBe(false);
  });
});

describe('enum values and typed literal errors', () => {
  it('Color#Red is an enum value', () => {
    expect(expr('Color#Red')).toMatchObject({ kind: 'enumValue', typeName: 'Color', value: 'Red' });
    expect(decodeTyped('INT#5')).toMatchObject({ ok: true });
  });

  it.each([
    ['SINT#300', 'out of range'],
    ['SINT#-129', 'out of range'],
    ['UDINT#-1', 'out of range'],
    ['BYTE#256', 'out of range'],
    ['INT#16#FFFF', 'out of range'],
    ['8#9', 'not valid in base 8'],
    ['2#102', 'not valid in base 2'],
    ['3#12', 'base 3'],
    ['BOOL#2', 'BOOL'],
    ['INT#1.5', 'integer'],
    ['INT#Red', 'INT'],
    ['MyType#5', 'not an elementary type'],
    ['T#1x', 'duration'],
    ['D#2024-13-01', 'date'],
    ['D#2023-02-29', 'date'],
    ['TOD#25:00:00', 'time of day'],
    ['DT#2024-01-31-12:61:00', 'date and time'],
  ])('%s → E1005 (%s)', (text, words) => {
    const r = parse(`PROGRAM p\nx := ${text};\nEND_PROGRAM`);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'E1005', range: { line: 2, col: 6 } });
    expect(r.diagnostics[0]!.message).toContain(words);
  });
});
