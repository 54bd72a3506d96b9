/**
 * Networks FORTE accepts and runs: data connections between types IEC lets widen (and the
 * narrowing ones FORTE converts), WRITEs on the inputs of composite FBs, untyped
 * subapplications mapped from an application into a resource.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { compile61499 } from '../../../compiler/iec61499/project.js';
import { compileSources } from '../../../compiler/project.js';
import { bootRequests, compileFile, fboot, runnerOf, startSystem, typeFolder } from '../../support/iec61499.js';

const { fb, conn, write, start } = bootRequests('R');
const shown = (r: { diagnostics: Parameters<typeof formatDiagnostic>[0][] }) => r.diagnostics.map(formatDiagnostic);

/** A simple FB passing IN of type `from` through to OUT of type `to` (4diac's *2* convert blocks, in any pairing). */
const pass = (name: string, inType: string, outType: string) => `<FBType Name="${name}"><InterfaceList>
<EventInputs><Event Name="REQ"><With Var="IN"/></Event></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="IN" Type="${inType}"/></InputVars>
<OutputVars><VarDeclaration Name="OUT" Type="${outType}"/></OutputVars></InterfaceList>
<SimpleFB><Algorithm Name="REQ"><ST><![CDATA[OUT := IN;]]></ST></Algorithm></SimpleFB></FBType>`;

/** E_CYCLE as a user's composite (E_DELAY fed back through E_MERGE), beside the boot file. */
const COMPOSITE_CYCLE = `<FBType Name="E_CYCLE"><InterfaceList>
<EventInputs><Event Name="START"><With Var="DT"/></Event><Event Name="STOP"/></EventInputs>
<EventOutputs><Event Name="EO"/></EventOutputs>
<InputVars><VarDeclaration Name="DT" Type="TIME"/></InputVars></InterfaceList>
<FBNetwork><FB Name="DLY" Type="E_DELAY"/><FB Name="M" Type="E_MERGE"/>
<EventConnections><Connection Source="START" Destination="M.EI1"/><Connection Source="M.EO" Destination="DLY.START"/>
<Connection Source="DLY.EO" Destination="EO"/><Connection Source="DLY.EO" Destination="M.EI2"/><Connection Source="STOP" Destination="DLY.STOP"/></EventConnections>
<DataConnections><Connection Source="DT" Destination="DLY.DT"/></DataConnections></FBNetwork></FBType>`;

describe('WRITE on a composite FB', () => {
  it('a .fboot WRITE of a composite\'s data input reaches the inner FBs behind the pin (E_CYCLE as a composite, CYC.DT)', () => {
    const dir = typeFolder({ 'E_CYCLE.fbt': COMPOSITE_CYCLE });
    const r = compileFile(dir, 'app.fboot', fboot([
      fb('CYC', 'E_CYCLE'), fb('C', 'E_CTU'),
      write('T#10ms', 'CYC.DT'), write('1000', 'C.PV'),
      conn('START.COLD', 'CYC.START'), conn('CYC.EO', 'C.CU'), start(),
    ]));
    expect(shown(r)).toEqual([expect.stringMatching(/E_CYCLE\.fbt:1:1: warning W4002: FB type E_CYCLE shadows/)]);
    const runner = runnerOf(r, true);
    runner.runUntil(95_000_000);
    const res = runner.resources[0]!.resource;
    expect(res.read('CYC.DLY.DT')).toBe(10_000_000);
    expect(res.read('C.CV')).toBe(9);
  });

  it('a WRITE of a port the composite does not have is still E4012 at its line', () => {
    const dir = typeFolder({ 'E_CYCLE.fbt': COMPOSITE_CYCLE });
    const r = compileFile(dir, 'app.fboot', fboot([fb('CYC', 'E_CYCLE'), write('T#10ms', 'CYC.PERIOD'), start()]));
    expect(shown(r).filter((d) => / error /.test(d))).toEqual([expect.stringMatching(/app\.fboot:2:\d+: error E4012: CYC\.PERIOD is not a data input of an FB/)]);
  });
});

describe('data connections between types', () => {
  /** SRC (out of `from`, fed from a WRITE) → DST (in of `to`), both run on START.COLD. */
  const chain = (from: string, to: string, value: string) => {
    const dir = typeFolder({ 'SRC.fbt': pass('SRC', from, from), 'DST.fbt': pass('DST', to, to) });
    return compileFile(dir, 'app.fboot', fboot([
      fb('S', 'SRC'), fb('D', 'DST'), write(value, 'S.IN'),
      conn('S.OUT', 'D.IN'), conn('START.COLD', 'S.REQ'), conn('S.CNF', 'D.REQ'), start(),
    ]));
  };
  const outOf = (r: ReturnType<typeof chain>) => {
    const runner = runnerOf(r, true);
    runner.runUntil(0);
    return runner.resources[0]!.resource.read('D.OUT');
  };

  it('IEC widenings connect without a diagnostic and carry the value (UINT to REAL, the issue\'s case)', () => {
    const { runner } = startSystem(typeFolder({ 'F.fbt': pass('F', 'REAL', 'REAL') }), 'app.fboot', fboot([
      fb('C', 'E_CTU'), fb('F', 'F'), conn('C.CV', 'F.IN'), conn('START.COLD', 'C.CU'), conn('C.CUO', 'F.REQ'), start(),
    ]));
    expect(runner.resources[0]!.resource.read('F.OUT')).toBe(1);
    for (const [from, to, value, expected] of [
      ['UINT', 'REAL', '65535', 65535], ['SINT', 'LREAL', '-5', -5], ['USINT', 'INT', '200', 200],
      ['INT', 'LINT', '-1234', -1234n], ['UDINT', 'ULINT', '4000000000', 4000000000n], ['BYTE', 'LWORD', '16#FF', 255n],
      ['BOOL', 'WORD', 'TRUE', 1], ['REAL', 'LREAL', '0.5', 0.5], ['TIME', 'LTIME', 'T#1500ms', 1_500_000_000],
    ] as const) {
      const r = chain(from, to, value);
      expect(shown(r), `${from} → ${to}`).toEqual([]);
      expect(outOf(r), `${from} → ${to}`).toBe(expected);
    }
  });

  it('narrowing numbers connect with warning W4004 and convert as FORTE does (integers wrap, LREAL rounds to REAL)', () => {
    for (const [from, to, value, expected] of [
      ['UINT', 'INT', '40000', -25536], ['DINT', 'SINT', '300', 44], ['LINT', 'DINT', '4294967297', 1],
      ['LREAL', 'REAL', '0.1', Math.fround(0.1)], ['DINT', 'REAL', '16777217', 16777216], ['DWORD', 'UINT', '16#12345678', 0x5678],
    ] as const) {
      const r = chain(from, to, value);
      expect(shown(r), `${from} → ${to}`).toEqual([expect.stringMatching(new RegExp(`app\\.fboot:4:\\d+: warning W4004: data connection S\\.OUT \\(${from}\\) → D\\.IN \\(${to}\\) narrows the value`))]);
      expect(outOf(r), `${from} → ${to}`).toBe(expected);
    }
  });

  it('types that do not convert stay E4006 at the connection (REAL to INT, STRING to INT, TIME to DINT)', () => {
    for (const [from, to, value] of [['REAL', 'INT', '1.5'], ['STRING', 'INT', "'x'"], ['TIME', 'DINT', 'T#1s']] as const) {
      expect(shown(chain(from, to, value)), `${from} → ${to}`).toEqual([
        expect.stringMatching(new RegExp(`app\\.fboot:4:\\d+: error E4006: data connection S\\.OUT \\(${from}\\) → D\\.IN \\(${to}\\): types differ`)),
      ]);
    }
  });
});

describe('untyped subapplications mapped into a resource', () => {
  /** The shape of 4diac SystemTests' TimingTestRes: the resource holds FBNuTest's interface, the application its network. */
  const sys = (resourceParameter: string) => `<System Name="S">
<Application Name="Timing"><SubAppNetwork>
<SubApp Name="FBNuTest"><SubAppInterfaceList><SubAppEventInputs><SubAppEvent Name="Start" Type="Event"/></SubAppEventInputs>
<SubAppEventOutputs><SubAppEvent Name="Done" Type="Event"/></SubAppEventOutputs>
<InputVars><VarDeclaration InitialValue="100" Name="iterations" Type="UINT"/></InputVars></SubAppInterfaceList>
<SubAppNetwork><FB Name="CTU" Type="E_CTU"/><FB Name="SW" Type="E_SWITCH"/>
<DataConnections><Connection Destination="CTU.PV" Source="iterations"/><Connection Destination="SW.G" Source="CTU.Q"/></DataConnections>
<EventConnections><Connection Destination="CTU.CU" Source="Start"/><Connection Destination="SW.EI" Source="CTU.CUO"/>
<Connection Destination="CTU.CU" Source="SW.EO0"/><Connection Destination="Done" Source="SW.EO1"/></EventConnections>
</SubAppNetwork><Parameter Name="iterations" Value="100"/></SubApp>
</SubAppNetwork></Application>
<Device Name="DuT" Type="FORTE_PC"><Resource Name="R" Type="EMB_RES"><FBNetwork>
<SubApp Name="FBNuTest"><SubAppInterfaceList><SubAppEventInputs><SubAppEvent Name="Start" Type="Event"/></SubAppEventInputs>
<SubAppEventOutputs><SubAppEvent Name="Done" Type="Event"/></SubAppEventOutputs>
<InputVars><VarDeclaration InitialValue="100" Name="iterations" Type="ANY_MAGNITUDE"/></InputVars></SubAppInterfaceList>
<Parameter Name="iterations" Value="${resourceParameter}"/></SubApp>
<FB Name="DONE" Type="E_CTU"/>
<EventConnections><Connection Destination="FBNuTest.Start" Source="START.COLD"/><Connection Destination="DONE.CU" Source="FBNuTest.Done"/></EventConnections>
</FBNetwork></Resource></Device>
<Mapping From="Timing.FBNuTest" To="DuT.R.FBNuTest"/>
</System>`;

  it('runs the network the application gives it, with the resource\'s parameters (SubAppEvent ports, no E4005)', () => {
    const r = compileFile(typeFolder(), 'app.sys', sys('5'));
    expect(shown(r)).toEqual([]);
    const runner = runnerOf(r);
    runner.runUntil(0);
    const res = runner.resources[0]!.resource;
    // the inner counter counts to its PV of 5, then Done reaches the resource's own FB once
    expect(res.read('FBNuTest.CTU.CV')).toBe(5);
    expect(res.read('DONE.CV')).toBe(1);
  });

  it('a parameter the inner port cannot take is reported at the resource\'s line', () => {
    const r = compileFile(typeFolder(), 'app.sys', sys('-1'));
    expect(shown(r)).toEqual([expect.stringMatching(/app\.sys:16:\d+: error E4012: invalid parameter FBNuTest\.CTU\.PV \(UINT\)/)]);
  });
});

describe('generic ports typed each from its own connection', () => {
  it('the SD_n inputs of one CSV_WRITER_n take different types (UINT from a connection, STRING from a WRITE)', () => {
    const dir = typeFolder();
    const csv = join(dir, 'out.csv');
    const { runner } = startSystem(dir, 'app.fboot', fboot([
      fb('C', 'E_CTU'), fb('W', 'CSV_WRITER_2'),
      write(`'${csv}'`, 'W.FILE_NAME'), write('TRUE', 'W.QI'), write("STRING#'hello'", 'W.SD_2'),
      conn('C.CV', 'W.SD_1'), conn('START.COLD', 'W.INIT'), conn('W.INITO', 'C.CU'), conn('C.CUO', 'W.REQ'), start(),
    ]));
    const net = runner.resources[0]!.network;
    expect(net.fbs.find((f) => f.name === 'W')!.concreteType).toBe('CSV_WRITER_2__UINT_STRING');
    expect(readFileSync(csv, 'utf8')).toBe("1; 'hello'; \n");
  });

  it('an unconnected generic port follows the bound port of its own generic type (F_ADD\'s OUT follows IN1, not IN2)', () => {
    const { runner } = startSystem(typeFolder(), 'app.fboot', fboot([
      fb('C', 'E_CTU'), fb('A', 'F_ADD'), write('REAL#0.25', 'A.IN2'),
      conn('C.CV', 'A.IN1'), conn('START.COLD', 'C.CU'), conn('C.CUO', 'A.REQ'), start(),
    ]), { allowWarnings: true });
    const net = runner.resources[0]!.network;
    // IN1 UINT, IN2 REAL, OUT (unconnected) UINT as IN1: the sum 1.25 is converted to UINT as FORTE's F_ADD stores it
    expect(net.fbs.find((f) => f.name === 'A')!.concreteType).toBe('F_ADD__UINT_REAL_UINT');
    expect(runner.resources[0]!.resource.read('A.OUT')).toBe(1);
  });
});

describe('GET_AT_INDEX and SET_AT_INDEX', () => {
  /** A simple FB whose REQ fills its ARRAY output A with 10, 20, 30, 40. */
  const FILL = `<FBType Name="FILL"><InterfaceList>
<EventInputs><Event Name="REQ"/></EventInputs><EventOutputs><Event Name="CNF"><With Var="A"/></Event></EventOutputs>
<OutputVars><VarDeclaration Name="A" Type="INT" ArraySize="4"/></OutputVars></InterfaceList>
<SimpleFB><Algorithm Name="REQ"><ST><![CDATA[A[0] := 10; A[1] := 20; A[2] := 30; A[3] := 40;]]></ST></Algorithm></SimpleFB></FBType>`;

  const run = (index: number) => startSystem(typeFolder({ 'FILL.fbt': FILL, 'DST.fbt': pass('DST', 'INT', 'INT') }), 'app.fboot', fboot([
    fb('F', 'FILL'), fb('G', 'GET_AT_INDEX'), fb('S', 'SET_AT_INDEX'), fb('D', 'DST'),
    write(String(index), 'G.INDEX'), write(String(index), 'S.INDEX'), write('INT#99', 'S.VALUE'),
    conn('F.A', 'G.IN_ARRAY'), conn('F.A', 'S.IN_ARRAY'), conn('G.OUT', 'D.IN'),
    conn('START.COLD', 'F.REQ'), conn('F.CNF', 'G.REQ'), conn('G.CNF', 'S.REQ'), conn('S.CNF', 'D.REQ'), start(),
  ])).res;

  it('read and replace an element of an array output; the element type is the connected input\'s (INT)', () => {
    const res = run(2);
    expect([res.read('G.QO'), res.read('G.OUT'), res.read('D.OUT')]).toEqual([true, 30, 30]);
    expect(res.read('S.QO')).toBe(true);
    expect(Array.from(res.read('S.OUT_ARRAY') as ArrayLike<number>)).toEqual([10, 20, 99, 40]);
    // the source keeps its own array
    expect(Array.from(res.read('F.A') as ArrayLike<number>)).toEqual([10, 20, 30, 40]);
  });

  it('an index past the array answers QO FALSE and leaves the outputs as they were, without a fault', () => {
    const res = run(4);
    expect([res.read('G.QO'), res.read('G.OUT'), res.read('S.QO'), res.read('S.OUT_ARRAY')]).toEqual([false, 0, false, 0]);
  });
});

describe('conversions in 4diac algorithms', () => {
  it('an assignment between numbers of another sign or width compiles with W4003 and converts as *_TO_* does', () => {
    for (const [from, to, value, expected] of [['UINT', 'INT', '40000', -25536], ['DINT', 'WORD', '-1', 65535], ['LREAL', 'USINT', '2.5', 2]] as const) {
      const r = compileFile(typeFolder({ 'P.fbt': pass('P', from, to) }), 'app.fboot', fboot([fb('X', 'P'), write(value, 'X.IN'), conn('START.COLD', 'X.REQ'), start()]));
      expect(shown(r), `${from} → ${to}`).toEqual([expect.stringMatching(new RegExp(`P\\.fbt:6:\\d+: warning W4003: ${from} to ${to} loses range or precision`))]);
      const runner = runnerOf(r, true);
      runner.runUntil(0);
      expect(runner.resources[0]!.resource.read('X.OUT'), `${from} → ${to}`).toBe(expected);
    }
  });

  it('a STRING assigned to a number stays an error', () => {
    const r = compileFile(typeFolder({ 'P.fbt': pass('P', 'STRING', 'INT') }), 'app.fboot', fboot([fb('X', 'P'), start()]));
    expect(shown(r)).toEqual([expect.stringMatching(/P\.fbt:6:\d+: error E3001: cannot assign STRING(\[\d+\])? to INT/)]);
  });
});

describe('user types named like library types', () => {
  it('a type file given on the command line that shadows a library type is used, with warning W4002', () => {
    const types = typeFolder({ 'F_ADD.fbt': pass('F_ADD', 'UINT', 'INT') });
    const app = typeFolder();
    const text = fboot([fb('C', 'E_CTU'), fb('A', 'F_ADD'), conn('C.CV', 'A.IN'), conn('START.COLD', 'C.CU'), conn('C.CUO', 'A.REQ'), start()]);
    const path = join(app, 'app.fboot');
    writeFileSync(path, text);
    const file = join(types, 'F_ADD.fbt');
    const r = compile61499([{ path, text }, { path: file, text: readFileSync(file, 'utf8') }], { stCompiler: (s, o) => compileSources(s, o) });
    expect(shown(r)).toEqual([
      expect.stringMatching(/F_ADD\.fbt:1:1: warning W4002: FB type F_ADD shadows the F_ADD of vPLC's library/),
      // its algorithm stores a UINT in an INT: FORTE's generated C++ converts it, so a warning here
      expect.stringMatching(/F_ADD\.fbt:6:\d+: warning W4003: UINT to INT loses range or precision/),
    ]);
    // the user's F_ADD (UINT in, INT out) is the one that runs: the generic one has no port IN
    const runner = runnerOf(r, true);
    runner.runUntil(0);
    expect(runner.resources[0]!.resource.read('A.OUT')).toBe(1);
  });
});
