import { afterEach, describe, expect, it } from 'vitest';
import { bootRequests, compileFile, fboot, runnerOf, typeFolder } from '../../../support/iec61499.js';
import { freePort, until } from '../../../support/wait.js';
import type { SystemRunner } from '../../../../runtime/iec61499/system-runner.js';
import type { CommMetrics } from '../../../../blocks/native/comm/comm-fb.js';

const running: SystemRunner[] = [];
afterEach(() => {
  for (const r of running.splice(0)) for (const x of r.resources) x.resource.stop();
});

function device(dir: string, name: string, lines: string[]): SystemRunner {
  const runner = runnerOf(compileFile(dir, `${name}.fboot`, fboot(lines)));
  runner.runUntil(0);
  running.push(runner);
  return runner;
}
const read = (r: SystemRunner, v: string) => r.resources[0]!.resource.read(v);
const metrics = (r: SystemRunner, fb: string) => read(r, `${fb}.$metrics`) as CommMetrics;

// Every type the encoding knows, in groups of at most 8 (PUBLISH_8), with values away from 0.
const GROUPS: [string, string, string?][][] = [
  [['BOOL', 'TRUE'], ['SINT', '-7'], ['INT', '-300'], ['DINT', '-70000'], ['LINT', '-9000000000'], ['USINT', '200'], ['UINT', '60000'], ['UDINT', '4000000000']],
  [['ULINT', '18000000000000000000'], ['REAL', '1.5'], ['LREAL', '-2.25'], ['BYTE', '16#A5'], ['WORD', '16#BEEF'], ['DWORD', '16#01020304'], ['LWORD', '16#FFFFFFFFFFFFFFFF'], ['TIME', 'T#1h2m3s4ms']],
  [['DATE', 'D#2024-02-29'], ['TIME_OF_DAY', 'TOD#13:14:15.5'], ['DATE_AND_TIME', 'DT#2024-02-29-13:14:15.25'], ['STRING', "'vPLC über'"], ['WSTRING', '"Grüß €"'], ['INT', '[1, -2, 3]', '3'], ['BOOL', '[TRUE, FALSE, TRUE]', '2'], ['Point', '(x:=-5, ok:=TRUE, name:=\'p\')']],
];

const POINT = `<?xml version="1.0" encoding="UTF-8"?>
<DataType Name="Point"><StructuredType>
<VarDeclaration Name="x" Type="DINT"/><VarDeclaration Name="ok" Type="BOOL"/><VarDeclaration Name="name" Type="STRING"/>
</StructuredType></DataType>
`;

function fbt(name: string, group: [string, string, string?][], dir: 'out' | 'in'): string {
  const decl = ([t, v, size]: [string, string, string?], k: number) =>
    `<VarDeclaration Name="V${k}" Type="${t}"${size ? ` ArraySize="${size === '2' ? '0..2' : size}"` : ''}${dir === 'out' ? ` InitialValue="${v.replace(/"/g, '&quot;')}"` : ''}/>`;
  const withs = group.map((_, k) => `<With Var="V${k}"/>`).join('');
  const vars = group.map(decl).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="${name}"><InterfaceList>
<EventInputs><Event Name="REQ" Type="Event">${dir === 'in' ? withs : ''}</Event></EventInputs>
<EventOutputs><Event Name="CNF" Type="Event">${dir === 'out' ? withs : ''}</Event></EventOutputs>
${dir === 'out' ? `<OutputVars>${vars}</OutputVars>` : `<InputVars>${vars}</InputVars>`}
</InterfaceList><BasicFB><ECC><ECState Name="START"/><ECState Name="GO"><ECAction Output="CNF"/></ECState>
<ECTransition Source="START" Destination="GO" Condition="REQ"/><ECTransition Source="GO" Destination="START" Condition="1"/></ECC></BasicFB></FBType>
`;
}

describe('every data type across the wire', () => {
  it('each value published arrives equal in the subscriber\'s device', async () => {
    const files: Record<string, string> = { 'Point.dtp': POINT };
    GROUPS.forEach((g, k) => {
      files[`SRC${k}.fbt`] = fbt(`SRC${k}`, g, 'out');
      files[`DST${k}.fbt`] = fbt(`DST${k}`, g, 'in');
    });
    const dir = typeFolder(files);
    const ports = await Promise.all(GROUPS.map(() => freePort()));
    const s = bootRequests('RES');
    const p = bootRequests('RES');
    const subLines: string[] = [];
    const pubLines: string[] = [];
    GROUPS.forEach((g, k) => {
      const n = g.length;
      subLines.push(s.fb(`SUB${k}`, `SUBSCRIBE_${n}`), s.fb(`DST${k}`, `DST${k}`), s.conn('START.COLD', `SUB${k}.INIT`), s.conn(`SUB${k}.IND`, `DST${k}.REQ`),
        s.write('1', `SUB${k}.QI`), s.write(`'127.0.0.1:${ports[k]}'`, `SUB${k}.ID`));
      pubLines.push(p.fb(`PUB${k}`, `PUBLISH_${n}`), p.fb(`SRC${k}`, `SRC${k}`), p.conn('START.COLD', `PUB${k}.INIT`), p.conn(`PUB${k}.INITO`, `SRC${k}.REQ`), p.conn(`SRC${k}.CNF`, `PUB${k}.REQ`),
        p.write('1', `PUB${k}.QI`), p.write(`'127.0.0.1:${ports[k]}'`, `PUB${k}.ID`));
      g.forEach((_, j) => {
        subLines.push(s.conn(`SUB${k}.RD_${j + 1}`, `DST${k}.V${j}`));
        pubLines.push(p.conn(`SRC${k}.V${j}`, `PUB${k}.SD_${j + 1}`));
      });
    });
    const sub = device(dir, 'sub', [...subLines, s.start()]);
    await until(() => GROUPS.every((_, k) => read(sub, `SUB${k}.QO`) === true), 'subscribers bound');
    const pub = device(dir, 'pub', [...pubLines, p.start()]);
    await until(() => GROUPS.every((_, k) => metrics(sub, `SUB${k}`).messagesIn + metrics(sub, `SUB${k}`).errors === 1), 'every group arrived');
    const sent = pub.snapshotVars();
    const got = sub.snapshotVars();
    GROUPS.forEach((g, k) => {
      expect(read(sub, `SUB${k}.STATUS`)).toBe('OK');
      g.forEach(([t], j) => {
        expect({ type: t, value: got[`RES.DST${k}.V${j}`] }).toEqual({ type: t, value: sent[`RES.SRC${k}.V${j}`] });
      });
    });
    // spot checks against the literals (not only equality of two sides)
    expect(got['RES.DST0.V4']).toBe(-9000000000n);
    expect(got['RES.DST2.V3']).toBe('vPLC über');
    expect(got['RES.DST2.V4']).toBe('Grüß €');
  });
});

// A server that adds each request to a sum and answers with the sum.
const ADDER = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="ADDER"><InterfaceList>
<EventInputs><Event Name="REQ" Type="Event"><With Var="X"/></Event></EventInputs>
<EventOutputs><Event Name="CNF" Type="Event"><With Var="S"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="X" Type="UINT"/></InputVars><OutputVars><VarDeclaration Name="S" Type="UDINT"/></OutputVars>
</InterfaceList><BasicFB><ECC><ECState Name="START"/><ECState Name="ADD"><ECAction Algorithm="ADD" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="ADD" Condition="REQ"/><ECTransition Source="ADD" Destination="START" Condition="1"/></ECC>
<Algorithm Name="ADD"><ST><![CDATA[S := S + X;]]></ST></Algorithm></BasicFB></FBType>
`;

describe('CLIENT / SERVER over TCP', () => {
  function server(dir: string, port: number, name = 'srv') {
    const { fb, conn, write, start } = bootRequests('RES');
    return device(dir, name, [
      fb('SRV', 'SERVER_1_1'), fb('ADD', 'ADDER'),
      conn('START.COLD', 'SRV.INIT'), conn('SRV.IND', 'ADD.REQ'), conn('SRV.RD_1', 'ADD.X'), conn('ADD.CNF', 'SRV.RSP'), conn('ADD.S', 'SRV.SD_1'),
      write('1', 'SRV.QI'), write(`'127.0.0.1:${port}'`, 'SRV.ID'), start(),
    ]);
  }
  function client(dir: string, port: number) {
    const { fb, conn, write, start } = bootRequests('RES');
    return device(dir, 'cli', [
      fb('CLI', 'CLIENT_1_1'), fb('CTU', 'E_CTU'),
      conn('START.COLD', 'CLI.INIT'), conn('CTU.CUO', 'CLI.REQ'), conn('CTU.CV', 'CLI.SD_1'),
      write('1', 'CLI.QI'), write(`'127.0.0.1:${port}'`, 'CLI.ID'), write('65535', 'CTU.PV'), start(),
    ]);
  }

  it('request and response round trips; the server lost gives TERMINATED, and a new INIT reconnects', async () => {
    const dir = typeFolder({ 'ADDER.fbt': ADDER });
    const port = await freePort();
    let srv = server(dir, port);
    await until(() => read(srv, 'SRV.QO') === true, 'server listening');
    const cli = client(dir, port);
    await until(() => read(cli, 'CLI.QO') === true, 'client connected');
    const res = cli.resources[0]!.resource;
    for (let k = 1; k <= 4; k++) {
      res.fireEvent('CTU.CU');
      await until(() => metrics(cli, 'CLI').messagesIn === k, `response ${k}`);
      expect(read(cli, 'CLI.RD_1')).toBe((k * (k + 1)) / 2);
    }
    expect(metrics(cli, 'CLI').lastLatencyUs).toBeGreaterThan(0);
    expect(metrics(srv, 'SRV')).toMatchObject({ messagesIn: 4, messagesOut: 4, errors: 0 });

    srv.resources[0]!.resource.stop();
    await until(() => read(cli, 'CLI.STATUS') === 'TERMINATED', 'the client sees the server go');
    expect(read(cli, 'CLI.QO')).toBe(false);
    res.fireEvent('CTU.CU');
    expect(read(cli, 'CLI.STATUS')).toBe('NO_SOCKET');

    srv = server(dir, port, 'srv2');
    await until(() => read(srv, 'SRV.QO') === true, 'server back');
    res.fireEvent('CLI.INIT');
    await until(() => read(cli, 'CLI.QO') === true, 'reconnected');
    res.fireEvent('CTU.CU');
    await until(() => metrics(cli, 'CLI').messagesIn === 5, 'a response from the new server');
    // the new server's sum starts again: CV is 6 now
    expect(read(cli, 'CLI.RD_1')).toBe(6);
  });

  it('an unreachable server: INITO with QO = FALSE', async () => {
    const dir = typeFolder({ 'ADDER.fbt': ADDER });
    const port = await freePort();
    const cli = client(dir, port);
    await until(() => read(cli, 'CLI.STATUS') !== '', 'INITO');
    expect(read(cli, 'CLI.QO')).toBe(false);
    expect(read(cli, 'CLI.STATUS')).toBe('INVALID_ID');
    expect(metrics(cli, 'CLI').errors).toBe(1);
  });
});
