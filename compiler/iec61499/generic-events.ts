/**
 * FORTE's generic event blocks: the number in the type name sets the number of ports
 * (E_DEMUX_4 has EO1..EO4, E_MUX_3 has EI1..EI3), so any 4diac library that declares one is
 * served. Produced as 4diac .fbt text, in the shape of blocks/iec61499/E_DEMUX_2.fbt and
 * E_MUX_2.fbt, and read by the same type reader. A K out of range sends no event, as in FORTE.
 */

const MAX_PORTS = 32;

const event = (name: string, withVars: string[] = []) =>
  withVars.length ? `<Event Name="${name}" Type="Event">${withVars.map((v) => `<With Var="${v}"/>`).join('')}</Event>` : `<Event Name="${name}" Type="Event"/>`;

function demux(n: number): string {
  const ks = Array.from({ length: n }, (_, k) => k);
  return `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="E_DEMUX_${n}" Comment="Demultiplex EI to EO1..EO${n} by K (0..${n - 1})">
<Identification Standard="61499-1" Description="vPLC built-in generic event function block"/>
<InterfaceList>
<EventInputs>${event('EI', ['K'])}</EventInputs>
<EventOutputs>${ks.map((k) => event(`EO${k + 1}`)).join('')}</EventOutputs>
<InputVars><VarDeclaration Name="K" Type="UINT"/></InputVars>
</InterfaceList>
<BasicFB><ECC><ECState Name="START"/>
${ks.map((k) => `<ECState Name="S${k}"><ECAction Output="EO${k + 1}"/></ECState>`).join('\n')}
${ks.map((k) => `<ECTransition Source="START" Destination="S${k}" Condition="EI[K = ${k}]"/><ECTransition Source="S${k}" Destination="START" Condition="1"/>`).join('\n')}
</ECC></BasicFB>
</FBType>
`;
}

function mux(n: number): string {
  const ks = Array.from({ length: n }, (_, k) => k);
  return `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="E_MUX_${n}" Comment="Merge EI1..EI${n} into EO; K tells which input it came from (0..${n - 1})">
<Identification Standard="61499-1" Description="vPLC built-in generic event function block"/>
<InterfaceList>
<EventInputs>${ks.map((k) => event(`EI${k + 1}`)).join('')}</EventInputs>
<EventOutputs>${event('EO', ['K'])}</EventOutputs>
<OutputVars><VarDeclaration Name="K" Type="UINT"/></OutputVars>
</InterfaceList>
<BasicFB><ECC><ECState Name="START"/>
${ks.map((k) => `<ECState Name="FROM${k + 1}"><ECAction Algorithm="FROM${k + 1}" Output="EO"/></ECState>`).join('\n')}
${ks.map((k) => `<ECTransition Source="START" Destination="FROM${k + 1}" Condition="EI${k + 1}"/><ECTransition Source="FROM${k + 1}" Destination="START" Condition="1"/>`).join('\n')}
</ECC>
${ks.map((k) => `<Algorithm Name="FROM${k + 1}"><ST><![CDATA[K := ${k};]]></ST></Algorithm>`).join('\n')}
</BasicFB>
</FBType>
`;
}

/** The .fbt text of a generic event block named `name`, or undefined when it is not one. */
export function genericEventBlock(name: string): string | undefined {
  const m = /^E_(DEMUX|MUX)_(\d+)$/.exec(name);
  if (!m) return undefined;
  const n = Number(m[2]);
  if (n < 2 || n > MAX_PORTS) return undefined;
  return m[1] === 'DEMUX' ? demux(n) : mux(n);
}
