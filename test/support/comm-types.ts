/** Every data type the communication FBs carry, as groups of FB types that produce and take them. */

import { bootRequests } from './iec61499.js';

/** Every type the encoding knows, in groups of at most 8 (PUBLISH_8), with values away from 0. */
export const GROUPS: [string, string, string?][][] = [
  [['BOOL', 'TRUE'], ['SINT', '-7'], ['INT', '-300'], ['DINT', '-70000'], ['LINT', '-9000000000'], ['USINT', '200'], ['UINT', '60000'], ['UDINT', '4000000000']],
  [['ULINT', '18000000000000000000'], ['REAL', '1.5'], ['LREAL', '-2.25'], ['BYTE', '16#A5'], ['WORD', '16#BEEF'], ['DWORD', '16#01020304'], ['LWORD', '16#FFFFFFFFFFFFFFFF'], ['TIME', 'T#1h2m3s4ms']],
  [['DATE', 'D#2024-02-29'], ['TIME_OF_DAY', 'TOD#13:14:15.5'], ['DATE_AND_TIME', 'DT#2024-02-29-13:14:15.25'], ['STRING', "'vPLC über'"], ['WSTRING', '"Grüß €"'], ['INT', '[1, -2, 3]', '3'], ['BOOL', '[TRUE, FALSE, TRUE]', '2'], ['Point', '(x:=-5, ok:=TRUE, name:=\'p\')']],
];

export const POINT = `<?xml version="1.0" encoding="UTF-8"?>
<DataType Name="Point"><StructuredType>
<VarDeclaration Name="x" Type="DINT"/><VarDeclaration Name="ok" Type="BOOL"/><VarDeclaration Name="name" Type="STRING"/>
</StructuredType></DataType>
`;

export function fbt(name: string, group: [string, string, string?][], dir: 'out' | 'in'): string {
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

/** The type files of the groups: SRCk (outputs with the values) and DSTk (inputs), with Point. */
export function typeFiles(): Record<string, string> {
  const files: Record<string, string> = { 'Point.dtp': POINT };
  GROUPS.forEach((g, k) => {
    files[`SRC${k}.fbt`] = fbt(`SRC${k}`, g, 'out');
    files[`DST${k}.fbt`] = fbt(`DST${k}`, g, 'in');
  });
  return files;
}

/**
 * Boot files of two devices for the groups: `sub` with SUBSCRIBE_n → DSTk per group, `pub`
 * with SRCk → PUBLISH_n sending once when its INIT is answered; `ids[k]` is group k's ID.
 */
export function exchangeBoot(ids: string[]): { sub: string[]; pub: string[] } {
  const s = bootRequests('RES');
  const p = bootRequests('RES');
  const sub: string[] = [];
  const pub: string[] = [];
  GROUPS.forEach((g, k) => {
    const n = g.length;
    sub.push(s.fb(`SUB${k}`, `SUBSCRIBE_${n}`), s.fb(`DST${k}`, `DST${k}`), s.conn('START.COLD', `SUB${k}.INIT`), s.conn(`SUB${k}.IND`, `DST${k}.REQ`),
      s.write('1', `SUB${k}.QI`), s.write(`'${ids[k]}'`, `SUB${k}.ID`));
    pub.push(p.fb(`PUB${k}`, `PUBLISH_${n}`), p.fb(`SRC${k}`, `SRC${k}`), p.conn('START.COLD', `PUB${k}.INIT`), p.conn(`PUB${k}.INITO`, `SRC${k}.REQ`), p.conn(`SRC${k}.CNF`, `PUB${k}.REQ`),
      p.write('1', `PUB${k}.QI`), p.write(`'${ids[k]}'`, `PUB${k}.ID`));
    g.forEach((_, j) => {
      sub.push(s.conn(`SUB${k}.RD_${j + 1}`, `DST${k}.V${j}`));
      pub.push(p.conn(`SRC${k}.V${j}`, `PUB${k}.SD_${j + 1}`));
    });
  });
  return { sub: [...sub, s.start()], pub: [...pub, p.start()] };
}
