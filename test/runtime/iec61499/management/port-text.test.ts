import { describe, expect, it } from 'vitest';
import { portText } from '../../../../runtime/iec61499/management/port-text.js';

// What FORTE answers, as seen from a FORTE built from its sources: READ of an ANY port holding
// INT -300 is `INT#-300`, BYTE 16#A5 `BYTE#165`, LTIME 5 ms `LT#5ms`; READ of a STRING port
// its bare text; a typed port its plain value (T#20ms).
describe('port values in management replies', () => {
  it('a generic port holds a typed literal; a typed port its plain value', () => {
    expect(portText('ANY', 'INT', -300, true)).toBe('INT#-300');
    expect(portText('ANY', 'BYTE', 165, true)).toBe('BYTE#165');
    expect(portText('ANY_NUM', 'UINT', 105, false)).toBe('UINT#105');
    expect(portText('ANY', 'BOOL', true, true)).toBe('BOOL#TRUE');
    expect(portText('ANY', 'LTIME', 5e6, true)).toBe('LT#5ms');
    expect(portText('ANY', 'TIME', 1e9, true)).toBe('T#1s');
    expect(portText('UINT', 'UINT', 105, true)).toBe('105');
    expect(portText('TIME', 'TIME', 20e6, true)).toBe('T#20ms');
    // not yet bound to a type: the value alone
    expect(portText('ANY', 'ANY', 5, true)).toBe('5');
  });

  it('READ gives a string as it is, a watch quotes it; a generic string port is STRING#\'…\'', () => {
    expect(portText('WSTRING', 'WSTRING', 'OK', true)).toBe('OK');
    expect(portText('WSTRING', 'WSTRING', 'OK', false)).toBe('"OK"');
    expect(portText('STRING', 'STRING', "it's", false)).toBe("'it$'s'");
    expect(portText('ANY', 'STRING', 'ab', false)).toBe("STRING#'ab'");
  });

  it('dates as IEC literals, not as counts', () => {
    const ms = Date.UTC(2024, 1, 29, 13, 14, 15, 250);
    expect(portText('DT', 'DT', ms, true)).toBe('DT#2024-02-29-13:14:15.250');
    expect(portText('ANY', 'DT', ms, true)).toBe('DT#2024-02-29-13:14:15.250');
    expect(portText('DATE', 'DATE', Date.UTC(2024, 1, 29), true)).toBe('D#2024-02-29');
    expect(portText('TOD', 'TOD', ((13 * 60 + 14) * 60 + 15.5) * 1e9, true)).toBe('TOD#13:14:15.500');
    expect(portText('TOD', 'TOD', 0, true)).toBe('TOD#00:00:00');
  });
});
