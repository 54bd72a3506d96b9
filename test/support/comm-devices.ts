/** Devices of the communication FB tests: boot lines run in-process, stopped after each test. */

import { afterEach } from 'vitest';
import { compileFile, fboot, runnerOf } from './iec61499.js';
import type { SystemRunner } from '../../runtime/iec61499/system-runner.js';
import type { CommMetrics } from '../../blocks/native/comm/comm-fb.js';

/**
 * `device(dir, name, lines)`: the boot file compiled and started COLD (INIT of its comm FBs).
 * Each resource stops after each test of the calling file: its comm FBs close on STOP, the
 * last one on a socket or connection ends it.
 */
export function commDevices(): { device: (dir: string, name: string, lines: string[]) => SystemRunner } {
  const running: SystemRunner[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) for (const x of r.resources) x.resource.stop();
  });
  return {
    device(dir, name, lines) {
      const runner = runnerOf(compileFile(dir, `${name}.fboot`, fboot(lines)));
      runner.runUntil(0);
      running.push(runner);
      return runner;
    },
  };
}

/** A variable of the device's first resource (`FB.VAR`). */
export const read = (r: SystemRunner, v: string): unknown => r.resources[0]!.resource.read(v);
/** The comm FB's counters, as its `$metrics` pseudo-variable gives them. */
export const metrics = (r: SystemRunner, fb: string): CommMetrics => read(r, `${fb}.$metrics`) as CommMetrics;

// A basic FB that adds every X it gets to S and counts the messages in N: a receiving device's sum.
export const ACCU = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="ACCU"><InterfaceList>
<EventInputs><Event Name="REQ" Type="Event"><With Var="X"/></Event></EventInputs>
<EventOutputs><Event Name="CNF" Type="Event"><With Var="S"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="X" Type="UINT"/></InputVars>
<OutputVars><VarDeclaration Name="S" Type="UDINT"/><VarDeclaration Name="N" Type="UDINT"/></OutputVars>
</InterfaceList><BasicFB><ECC><ECState Name="START"/><ECState Name="ADD"><ECAction Algorithm="ADD" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="ADD" Condition="REQ"/><ECTransition Source="ADD" Destination="START" Condition="1"/></ECC>
<Algorithm Name="ADD"><ST><![CDATA[S := S + X; N := N + 1;]]></ST></Algorithm></BasicFB></FBType>
`;

// A server that adds each request to a sum and answers with the sum (UINT in, UDINT out), N counting requests.
export const ADDER = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="ADDER"><InterfaceList>
<EventInputs><Event Name="REQ" Type="Event"><With Var="X"/></Event></EventInputs>
<EventOutputs><Event Name="CNF" Type="Event"><With Var="S"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="X" Type="UINT"/></InputVars><OutputVars><VarDeclaration Name="S" Type="UDINT"/><VarDeclaration Name="N" Type="UDINT"/></OutputVars>
</InterfaceList><BasicFB><ECC><ECState Name="START"/><ECState Name="ADD"><ECAction Algorithm="ADD" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="ADD" Condition="REQ"/><ECTransition Source="ADD" Destination="START" Condition="1"/></ECC>
<Algorithm Name="ADD"><ST><![CDATA[S := S + X; N := N + 1;]]></ST></Algorithm></BasicFB></FBType>
`;
