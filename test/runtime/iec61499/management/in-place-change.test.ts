import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { libraryTypeProvider } from '../../../../runtime/iec61499/management/type-provider.js';
import { typeFolder } from '../../../support/iec61499.js';
import { freePort } from '../../../support/wait.js';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { startDevice, startDeviceProcess, waitFor, type Running } from './harness.js';

/** A basic FB with an internal counter and a two-state ECC (ODD, EVEN) after START. */
const ACC = `<FBType Name="ACC"><InterfaceList>
<EventInputs><Event Name="REQ"/></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/><With Var="PHASE"/></Event></EventOutputs>
<OutputVars><VarDeclaration Name="OUT" Type="DINT"/><VarDeclaration Name="PHASE" Type="INT"/></OutputVars></InterfaceList>
<BasicFB><InternalVars><VarDeclaration Name="N" Type="DINT"/></InternalVars>
<ECC><ECState Name="START"/><ECState Name="ODD"><ECAction Algorithm="ODD" Output="CNF"/></ECState><ECState Name="EVEN"><ECAction Algorithm="EVEN" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="ODD" Condition="REQ"/><ECTransition Source="ODD" Destination="EVEN" Condition="REQ"/><ECTransition Source="EVEN" Destination="ODD" Condition="REQ"/></ECC>
<Algorithm Name="ODD"><ST><![CDATA[ALGORITHM ODD
N := N + 1; OUT := N; PHASE := 1;
END_ALGORITHM]]></ST></Algorithm>
<Algorithm Name="EVEN"><ST><![CDATA[ALGORITHM EVEN
N := N + 1; OUT := N; PHASE := 2;
END_ALGORITHM]]></ST></Algorithm></BasicFB></FBType>`;

/** A composite around one ACC. */
const CMP = `<FBType Name="CMP"><InterfaceList>
<EventInputs><Event Name="REQ"/></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<OutputVars><VarDeclaration Name="OUT" Type="DINT"/></OutputVars></InterfaceList>
<FBNetwork><FB Name="I" Type="ACC"/>
<EventConnections><Connection Source="REQ" Destination="I.REQ"/><Connection Source="I.CNF" Destination="CNF"/></EventConnections>
<DataConnections><Connection Source="I.OUT" Destination="OUT"/></DataConnections></FBNetwork></FBType>`;

let dev: Running | undefined;
let client: ManagementClient | undefined;

afterEach(async () => {
  await client?.close();
  await dev?.stop();
  client = undefined;
  dev = undefined;
});

const readOn = (c: ManagementClient) => async (port: string): Promise<number> => {
  const a = await c.request('RES', 'READ', `<Connection Source="${port}" Destination="" />`);
  const m = /Destination="(?:[A-Z_]+#)?(-?\d+)"/.exec(a);
  if (!m) throw new Error(`READ ${port}: ${a}`);
  return Number(m[1]);
};

/** E_CYCLE (DT) → C (E_CTU); COLD and WARM of START counted by K: a restart would show there. */
async function deployCounting(c: ManagementClient, dt = 'T#2ms'): Promise<void> {
  const q = async (dst: string, action: string, inner: string) => expect(reason(await c.request(dst, action, inner)), `${action} ${inner}`).toBeUndefined();
  await q('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />');
  await q('RES', 'CREATE', '<FB Name="CY" Type="E_CYCLE" />');
  await q('RES', 'CREATE', '<FB Name="C" Type="E_CTU" />');
  await q('RES', 'CREATE', '<FB Name="K" Type="E_CTU" />');
  await q('RES', 'CREATE', '<FB Name="A" Type="F_ADD" />');
  await q('RES', 'CREATE', '<Connection Source="START.COLD" Destination="CY.START" />');
  await q('RES', 'CREATE', '<Connection Source="START.COLD" Destination="K.CU" />');
  await q('RES', 'CREATE', '<Connection Source="START.WARM" Destination="K.CU" />');
  await q('RES', 'CREATE', '<Connection Source="CY.EO" Destination="C.CU" />');
  await q('RES', 'CREATE', '<Connection Source="C.CUO" Destination="A.REQ" />');
  await q('RES', 'CREATE', '<Connection Source="C.CV" Destination="A.IN1" />');
  await q('RES', 'WRITE', `<Connection Source="${dt}" Destination="CY.DT" />`);
  await q('RES', 'WRITE', '<Connection Source="UINT#100" Destination="A.IN2" />');
  await q('RES', 'START', '');
}

describe('vplc device: a running resource edited in place', () => {
  it('CREATE and DELETE of FBs and connections while E_CYCLE drives E_CTU: the count goes on, no COLD restart, the new FB works', async () => {
    const p = await startDeviceProcess(['--port', '0']);
    const c = await ManagementClient.open(p.port);
    try {
      const read = readOn(c);
      await deployCounting(c);
      const before = await waitFor(() => read('C.CV'), (v) => v >= 20, 'C to count');
      expect(reason(await c.request('RES', 'CREATE', '<FB Name="Q" Type="E_CTU" />'))).toBeUndefined();
      expect(reason(await c.request('RES', 'CREATE', '<Connection Source="CY.EO" Destination="Q.CU" />'))).toBeUndefined();
      // the counter was not reset: it goes on from where it was
      expect(await read('C.CV')).toBeGreaterThanOrEqual(before);
      // the new FB counts the same ticks from now on
      const q = await waitFor(() => read('Q.CV'), (v) => v >= 5, 'the new FB to count');
      const cNow = await read('C.CV');
      expect(cNow).toBeGreaterThan(before + q - 2);
      // the adder goes: first its connections, then the FB
      expect(reason(await c.request('RES', 'DELETE', '<Connection Source="C.CUO" Destination="A.REQ" />'))).toBeUndefined();
      expect(reason(await c.request('RES', 'DELETE', '<Connection Source="C.CV" Destination="A.IN1" />'))).toBeUndefined();
      const sum = await read('A.OUT');
      expect(reason(await c.request('RES', 'DELETE', '<FB Name="A" Type="F_ADD" />'))).toBeUndefined();
      expect(sum).toBeGreaterThanOrEqual(before + 100);
      const after = await read('C.CV');
      expect(after).toBeGreaterThanOrEqual(cNow);
      await waitFor(() => read('C.CV'), (v) => v > after + 5, 'C to go on counting');
      // one COLD in all: START was not fired again by any of the changes
      expect(await read('K.CV')).toBe(1);
      const fbs = await c.request('RES', 'QUERY', '<FB Name="*" Type="*" />');
      expect([...fbs.matchAll(/<FB name="(\w+)"/g)].map((m) => m[1])).toEqual(['START', 'CY', 'C', 'K', 'Q']);
    } finally {
      await c.close();
      await new Promise<void>((done) => {
        p.child.once('exit', () => done());
        p.child.kill('SIGTERM');
      });
    }
  }, 60_000);
});

describe('in-place change of a running resource', () => {
  it('keeps the E_CYCLE grid and the count exact: no tick lost or repeated across changes', async () => {
    dev = await startDevice();
    client = await ManagementClient.open(dev.port);
    const c = client;
    const read = readOn(c);
    await deployCounting(c);
    const managed = dev.device.resources.get('RES')!;
    // E_CYCLE starts at resource time 0 with DT 2 ms: by time t, floor(t / DT) ticks were counted
    const exact = () => {
      const r = managed.executing!;
      return { cv: Number(r.read('C.CV')), ticks: Math.floor(r.timeNs / 2_000_000) };
    };
    await waitFor(() => read('C.CV'), (v) => v >= 10, 'C to count');
    const changes: [string, string][] = [
      ['CREATE', '<FB Name="Q" Type="E_CTU" />'],
      ['CREATE', '<Connection Source="CY.EO" Destination="Q.CU" />'],
      ['CREATE', '<FB Name="G" Type="F_ADD" />'], // refused: an unconnected F_ADD has no type
      ['DELETE', '<Connection Source="C.CUO" Destination="A.REQ" />'],
      ['DELETE', '<Connection Source="C.CV" Destination="A.IN1" />'],
      ['DELETE', '<FB Name="A" Type="F_ADD" />'],
      ['DELETE', '<Connection Source="CY.EO" Destination="Q.CU" />'],
      ['DELETE', '<FB Name="Q" Type="E_CTU" />'],
    ];
    const applied: number[] = [];
    for (const [action, inner] of changes) {
      const answer = await c.request('RES', action, inner);
      if (inner.includes('"G"')) expect(reason(answer)).toBe('INVALID_OBJECT');
      else {
        expect(reason(answer), `${action} ${inner}`).toBeUndefined();
        expect(managed.lastChange).toMatchObject({ inPlace: true });
        applied.push(managed.lastChange!.appliedMs);
      }
      const e = exact();
      expect(e.cv, `after ${action} ${inner}`).toBe(e.ticks);
      await waitFor(() => read('C.CV'), (v) => v >= e.cv + 3, 'C to go on');
    }
    expect(Number(managed.executing!.read('K.CV'))).toBe(1);
    expect(applied).toHaveLength(7);
    expect(applied.every((ms) => ms >= 0)).toBe(true);
  }, 60_000);

  it('keeps a basic FB\u2019s internal variable and ECC state and a composite\u2019s inner FB state', async () => {
    dev = await startDevice({ types: libraryTypeProvider([typeFolder({ 'ACC.fbt': ACC, 'CMP.fbt': CMP })]) });
    client = await ManagementClient.open(dev.port);
    const c = client;
    const read = readOn(c);
    const q = async (action: string, inner: string) => expect(reason(await c.request('RES', action, inner)), `${action} ${inner}`).toBeUndefined();
    expect(reason(await c.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
    await q('CREATE', '<FB Name="B" Type="ACC" />');
    await q('CREATE', '<FB Name="M" Type="CMP" />');
    // the composite is flattened: it is driven through a counter, its inner FB read in the resource
    await q('CREATE', '<FB Name="T" Type="E_CTU" />');
    await q('CREATE', '<Connection Source="T.CUO" Destination="M.REQ" />');
    await q('START', '');
    const inner = (v: string) => Number(dev!.device.resources.get('RES')!.executing!.read(`M.I.${v}`));
    const fire = (port: string) => q('WRITE', `<Connection Source="$e" Destination="${port}" />`);
    for (let k = 0; k < 3; k++) await fire('B.REQ');
    for (let k = 0; k < 5; k++) await fire('T.CU');
    expect([await read('B.OUT'), await read('B.PHASE'), inner('N'), inner('PHASE')]).toEqual([3, 1, 5, 1]);
    // a change elsewhere in the network: a new FB fed by both
    await q('CREATE', '<FB Name="Z" Type="E_CTU" />');
    await q('CREATE', '<Connection Source="B.CNF" Destination="Z.CU" />');
    await q('CREATE', '<Connection Source="M.CNF" Destination="Z.CU" />');
    await fire('B.REQ');
    // N went on from 3 and the ECC from ODD to EVEN: neither started again
    expect([await read('B.OUT'), await read('B.PHASE')]).toEqual([4, 2]);
    await fire('T.CU');
    expect([inner('N'), inner('OUT'), inner('PHASE')]).toEqual([6, 6, 2]);
    expect(await read('Z.CV')).toBe(2);
    // deleting the new FB again leaves both as they are
    await q('DELETE', '<FB Name="Z" Type="E_CTU" />');
    await fire('B.REQ');
    await fire('T.CU');
    expect([await read('B.OUT'), await read('B.PHASE'), inner('N'), inner('PHASE')]).toEqual([5, 1, 7, 1]);
  });

  it('keeps a pending E_DELAY on its time and runs a new E_RESTART\u2019s COLD for it alone', async () => {
    dev = await startDevice();
    client = await ManagementClient.open(dev.port);
    const c = client;
    const read = readOn(c);
    const q = async (action: string, inner: string) => expect(reason(await c.request('RES', action, inner)), `${action} ${inner}`).toBeUndefined();
    expect(reason(await c.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
    await q('CREATE', '<FB Name="D" Type="E_DELAY" />');
    await q('CREATE', '<FB Name="N" Type="E_CTU" />');
    await q('CREATE', '<FB Name="K" Type="E_CTU" />');
    await q('CREATE', '<Connection Source="START.COLD" Destination="D.START" />');
    await q('CREATE', '<Connection Source="START.COLD" Destination="K.CU" />');
    await q('CREATE', '<Connection Source="D.EO" Destination="N.CU" />');
    await q('WRITE', '<Connection Source="T#400ms" Destination="D.DT" />');
    await q('START', '');
    const managed = dev.device.resources.get('RES')!;
    // the delay runs; the network changes under it
    await q('CREATE', '<FB Name="R2" Type="E_RESTART" />');
    await q('CREATE', '<Connection Source="R2.COLD" Destination="K.CU" />');
    expect(managed.executing!.timeNs).toBeLessThan(400_000_000);
    expect(await read('N.CV')).toBe(0);
    await waitFor(() => read('N.CV'), (v) => v === 1, 'the delay to end', 5_000);
    // the delay ended on its own schedule, once
    expect(managed.executing!.timeNs).toBeGreaterThanOrEqual(400_000_000);
    // the new E_RESTART was started on its own (its COLD counted once); START's was not fired again
    expect(await read('K.CV')).toBe(1);
    await q('CREATE', '<Connection Source="R2.WARM" Destination="K.CU" />');
    expect(await read('K.CV')).toBe(1);
  });

  it('STOP and START of one FB as FORTE does them; a refused change leaves the network and its state as they were', async () => {
    dev = await startDevice();
    client = await ManagementClient.open(dev.port);
    const c = client;
    const read = readOn(c);
    await deployCounting(c);
    await waitFor(() => read('C.CV'), (v) => v >= 5, 'C to count');
    // FORTE's order for a running FB: STOP it, then DELETE it
    expect(reason(await c.request('RES', 'STOP', '<FB Name="CY" Type="*" />'))).toBeUndefined();
    const stopped = await read('C.CV');
    expect(reason(await c.request('RES', 'CREATE', '<Connection Source="C.CUO" Destination="NOPE.REQ" />'))).toBe('NO_SUCH_OBJECT');
    expect(reason(await c.request('RES', 'STOP', '<FB Name="NOPE" Type="*" />'))).toBe('NO_SUCH_OBJECT');
    // the resource still runs (the STOP was of one FB): an event fired at C counts
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="$e" Destination="C.CU" />'))).toBeUndefined();
    expect(await read('C.CV')).toBe(stopped + 1);
    expect(reason(await c.request('RES', 'DELETE', '<FB Name="CY" Type="E_CYCLE" />'))).toBeUndefined();
    // a connection to a port of the wrong kind is refused; nothing changed
    expect(reason(await c.request('RES', 'CREATE', '<Connection Source="C.CV" Destination="K.CU" />'))).toBe('INVALID_OBJECT');
    expect(await read('C.CV')).toBe(stopped + 1);
    expect(await read('K.CV')).toBe(1);
    // a new cycle started with START of that FB
    expect(reason(await c.request('RES', 'CREATE', '<FB Name="CY2" Type="E_CYCLE" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'CREATE', '<Connection Source="CY2.EO" Destination="C.CU" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="T#2ms" Destination="CY2.DT" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="$e" Destination="CY2.START" />'))).toBeUndefined();
    await waitFor(() => read('C.CV'), (v) => v >= stopped + 5, 'the new cycle to count on from where C was');
    expect(await read('K.CV')).toBe(1);
    // the boot file has the FB created online with the parameter written to it, not C's count
    const boot = dev.device.bootText();
    expect(boot).toContain('<FB Name="CY2" Type="E_CYCLE" />');
    expect(boot).toContain('<Connection Source="T#2ms" Destination="CY2.DT" />');
    expect(boot).not.toContain('Destination="CY.DT"');
  });

  it('keeps a SUBSCRIBE_1\u2019s socket and received value and a watched event\u2019s count', async () => {
    dev = await startDevice();
    client = await ManagementClient.open(dev.port);
    const c = client;
    const read = readOn(c);
    const peer = dgram.createSocket('udp4');
    const subPort = await freePort();
    try {
      const q = async (action: string, inner: string) => expect(reason(await c.request('RES', action, inner)), `${action} ${inner}`).toBeUndefined();
      expect(reason(await c.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
      await q('CREATE', '<FB Name="SUB" Type="SUBSCRIBE_1" />');
      await q('CREATE', '<FB Name="I" Type="E_CTU" />');
      await q('CREATE', '<FB Name="N" Type="E_CTU" />');
      await q('CREATE', '<Connection Source="START.COLD" Destination="SUB.INIT" />');
      await q('CREATE', '<Connection Source="SUB.INITO" Destination="I.CU" />');
      await q('CREATE', '<Connection Source="SUB.IND" Destination="N.CU" />');
      // RD_1 feeds a UINT: that is its type, and its storage is made when the dispatch is compiled
      await q('CREATE', '<Connection Source="SUB.RD_1" Destination="N.PV" />');
      await q('WRITE', '<Connection Source="TRUE" Destination="SUB.QI" />');
      await q('WRITE', `<Connection Source="127.0.0.1:${subPort}" Destination="SUB.ID" />`);
      await q('START', '');
      await q('CREATE', '<Watch Source="SUB.IND" Destination="" />');
      const send = (hex: string) => new Promise<void>((ok) => peer.send(Buffer.from(hex, 'hex'), subPort, '127.0.0.1', () => ok()));
      await waitFor(() => read('I.CV'), (v) => v === 1, 'the subscriber to open');
      // UINT 5, then UINT 6 on the wire
      await send('470005');
      await waitFor(() => read('SUB.RD_1'), (v) => v === 5, 'the first value');
      await send('470006');
      await waitFor(() => read('N.CV'), (v) => v === 2, 'the second value');
      await q('CREATE', '<FB Name="X" Type="E_CTU" />');
      await q('CREATE', '<Connection Source="SUB.IND" Destination="X.CU" />');
      // the received value is still there, the socket was not opened again (one INITO)
      expect(await read('SUB.RD_1')).toBe(6);
      expect(await read('I.CV')).toBe(1);
      await send('470007');
      await waitFor(() => read('X.CV'), (v) => v === 1, 'the new FB to hear the next message');
      expect([await read('SUB.RD_1'), await read('N.CV')]).toEqual([7, 3]);
      // the watch counted every IND, before and after the change
      const watches = await c.request('', 'READ', '<Watches/>');
      expect(/<Port name="IND"><Data value="(\d+)"/.exec(watches)?.[1]).toBe('3');
    } finally {
      peer.close();
    }
  });

  it('an FB deleted and created again under its name does not keep the type a literal gave its old port', async () => {
    dev = await startDevice();
    client = await ManagementClient.open(dev.port);
    const c = client;
    const q = async (action: string, inner: string) => expect(reason(await c.request('RES', action, inner)), `${action} ${inner}`).toBeUndefined();
    const text = async (port: string): Promise<string> => {
      const a = await c.request('RES', 'READ', `<Connection Source="${port}" Destination="" />`);
      const m = /Destination="((?:[^"]|&quot;)*)"/.exec(a);
      if (!m) throw new Error(`READ ${port}: ${a}`);
      return m[1]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/^'|'$/g, '');
    };
    await c.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />');
    await q('CREATE', '<FB Name="CY" Type="E_CYCLE" />');
    await q('CREATE', '<FB Name="S" Type="F_ANY_AS_STRING" />');
    await q('CREATE', '<Connection Source="START.COLD" Destination="CY.START" />');
    await q('CREATE', '<Connection Source="CY.EO" Destination="S.REQ" />');
    await q('WRITE', '<Connection Source="T#2ms" Destination="CY.DT" />');
    // the literal types the generic IN: a TIME, printed as one
    await q('WRITE', '<Connection Source="T#5s" Destination="S.IN" />');
    await q('START', '');
    const typed = await waitFor(() => text('S.OUT'), (v) => v !== '', 'S to print its input');
    await q('DELETE', '<Connection Source="CY.EO" Destination="S.REQ" />');
    await q('DELETE', '<FB Name="S" Type="F_ANY_AS_STRING" />');
    await q('CREATE', '<FB Name="S" Type="F_ANY_AS_STRING" />');
    await q('CREATE', '<Connection Source="CY.EO" Destination="S.REQ" />');
    // the new S has an unwritten, unconnected IN: no type, its initial value printed plainly
    const fresh = await waitFor(() => text('S.OUT'), (v) => v !== '', 'the new S to print its input');
    expect(typed).toMatch(/^T#5/);
    expect(fresh).toBe('0');
  });
});
