import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile61499 } from '../../../compiler/iec61499/project.js';
import { SystemRunner } from '../../../runtime/iec61499/system-runner.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

// A basic FB with an IEC 61499 ed.2 InOut: REQ reads V, the algorithm adds STEP, CNF publishes V.
const INC = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="INC">
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"><With Var="V"/><With Var="STEP"/></Event></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="V"/></Event></EventOutputs>
    <InputVars><VarDeclaration Name="STEP" Type="INT" InitialValue="1"/></InputVars>
    <InOutVars><VarDeclaration Name="V" Type="INT"/></InOutVars>
  </InterfaceList>
  <BasicFB>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="ADD"><ECAction Algorithm="ADD" Output="CNF"/></ECState>
      <ECTransition Source="START" Destination="ADD" Condition="REQ"/>
      <ECTransition Source="ADD" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="ADD"><ST><![CDATA[ALGORITHM ADD
V := V + STEP;
END_ALGORITHM]]></ST></Algorithm>
  </BasicFB>
</FBType>`;

let id = 0;
const fb = (name: string, type: string) => `<Request ID="${++id}" Action="CREATE"><FB Name="${name}" Type="${type}" /></Request>`;
const conn = (s: string, d: string) => `<Request ID="${++id}" Action="CREATE"><Connection Source="${s}" Destination="${d}" /></Request>`;
const write = (v: string, d: string) => `<Request ID="${++id}" Action="WRITE"><Connection Source="${v}" Destination="${d}" /></Request>`;

function compileBoot(lines: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-inout-'));
  writeFileSync(join(dir, 'INC.fbt'), INC);
  const path = join(dir, 'app.fboot');
  const text = lines.map((l) => `RES;${l}`).join('\n') + '\n';
  writeFileSync(path, text);
  return compile61499([{ path, text }]);
}

function runBoot(lines: string[]) {
  const r = compileBoot(lines);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  const runner = new SystemRunner(r.application!);
  runner.runUntil(0);
  return runner.resources[0]!.resource;
}

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
