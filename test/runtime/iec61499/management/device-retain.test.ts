import { afterAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { RetainStore } from '../../../../runtime/state/retain-store.js';
import { typeFolder } from '../../../support/iec61499.js';
import { newestGeneration, savedAfter } from '../../../support/retain-files.js';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { startDeviceProcess, waitFor, type DeviceProcess } from './harness.js';

/** Counts REQs in N, marked RETAIN as the 4diac IDE marks it; OUT shows it. */
const ACC = `<FBType Name="ACC"><InterfaceList>
<EventInputs><Event Name="REQ"/></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<OutputVars><VarDeclaration Name="OUT" Type="DINT"/></OutputVars></InterfaceList>
<BasicFB><InternalVars><VarDeclaration Name="N" Type="DINT"><Attribute Name="Retain" Type="USINT" Value="RETAIN"/></VarDeclaration></InternalVars>
<ECC><ECState Name="START"/><ECState Name="RUN"><ECAction Algorithm="INC" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="RUN" Condition="REQ"/><ECTransition Source="RUN" Destination="RUN" Condition="REQ"/></ECC>
<Algorithm Name="INC"><ST><![CDATA[ALGORITHM INC
N := N + 1; OUT := N;
END_ALGORITHM]]></ST></Algorithm></BasicFB></FBType>`;

const work = typeFolder({ 'types/ACC.fbt': ACC }, 'vplc-device-retain-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** `vplc device --port 0 ARGS`, killed after the file if still running. */
async function startDevice(args: string[]): Promise<DeviceProcess> {
  const d = await startDeviceProcess(['--port', '0', ...args]);
  children.push(d.child);
  return d;
}

const killed = (child: ChildProcess) => new Promise<void>((done) => {
  child.once('exit', () => done());
  child.kill('SIGKILL');
});

describe('vplc device --state-dir', () => {
  it('saves the retained variables of a resource; after SIGKILL the boot file starts it WARM with them', { timeout: 90_000 }, async () => {
    const boot = join(work, 'dev.fboot');
    const dir = join(work, 'state');
    const args = ['--boot', boot, '--types', join(work, 'types'), '--state-dir', dir, '--save-every', '20ms'];
    const first = await startDevice(args);
    const c = await ManagementClient.open(first.port);
    const q = async (dst: string, action: string, inner: string) => expect(reason(await c.request(dst, action, inner)), `${action} ${inner}`).toBeUndefined();
    await q('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />');
    await q('RES', 'CREATE', '<FB Name="CY" Type="E_CYCLE" />');
    await q('RES', 'CREATE', '<FB Name="B" Type="ACC" />');
    await q('RES', 'CREATE', '<FB Name="W" Type="ACC" />');
    await q('RES', 'CREATE', '<FB Name="T" Type="E_CTU" />');
    await q('RES', 'CREATE', '<Connection Source="START.COLD" Destination="CY.START" />');
    await q('RES', 'CREATE', '<Connection Source="START.WARM" Destination="CY.START" />');
    await q('RES', 'CREATE', '<Connection Source="START.WARM" Destination="W.REQ" />');
    await q('RES', 'CREATE', '<Connection Source="CY.EO" Destination="B.REQ" />');
    await q('RES', 'CREATE', '<Connection Source="CY.EO" Destination="T.CU" />');
    await q('RES', 'WRITE', '<Connection Source="T#2ms" Destination="CY.DT" />');
    await q('RES', 'START', '');
    const read = async (port: string) => Number(/Destination="(?:[A-Z_]+#)?(-?\d+)"/.exec(await c.request('RES', 'READ', `<Connection Source="${port}" Destination="" />`))?.[1]);
    await waitFor(() => read('B.OUT'), (v) => v >= 50, 'B to count');
    await waitFor(() => read('B.OUT'), (v) => v >= 90, 'B to count on');
    // a save begun after that (every 20 ms; later on a loaded machine) holds N >= 90
    await savedAfter(join(dir, 'RES'), newestGeneration(join(dir, 'RES')));
    await c.close();
    await killed(first.child);
    expect(first.stderr()).not.toMatch(/failed/);
    const g = new RetainStore(join(dir, 'RES')).load();
    expect(g.skipped).toEqual([]);
    const saved = Object.fromEntries(g.generation!.resources.RES!.map((v) => [v.path, v.value]));
    // only what ACC marks RETAIN is kept: N of each ACC (not OUT, not T's count)
    expect(Object.keys(saved).sort()).toEqual(['B.N', 'W.N']);
    expect(saved['B.N']).toBeGreaterThanOrEqual(50);
    expect(saved['W.N']).toBe(0);

    const second = await startDevice(args);
    const c2 = await ManagementClient.open(second.port);
    try {
      expect(second.stderr()).toMatch(/resource RES: restored 2 retained value\(s\), warm, from .*generation \d+/);
      const read2 = async (port: string) => Number(/Destination="(?:[A-Z_]+#)?(-?\d+)"/.exec(await c2.request('RES', 'READ', `<Connection Source="${port}" Destination="" />`))?.[1]);
      // B goes on from the saved count; T, not retained, starts again from 0; W saw one WARM start
      await waitFor(() => read2('B.OUT'), (v) => v > Number(saved['B.N']), 'B to count on');
      // both counted the same ticks since the start (T read first): B = saved + ticks, T = ticks
      const ticksOfT = await read2('T.CV');
      expect(ticksOfT).toBeLessThanOrEqual((await read2('B.OUT')) - Number(saved['B.N']));
      expect(await read2('W.OUT')).toBe(1);
      // a new deployment by the IDE (KILL, DELETE, CREATE…, START) starts COLD
      expect(reason(await c2.request('', 'KILL', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
      expect(reason(await c2.request('', 'DELETE', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
      expect(reason(await c2.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
      expect(reason(await c2.request('RES', 'CREATE', '<FB Name="W" Type="ACC" />'))).toBeUndefined();
      expect(reason(await c2.request('RES', 'CREATE', '<Connection Source="START.COLD" Destination="W.REQ" />'))).toBeUndefined();
      expect(reason(await c2.request('RES', 'START', ''))).toBeUndefined();
      expect(await read2('W.OUT')).toBe(1);
    } finally {
      await c2.close();
      await killed(second.child);
    }
  });
});
