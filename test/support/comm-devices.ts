/** Devices of the communication FB tests: boot lines run in-process, stopped after each test. */

import { afterEach, expect } from 'vitest';
import { exchangeBoot, GROUPS, typeFiles } from './comm-types.js';
import { bootRequests, compileFile, fboot, runnerOf, typeFolder } from './iec61499.js';
import { until } from './wait.js';
import type { SystemRunner } from '../../runtime/iec61499/system-runner.js';
import type { CommMetrics } from '../../blocks/native/comm/comm-fb.js';

/**
 * `device(dir, name, lines)`: the boot file compiled and started COLD (INIT of its comm FBs).
 * Each resource stops after each test of the calling file: its comm FBs close on STOP, the
 * last one on a socket or connection ends it.
 */
export function commDevices(): { device: DeviceStarter; server: (dir: string, port: number, name?: string) => SystemRunner } {
  const running: SystemRunner[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) for (const x of r.resources) x.resource.stop();
  });
  const device: DeviceStarter = (dir, name, lines) => {
    const runner = runnerOf(compileFile(dir, `${name}.fboot`, fboot(lines)));
    runner.runUntil(0);
    running.push(runner);
    return runner;
  };
  // a SERVER_1_1 on 127.0.0.1:port answering each request with ADDER's sum (ADDER.fbt in `dir`)
  const server = (dir: string, port: number, name = 'srv'): SystemRunner => {
    const { fb, conn, write, start } = bootRequests('RES');
    return device(dir, name, [
      fb('SRV', 'SERVER_1_1'), fb('ADD', 'ADDER'),
      conn('START.COLD', 'SRV.INIT'), conn('SRV.IND', 'ADD.REQ'), conn('SRV.RD_1', 'ADD.X'), conn('ADD.CNF', 'SRV.RSP'), conn('ADD.S', 'SRV.SD_1'),
      write('1', 'SRV.QI'), write(`'127.0.0.1:${port}'`, 'SRV.ID'), start(),
    ]);
  };
  return { device, server };
}

export type DeviceStarter = (dir: string, name: string, lines: string[]) => SystemRunner;

/**
 * Every type of comm-types.ts from one device to another: the subscribing device started and
 * its SUBSCRIBEs ready, then the publishing one, which sends each group once. Each group must
 * arrive (STATUS OK) with every value equal to the one sent; the subscriber's variables are
 * returned for checks against the literals.
 */
export async function exchangeEveryType(device: DeviceStarter, subIds: string[], pubIds: string[]): Promise<Record<string, unknown>> {
  const dir = typeFolder(typeFiles());
  const sub = device(dir, 'sub', exchangeBoot(subIds).sub);
  await until(() => GROUPS.every((_, k) => read(sub, `SUB${k}.QO`) === true), 'every SUBSCRIBE ready');
  const pub = device(dir, 'pub', exchangeBoot(pubIds).pub);
  await until(() => GROUPS.every((_, k) => metrics(sub, `SUB${k}`).messagesIn + metrics(sub, `SUB${k}`).errors === 1), 'every group arrived');
  const sent = pub.snapshotVars();
  const got = sub.snapshotVars();
  GROUPS.forEach((g, k) => {
    expect(read(sub, `SUB${k}.STATUS`)).toBe('OK');
    g.forEach(([t], j) => expect({ type: t, value: got[`RES.DST${k}.V${j}`] }).toEqual({ type: t, value: sent[`RES.SRC${k}.V${j}`] }));
  });
  return got;
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
