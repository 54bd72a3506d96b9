import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { bootRequests, compileFile, fboot, startSystem, typeFolder } from '../../support/iec61499.js';

const { fb, conn, write, start } = bootRequests('R');

/** Run one function FB on START.COLD with the given parameters; returns its OUT (and the concrete type). */
function call(type: string, params: Record<string, string>): { out: unknown; concrete: string } {
  const text = fboot([
    fb('F', type),
    conn('START.COLD', 'F.REQ'),
    ...Object.entries(params).map(([k, v]) => write(v, `F.${k}`)),
    start(),
  ]);
  const { outcome, res } = startSystem(typeFolder({}, 'vplc-fn-'), 't.fboot', text);
  expect(outcome.faults).toEqual([]);
  return { out: res.read('F.OUT'), concrete: res.fbType('F')!.name };
}

const dtMs = (iso: string) => Date.parse(`${iso}Z`);
const s = 1e9;

describe('4diac string function FBs', () => {
  it.each([
    ['F_CONCAT', { IN1: "'ab'", IN2: "'cd'" }, 'abcd'],
    ['F_LEN', { IN: "'hello'" }, 5],
    ['F_LEFT', { IN: "'hello'", L: 'INT#2' }, 'he'],
    ['F_RIGHT', { IN: "'hello'", L: '3' }, 'llo'],
    ['F_MID', { IN: "'hello'", L: '2', P: '2' }, 'el'],
    ['F_INSERT', { IN1: "'hlo'", IN2: "'el'", P: '1' }, 'hello'],
    ['F_DELETE', { IN: "'hello'", L: '2', P: '2' }, 'hlo'],
    ['F_REPLACE', { IN1: "'hello'", IN2: "'XY'", L: '2', P: '2' }, 'hXYlo'],
    ['F_FIND', { IN1: "'hello'", IN2: "'ll'" }, 3],
  ] as const)('%s', (type, params, expected) => {
    expect(call(type, params).out).toBe(expected);
  });

  it('an unconnected ANY_INT result beside ANY_STRING inputs defaults to DINT, not STRING', () => {
    expect(call('F_LEN', { IN: "'abc'" }).concrete).toBe('F_LEN__STRING_DINT');
  });
});

describe('4diac BCD, date/time and string conversion FBs', () => {
  it.each([
    ['F_BYTE_BCD_TO_USINT', { IN: 'BYTE#16#42' }, 42],
    ['F_USINT_TO_BCD_BYTE', { IN: '42' }, 0x42],
    ['F_WORD_BCD_TO_UINT', { IN: 'WORD#16#1234' }, 1234],
    ['F_UINT_TO_BCD_WORD', { IN: '1234' }, 0x1234],
    ['F_DWORD_BCD_TO_UDINT', { IN: 'DWORD#16#12345678' }, 12345678],
    ['F_UDINT_TO_BCD_DWORD', { IN: '12345678' }, 0x12345678],
    ['F_LWORD_BCD_TO_ULINT', { IN: 'LWORD#16#1234567890' }, 1234567890n],
    ['F_ULINT_TO_BCD_LWORD', { IN: '1234567890' }, 0x1234567890n],
    ['F_ADD_DT_TIME', { IN1: 'DT#2024-01-01-10:00:00', IN2: 'T#1h30m' }, dtMs('2024-01-01T11:30:00')],
    ['F_SUB_DT_TIME', { IN1: 'DT#2024-01-01-10:00:00', IN2: 'T#1h' }, dtMs('2024-01-01T09:00:00')],
    ['F_ADD_TOD_TIME', { IN1: 'TOD#10:00:00', IN2: 'T#90s' }, (10 * 3600 + 90) * s],
    ['F_SUB_TOD_TIME', { IN1: 'TOD#10:00:00', IN2: 'T#1h' }, 9 * 3600 * s],
    ['F_SUB_DATE_DATE', { IN1: 'D#2024-01-02', IN2: 'D#2024-01-01' }, 86400 * s],
    ['F_SUB_TOD_TOD', { IN1: 'TOD#10:00:00', IN2: 'TOD#09:00:00' }, 3600 * s],
    ['F_SUB_DT_DT', { IN1: 'DT#2024-01-01-10:00:00', IN2: 'DT#2024-01-01-09:00:00' }, 3600 * s],
    ['F_CONCAT_DATE_TOD', { IN1: 'D#2024-01-01', IN2: 'TOD#10:00:00' }, dtMs('2024-01-01T10:00:00')],
    ['F_DT_TO_DATE', { IN: 'DT#2024-01-01-10:00:00' }, dtMs('2024-01-01T00:00:00')],
    ['F_DT_TO_TOD', { IN: 'DT#2024-01-01-10:00:00' }, 10 * 3600 * s],
    ['F_MULTIME', { IN1: 'T#2s', IN2: 'INT#3' }, 6 * s],
    ['F_DIVTIME', { IN1: 'T#6s', IN2: 'REAL#4.0' }, 1.5 * s],
    ['F_TRUNC', { IN: 'REAL#-3.7' }, -3],
    ['F_STRING_TO_INT', { IN: "'42'" }, 42],
    ['F_STRING_TO_BOOL', { IN: "'TRUE'" }, true],
    ['F_STRING_TO_LREAL', { IN: "'2.5'" }, 2.5],
    ['F_STRING_TO_TIME', { IN: "'T#1s'" }, s],
    ['F_STRING_TO_LWORD', { IN: "'16#FF'" }, 255n],
    ['F_STRING_TO_WSTRING', { IN: "'x'" }, 'x'],
    ['F_WSTRING_TO_DINT', { IN: 'WSTRING#"-7"' }, -7],
    ['F_WSTRING_TO_STRING', { IN: 'WSTRING#"ab"' }, 'ab'],
    ['F_TIME_TO_STRING', { IN: 'T#1500ms' }, 'T#1s500ms'],
    ['F_TIME_TO_WSTRING', { IN: 'T#2s' }, 'T#2s'],
  ] as const)('%s', (type, params, expected) => {
    expect(call(type, params).out).toBe(expected);
  });

  it('a DATE parameter that is not a calendar date is a diagnostic', () => {
    const text = fboot([fb('F', 'F_DT_TO_DATE'), write('DT#2024-02-30-10:00:00', 'F.IN'), start()]);
    const r = compileFile(typeFolder({}, 'vplc-fn-'), 't.fboot', text);
    // checked at compile time, reported on the WRITE line of the boot file
    expect(r.application).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/t\.fboot:2:\d+: error E4012: invalid parameter F\.IN \(DATE_AND_TIME\): 'DT#2024-02-30-10:00:00' is not a date of the calendar/),
    ]);
  });
});

describe('E_MUX_2', () => {
  it('merges two events and tells which one came (K)', () => {
    const text = fboot([fb('M', 'E_MUX_2'), fb('C', 'E_CTU'), conn('M.EO', 'C.CU'), write('9', 'C.PV'), start()]);
    const { res } = startSystem(typeFolder({}, 'vplc-fn-'), 't.fboot', text);
    res.fireEvent('M.EI2');
    expect(res.read('M.K')).toBe(1);
    res.fireEvent('M.EI1');
    expect(res.read('M.K')).toBe(0);
    expect(res.read('C.CV')).toBe(2);
  });
});
