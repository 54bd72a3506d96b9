import { describe, expect, it } from 'vitest';
import { parseXml } from '../../../compiler/iec61499/xml.js';
import { splitCondition } from '../../../compiler/iec61499/condition.js';
import { readLibraryFile } from '../../../compiler/iec61499/type-reader.js';
import { parseDuration, parseLiteral } from '../../../compiler/iec61499/literal.js';
import { formatDiagnostic, type Diagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { compileFile, startSystem, typeFolder as folder } from '../../support/iec61499.js';

const COUNTER2 = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="COUNTER2" Comment="counts by two, with two actions in one state">
  <InterfaceList>
    <EventInputs>
      <Event Name="REQ" Type="Event"><With Var="LIMIT"/></Event>
    </EventInputs>
    <EventOutputs>
      <Event Name="CNF" Type="Event"><With Var="N"/></Event>
      <Event Name="DONE" Type="Event"/>
    </EventOutputs>
    <InputVars>
      <VarDeclaration Name="LIMIT" Type="INT" InitialValue="4"/>
    </InputVars>
    <OutputVars>
      <VarDeclaration Name="N" Type="INT"/>
    </OutputVars>
  </InterfaceList>
  <BasicFB>
    <InternalVars>
      <VarDeclaration Name="steps" Type="INT"/>
    </InternalVars>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="INC">
        <ECAction Algorithm="inc" Output="CNF"/>
        <ECAction Algorithm="inc"/>
      </ECState>
      <ECState Name="FULL">
        <ECAction Output="DONE"/>
      </ECState>
      <ECTransition Source="START" Destination="INC" Condition="REQ[N &lt; LIMIT]"/>
      <ECTransition Source="INC" Destination="FULL" Condition="N &gt;= LIMIT"/>
      <ECTransition Source="INC" Destination="START" Condition="1"/>
      <ECTransition Source="FULL" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="inc">
      <ST><![CDATA[ALGORITHM inc
VAR_TEMP
  one : INT;
END_VAR
one := 1;
N := N + one;
steps := steps + 1;
END_ALGORITHM]]></ST>
    </Algorithm>
  </BasicFB>
</FBType>
`;

const PAIR = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="PAIR" Comment="composite: two counters in a row">
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"><With Var="LIM"/></Event></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="OUT"/></Event></EventOutputs>
    <InputVars><VarDeclaration Name="LIM" Type="INT"/></InputVars>
    <OutputVars><VarDeclaration Name="OUT" Type="INT"/></OutputVars>
  </InterfaceList>
  <FBNetwork>
    <FB Name="A" Type="COUNTER2"/>
    <FB Name="B" Type="COUNTER2"/>
    <EventConnections>
      <Connection Source="REQ" Destination="A.REQ"/>
      <Connection Source="A.CNF" Destination="B.REQ"/>
      <Connection Source="B.CNF" Destination="CNF"/>
    </EventConnections>
    <DataConnections>
      <Connection Source="LIM" Destination="A.LIMIT"/>
      <Connection Source="LIM" Destination="B.LIMIT"/>
      <Connection Source="B.N" Destination="OUT"/>
    </DataConnections>
  </FBNetwork>
</FBType>
`;

const SYS = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Demo">
  <Application Name="App"><SubAppNetwork/></Application>
  <Device Name="PLC" Type="FORTE_PC">
    <Resource Name="R1" Type="EMB_RES">
      <FBNetwork>
        <FB Name="P" Type="PAIR">
          <Parameter Name="LIM" Value="100"/>
        </FB>
        <SubApp Name="S">
          <SubAppInterfaceList>
            <SubAppEventInputs><Event Name="GO" Type="Event"/></SubAppEventInputs>
          </SubAppInterfaceList>
          <SubAppNetwork>
            <FB Name="C" Type="E_CTU"><Parameter Name="PV" Value="10"/></FB>
            <EventConnections><Connection Source="GO" Destination="C.CU"/></EventConnections>
          </SubAppNetwork>
        </SubApp>
        <EventConnections>
          <Connection Source="START.COLD" Destination="P.REQ"/>
          <Connection Source="P.CNF" Destination="S.GO"/>
        </EventConnections>
      </FBNetwork>
    </Resource>
  </Device>
</System>
`;

describe('4diac XML reading', () => {
  it('finds element positions in the raw text', () => {
    const x = parseXml('a.fbt', '<?xml version="1.0"?>\n<!-- <X> -->\n<A n="<">\n  <B/><![CDATA[<C>]]>\n  <D/>\n</A>');
    expect(x.ok).toBe(true);
    if (!x.ok) return;
    const pos = (o: number) => x.file.position(o);
    expect(pos(x.root.offset)).toEqual({ line: 3, col: 1 });
    expect(x.root.children.map((c) => [c.name, pos(c.offset)])).toEqual([['B', { line: 4, col: 3 }], ['D', { line: 5, col: 3 }]]);
  });

  it('reports malformed XML with its line', () => {
    const d: Diagnostic[] = [];
    readLibraryFile('bad.fbt', '<FBType Name="X">\n  <InterfaceList>\n</FBType>\n', d);
    expect(d.map(formatDiagnostic)).toEqual([expect.stringMatching(/^bad\.fbt:3:\d+: error E4001: /)]);
  });

  it('splits transition conditions in both 4diac notations', () => {
    const ev = (n: string) => ['REQ', 'EI', 'adp.CNF'].includes(n);
    expect(splitCondition('REQ[x < 10]', ev)).toEqual({ event: 'REQ', guard: 'x < 10' });
    expect(splitCondition('EI&(NOT G)', ev)).toEqual({ event: 'EI', guard: '(NOT G)' });
    expect(splitCondition('adp.CNF', ev)).toEqual({ event: 'adp.CNF' });
    expect(splitCondition('1', ev)).toEqual({});
    expect(splitCondition('N >= LIMIT', ev)).toEqual({ guard: 'N >= LIMIT' });
  });

  it('parses parameter literals', () => {
    expect(parseDuration('1s500ms')).toBe(1_500_000_000);
    expect(parseLiteral('TIME', 'T#100ms')).toBe(100_000_000);
    expect(parseLiteral('INT', 'INT#-5')).toBe(-5);
    expect(parseLiteral('WORD', '16#AFFE')).toBe(0xaffe);
    expect(parseLiteral('LINT', '9007199254740993')).toBe(9007199254740993n);
    expect(parseLiteral('BOOL', '1')).toBe(true);
    expect(parseLiteral('STRING', "'a$'b'")).toBe("a'b");
    expect(() => parseLiteral('SINT', '300')).toThrow(/out of range/);
  });
});

describe('4diac systems', () => {
  it('runs a .sys with a composite FB and an inline subapplication, flattened', () => {
    const dir = folder({ 'types/COUNTER2.fbt': COUNTER2, 'types/PAIR.fbt': PAIR });
    const { runner, outcome: out } = startSystem(dir, 'demo.sys', SYS);
    const v = runner.snapshotVars();
    // two actions in INC: N goes 0 → 2 per REQ; the CNF is queued between them but samples later
    expect(v['PLC.R1.P.A.N']).toBe(2);
    expect(v['PLC.R1.P.A.steps']).toBe(2);
    expect(v['PLC.R1.P.B.N']).toBe(2);
    expect(v['PLC.R1.P.A.LIMIT']).toBe(100);
    expect(v['PLC.R1.S.C.CV']).toBe(1);
    // START.COLD→A.REQ, A.CNF→B.REQ, B.CNF→S.C.CU
    expect(out.events).toBe(3);
  });

  it('reports an ST error in an algorithm at its line in the .fbt', () => {
    const broken = COUNTER2.replace('N := N + one;', 'N := N + undefinedVar;');
    const dir = folder({ 'COUNTER2.fbt': broken });
    const boot = 'R;<Request ID="1" Action="CREATE"><FB Name="X" Type="COUNTER2"/></Request>\n';
    const r = compileFile(dir, 'a.fboot', boot);
    const line = broken.split('\n').findIndex((l) => l.includes('undefinedVar')) + 1;
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(new RegExp(`COUNTER2\\.fbt:${line}:\\d+: error E2001: .*undefinedVar`, 'i'))]);
  });

  it('reports dangling connections and type mismatches with their lines', () => {
    const sys = SYS.replace('<Connection Source="P.CNF" Destination="S.GO"/>', '<Connection Source="P.CNF" Destination="S.NOPE"/>\n          <Connection Source="P.OUT" Destination="K.PV"/>')
      .replace('<SubApp Name="S">', '<FB Name="K" Type="E_CTU"/>\n        <SubApp Name="S">');
    const r = compileFile(folder({ 'COUNTER2.fbt': COUNTER2, 'PAIR.fbt': PAIR }), 'demo.sys', sys);
    const lines = sys.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(r.application).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(new RegExp(`demo\\.sys:${at('S.NOPE')}:\\d+: error E4005: .*S\\.NOPE does not exist`)),
      expect.stringMatching(new RegExp(`demo\\.sys:${at('K.PV')}:\\d+: error E4006: .*INT.*UINT`)),
    ]);
  });

  it('reports an unknown type and a malformed boot line without crashing', () => {
    const boot = 'R;<Request ID="1" Action="CREATE"><FB Name="X" Type="NOPE"/></Request>\nR;<Request ID="2" Action="CREATE"><FB Name="Y"\n';
    const r = compileFile(folder(), 'b.fboot', boot);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/b\.fboot:1:\d+: error E4003: unknown FB type NOPE/),
      expect.stringMatching(/b\.fboot:2:3: error E4008: malformed request: unclosed tags <Request>, <FB>/),
    ]);
  });
});

const ADP = `<?xml version="1.0" encoding="UTF-8"?>
<AdapterType Name="AValue">
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"><With Var="X"/></Event></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="Y"/></Event></EventOutputs>
    <InputVars><VarDeclaration Name="X" Type="INT"/></InputVars>
    <OutputVars><VarDeclaration Name="Y" Type="INT"/></OutputVars>
  </InterfaceList>
</AdapterType>
`;
const CLIENT = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="CLIENT">
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"><With Var="IN"/></Event></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="OUT"/></Event></EventOutputs>
    <InputVars><VarDeclaration Name="IN" Type="INT"/></InputVars>
    <OutputVars><VarDeclaration Name="OUT" Type="INT"/></OutputVars>
    <Sockets><AdapterDeclaration Name="srv" Type="AValue"/></Sockets>
  </InterfaceList>
  <BasicFB>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="ASK"><ECAction Algorithm="ask" Output="srv.REQ"/></ECState>
      <ECState Name="GOT"><ECAction Algorithm="got" Output="CNF"/></ECState>
      <ECTransition Source="START" Destination="ASK" Condition="REQ"/>
      <ECTransition Source="ASK" Destination="START" Condition="1"/>
      <ECTransition Source="START" Destination="GOT" Condition="srv.CNF[srv.Y &gt; 0]"/>
      <ECTransition Source="GOT" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="ask"><ST><![CDATA[ALGORITHM ask
srv.X := IN;
END_ALGORITHM]]></ST></Algorithm>
    <Algorithm Name="got"><ST><![CDATA[ALGORITHM got
OUT := srv.Y;
END_ALGORITHM]]></ST></Algorithm>
  </BasicFB>
</FBType>
`;
const SERVER = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="SERVER">
  <InterfaceList>
    <Plugs><AdapterDeclaration Name="cli" Type="AValue"/></Plugs>
  </InterfaceList>
  <BasicFB>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="ANSWER"><ECAction Algorithm="square" Output="cli.CNF"/></ECState>
      <ECTransition Source="START" Destination="ANSWER" Condition="cli.REQ"/>
      <ECTransition Source="ANSWER" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="square"><ST><![CDATA[ALGORITHM square
cli.Y := cli.X * cli.X;
END_ALGORITHM]]></ST></Algorithm>
  </BasicFB>
</FBType>
`;
const ADAPTER_SYS = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Adapters">
  <Device Name="D" Type="FORTE_PC">
    <Resource Name="R" Type="EMB_RES">
      <FBNetwork>
        <FB Name="C" Type="CLIENT"><Parameter Name="IN" Value="7"/></FB>
        <FB Name="S" Type="SERVER"/>
        <EventConnections><Connection Source="START.COLD" Destination="C.REQ"/></EventConnections>
        <AdapterConnections><Connection Source="S.cli" Destination="C.srv"/></AdapterConnections>
      </FBNetwork>
    </Resource>
  </Device>
</System>
`;

describe('4diac adapters', () => {
  it('a socket asks through its adapter, the plug answers, data shared between them', () => {
    const dir = folder({ 'AValue.adp': ADP, 'CLIENT.fbt': CLIENT, 'SERVER.fbt': SERVER });
    const { runner, outcome: out } = startSystem(dir, 'a.sys', ADAPTER_SYS);
    expect(runner.snapshotVars()['D.R.C.OUT']).toBe(49);
    // START.COLD→C.REQ, C.srv.REQ→S.cli.REQ, S.cli.CNF→C.srv.CNF
    expect(out.events).toBe(3);
  });
});
