import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { bootRequests, compileFile, fboot, startSystem, typeFolder } from '../../support/iec61499.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

// A basic FB with an IEC 61499 ed.2 InOut: REQ reads V, the algorithm adds STEP, CNF publishes V.
const INC = fixture('inout/INC.fbt');

const { fb, conn, write } = bootRequests();

const compileBoot = (lines: string[]) => compileFile(typeFolder({ 'INC.fbt': INC }, 'vplc-inout-'), 'app.fboot', fboot(lines));
const runBoot = (lines: string[]) => startSystem(typeFolder({ 'INC.fbt': INC }, 'vplc-inout-'), 'app.fboot', fboot(lines)).res;

describe('IEC 61499 InOut variables', () => {
  it('passes the value along an InOut chain and makes the result visible back to its head', () => {
    // A.V → B.V (InOut to InOut), B.V → F.IN (an InOut's output side to a plain input)
    const res = runBoot([
      fb('A', 'INC'), fb('B', 'INC'), fb('F', 'F_MOVE'),
      conn('A.CNF', 'B.REQ'), conn('A.V', 'B.V'), conn('B.CNF', 'F.REQ'), conn('B.V', 'F.IN'),
      write('5', 'A.V'), write('10', 'B.STEP'),
    ]);
    res.fireEvent('A.REQ');
    // A read 5 and published 6; B read the 6 passed in and published 16 into the same storage
    expect(res.read('A.V')).toBe(6);
    expect(res.read('B.V')).toBe(16);
    expect(res.read('F.OUT')).toBe(16);
    // the head reads B's result back with its next event: 16 + 1, then B: 17 + 10
    res.fireEvent('A.REQ');
    expect(res.read('A.V')).toBe(17);
    expect(res.read('B.V')).toBe(27);
    expect(res.read('F.OUT')).toBe(27);
  });

  it('keeps an unconnected InOut\'s value between events, like FORTE\'s own InOut storage', () => {
    const res = runBoot([fb('A', 'INC'), write('40', 'A.V'), write('2', 'A.STEP')]);
    res.fireEvent('A.REQ');
    res.fireEvent('A.REQ');
    expect(res.read('A.V')).toBe(44);
  });

  it('rejects an event connection to an InOut with the boot file line', () => {
    const r = compileBoot([fb('A', 'INC'), fb('B', 'INC'), conn('A.CNF', 'B.V')]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/app\.fboot:3:\d+: error E4005: connection A\.CNF → B\.V joins incompatible ports/),
    ]);
  });
});
