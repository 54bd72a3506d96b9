import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../../../samples/child-cli.js';
import { RetainStore } from '../../../runtime/state/retain-store.js';
import { decodeRetainFile } from '../../../runtime/state/retain-file.js';
import { retainLeavesOfApp } from '../../../runtime/state/retain-61499.js';
import { compileFile, typeFolder } from '../../support/iec61499.js';
import { connectionXml as conn, deviceXml, fbXml } from '../../support/system-xml.js';

/** A basic FB counting REQs in N, marked RETAIN as the 4diac IDE marks it; OUT is not. */
const ACC = `<FBType Name="ACC"><InterfaceList>
<EventInputs><Event Name="REQ"/></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<OutputVars><VarDeclaration Name="OUT" Type="DINT"/></OutputVars></InterfaceList>
<BasicFB><InternalVars><VarDeclaration Name="N" Type="DINT"><Attribute Name="Retain" Type="USINT" Value="RETAIN"/></VarDeclaration>
<VarDeclaration Name="M" Type="DINT"><Attribute Name="Retain" Type="USINT" Value="NON_RETAIN"/></VarDeclaration></InternalVars>
<ECC><ECState Name="START"/><ECState Name="RUN"><ECAction Algorithm="INC" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="RUN" Condition="REQ"/><ECTransition Source="RUN" Destination="RUN" Condition="REQ"/></ECC>
<Algorithm Name="INC"><ST><![CDATA[ALGORITHM INC
N := N + 1; M := M + 1; OUT := M;
END_ALGORITHM]]></ST></Algorithm></BasicFB></FBType>`;

const RETAIN_MARK = '<Attribute Name="Retain" Type="USINT" Value="RETAIN"/>';

/** C (an E_CTU instance marked RETAIN) and B (ACC) count E_CYCLE ticks; T counts them too, unmarked; W counts WARM starts. */
function system(): string {
  const fbs = [
    fbXml('CY', 'E_CYCLE', { DT: 'T#5ms' }),
    `<FB Name="C" Type="E_CTU">${RETAIN_MARK}</FB>`,
    `<FB Name="W" Type="E_CTU">${RETAIN_MARK}</FB>`,
    fbXml('T', 'E_CTU'),
    fbXml('B', 'ACC'),
  ];
  const events = [
    conn('START.COLD', 'CY.START'), conn('START.WARM', 'CY.START'), conn('START.WARM', 'W.CU'),
    conn('CY.EO', 'C.CU'), conn('CY.EO', 'T.CU'), conn('CY.EO', 'B.REQ'),
  ];
  return `<System Name="Retained"><Application Name="App"><SubAppNetwork/></Application>\n${deviceXml('PLC', fbs, events, [])}</System>`;
}

/** The newest complete generation's values of PLC.RES, read without touching the folder (a load would clean up the writer's temporary file). */
function newest(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) return {};
  const names = readdirSync(dir).filter((n) => /^retain\.\d{12}\.vrs$/.test(n)).sort();
  for (const n of names.reverse()) {
    let data: Buffer;
    try {
      data = readFileSync(join(dir, n));
    } catch {
      continue; // removed meanwhile: an older one
    }
    const g = decodeRetainFile(data);
    if (!('error' in g)) return Object.fromEntries((g.resources['PLC.RES'] ?? []).map((v) => [v.path, v.value]));
  }
  return {};
}

const work = typeFolder({ 'ACC.fbt': ACC }, 'vplc-retain61499-');
const children: CliProcess[] = [];
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('RETAIN of IEC 61499 FBs', () => {
  it('reads the 4diac IDE\u2019s Retain attribute on variables of FB types and on FB instances', () => {
    const r = compileFile(mkdtempSync(join(tmpdir(), 'vplc-r61499-')), 'app.sys', system(), { libraryPaths: [work] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const leaves = retainLeavesOfApp(r.application!);
    // the marked instances keep their outputs; ACC keeps N (M is NON_RETAIN, OUT unmarked); T nothing
    expect(leaves.get('PLC.RES')).toEqual([
      { path: 'C.Q', signature: 'BOOL' }, { path: 'C.CV', signature: 'UINT' },
      { path: 'W.Q', signature: 'BOOL' }, { path: 'W.CV', signature: 'UINT' },
      { path: 'B.N', signature: 'DINT' },
    ]);
  });

  it('vplc serve --state-dir saves them; after SIGKILL a start restores them and starts WARM', { timeout: 120_000 }, async () => {
    const file = join(work, 'app.sys');
    writeFileSync(file, system());
    const dir = join(work, 'state');
    let previous = { c: 0, n: 0 };
    for (let cycle = 0; cycle < 3; cycle++) {
      const plc = startCli(['serve', file, '--state-dir', dir, '--save-every', '20ms', '--no-metrics', '--summary-every', '0']);
      children.push(plc);
      const restored = await plc.waitFor(cycle === 0 ? /no saved RETAIN values/ : /restored (\d+) RETAIN value\(s\), warm, from .*generation (\d+)/);
      if (cycle > 0) expect(Number(restored[1])).toBe(5);
      // run until a save holds more than what was restored
      const deadline = Date.now() + 30_000;
      let values: Record<string, unknown> = {};
      for (;;) {
        values = newest(dir);
        if (Number(values['C.CV'] ?? 0) > previous.c + 10) break;
        if (Date.now() > deadline) throw new Error(`no save after ${JSON.stringify(previous)}: ${plc.err.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      plc.child.kill('SIGKILL');
      await plc.exited;
      expect(plc.err.filter((l) => l.trim() !== '')).toEqual([]);
      const g = new RetainStore(dir).load();
      expect(g.skipped).toEqual([]);
      values = Object.fromEntries(g.generation!.resources['PLC.RES']!.map((v) => [v.path, v.value]));
      expect(Object.keys(values).sort()).toEqual(['B.N', 'C.CV', 'C.Q', 'W.CV', 'W.Q']);
      // warm: the counts went on from the values restored; W counted one WARM start per restart
      expect(values['C.CV']).toBeGreaterThan(previous.c);
      expect(values['B.N']).toBeGreaterThan(previous.n);
      expect(values['W.CV']).toBe(cycle);
      previous = { c: Number(values['C.CV']), n: Number(values['B.N']) };
    }
  });
});
