import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { deployCounter, startDevice, watchValues, type Running, waitFor } from './harness.js';

let dev: Running;
let c: ManagementClient;

beforeEach(async () => {
  dev = await startDevice();
  c = await ManagementClient.open(dev.port);
});

afterEach(async () => {
  await c.close();
  await dev.stop();
});

const readValue = async (res: string, port: string): Promise<string> => {
  const a = await c.request(res, 'READ', `<Connection Source="${port}" Destination="" />`);
  const m = /Destination="([^"]*)"/.exec(a);
  if (!m) throw new Error(`READ ${port}: ${a}`);
  return m[1]!;
};

describe('device management over TCP: deploy', () => {
  it('answers every request of an IDE deployment and runs the network on the real clock', async () => {
    const answers = await deployCounter(c);
    expect(answers.map(reason)).toEqual(answers.map(() => undefined));
    expect(answers[0]).toBe('<Response ID="1" />');
    // E_CYCLE counts C up every 2 ms: wait until the counter has moved, then check the adder
    await waitFor(() => readValue('RES', 'C.CV'), (v) => Number(v) >= 3, 'C.CV to reach 3');
    const r = dev.device.resources.get('RES')!.executing!;
    expect(r.read('A.OUT')).toBe((r.read('C.CV') as number) + 100);
    expect(await readValue('RES', 'CY.DT')).toBe('T#2ms');
  });

  it('fires event inputs written as $e and reads outputs back', async () => {
    await c.request('', 'CREATE', '<FB Name="R2" Type="EMB_RES" />');
    expect(await c.request('R2', 'CREATE', '<FB Name="K" Type="E_CTU" />')).toBe('<Response ID="2" />');
    expect(reason(await c.request('R2', 'WRITE', '<Connection Source="3" Destination="K.PV" />'))).toBeUndefined();
    // an event before START has nowhere to go
    expect(reason(await c.request('R2', 'WRITE', '<Connection Source="$e" Destination="K.CU" />'))).toBe('INVALID_STATE');
    expect(reason(await c.request('R2', 'START'))).toBeUndefined();
    for (let k = 0; k < 3; k++) expect(reason(await c.request('R2', 'WRITE', '<Connection Source="$e" Destination="K.CU" />'))).toBeUndefined();
    expect(await readValue('R2', 'K.CV')).toBe('3');
    expect(await readValue('R2', 'K.Q')).toBe('TRUE');
    expect(reason(await c.request('R2', 'WRITE', '<Connection Source="$E" Destination="K.R" />'))).toBeUndefined();
    expect(await readValue('R2', 'K.CV')).toBe('0');
    expect(await readValue('R2', 'K.Q')).toBe('FALSE');
    // a parameter written online reaches the running FB
    expect(reason(await c.request('R2', 'WRITE', '<Connection Source="1" Destination="K.PV" />'))).toBeUndefined();
    await c.request('R2', 'WRITE', '<Connection Source="$e" Destination="K.CU" />');
    expect(await readValue('R2', 'K.Q')).toBe('TRUE');
  });

  it('refuses what FORTE refuses, with its Reason values', async () => {
    await c.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />');
    expect(reason(await c.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />'))).toBe('INVALID_STATE');
    expect(reason(await c.request('', 'CREATE', '<FB Name="X" Type="NO_SUCH_RES" />'))).toBe('UNSUPPORTED_TYPE');
    expect(reason(await c.request('RES', 'CREATE', '<FB Name="F" Type="NO_SUCH_TYPE" />'))).toBe('UNSUPPORTED_TYPE');
    expect(reason(await c.request('NOPE', 'CREATE', '<FB Name="F" Type="E_CTU" />'))).toBe('NO_SUCH_OBJECT');
    expect(reason(await c.request('RES', 'CREATE', '<FB Name="F" Type="E_CTU" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'CREATE', '<FB Name="F" Type="E_CTU" />'))).toBe('INVALID_STATE');
    expect(reason(await c.request('RES', 'CREATE', '<Connection Source="G.CUO" Destination="F.CU" />'))).toBe('NO_SUCH_OBJECT');
    expect(reason(await c.request('RES', 'CREATE', '<Connection Source="F.NOPE" Destination="F.CU" />'))).toBe('NO_SUCH_OBJECT');
    expect(reason(await c.request('RES', 'CREATE', '<Connection Source="F.CU" Destination="F.CUO" />'))).toBe('INVALID_OBJECT');
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="banana" Destination="F.PV" />'))).toBe('BAD_PARAMS');
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="70000" Destination="F.PV" />'))).toBe('BAD_PARAMS');
    expect(reason(await c.request('RES', 'READ', '<Connection Source="F.CV" Destination="" />'))).toBe('INVALID_STATE');
    expect(reason(await c.request('RES', 'STOP'))).toBe('INVALID_STATE');
    expect(reason(await c.request('RES', 'START'))).toBeUndefined();
    expect(reason(await c.request('RES', 'START'))).toBe('INVALID_STATE');
    // deleting an FB of a running resource edits it in place (FORTE's STOP of the FB, then DELETE)
    expect(reason(await c.request('RES', 'DELETE', '<FB Name="F" Type="E_CTU" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'DELETE', '<FB Name="F" Type="E_CTU" />'))).toBe('NO_SUCH_OBJECT');
    expect(reason(await c.request('', 'DELETE', '<FB Name="RES" Type="EMB_RES" />'))).toBe('INVALID_STATE');
    expect(reason(await c.request('RES', 'DELETE', '<Connection Source="F.CUO" Destination="F.CU" />'))).toBe('NO_SUCH_OBJECT');
  });
});

describe('device management over TCP: monitor', () => {
  it('watches data ports and reads every watch in one answer', async () => {
    await deployCounter(c);
    expect(reason(await c.request('RES', 'CREATE', '<Watch Source="C.CV" Destination="" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'CREATE', '<Watch Source="A.OUT" Destination="" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'CREATE', '<Watch Source="A.NOPE" Destination="" />'))).toBe('NO_SUCH_OBJECT');
    const read = async () => watchValues(await c.request('', 'READ', '<Watches/>'));
    const first = await waitFor(read, (w) => Number(w['RES.C.CV']) >= 2, 'a watched count of 2');
    // one answer is one consistent picture of the resource; F_ADD's OUT is generic (ANY_NUM):
    // its value is written as a typed literal, as FORTE writes its ANY ports
    expect(first['RES.A.OUT']).toBe(`UINT#${Number(first['RES.C.CV']) + 100}`);
    const later = await waitFor(read, (w) => Number(w['RES.C.CV']) > Number(first['RES.C.CV']), 'the count to move on');
    expect(later['RES.A.OUT']).toBe(`UINT#${Number(later['RES.C.CV']) + 100}`);
    // a removed watch is no longer reported
    expect(reason(await c.request('RES', 'DELETE', '<Watch Source="A.OUT" Destination="" />'))).toBeUndefined();
    expect(Object.keys(await read())).toEqual(['RES.C.CV']);
    expect(reason(await c.request('RES', 'DELETE', '<Watch Source="A.OUT" Destination="" />'))).toBe('NO_SUCH_OBJECT');
  });
});

describe('device management over TCP: stop, kill and delete', () => {
  it('stops, restarts, kills and deletes a resource as the IDE does', async () => {
    await deployCounter(c);
    await waitFor(() => readValue('RES', 'C.CV'), (v) => Number(v) >= 1, 'counting');
    expect(reason(await c.request('RES', 'STOP'))).toBeUndefined();
    const stopped = await readValue('RES', 'C.CV');
    // E_CYCLE got STOP: the count no longer moves, whatever the clock does
    dev.device.tick();
    expect(await readValue('RES', 'C.CV')).toBe(stopped);
    expect(await c.request('RES', 'QUERY', '<FB Name="C" Type="E_CTU" />')).toContain('Status="STOPPED"');
    // START after STOP is a WARM restart of the same network (START.WARM starts the cycle
    // again): the count continues from where it stood
    const network = dev.device.resources.get('RES')!.executing;
    expect(reason(await c.request('RES', 'START'))).toBeUndefined();
    expect(dev.device.resources.get('RES')!.executing).toBe(network);
    expect(Number(await readValue('RES', 'C.CV'))).toBeGreaterThanOrEqual(Number(stopped));
    await waitFor(() => readValue('RES', 'C.CV'), (v) => Number(v) > Number(stopped), 'counting again');
    // delete: KILL then DELETE of the resource at device level
    expect(reason(await c.request('', 'KILL', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
    const killed = dev.device.resources.get('RES')!.executing!;
    const cv = killed.read('C.CV');
    dev.device.tick();
    expect(killed.read('C.CV')).toBe(cv);
    expect(reason(await c.request('', 'DELETE', '<FB Name="RES" Type="EMB_RES" />'))).toBeUndefined();
    expect(dev.device.resources.size).toBe(0);
    expect(await c.request('', 'QUERY', '<FB Name="*" Type="*" />')).not.toContain('RES');
    expect(reason(await c.request('RES', 'READ', '<Connection Source="C.CV" Destination="" />'))).toBe('NO_SUCH_OBJECT');
  });

  it('deletes FBs and connections of a stopped resource and runs the rest', async () => {
    await deployCounter(c);
    expect(reason(await c.request('RES', 'STOP'))).toBeUndefined();
    expect(reason(await c.request('RES', 'DELETE', '<Connection Source="C.CUO" Destination="A.REQ" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'DELETE', '<Connection Source="C.CV" Destination="A.IN1" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'DELETE', '<FB Name="A" Type="F_ADD" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'START'))).toBeUndefined();
    await waitFor(() => readValue('RES', 'C.CV'), (v) => Number(v) >= 2, 'counting without the adder');
    const fbs = await c.request('RES', 'QUERY', '<FB Name="*" Type="*" />');
    expect([...fbs.matchAll(/<FB name="(\w+)"/g)].map((m) => m[1])).toEqual(['START', 'CY', 'C']);
  });

  it('changes the network of a running resource online, in place', async () => {
    await deployCounter(c);
    expect(reason(await c.request('RES', 'CREATE', '<FB Name="Q" Type="E_CTU" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'CREATE', '<Connection Source="C.CUO" Destination="Q.CU" />'))).toBeUndefined();
    await waitFor(() => readValue('RES', 'Q.CV'), (v) => Number(v) >= 2, 'the new FB to count');
    // a change that does not build is undone: the old network keeps running
    expect(reason(await c.request('RES', 'CREATE', '<FB Name="G" Type="F_ADD" />'))).toBe('INVALID_OBJECT');
    expect(await c.request('RES', 'QUERY', '<FB Name="*" Type="*" />')).not.toContain('"G"');
    const q = Number(await readValue('RES', 'Q.CV'));
    await waitFor(() => readValue('RES', 'Q.CV'), (v) => Number(v) > q, 'still counting');
  });
});

describe('device management over TCP: queries', () => {
  it('lists FB types, describes one, and lists FBs and connections', async () => {
    const list = await c.request('', 'QUERY', '<FBType Name="*" />');
    const names = /<NameList>\s*([^<]*?)\s*<\/NameList>/.exec(list)![1]!.split(',');
    expect(names).toEqual(expect.arrayContaining(['E_CTU', 'E_CYCLE', 'E_SWITCH', 'F_ADD', 'E_RESTART']));
    const ctu = await c.request('', 'QUERY', '<FBType Name="E_CTU" />');
    expect(ctu).toMatch(/<FBType Name="E_CTU"><InterfaceList><EventInputs><Event Name="CU" Type="Event"><With Var="PV"\/>/);
    expect(ctu).toContain('<VarDeclaration Name="CV" Type="UINT"/>');
    expect(reason(await c.request('', 'QUERY', '<FBType Name="NOPE" />'))).toBe('UNSUPPORTED_TYPE');
    await deployCounter(c);
    expect(await c.request('', 'QUERY', '<FB Name="*" Type="*" />')).toContain('<FB name="RES" type="EMB_RES" />');
    expect(await c.request('RES', 'QUERY', '<FB Name="CY" Type="*" />')).toContain('<FB Name="CY" Type="E_CYCLE" />');
    const conns = await c.request('RES', 'QUERY', '<Connection Source="*" Destination="*" />');
    expect(conns).toMatch(/^<Response ID="\d+">\n {2}<EndpointList>\n {4}<Connection Source="START.COLD" Destination="CY.START" \/>[\s\S]*\n {2}<\/EndpointList>\n<\/Response>$/);
    expect([...conns.matchAll(/<Connection Source="([^"]+)" Destination="([^"]+)"/g)].map((m) => `${m[1]}>${m[2]}`)).toEqual([
      'START.COLD>CY.START', 'START.WARM>CY.START', 'CY.EO>C.CU', 'C.CUO>A.REQ', 'C.CV>A.IN1',
    ]);
    const ends = await c.request('RES', 'QUERY', '<Connection Source="C.CUO" Destination="*" />');
    expect(ends).toContain('<Endpoint Name="A.REQ" />');
  });
});
