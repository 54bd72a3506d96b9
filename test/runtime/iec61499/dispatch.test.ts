import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { bootRequests, compileFile, fboot, runnerOf, typeFolder } from '../../support/iec61499.js';

const { fb, conn, write, start } = bootRequests('RES');

const compileBoot = (lines: string[]) => compileFile(typeFolder(), 'app.fboot', fboot(lines));
const build = (lines: string[]) => runnerOf(compileBoot(lines));

describe('IEC 61499 event dispatch', () => {
  it('runs a ring of E_CTU and E_SWITCH until the counter reaches PV', () => {
    const runner = build([
      fb('C', 'E_CTU'), fb('S', 'E_SWITCH'),
      conn('START.COLD', 'C.CU'), conn('C.CUO', 'S.EI'), conn('C.Q', 'S.G'),
      conn('S.EO0', 'C.CU'), conn('S.EO1', 'C.R'),
      write('7', 'C.PV'), start(),
    ]);
    const out = runner.runUntil(0);
    const vars = runner.snapshotVars();
    // the counter reached 7, Q switched the event to R, which reset it
    expect(vars['RES.C.CV']).toBe(0);
    expect(vars['RES.C.Q']).toBe(false);
    expect(vars['RES.S.G']).toBe(true);
    // 7 × (C.CU, S.EI) + C.R
    expect(out.events).toBe(15);
  });

  it('samples only the data inputs WITH the arriving event', () => {
    const runner = build([
      fb('C', 'E_CTU'), fb('S', 'E_SWITCH'), fb('P', 'E_PERMIT'),
      conn('START.COLD', 'C.CU'), conn('C.CUO', 'S.EI'), conn('C.Q', 'S.G'), write('1', 'C.PV'),
      start(),
    ]);
    const res = runner.resources[0]!.resource;
    runner.runUntil(0);
    expect(res.read('S.G')).toBe(true);
    // R carries no data: S.G keeps the value sampled with EI although C.Q is now FALSE
    res.connect('C.RO', 'P.EI');
    res.fireEvent('C.R');
    expect(res.read('C.Q')).toBe(false);
    expect(res.read('S.G')).toBe(true);
  });

  it('queues output events first-in first-out, not depth-first', () => {
    // A.EO1 → B (split) → X.CU twice; A.EO2 → X.R. FIFO: B.EI, X.R, X.CU, X.CU → 2.
    // Calling through depth-first would count twice and then reset to 0.
    const runner = build([
      fb('A', 'E_SPLIT'), fb('B', 'E_SPLIT'), fb('X', 'E_CTU'),
      conn('START.COLD', 'A.EI'), conn('A.EO1', 'B.EI'), conn('A.EO2', 'X.R'),
      conn('B.EO1', 'X.CU'), conn('B.EO2', 'X.CU'), write('100', 'X.PV'), start(),
    ]);
    const out = runner.runUntil(0);
    expect(runner.snapshotVars()['RES.X.CV']).toBe(2);
    expect(out.events).toBe(5);
  });

  it('queues output events first-in first-out, not last-in first-out', () => {
    // A.EO1 → X.R, A.EO2 → B → X.CU. FIFO: X.R, B.EI, X.CU → 1; a stack would end at 0.
    const runner = build([
      fb('A', 'E_SPLIT'), fb('B', 'E_SPLIT'), fb('X', 'E_CTU'),
      conn('START.COLD', 'A.EI'), conn('A.EO1', 'X.R'), conn('A.EO2', 'B.EI'), conn('B.EO1', 'X.CU'),
      write('100', 'X.PV'), start(),
    ]);
    runner.runUntil(0);
    expect(runner.snapshotVars()['RES.X.CV']).toBe(1);
  });

  it('evaluates guards after sampling and stops when no transition fires', () => {
    const runner = build([fb('P', 'E_PERMIT'), fb('C', 'E_CTU'), conn('P.EO', 'C.CU'), write('100', 'C.PV'), start()]);
    const res = runner.resources[0]!.resource;
    runner.runUntil(0);
    res.fireEvent('P.EI');
    expect(res.read('C.CV')).toBe(0);
    res.writeParameter('P.PERMIT', 'TRUE');
    res.fireEvent('P.EI');
    res.fireEvent('P.EI');
    expect(res.read('C.CV')).toBe(2);
  });

  it('reports an unknown FB type with the boot file line', () => {
    const r = compileBoot([fb('C', 'E_CTU'), fb('Z', 'NO_SUCH_TYPE')]);
    expect(r.application).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(/app\.fboot:2:\d+: error E4003: unknown FB type NO_SUCH_TYPE/)]);
  });
});
