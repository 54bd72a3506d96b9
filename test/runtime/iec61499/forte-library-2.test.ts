import { describe, expect, it } from 'vitest';
import { bootRequests, compileFile, fboot, runnerOf, startSystem, typeFolder } from '../../support/iec61499.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

const { fb, conn, write, start } = bootRequests('R');

/** A resource holding one FB of `type`, started; its ports are read and its events fired by name. */
function instance(type: string, params: Record<string, string> = {}) {
  const text = fboot([fb('F', type), ...Object.entries(params).map(([k, v]) => write(v, `F.${k}`)), start()]);
  const { outcome, res } = startSystem(typeFolder({}, 'vplc-forte2-'), 't.fboot', text);
  expect(outcome.faults).toEqual([]);
  return res;
}

/** Run one function FB once (REQ) and return the value of `out`. */
function call(type: string, params: Record<string, string>, out = 'OUT'): unknown {
  const res = instance(type, params);
  res.fireEvent('F.REQ');
  return res.read(`F.${out}`);
}

describe('FORTE duration conversions to DINT and UDINT', () => {
  it.each([
    ['F_TIME_IN_S_TO_DINT', 'T#1s2ms3us4ns', 1], ['F_TIME_IN_MS_TO_DINT', 'T#1s2ms3us4ns', 1002],
    ['F_TIME_IN_US_TO_DINT', 'T#1s2ms3us4ns', 1002003], ['F_TIME_IN_NS_TO_DINT', 'T#1s2ms3us4ns', 1002003004],
    ['F_TIME_IN_MS_TO_DINT', 'T#-1s', -1000], ['F_TIME_IN_S_TO_UDINT', 'T#1h', 3600], ['F_TIME_IN_MS_TO_UDINT', 'T#1s2ms', 1002],
    ['F_TIME_IN_US_TO_UDINT', 'T#1s2ms3us', 1002003],
    // FORTE keeps the low 32 bits of the count, as here: 5e9 ns wrap, 3e9 ns are negative as a DINT
    ['F_TIME_IN_NS_TO_UDINT', 'T#5s', 5_000_000_000 - 2 ** 32], ['F_TIME_IN_NS_TO_UDINT', 'T#3s', 3_000_000_000],
    ['F_TIME_IN_NS_TO_DINT', 'T#3s', 3_000_000_000 - 2 ** 32],
  ] as const)('%s(%s) = %d', (type, t, expected) => {
    expect(call(type, { IN: t })).toBe(expected);
  });
});

describe('F_<T>_AS_STRING writes FORTE value text', () => {
  it.each([
    ['F_INT_AS_STRING', 'INT#-5', '-5'], ['F_BYTE_AS_STRING', 'BYTE#16#FF', '255'], ['F_DWORD_AS_STRING', 'DWORD#16#10', '16'],
    ['F_BOOL_AS_STRING', 'TRUE', 'TRUE'], ['F_BOOL_AS_WSTRING', 'FALSE', 'FALSE'], ['F_ULINT_AS_STRING', 'ULINT#18446744073709551615', '18446744073709551615'],
    ['F_LINT_AS_WSTRING', 'LINT#-9000000000', '-9000000000'], ['F_USINT_AS_WSTRING', 'USINT#7', '7'],
    ['F_TIME_AS_STRING', 'T#1d2h3m4s5ms6us7ns', 'T#1d2h3m4s5ms6us7ns'], ['F_TIME_AS_STRING', 'T#0s', 'T#0ns'], ['F_TIME_AS_WSTRING', 'T#0s', 'T#0ns'],
    ['F_TIME_AS_WSTRING', 'T#-250ms', 'T#-250ms'],
  ] as const)('%s(%s) = %s', (type, v, expected) => {
    expect(call(type, { IN: v })).toBe(expected);
  });
});

describe('F_STRING_AS_<T> reads FORTE value text; what it cannot read gives the default value', () => {
  it.each([
    ['F_STRING_AS_INT', "'42'", 42], ['F_STRING_AS_INT', "'INT#7'", 7], ['F_STRING_AS_INT', "'-32768'", -32768],
    ['F_STRING_AS_INT', "'16#FFFF'", -1], ['F_STRING_AS_INT', "'99999'", 0], ['F_STRING_AS_INT', "'abc'", 0],
    ['F_STRING_AS_UINT', "'-5'", 0], ['F_STRING_AS_USINT', "'256'", 0], ['F_STRING_AS_USINT', "'USINT#255'", 255],
    ['F_STRING_AS_DINT', "'DINT#-2147483648'", -2147483648], ['F_STRING_AS_WORD', "'WORD#16#BEEF'", 0xbeef],
    ['F_STRING_AS_BYTE', "'2#1010'", 10], ['F_STRING_AS_UDINT', "'4294967296'", 0], ['F_STRING_AS_SINT', "'SINT#-128'", -128],
    ['F_WSTRING_AS_DINT', '"123"', 123], ['F_WSTRING_AS_UINT', '"UINT#65535"', 65535], ['F_WSTRING_AS_UINT', '"65536"', 0],
    ['F_STRING_AS_BOOL', "'TRUE'", true], ['F_STRING_AS_BOOL', "'BOOL#TRUE'", true], ['F_WSTRING_AS_BOOL', '"FALSE"', false],
    ['F_STRING_AS_TIME', "'T#1s2ms'", 1_002_000_000], ['F_WSTRING_AS_TIME', '"T#5ms"', 5_000_000],
    ['F_STRING_AS_LREAL', "'LREAL#2.5'", 2.5], ['F_STRING_AS_REAL', "'-0.5'", -0.5], ['F_WSTRING_AS_LREAL', '"1.25"', 1.25],
  ] as const)('%s(%s) = %s', (type, v, expected) => {
    expect(call(type, { IN: v })).toBe(expected);
  });
  it('64-bit types read back what they write', () => {
    expect(call('F_STRING_AS_LINT', { IN: "'LINT#-9000000000'" })).toBe(-9000000000n);
    expect(call('F_STRING_AS_ULINT', { IN: "'ULINT#4294967296000'" })).toBe(4294967296000n);
    expect(call('F_WSTRING_AS_LWORD', { IN: '"16#FF"' })).toBe(255n);
  });
});

describe('FORTE event blocks E_CTUD_UDINT, E_DEMUX, E_T_FF_SR', () => {
  it('E_CTUD_UDINT counts past the UINT range and stops at 0 going down', () => {
    const res = instance('E_CTUD_UDINT', { PV: 'UDINT#70000' });
    res.fireEvent('F.LD');
    expect([res.read('F.CV'), res.read('F.QU'), res.read('F.QD')]).toEqual([70000, true, false]);
    res.fireEvent('F.CU');
    expect(res.read('F.CV')).toBe(70001);
    res.fireEvent('F.R');
    expect([res.read('F.CV'), res.read('F.QU'), res.read('F.QD')]).toEqual([0, false, true]);
    res.fireEvent('F.CD');
    expect(res.read('F.CV')).toBe(0);
  });

  it('E_DEMUX sends EI to EO<K>, and nothing for K above 3', () => {
    const text = fboot([
      fb('D', 'E_DEMUX'), fb('C0', 'E_CTU'), fb('C3', 'E_CTU'), fb('C2', 'E_CTU'),
      conn('D.EO0', 'C0.CU'), conn('D.EO3', 'C3.CU'), conn('D.EO2', 'C2.CU'), start(),
    ]);
    const { res, outcome } = startSystem(typeFolder({}, 'vplc-forte2-'), 't.fboot', text);
    expect(outcome.faults).toEqual([]);
    for (const k of ['0', '3', '3', '4', '2', '0', '0']) {
      res.writeParameter('D.K', k);
      res.fireEvent('D.EI');
    }
    expect([res.read('C0.CV'), res.read('C2.CV'), res.read('C3.CV')]).toEqual([3, 1, 2]);
  });

  it('E_T_FF_SR: CLK toggles, S sets, R resets; EO each time Q is written', () => {
    const text = fboot([fb('F', 'E_T_FF_SR'), fb('C', 'E_CTU'), conn('F.EO', 'C.CU'), start()]);
    const { res } = startSystem(typeFolder({}, 'vplc-forte2-'), 't.fboot', text);
    const q: unknown[] = [];
    for (const e of ['CLK', 'CLK', 'S', 'S', 'CLK', 'R', 'R', 'S', 'R']) {
      res.fireEvent(`F.${e}`);
      q.push(res.read('F.Q'));
    }
    expect(q).toEqual([true, false, true, true, false, false, false, true, false]);
    // S while set and R while reset change nothing and send no EO: 6 of the 9 events answer
    expect(res.read('C.CV')).toBe(6);
  });
});

describe('FORTE signalprocessing package, by its qualified name', () => {
  it('SCALE and SCALE_LIM map a range linearly; SCALE_LIM pins outside its input limits', () => {
    const range = { MIN_IN: 'REAL#0.0', MAX_IN: 'REAL#10.0', MIN_OUT: 'REAL#100.0', MAX_OUT: 'REAL#200.0' };
    expect(call('signalprocessing__SCALE', { IN: 'REAL#2.5', ...range }, '')).toBeCloseTo(125, 5);
    expect(call('signalprocessing__SCALE', { IN: 'REAL#12.0', ...range }, '')).toBeCloseTo(220, 5);
    const lim = { ...range, MIN_IN_LIM: 'REAL#1.0', MAX_IN_LIM: 'REAL#9.0', MIN_OUT_FIX: 'REAL#-1.0', MAX_OUT_FIX: 'REAL#-2.0' };
    expect(call('signalprocessing__SCALE_LIM', { IN: 'REAL#5.0', ...lim }, '')).toBeCloseTo(150, 5);
    expect(call('signalprocessing__SCALE_LIM', { IN: 'REAL#0.5', ...lim }, '')).toBe(-1);
    expect(call('signalprocessing__SCALE_LIM', { IN: 'REAL#9.5', ...lim }, '')).toBe(-2);
  });

  it('FIELDBUS_PERCENT_TO_WORD and FIELDBUS_WORD_TO_PERCENT scale to 64255, above it is no signal', () => {
    expect(call('signalprocessing__FIELDBUS_PERCENT_TO_WORD', { RI: 'REAL#1.0' }, '')).toBe(64255);
    expect(call('signalprocessing__FIELDBUS_PERCENT_TO_WORD', { RI: 'REAL#0.5' }, '')).toBe(32128);
    const ok = instance('signalprocessing__FIELDBUS_WORD_TO_PERCENT', { WI: 'WORD#32128' });
    ok.fireEvent('F.REQ');
    expect(ok.read('F.')).toBeCloseTo(32128 / 64255, 6);
    expect(ok.read('F.WO')).toBe(32128);
    const bad = instance('signalprocessing__FIELDBUS_WORD_TO_PERCENT', { WI: 'WORD#65000' });
    bad.fireEvent('F.REQ');
    expect([bad.read('F.'), bad.read('F.WO')]).toEqual([0, 0]);
  });

  it('DualHysteresis: DO_UP from MI+DEAD+HYSTERESIS until below MI+DEAD, DO_DOWN mirrored', () => {
    const res = instance('signalprocessing::DualHysteresis', { QI: 'TRUE' });
    res.fireEvent('F.INIT');
    expect(res.read('F.QO')).toBe(true);
    const seen: unknown[] = [];
    // defaults MI 0.5, DEAD 0.1, HYSTERESIS 0.1: up from 0.7, back below 0.6; down from 0.3, back above 0.4
    // (the first REQ after INIT only enters the neutral state)
    for (const v of ['0.9', '0.5', '0.69', '0.75', '0.65', '0.59', '0.25', '0.35', '0.41']) {
      res.writeParameter('F.INPUT', v);
      res.fireEvent('F.REQ');
      seen.push(`${res.read('F.DO_UP') ? 'U' : '-'}${res.read('F.DO_DOWN') ? 'D' : '-'}`);
    }
    expect(seen).toEqual(['--', '--', '--', 'U-', 'U-', '--', '-D', '-D', '--']);
    res.writeParameter('F.QI', 'FALSE');
    res.fireEvent('F.INIT');
    expect([res.read('F.QO'), res.read('F.DO_UP'), res.read('F.DO_DOWN')]).toEqual([false, false, false]);
  });

  it('RampLimitFS steps OUT by SLOW or FAST within VAL_ZERO .. VAL_FULL', () => {
    const res = instance('signalprocessing__RampLimitFS', { VAL_ZERO: 'DINT#0', VAL_FULL: 'DINT#100', SLOW: 'DINT#10', FAST: 'DINT#40', PV: 'DINT#55' });
    const out: unknown[] = [];
    for (const e of ['ZERO', 'UP_SLOW', 'UP_FAST', 'UP_FAST', 'UP_FAST', 'DOWN_SLOW', 'LOAD', 'DOWN_FAST', 'DOWN_FAST', 'FULL']) {
      res.fireEvent(`F.${e}`);
      out.push(res.read('F.OUT'));
    }
    expect(out).toEqual([0, 10, 50, 90, 100, 90, 55, 15, 0, 100]);
  });

  it('a package name that is not the type\'s is an unknown type (E4003)', () => {
    const r = compileFile(typeFolder({}, 'vplc-forte2-'), 't.fboot', fboot([fb('F', 'utils__SCALE'), start()]));
    expect(r.diagnostics.filter((d) => d.code === 'E4003').map(formatDiagnostic)).toEqual([expect.stringMatching(/t\.fboot:1:\d+: .*unknown FB type utils__SCALE/)]);
  });
});

/**
 * E_TONOF is a composite: its ports are driven and read through FBs around it, IN from an E_SR
 * (S/R set and clear it, its EO sends REQ), R from an E_MERGE, Q copied by an F_MOVE on each CNF.
 */
function tonof(ptOn: string, ptOff: string) {
  const text = fboot([
    fb('T', 'E_TONOF'), fb('IN', 'E_SR'), fb('Q', 'F_MOVE'), fb('C', 'E_CTU'), fb('RST', 'E_MERGE'),
    conn('IN.EO', 'T.REQ'), conn('RST.EO', 'T.R'), conn('IN.Q', 'T.IN'), conn('T.CNF', 'Q.REQ'), conn('T.Q', 'Q.IN'), conn('T.CNF', 'C.CU'),
    write(ptOn, 'T.PT_ON'), write(ptOff, 'T.PT_OFF'), write('100', 'C.PV'), start(),
  ]);
  const runner = runnerOf(compileFile(typeFolder({}, 'vplc-forte2-'), 't.fboot', text));
  runner.runUntil(0);
  const res = runner.resources[0]!.resource;
  return { runner, res, q: () => res.read('Q.OUT'), cnf: () => res.read('C.CV') };
}

describe('E_TONOF on the resource clock', () => {
  it('Q rises PT_ON after IN rises and falls PT_OFF after IN falls; a short pulse of IN changes nothing', () => {
    const { runner, res, q, cnf } = tonof('T#100ms', 'T#300ms');
    res.fireEvent('IN.S');
    runner.runUntil(99e6);
    expect([q(), cnf()]).toEqual([false, 0]);
    runner.runUntil(100e6);
    expect([q(), cnf()]).toEqual([true, 1]);
    res.fireEvent('IN.R');
    runner.runUntil(399e6);
    expect([q(), cnf()]).toEqual([true, 1]);
    runner.runUntil(400e6);
    expect([q(), cnf()]).toEqual([false, 2]);
    // IN TRUE for 50 ms only: the on-delay is stopped before it ends
    res.fireEvent('IN.S');
    runner.runUntil(450e6);
    res.fireEvent('IN.R');
    runner.runUntil(2e9);
    expect([q(), cnf()]).toEqual([false, 2]);
  });

  it('R resets Q at once and cancels a running off-delay', () => {
    const { runner, res, q, cnf } = tonof('T#10ms', 'T#1s');
    res.fireEvent('IN.S');
    runner.runUntil(20e6);
    expect([q(), cnf()]).toEqual([true, 1]);
    res.fireEvent('IN.R');
    runner.runUntil(500e6);
    res.fireEvent('RST.EI1');
    expect([q(), cnf()]).toEqual([false, 2]);
    runner.runUntil(3e9);
    expect(cnf()).toBe(2);
  });
});

describe('F_REAL_AS_STRING, F_LREAL_AS_STRING, F_ANY_AS_STRING: FORTE\'s text of a real number', () => {
  it.each([
    ['F_REAL_AS_STRING', 'REAL#0.1', '0.100000001'], ['F_REAL_AS_STRING', 'REAL#1.0', '1.0'], ['F_REAL_AS_STRING', 'REAL#-2.5', '-2.5'],
    ['F_REAL_AS_STRING', 'REAL#1.0E20', '1.00000002e+20'], ['F_REAL_AS_WSTRING', 'REAL#0.0', '0.0'],
    ['F_LREAL_AS_STRING', 'LREAL#0.1', '0.10000000000000001'], ['F_LREAL_AS_STRING', 'LREAL#1.0E-5', '1.0000000000000001e-05'],
    ['F_LREAL_AS_STRING', 'LREAL#123.5', '123.5'], ['F_LREAL_AS_WSTRING', 'LREAL#100.0', '100.0'], ['F_LREAL_AS_STRING', 'LREAL#-0.0', '-0.0'],
  ] as const)('%s(%s) = %s', (type, v, expected) => {
    expect(call(type, { IN: v })).toBe(expected);
  });

  /** F_ANY_AS_STRING of the OUT of a `source` FB (its REQ first), so IN has that port's type. */
  function anyAsString(source: string, value: string): unknown {
    const text = fboot([
      fb('S', source), fb('A', 'F_ANY_AS_STRING'),
      conn('START.COLD', 'S.REQ'), conn('S.CNF', 'A.REQ'), conn('S.OUT', 'A.IN'), write(value, 'S.IN'), start(),
    ]);
    const { res, outcome } = startSystem(typeFolder({}, 'vplc-forte2-'), 't.fboot', text);
    expect(outcome.faults).toEqual([]);
    return res.read('A.OUT');
  }

  it('F_ANY_AS_STRING writes IN in the type of the port connected to it', () => {
    expect(anyAsString('F_STRING_AS_REAL', "'0.1'")).toBe('0.100000001');
    expect(anyAsString('F_STRING_AS_LREAL', "'2'")).toBe('2.0');
    expect(anyAsString('F_STRING_AS_INT', "'-7'")).toBe('-7');
    expect(anyAsString('F_STRING_AS_BOOL', "'TRUE'")).toBe('TRUE');
    expect(anyAsString('F_STRING_AS_TIME', "'T#1m30s'")).toBe('T#1m30s');
    expect(anyAsString('F_STRING_AS_TIME', "'T#0s'")).toBe('T#0ns');
    expect(anyAsString('F_INT_TO_STRING', 'INT#5')).toBe("'5'");
  });
});
