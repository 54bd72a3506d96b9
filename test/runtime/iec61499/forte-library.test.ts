import { describe, expect, it } from 'vitest';
import { bootRequests, fboot, startSystem, typeFolder } from '../../support/iec61499.js';
import { setConsoleSink } from '../../../blocks/native/console.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const { fb, conn, write, start } = bootRequests('R');

/** Run one function FB on START.COLD, its CNF counted by an E_CTU; returns OUT and the count. */
function call(type: string, params: Record<string, string>): { out: unknown; faults: unknown[]; cnf: unknown } {
  const text = fboot([
    fb('F', type), fb('C', 'E_CTU'),
    conn('START.COLD', 'F.REQ'), conn('F.CNF', 'C.CU'),
    ...Object.entries(params).map(([k, v]) => write(v, `F.${k}`)),
    write('10', 'C.PV'),
    start(),
  ]);
  const { outcome, res } = startSystem(typeFolder({}, 'vplc-forte-'), 't.fboot', text);
  return { out: res.read('F.OUT'), faults: outcome.faults, cnf: res.read('C.CV') };
}

describe('library FBs tolerate what FORTE tolerates', () => {
  it('F_MUX_2 with K out of range gives the default value and goes on (SystemTests Soft_Pass_Example)', () => {
    const r = call('F_MUX_2', { K: 'UINT#2', IN1: 'BOOL#TRUE', IN2: 'BOOL#TRUE' });
    expect(r.faults).toEqual([]);
    expect(r.out).toBe(false);
    expect(r.cnf).toBe(1);
    expect(call('F_MUX_2', { K: 'UINT#1', IN1: 'INT#5', IN2: 'INT#7' }).out).toBe(7);
    expect(call('F_MUX_2', { K: 'INT#-1', IN1: 'INT#5', IN2: 'INT#7' }).out).toBe(0);
  });

  it('F_DIV and F_MOD by zero give 0 as FORTE does, not a DIVISION_BY_ZERO fault', () => {
    const d = call('F_DIV', { IN1: 'DINT#7', IN2: 'DINT#0' });
    expect(d.faults).toEqual([]);
    expect(d.out).toBe(0);
    expect(d.cnf).toBe(1);
    expect(call('F_DIV', { IN1: 'DINT#7', IN2: 'DINT#2' }).out).toBe(3);
    expect(call('F_DIV', { IN1: 'LREAL#1.0', IN2: 'LREAL#0.0' }).out).toBe(0);
    const m = call('F_MOD', { IN1: 'INT#7', IN2: 'INT#0' });
    expect(m.faults).toEqual([]);
    expect(m.out).toBe(0);
    expect(call('F_MOD', { IN1: 'INT#7', IN2: 'INT#4' }).out).toBe(3);
  });
});

describe('library FBs never fault where FORTE computes a value', () => {
  it('BCD decoding takes digits above 9 as they come (16#FF is 165), as FORTE does', () => {
    const b = call('F_BYTE_BCD_TO_USINT', { IN: 'BYTE#16#FF' });
    expect(b.faults).toEqual([]);
    expect(b.out).toBe(165);
    expect(call('F_WORD_BCD_TO_UINT', { IN: 'WORD#16#1A2B' }).out).toBe(1000 + 10 * 100 + 2 * 10 + 11);
    expect(call('F_DWORD_BCD_TO_UDINT', { IN: 'DWORD#16#12345678' }).out).toBe(12345678);
    expect(call('F_LWORD_BCD_TO_ULINT', { IN: 'LWORD#16#9999999999999999' }).out).toBe(9999999999999999n);
  });

  it('F_DIVTIME by zero gives T#0s', () => {
    const r = call('F_DIVTIME', { IN1: 'T#1s', IN2: 'INT#0' });
    expect(r.faults).toEqual([]);
    expect(r.out).toBe(0);
    expect(call('F_DIVTIME', { IN1: 'T#1s', IN2: 'INT#4' }).out).toBe(250_000_000);
  });
});

describe('FORTE duration conversions F_TIME_IN_<unit>_TO_<type>', () => {
  const t = 'T#1s2ms3us4ns';
  it.each([
    ['F_TIME_IN_S_TO_LINT', 1], ['F_TIME_IN_MS_TO_LINT', 1002], ['F_TIME_IN_US_TO_LINT', 1002003], ['F_TIME_IN_NS_TO_LINT', 1002003004],
    ['F_TIME_IN_S_TO_ULINT', 1], ['F_TIME_IN_MS_TO_ULINT', 1002], ['F_TIME_IN_US_TO_ULINT', 1002003], ['F_TIME_IN_NS_TO_ULINT', 1002003004],
  ] as const)('%s', (type, expected) => {
    const r = call(type, { IN: t });
    expect(r.faults).toEqual([]);
    expect(Number(r.out)).toBe(expected);
  });
  it.each([
    ['F_TIME_IN_S_TO_LREAL', 1.002003004], ['F_TIME_IN_MS_TO_LREAL', 1002.003004], ['F_TIME_IN_US_TO_LREAL', 1002003.004], ['F_TIME_IN_NS_TO_LREAL', 1002003004],
  ] as const)('%s', (type, expected) => {
    expect(call(type, { IN: t }).out).toBeCloseTo(expected, 6);
  });
});

describe('FORTE utility types vPLC lacked', () => {
  it('INT2UINT and UINT2INT carry the bit pattern over', () => {
    expect(call('INT2UINT', { IN: 'INT#-1' }).out).toBe(65535);
    expect(call('UINT2INT', { IN: 'UINT#65535' }).out).toBe(-1);
  });

  it('SPLIT_WORD_INTO_QUARTERS gives each 2-bit quarter, the lowest first', () => {
    const text = fboot([
      fb('S', 'SPLIT_WORD_INTO_QUARTERS'), conn('START.COLD', 'S.REQ'), write('WORD#2#1110010000011011', 'S.IN'), start(),
    ]);
    const { res, outcome } = startSystem(typeFolder({}, 'vplc-forte-'), 't.fboot', text);
    expect(outcome.faults).toEqual([]);
    expect(Array.from({ length: 8 }, (_, k) => res.read(`S.QUARTER_BYTE_0${k}`))).toEqual([3, 2, 1, 0, 0, 1, 2, 3]);
  });

  it('SPLIT_*_INTO_BOOLS, SPLIT_WORD_INTO_BYTES and SPLIT_DWORD_INTO_WORDS take the lowest part first', () => {
    const split = (type: string, value: string, outs: string[]) => {
      const text = fboot([fb('S', type), conn('START.COLD', 'S.REQ'), write(value, 'S.IN'), start()]);
      const { res, outcome } = startSystem(typeFolder({}, 'vplc-forte-'), 't.fboot', text);
      expect(outcome.faults).toEqual([]);
      return outs.map((o) => res.read(`S.${o}`));
    };
    const bits = (n: number) => Array.from({ length: n }, (_, k) => `BIT_${String(k).padStart(2, '0')}`);
    expect(split('SPLIT_BYTE_INTO_BOOLS', 'BYTE#2#10000101', bits(8))).toEqual([true, false, true, false, false, false, false, true]);
    expect(split('SPLIT_LWORD_INTO_BOOLS', 'LWORD#16#8000000000000001', bits(64)).map(Number).join('')).toBe(`1${'0'.repeat(62)}1`);
    expect(split('SPLIT_WORD_INTO_BYTES', 'WORD#16#ABCD', ['BYTE_00', 'BYTE_01'])).toEqual([0xcd, 0xab]);
    expect(split('SPLIT_DWORD_INTO_WORDS', 'DWORD#16#12345678', ['WORD_00', 'WORD_01'])).toEqual([0x5678, 0x1234]);
  });

  it('FB_RANDOM: values in [0, 1), the same sequence for the same SEED, another for another', () => {
    const seq = (seed: string) => {
      const text = fboot([fb('R', 'FB_RANDOM'), write(seed, 'R.SEED'), conn('START.COLD', 'R.INIT'), start()]);
      const { res } = startSystem(typeFolder({}, 'vplc-forte-'), 't.fboot', text);
      return Array.from({ length: 50 }, () => (res.fireEvent('R.REQ'), res.read('R.VAL') as number));
    };
    const a = seq('7');
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(45);
    expect(seq('7')).toEqual(a);
    expect(seq('8')).not.toEqual(a);
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.7);
  });
});

describe('FORTE generic event blocks E_DEMUX_n and E_MUX_n', () => {
  it('E_DEMUX_4 sends EI to EO(K+1); a K out of range sends nothing', () => {
    const text = fboot([
      fb('D', 'E_DEMUX_4'), fb('C1', 'E_CTU'), fb('C4', 'E_CTU'), conn('D.EO1', 'C1.CU'), conn('D.EO4', 'C4.CU'), start(),
    ]);
    const { res, outcome } = startSystem(typeFolder({}, 'vplc-forte-'), 't.fboot', text);
    expect(outcome.faults).toEqual([]);
    for (const k of ['0', '3', '3', '7']) {
      res.writeParameter('D.K', k);
      res.fireEvent('D.EI');
    }
    expect([res.read('C1.CV'), res.read('C4.CV')]).toEqual([1, 2]);
  });

  it('E_MUX_3 merges EI1..EI3 into EO with K', () => {
    const text = fboot([fb('M', 'E_MUX_3'), fb('C', 'E_CTU'), conn('M.EO', 'C.CU'), start()]);
    const { res } = startSystem(typeFolder({}, 'vplc-forte-'), 't.fboot', text);
    res.fireEvent('M.EI3');
    expect(res.read('M.K')).toBe(2);
    res.fireEvent('M.EI1');
    expect(res.read('M.K')).toBe(0);
    expect(res.read('C.CV')).toBe(2);
  });
});

describe('OUT_ANY_CONSOLE', () => {
  it('writes LABEL = value for each REQ with QI, of whatever type IN is connected to', () => {
    const lines: string[] = [];
    const old = setConsoleSink((l) => lines.push(l));
    try {
      const text = fboot([
        fb('C', 'E_CTU'), fb('O', 'OUT_ANY_CONSOLE'), fb('S', 'OUT_ANY_CONSOLE'),
        conn('C.CUO', 'O.REQ'), conn('C.CV', 'O.IN'), conn('O.CNF', 'S.REQ'),
        write('TRUE', 'O.QI'), write("'count'", 'O.LABEL'), write('10', 'C.PV'),
        write('TRUE', 'S.QI'), write("'text'", 'S.LABEL'), write("STRING#'hello'", 'S.IN'), start(),
      ]);
      const { res, outcome } = startSystem(typeFolder({}, 'vplc-forte-'), 't.fboot', text);
      expect(outcome.faults).toEqual([]);
      res.fireEvent('C.CU');
      res.fireEvent('C.CU');
      res.writeParameter('O.QI', 'FALSE');
      res.fireEvent('C.CU');
      expect(lines).toEqual(['count = 1', "text = 'hello'", 'count = 2', "text = 'hello'", "text = 'hello'"]);
      expect(res.read('O.QO')).toBe(false);
    } finally {
      setConsoleSink(old);
    }
  });
});

describe('CSV_WRITER_n', () => {
  it('opens FILE_NAME on INIT with QI, writes SD_1..SD_n as IEC literals separated by "; " per REQ, closes on INIT without QI', () => {
    const dir = typeFolder({}, 'vplc-csv-');
    const file = join(dir, 'out.csv');
    const text = fboot([
      fb('W', 'CSV_WRITER_2'), fb('C', 'E_CTU'),
      conn('START.COLD', 'W.INIT'), conn('C.CUO', 'W.REQ'), conn('C.CV', 'W.SD_1'),
      write('TRUE', 'W.QI'), write(`'${file}'`, 'W.FILE_NAME'), write('UINT#7', 'W.SD_2'), write('10', 'C.PV'), start(),
    ]);
    const { res, outcome } = startSystem(dir, 't.fboot', text);
    expect(outcome.faults).toEqual([]);
    expect([res.read('W.QO'), res.read('W.STATUS')]).toEqual([true, 'OK']);
    res.fireEvent('C.CU');
    res.fireEvent('C.CU');
    res.writeParameter('W.QI', 'FALSE');
    res.fireEvent('W.INIT');
    expect(readFileSync(file, 'utf8')).toBe('1; 7; \n2; 7; \n');
    // writing to a closed file: QO FALSE and why
    res.writeParameter('W.QI', 'TRUE');
    res.fireEvent('W.REQ');
    expect([res.read('W.QO'), res.read('W.STATUS')]).toEqual([false, 'File not opened']);
  });

  it('an unwritable FILE_NAME answers INIT with QO FALSE and the reason', () => {
    const text = fboot([fb('W', 'CSV_WRITER_1'), conn('START.COLD', 'W.INIT'), write('TRUE', 'W.QI'), write("'/nonexistent-dir/x.csv'", 'W.FILE_NAME'), write('INT#1', 'W.SD_1'), start()]);
    const { res } = startSystem(typeFolder({}, 'vplc-csv-'), 't.fboot', text);
    expect([res.read('W.QO'), res.read('W.STATUS')]).toEqual([false, 'ENOENT']);
  });
});
