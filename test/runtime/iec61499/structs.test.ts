import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { bootRequests, compileFile, fboot, runnerOf, startSystem, typeFolder } from '../../support/iec61499.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

// A struct type, a basic FB that builds one (REQ publishes it with CNF, UPD changes it
// silently) and a basic FB that samples one with REQ and copies a field to an output.
const POINT = fixture('structs/POINT.dtp');
const LINE = fixture('structs/LINE.dtp');
const PSRC = fixture('structs/PSRC.fbt');
const PSINK = fixture('structs/PSINK.fbt');

const folder = () => typeFolder({ 'POINT.dtp': POINT, 'LINE.dtp': LINE, 'PSRC.fbt': PSRC, 'PSINK.fbt': PSINK }, 'vplc-struct-');

const { fb, conn, write } = bootRequests();

const compileBoot = (lines: string[]) => compileFile(folder(), 'app.fboot', fboot(lines));
const runBoot = (lines: string[]) => startSystem(folder(), 'app.fboot', fboot(lines)).res;

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<unknown>) : x)));

describe('IEC 61499 structured values', () => {
  it('samples a struct WITH the event into the sink\'s own storage, not an alias of the source', () => {
    const res = runBoot([fb('S', 'PSRC'), fb('K', 'PSINK'), conn('S.CNF', 'K.REQ'), conn('S.P', 'K.P'), write('5', 'S.X')]);
    const storage = res.read('K.P');
    expect(res.fireEvent('S.REQ')).toBe(2);
    expect(plain(res.read('K.P'))).toMatchObject({ x: 5, on: true, hist: [0, 50, 0] });
    expect(res.read('K.X')).toBe(5);
    // copied into the object the sink already had
    expect(res.read('K.P')).toBe(storage);
    expect(res.read('K.P')).not.toBe(res.read('S.P'));
    // the source changes without an event to the sink: the sink keeps the sampled value
    res.writeParameter('S.X', '-9');
    res.fireEvent('S.UPD');
    expect(plain(res.read('S.P'))).toMatchObject({ x: -9, on: false, hist: [0, -90, 0] });
    expect(plain(res.read('K.P'))).toMatchObject({ x: 5, on: true, hist: [0, 50, 0] });
    // and samples the new value with the next event
    res.fireEvent('S.REQ');
    expect(plain(res.read('K.P'))).toMatchObject({ x: -9, on: false, hist: [0, -90, 0] });
    expect(res.read('K.X')).toBe(-9);
  });

  it('applies struct literals written by a boot file, nested structs and arrays included', () => {
    const res = runBoot([
      fb('K', 'PSINK'),
      write('(on:=TRUE, t:=T#2s, hist:=[7, 2(-1)])', 'K.P'),
      write('(a:=(x:=3), b:=(x:=-4, on:=1))', 'K.L'),
    ]);
    // a field the literal leaves out keeps its initial value (x := 1)
    expect(plain(res.read('K.P'))).toEqual({ x: 1, on: true, t: 2_000_000_000, hist: [7, -1, -1] });
    expect(plain(res.read('K.L'))).toEqual({
      a: { x: 3, on: false, t: 0, hist: [0, 0, 0] },
      b: { x: -4, on: true, t: 0, hist: [0, 0, 0] },
    });
  });

  it('applies a struct parameter of a .sys and a WRITE at run time in place', () => {
    const text = fixture('structs/struct-parameter.sys');
    const res = runnerOf(compileFile(folder(), 'app.sys', text)).resource('D.R')!;
    expect(plain(res.read('K.P'))).toMatchObject({ x: 12, on: true });
    const storage = res.read('K.P');
    res.writeParameter('K.P', '(x:=-3)');
    expect(res.read('K.P')).toBe(storage);
    expect(plain(res.read('K.P'))).toMatchObject({ x: -3, on: true });
    expect(() => res.writeParameter('K.P', '(x:=1, y:=2)')).toThrow(/K\.P: POINT has no field y/);
    expect(() => res.writeParameter('K.P', '7')).toThrow(/K\.P: '7' is not a POINT value/);
    expect(plain(res.read('K.P'))).toMatchObject({ x: -3, on: true });
  });

  it('reports malformed struct literals at compile time with the boot file line', () => {
    const r = compileBoot([
      fb('K', 'PSINK'),
      write('(x:=1 on:=TRUE)', 'K.P'),
      write('(x:=1, y:=2)', 'K.P'),
      write('(x:=1, on:=2)', 'K.P'),
      write('(x:=1', 'K.P'),
      write('(a:=(x:=70000))', 'K.L'),
      write('(hist:=[1,2,3,4])', 'K.P'),
      write('5', 'K.P'),
    ]);
    expect(r.application).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/app\.fboot:2:\d+: error E4012: invalid parameter K\.P \(POINT\): expected ',' between fields/),
      expect.stringMatching(/app\.fboot:3:\d+: error E4012: invalid parameter K\.P \(POINT\): POINT has no field y/),
      expect.stringMatching(/app\.fboot:4:\d+: error E4012: invalid parameter K\.P \(POINT\): '2' is not a BOOL/),
      expect.stringMatching(/app\.fboot:5:\d+: error E4012: invalid parameter K\.P \(POINT\): expected ',' or '\)'.*found the end/),
      expect.stringMatching(/app\.fboot:6:\d+: error E4012: invalid parameter K\.L \(LINE\): 70000 is out of range for INT/),
      expect.stringMatching(/app\.fboot:7:\d+: error E4012: invalid parameter K\.P \(POINT\): more than 3 elements/),
      expect.stringMatching(/app\.fboot:8:\d+: error E4012: invalid parameter K\.P \(POINT\): '5' is not a POINT value/),
    ]);
  });

  it('reports out-of-range integers and bad dates of a .sys at compile time with the .sys line', () => {
    const text = fixture('structs/bad-parameters.sys');
    const r = compileFile(typeFolder({}, 'vplc-param-'), 'app.sys', text);
    expect(r.application).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/app\.sys:6:\d+: error E4012: invalid parameter C\.PV \(UINT\): 65536 is out of range for UINT/),
      expect.stringMatching(/app\.sys:7:\d+: error E4012: invalid parameter F\.IN \(DATE_AND_TIME\): .*DT#2023-13-01-00:00:00/),
    ]);
  });
});
