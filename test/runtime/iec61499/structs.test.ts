import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { bootRequests, compileFile, fboot, runnerOf, startSystem, typeFolder } from '../../support/iec61499.js';

// A struct type, a basic FB that builds one (REQ publishes it with CNF, UPD changes it
// silently) and a basic FB that samples one with REQ and copies a field to an output.
const POINT = `<?xml version="1.0" encoding="UTF-8"?>
<DataType Name="POINT">
  <StructuredType>
    <VarDeclaration Name="x" Type="INT" InitialValue="1"/>
    <VarDeclaration Name="on" Type="BOOL"/>
    <VarDeclaration Name="t" Type="TIME"/>
    <VarDeclaration Name="hist" Type="DINT" ArraySize="3"/>
  </StructuredType>
</DataType>`;
const LINE = `<?xml version="1.0" encoding="UTF-8"?>
<DataType Name="LINE">
  <StructuredType>
    <VarDeclaration Name="a" Type="POINT"/>
    <VarDeclaration Name="b" Type="POINT"/>
  </StructuredType>
</DataType>`;
const PSRC = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="PSRC">
  <InterfaceList>
    <EventInputs>
      <Event Name="REQ" Type="Event"><With Var="X"/></Event>
      <Event Name="UPD" Type="Event"><With Var="X"/></Event>
    </EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="P"/></Event></EventOutputs>
    <InputVars><VarDeclaration Name="X" Type="INT"/></InputVars>
    <OutputVars><VarDeclaration Name="P" Type="POINT"/></OutputVars>
  </InterfaceList>
  <BasicFB>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="SEND"><ECAction Algorithm="SET" Output="CNF"/></ECState>
      <ECState Name="QUIET"><ECAction Algorithm="SET"/></ECState>
      <ECTransition Source="START" Destination="SEND" Condition="REQ"/>
      <ECTransition Source="START" Destination="QUIET" Condition="UPD"/>
      <ECTransition Source="SEND" Destination="START" Condition="1"/>
      <ECTransition Source="QUIET" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="SET"><ST><![CDATA[ALGORITHM SET
P.x := X;
P.on := X > 0;
P.hist[1] := X * 10;
END_ALGORITHM]]></ST></Algorithm>
  </BasicFB>
</FBType>`;
const PSINK = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="PSINK">
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"><With Var="P"/><With Var="L"/></Event></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="X"/></Event></EventOutputs>
    <InputVars>
      <VarDeclaration Name="P" Type="POINT"/>
      <VarDeclaration Name="L" Type="LINE"/>
    </InputVars>
    <OutputVars><VarDeclaration Name="X" Type="INT"/></OutputVars>
  </InterfaceList>
  <BasicFB>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="GOT"><ECAction Algorithm="GET" Output="CNF"/></ECState>
      <ECTransition Source="START" Destination="GOT" Condition="REQ"/>
      <ECTransition Source="GOT" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="GET"><ST><![CDATA[ALGORITHM GET
X := P.x;
END_ALGORITHM]]></ST></Algorithm>
  </BasicFB>
</FBType>`;

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
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="S">
  <Device Name="D" Type="FORTE_PC">
    <Resource Name="R" Type="EMB_RES">
      <FBNetwork>
        <FB Name="K" Type="PSINK"><Parameter Name="P" Value="(x:=12,on:=TRUE)"/></FB>
      </FBNetwork>
    </Resource>
  </Device>
</System>
`;
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
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="S">
  <Device Name="D" Type="FORTE_PC">
    <Resource Name="R" Type="EMB_RES">
      <FBNetwork>
        <FB Name="C" Type="E_CTU"><Parameter Name="PV" Value="65536"/></FB>
        <FB Name="F" Type="F_DT_TO_DATE"><Parameter Name="IN" Value="DT#2023-13-01-00:00:00"/></FB>
        <FB Name="G" Type="E_CTU"><Parameter Name="PV" Value="65535"/></FB>
      </FBNetwork>
    </Resource>
  </Device>
</System>
`;
    const r = compileFile(typeFolder({}, 'vplc-param-'), 'app.sys', text);
    expect(r.application).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/app\.sys:6:\d+: error E4012: invalid parameter C\.PV \(UINT\): 65536 is out of range for UINT/),
      expect.stringMatching(/app\.sys:7:\d+: error E4012: invalid parameter F\.IN \(DATE_AND_TIME\): .*DT#2023-13-01-00:00:00/),
    ]);
  });
});
