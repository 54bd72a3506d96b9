import { describe, expect, it } from 'vitest';
import { bootRequests, compileFile, fboot, startSystem, typeFolder } from '../../support/iec61499.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

const { fb, conn, write, start } = bootRequests('R');

const POINT_DTP = `<?xml version="1.0" encoding="UTF-8"?>
<DataType Name="Point" Comment="a point">
  <ASN1Tag Class="APPLICATION" Number="0"/>
  <StructuredType>
    <VarDeclaration Name="X" Type="INT"/>
    <VarDeclaration Name="Y" Type="REAL"/>
    <VarDeclaration Name="Tag" Type="STRING"/>
  </StructuredType>
</DataType>
`;

/** Start a boot file whose lines are built by `lines`, in a folder holding Point.dtp. */
function run(lines: string[]) {
  const { res, outcome } = startSystem(typeFolder({ 'Point.dtp': POINT_DTP }, 'vplc-gen-'), 't.fboot', fboot([...lines, start()]));
  expect(outcome.faults).toEqual([]);
  return res;
}

describe('FORTE configurable blocks named by their configuration', () => {
  it('ADD_4, AND_3, OR_3, XOR_3 combine every input', () => {
    const res = run([
      fb('A', 'ADD_4'), fb('N', 'AND_3'), fb('O', 'OR_3'), fb('X', 'XOR_3'),
      write('DINT#1', 'A.IN1'), write('DINT#20', 'A.IN2'), write('DINT#300', 'A.IN3'), write('DINT#4000', 'A.IN4'),
      write('WORD#16#FF0F', 'N.IN1'), write('WORD#16#0FFF', 'N.IN2'), write('WORD#16#F0F0', 'N.IN3'),
      write('BYTE#1', 'O.IN1'), write('BYTE#2', 'O.IN2'), write('BYTE#8', 'O.IN3'),
      write('BOOL#TRUE', 'X.IN1'), write('BOOL#TRUE', 'X.IN2'), write('BOOL#TRUE', 'X.IN3'),
      conn('START.COLD', 'A.REQ'), conn('A.CNF', 'N.REQ'), conn('N.CNF', 'O.REQ'), conn('O.CNF', 'X.REQ'),
    ]);
    expect([res.read('A.OUT'), res.read('N.OUT'), res.read('O.OUT'), res.read('X.OUT')]).toEqual([4321, 0x0000, 11, true]);
  });

  it('APPEND_STRING_3 writes each input as text, one after the other', () => {
    const res = run([
      fb('S', 'APPEND_STRING_3'), conn('START.COLD', 'S.REQ'),
      write("STRING#'T='", 'S.IN_1'), write('INT#42', 'S.IN_2'), write("STRING#' C'", 'S.IN_3'),
    ]);
    expect(res.read('S.OUT')).toBe('T=42 C');
  });

  it('F_MUX_3_2: EIk copies IN_k_1, IN_k_2 to OUT_1, OUT_2 with QO and STATUS', () => {
    const res = run([
      fb('M', 'F_MUX_3_2'),
      ...[1, 2, 3].flatMap((k) => [write(`INT#${k}0`, `M.IN_${k}_1`), write(`STRING#'s${k}'`, `M.IN_${k}_2`)]),
    ]);
    res.fireEvent('M.EI3');
    expect([res.read('M.OUT_1'), res.read('M.OUT_2'), res.read('M.QO'), res.read('M.STATUS')]).toEqual([30, 's3', true, 'OK']);
    res.fireEvent('M.EI1');
    expect([res.read('M.OUT_1'), res.read('M.OUT_2')]).toEqual([10, 's1']);
  });

  it('F_SEL_E_3: REQk puts INk on OUT and sends CNF', () => {
    const res = run([
      fb('S', 'F_SEL_E_3'), fb('C', 'E_CTU'), conn('S.CNF', 'C.CU'), write('10', 'C.PV'),
      write('REAL#0.5', 'S.IN0'), write('REAL#1.5', 'S.IN1'), write('REAL#2.5', 'S.IN2'),
    ]);
    res.fireEvent('S.REQ2');
    expect(res.read('S.OUT')).toBe(2.5);
    res.fireEvent('S.REQ0');
    expect(res.read('S.OUT')).toBe(0.5);
    expect(res.read('C.CV')).toBe(2);
  });

  it('VALUES2ARRAY_3_INT, ARRAY2ARRAY_3_INT and ARRAY2VALUES_3_INT carry the elements in order', () => {
    const res = run([
      fb('V', 'VALUES2ARRAY_3_INT'), fb('C', 'ARRAY2ARRAY_3_INT'), fb('A', 'ARRAY2VALUES_3_INT'),
      write('INT#7', 'V.IN_1'), write('INT#-8', 'V.IN_2'), write('INT#9', 'V.IN_3'),
      conn('V.OUT', 'C.IN'), conn('C.OUT', 'A.IN'),
      conn('START.COLD', 'V.REQ'), conn('V.CNF', 'C.REQ'), conn('C.CNF', 'A.REQ'),
    ]);
    expect(Array.from(res.read('V.OUT') as ArrayLike<number>)).toEqual([7, -8, 9]);
    expect([res.read('A.OUT_1'), res.read('A.OUT_2'), res.read('A.OUT_3')]).toEqual([7, -8, 9]);
  });

  it('STRUCT_MUX_1Point builds a Point from its members; STRUCT_DEMUX_1Point takes it apart', () => {
    const res = run([
      fb('M', 'STRUCT_MUX_1Point'), fb('D', 'STRUCT_DEMUX_1Point'),
      write('INT#3', 'M.X'), write('REAL#4.25', 'M.Y'), write("STRING#'p'", 'M.Tag'),
      conn('M.OUT', 'D.IN'), conn('START.COLD', 'M.REQ'), conn('M.CNF', 'D.REQ'),
    ]);
    expect([res.read('D.X'), res.read('D.Y'), res.read('D.Tag')]).toEqual([3, 4.25, 'p']);
  });

  it('a configuration that names no block is an unknown type (E4003), located in the boot file', () => {
    const r = compileFile(typeFolder({}, 'vplc-gen-'), 't.fboot', fboot([fb('M', 'STRUCT_MUX_1Nowhere'), fb('A', 'ADD_1'), start()]));
    const errors = r.diagnostics.filter((d) => d.code === 'E4003').map(formatDiagnostic);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/t\.fboot:1:\d+: .*STRUCT_MUX_1Nowhere/);
    expect(errors[1]).toMatch(/t\.fboot:2:\d+: .*ADD_1/);
  });
});

describe('FORTE structure and instance utilities', () => {
  it('GET_STRUCT_VALUE reads a member by name (any case) with QO; an unknown name gives QO FALSE', () => {
    const res = run([
      fb('M', 'STRUCT_MUX_1Point'), fb('G', 'GET_STRUCT_VALUE'),
      write('INT#3', 'M.X'), write('REAL#4.25', 'M.Y'), write("STRING#'p'", 'M.Tag'),
      conn('M.OUT', 'G.in_struct'),
      write("'y'", 'G.member'), conn('START.COLD', 'M.REQ'), conn('M.CNF', 'G.REQ'),
    ]);
    expect([res.read('G.QO'), res.read('G.output')]).toEqual([true, 4.25]);
    res.writeParameter('G.member', "'Tag'");
    res.fireEvent('G.REQ');
    expect([res.read('G.QO'), res.read('G.output')]).toEqual([true, 'p']);
    res.writeParameter('G.member', "'Z'");
    res.fireEvent('G.REQ');
    expect([res.read('G.QO'), res.read('G.output')]).toEqual([false, 'p']);
  });

  it('SET_STRUCT_VALUE copies the structure with one member set; the input is not changed', () => {
    const res = run([
      fb('M', 'STRUCT_MUX_1Point'), fb('S', 'SET_STRUCT_VALUE'), fb('D', 'STRUCT_DEMUX_1Point'),
      write('INT#3', 'M.X'), write('REAL#4.25', 'M.Y'), write("STRING#'p'", 'M.Tag'),
      conn('M.OUT', 'S.in_struct'), conn('S.out_struct', 'D.IN'), write("'X'", 'S.member'), write('INT#99', 'S.element_value'),
      conn('START.COLD', 'M.REQ'), conn('M.CNF', 'S.REQ'), conn('S.CNF', 'D.REQ'),
    ]);
    expect([res.read('D.X'), res.read('D.Y'), res.read('D.Tag')]).toEqual([99, 4.25, 'p']);
    expect(res.read('M.X')).toBe(3);
  });

  it('GetInstancePath and GetInstancePathAndName give the FB path with the separator asked for', () => {
    const sub = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="Wrap"><InterfaceList><EventInputs><Event Name="REQ"/></EventInputs><EventOutputs><Event Name="CNF"/></EventOutputs>
<OutputVars><VarDeclaration Name="P" Type="STRING"/><VarDeclaration Name="N" Type="STRING"/></OutputVars></InterfaceList>
<FBNetwork><FB Name="Who" Type="GetInstancePathAndName"/><FB Name="Me" Type="GetInstancePath"/>
<EventConnections><Connection Source="REQ" Destination="Who.REQ"/><Connection Source="Who.CNF" Destination="Me.REQ"/><Connection Source="Me.CNF" Destination="CNF"/></EventConnections>
<DataConnections><Connection Source="Who.Path" Destination="P"/><Connection Source="Me.Path" Destination="N"/></DataConnections></FBNetwork></FBType>`;
    const { res, outcome } = startSystem(typeFolder({ 'Wrap.fbt': sub }, 'vplc-gen-'), 't.fboot', fboot([
      fb('W', 'Wrap'), conn('START.COLD', 'W.REQ'), write("'/'", 'W.Me.Sep'), start(),
    ]));
    expect(outcome.faults).toEqual([]);
    expect([res.read('W.Who.Path'), res.read('W.Who.Name'), res.read('W.Me.Path')]).toEqual(['W', 'Who', 'W/Me']);
  });
});
