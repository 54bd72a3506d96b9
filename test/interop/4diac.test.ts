import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLibraryFile } from '../../compiler/iec61499/type-reader.js';
import { TypeLibrary } from '../../compiler/iec61499/library.js';
import type { FbTypeDeclaration } from '../../compiler/iec61499/model.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { bootRequests, fboot, startSystem, typeFolder } from '../support/iec61499.js';

const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/4diac', import.meta.url));
const present = existsSync(FIXTURES);
const SYSTEM_TESTS = join(FIXTURES, 'SystemTests');
const CUSTOM = join(FIXTURES, 'compliance_tests', 'Type Library', 'custom');

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files(p, out);
    else if (e.endsWith('.fbt')) out.push(p);
  }
  return out;
}

const { fb, conn, write, start } = bootRequests('RES');

/** Build a boot file in a fresh folder; types come from the given fixture folders. */
function run(lines: string[], libraryPaths: string[]) {
  const { runner, outcome, res } = startSystem(typeFolder({}, 'vplc-4diac-'), 'test.fboot', fboot([...lines, start()]), { libraryPaths, allowWarnings: true });
  expect(outcome.faults).toEqual([]);
  return { runner, outcome, res, vars: runner.snapshotVars() };
}

const describeFixtures = present ? describe : describe.skip;
if (!present) console.warn(`4diac fixtures not found at ${FIXTURES}: interop tests skipped`);

describeFixtures('4diac interop: built-in interfaces', () => {
  it('every built-in E_*, F_*, FB_* and test block has the interface 4diac declares', () => {
    const builtin = new TypeLibrary([], []);
    const mismatches: string[] = [];
    let compared = 0;
    for (const path of [...files(SYSTEM_TESTS), ...files(CUSTOM)]) {
      const name = basename(path, '.fbt');
      if (!/^(E_|F_|FB_|TEST_CONDITION$|STEST_END$|CSV_WRITER_\d+$|[A-Z]+2[A-Z]+$)/.test(name)) continue;
      const ours = builtin.fbType(name);
      if (!ours) continue;
      const diags: Diagnostic[] = [];
      const el = readLibraryFile(path, readFileSync(path, 'utf8'), diags);
      if (el?.kind !== 'fb') continue;
      compared++;
      const sig = (d: FbTypeDeclaration) => JSON.stringify({
        ei: d.interface.eventInputs.map((e) => `${e.name}(${[...e.with].sort().join(',')})`),
        eo: d.interface.eventOutputs.map((e) => `${e.name}(${[...e.with].sort().join(',')})`),
        iv: d.interface.inputVars.map((v) => `${v.name}:${v.type}`),
        ov: d.interface.outputVars.map((v) => `${v.name}:${v.type}`),
      });
      if (sig(ours) !== sig(el.decl)) mismatches.push(`${path}\n  4diac: ${sig(el.decl)}\n  vPLC:  ${sig(ours)}`);
    }
    expect(compared).toBeGreaterThanOrEqual(389);
    expect(mismatches).toEqual([]);
  });
});

describeFixtures('4diac interop: networks of fixture types', () => {
  it('runs 4diac\'s E_CTU (basic FB, guarded transition) with the older-style E_SWITCH (EI&G)', () => {
    const { vars, outcome } = run([
      fb('C', 'E_CTU'), fb('S', 'E_SWITCH'),
      conn('START.COLD', 'C.CU'), conn('C.CUO', 'S.EI'), conn('C.Q', 'S.G'), conn('S.EO0', 'C.CU'), conn('S.EO1', 'C.R'),
      write('5', 'C.PV'),
    ], [CUSTOM, join(SYSTEM_TESTS, 'events')]);
    expect(vars['RES.C.CV']).toBe(0);
    expect(vars['RES.S.G']).toBe(true);
    expect(outcome.events).toBe(11);
  });

  it('WithInputs: REQ keeps the sampled inputs, UPDATE samples them', () => {
    const { res } = run([
      fb('W', 'WithInputs'), fb('N', 'SimpleNOT'),
      conn('N.DO1', 'W.DI1'),
    ], [CUSTOM]);
    // initial values from the .fbt: DI1 1, DI2 -10, DI3 15, DI4 2.0
    res.fireEvent('W.REQ');
    expect([res.read('W.DO1'), res.read('W.DO2'), res.read('W.DO3'), res.read('W.DO4')]).toEqual([true, -10, 15, 2]);
    res.fireEvent('N.REQ'); // N.DO1 := NOT FALSE
    res.writeParameter('N.DI1', 'TRUE');
    res.fireEvent('N.REQ'); // N.DO1 := NOT TRUE = FALSE
    res.fireEvent('W.REQ');
    expect(res.read('W.DO1')).toBe(true);
    res.fireEvent('W.UPDATE');
    expect(res.read('W.DO1')).toBe(false);
  });

  it('E_DEFAULT_PERMIT passes events with its initial PERMIT TRUE', () => {
    const { res } = run([fb('P', 'E_DEFAULT_PERMIT'), fb('C', 'E_CTU'), conn('P.EO', 'C.CU'), write('9', 'C.PV')], [CUSTOM]);
    res.fireEvent('P.EI');
    res.fireEvent('P.EI');
    expect(res.read('C.CV')).toBe(2);
  });

  it('adapters: socket and plug exchange events and share data (EnhancedAdapterWith / EnhancedAdapterWith2)', () => {
    const { res } = run([
      fb('SOCK', 'EnhancedAdapterWith'), fb('PLUG', 'EnhancedAdapterWith2'), fb('C', 'E_CTU'),
      conn('PLUG.adp', 'SOCK.adp'), conn('SOCK.CNF', 'C.CU'), write('1', 'C.PV'),
    ], [CUSTOM]);
    res.fireEvent('SOCK.REQ');
    expect(res.read('SOCK.DO1')).toBe(5);
    expect(res.read('SOCK.DO2')).toBe(true);
    expect(res.read('C.CV')).toBe(1);
  });

  it('composite FB E_R_TRIG (E_D_FF + E_SWITCH) is flattened and detects rising edges', () => {
    // N inverts its input into T.QI: the composite's pins are reached only through connections
    const { res } = run([
      fb('N', 'SimpleNOT'), fb('T', 'E_R_TRIG'), fb('C', 'E_CTU'),
      conn('N.DO1', 'T.QI'), conn('N.CNF', 'T.EI'), conn('T.EO', 'C.CU'), write('100', 'C.PV'),
    ], [CUSTOM, join(SYSTEM_TESTS, 'events')]);
    expect(res.fbNames()).toEqual(expect.arrayContaining(['T.D', 'T.SW']));
    for (const qi of [true, true, false, true, false, false, true]) {
      res.writeParameter('N.DI1', qi ? 'FALSE' : 'TRUE');
      res.fireEvent('N.REQ');
    }
    expect(res.read('C.CV')).toBe(3);
  });

  it('4diac\'s E_TimeOut (composite behind an ATimeOut socket) times out for the fixture\'s ExistingAdapter', () => {
    // ExistingAdapter's EI starts a 10 ms timeout through its plug; on TimeOut it sends EO with O := DT
    const { runner, res } = run([
      fb('P', 'ExistingAdapter'), fb('T', 'E_TimeOut'), fb('C', 'E_CTU'),
      conn('P.ATimeOut', 'T.TimeOutSocket'), conn('P.EO', 'C.CU'), write('9', 'C.PV'),
    ], [join(SYSTEM_TESTS, 'events'), join(SYSTEM_TESTS, 'testfbforcodegenerator', 'Adapters')]);
    expect(res.fbNames()).toContain('T.DLY');
    res.fireEvent('P.EI');
    runner.runUntil(9_999_999);
    expect(res.read('C.CV')).toBe(0);
    runner.runUntil(10_000_000);
    expect(res.read('C.CV')).toBe(1);
    expect(res.read('P.O')).toBe(10_000_000);
  });

  it('SystemTests\' UINT2UINT feeds REAL2REAL and INT2INT feeds DINT2DINT: IEC widenings connect as in FORTE', () => {
    const { vars } = run([
      fb('U', 'UINT2UINT'), fb('R', 'REAL2REAL'), fb('I', 'INT2INT'), fb('D', 'DINT2DINT'),
      conn('U.OUT', 'R.IN'), conn('I.OUT', 'D.IN'),
      conn('START.COLD', 'U.REQ'), conn('U.CNF', 'R.REQ'), conn('R.CNF', 'I.REQ'), conn('I.CNF', 'D.REQ'),
      write('UINT#65535', 'U.IN'), write('INT#-300', 'I.IN'),
    ], [join(SYSTEM_TESTS, 'convert')]);
    expect([vars['RES.R.OUT'], vars['RES.D.OUT']]).toEqual([65535, -300]);
  });

  it('F_ADD from the compliance library (generic, LREAL temporaries) bound to LREAL', () => {
    const { vars } = run([
      fb('A', 'F_ADD'), conn('START.COLD', 'A.REQ'), write('LREAL#40.5', 'A.IN1'), write('LREAL#1.5', 'A.IN2'),
    ], [CUSTOM]);
    expect(vars['RES.A.OUT']).toBe(42);
  });
});
