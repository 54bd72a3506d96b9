import { join } from 'node:path';
import { typeFolder } from '../../support/iec61499.js';

/** A resource of a .sys: E_CYCLE (DT) → E_CTU C; START.STOP → E_CTU S (counts orderly stops). */
export function countingResource(name: string, dt = 'T#10ms', extraFbs = '', extraConnections = ''): string {
  return `    <Resource Name="${name}" Type="EMB_RES">
      <FBNetwork>
        <FB Name="CY" Type="E_CYCLE"><Parameter Name="DT" Value="${dt}"/></FB>
        <FB Name="C" Type="E_CTU"><Parameter Name="PV" Value="60000"/></FB>
        <FB Name="S" Type="E_CTU"><Parameter Name="PV" Value="9"/></FB>
${extraFbs}
        <EventConnections>
          <Connection Source="START.COLD" Destination="CY.START"/>
          <Connection Source="CY.EO" Destination="C.CU"/>
          <Connection Source="START.STOP" Destination="S.CU"/>
${extraConnections}
        </EventConnections>
      </FBNetwork>
    </Resource>`;
}

/** BOOM: on REQ, Q := 100 / D with D = 0: a division by zero in an algorithm. */
const BOOM = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="BOOM">
  <InterfaceList>
    <EventInputs><Event Name="REQ" Type="Event"><With Var="D"/></Event></EventInputs>
    <EventOutputs><Event Name="CNF" Type="Event"><With Var="Q"/></Event></EventOutputs>
    <InputVars><VarDeclaration Name="D" Type="INT" InitialValue="0"/></InputVars>
    <OutputVars><VarDeclaration Name="Q" Type="INT"/></OutputVars>
  </InterfaceList>
  <BasicFB>
    <ECC>
      <ECState Name="START"/>
      <ECState Name="DIV"><ECAction Algorithm="div" Output="CNF"/></ECState>
      <ECTransition Source="START" Destination="DIV" Condition="REQ"/>
      <ECTransition Source="DIV" Destination="START" Condition="1"/>
    </ECC>
    <Algorithm Name="div"><ST><![CDATA[ALGORITHM div
Q := 100 / D;
END_ALGORITHM]]></ST></Algorithm>
  </BasicFB>
</FBType>
`;

/** Write a .sys with one device PLC holding the given resources (and BOOM.fbt beside it); returns its path. */
export function writeSystem(resources: string[]): string {
  const sys = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="EngineTest">
  <Application Name="App"><SubAppNetwork/></Application>
  <Device Name="PLC" Type="FORTE_PC">
${resources.join('\n')}
  </Device>
</System>
`;
  return join(typeFolder({ 'BOOM.fbt': BOOM, 'app.sys': sys }, 'vplc-61499-engine-'), 'app.sys');
}
