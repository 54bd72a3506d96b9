import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bootRequests, typeFolder } from '../../../support/iec61499.js';
import { commDevices, exchangeEveryType, metrics, read } from '../../../support/comm-devices.js';
import { GROUPS } from '../../../support/comm-types.js';
import { captureCli } from '../../../support/cli-capture.js';
import { fbXml as fb, connectionXml as c, deviceXml as deviceOf } from '../../../support/system-xml.js';
import { freePort, until } from '../../../support/wait.js';
import { Broker, mosquittoMissing, publish, Subscriber } from '../../../io-drivers/mosquitto.js';
import { runCommand } from '../../../../runtime/cli/run.js';
import type { SystemRunner } from '../../../../runtime/iec61499/system-runner.js';
import { parseCommId } from '../../../../blocks/native/comm/comm-id.js';

/**
 * PUBLISH/SUBSCRIBE over FORTE's MQTT layer (`fbdk[].mqtt[tcp://host:port, clientId, topic]`)
 * through a real Eclipse Mosquitto started on a free port; mosquitto_sub and mosquitto_pub as
 * independent peers on the broker.
 */

// Adds every X it gets to S, counts messages in N, keeps the last Q.
const ACCU = `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="ACCU"><InterfaceList>
<EventInputs><Event Name="REQ" Type="Event"><With Var="X"/><With Var="Q"/></Event></EventInputs>
<EventOutputs><Event Name="CNF" Type="Event"><With Var="S"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="X" Type="UINT"/><VarDeclaration Name="Q" Type="BOOL"/></InputVars>
<OutputVars><VarDeclaration Name="S" Type="UDINT"/><VarDeclaration Name="N" Type="UDINT"/><VarDeclaration Name="QS" Type="BOOL"/></OutputVars>
</InterfaceList><BasicFB><ECC><ECState Name="START"/><ECState Name="ADD"><ECAction Algorithm="ADD" Output="CNF"/></ECState>
<ECTransition Source="START" Destination="ADD" Condition="REQ"/><ECTransition Source="ADD" Destination="START" Condition="1"/></ECC>
<Algorithm Name="ADD"><ST><![CDATA[S := S + X; N := N + 1; QS := Q;]]></ST></Algorithm></BasicFB></FBType>
`;

const { device } = commDevices();
const res = (r: SystemRunner) => r.resources[0]!.resource;
const mqttId = (broker: Broker | number, clientId: string, topic: string, layer = 'fbdk[].') =>
  `${layer}mqtt[tcp://127.0.0.1:${typeof broker === 'number' ? broker : broker.port}, ${clientId}, ${topic}]`;

/** A device counting with E_CTU: each CU publishes CV and Q (PV 3) on `id`. */
function counter(dir: string, name: string, id: string): SystemRunner {
  const { fb, conn, write, start } = bootRequests('RES');
  return device(dir, name, [
    fb('PUB', 'PUBLISH_2'), fb('CTU', 'E_CTU'),
    conn('START.COLD', 'PUB.INIT'), conn('CTU.CUO', 'PUB.REQ'), conn('CTU.CV', 'PUB.SD_1'), conn('CTU.Q', 'PUB.SD_2'),
    write('1', 'PUB.QI'), write(`'${id}'`, 'PUB.ID'), write('3', 'CTU.PV'), start(),
  ]);
}

/** A device summing what arrives on `id`; INITOs of the subscriber counted by INITS. */
function summer(dir: string, name: string, id: string): SystemRunner {
  const { fb, conn, write, start } = bootRequests('RES');
  return device(dir, name, [
    fb('SUB', 'SUBSCRIBE_2'), fb('SUM', 'ACCU'), fb('INITS', 'E_CTU'),
    conn('START.COLD', 'SUB.INIT'), conn('SUB.IND', 'SUM.REQ'), conn('SUB.RD_1', 'SUM.X'), conn('SUB.RD_2', 'SUM.Q'), conn('SUB.INITO', 'INITS.CU'),
    write('1', 'SUB.QI'), write(`'${id}'`, 'SUB.ID'), write('65535', 'INITS.PV'), start(),
  ]);
}

describe('the mqtt[] ID', () => {
  it('is parsed as FORTE writes it; what is not one is refused with the reason', () => {
    expect(parseCommId('fbdk[].mqtt[tcp://localhost:1883, plc1, line/cell1]')).toEqual({ layer: 'mqtt', encoding: 'fbdk', broker: 'mqtt://localhost:1883', clientId: 'plc1', topic: 'line/cell1' });
    expect(parseCommId('raw[].mqtt[tcp://10.0.0.5, plc1, a]')).toEqual({ layer: 'mqtt', encoding: 'raw', broker: 'mqtt://10.0.0.5:1883', clientId: 'plc1', topic: 'a' });
    // a bare mqtt[] carries the compliance profile's encoding, as a bare host:port does
    expect(parseCommId('mqtt[mqtt://127.0.0.1:1884,c,x/+/y]')).toMatchObject({ layer: 'mqtt', encoding: 'fbdk', broker: 'mqtt://127.0.0.1:1884', topic: 'x/+/y' });
    expect(parseCommId('127.0.0.1:61500')).toEqual({ layer: 'ip', encoding: 'fbdk', host: '127.0.0.1', port: 61500, multicast: false });
    expect(parseCommId('fbdk[].mqtt[tcp://localhost:1883, plc1]')).toMatch(/needs three parameters: broker URL, client ID, topic/);
    expect(parseCommId('fbdk[].mqtt[ssl://localhost:8883, plc1, t]')).toMatch(/only tcp:\/\/ and mqtt:\/\/ brokers/);
    expect(parseCommId('fbdk[].mqtt[localhost:1883, plc1, t]')).toMatch(/is not tcp:\/\/host\[:port\]/);
    expect(parseCommId('fbdk[].mqtt[tcp://localhost:1883, , t]')).toMatch(/the client ID is empty/);
    expect(parseCommId('fbdk[].mqtt[tcp://localhost:1883, c, a/#/b]')).toMatch(/is not an MQTT topic/);
    expect(parseCommId('fbdk[].mqtt[tcp://localhost:99999, c, t]')).toMatch(/port 99999 is out of range/);
    expect(parseCommId('mqtt[tcp://localhost:1883, c, t].fbdk[]')).toMatch(/must be the last layer/);
  });

  it('MQTT.js is loaded when the first mqtt[] ID is opened, not with the communication blocks', async () => {
    // a fresh process: the blocks loaded, then a layer opened towards a port where no broker is
    const script = `
      import { createRequire } from 'node:module';
      const cache = createRequire(process.cwd() + '/x.js').cache;
      const loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/mqtt/'));
      const { COMM_BLOCKS } = await import(process.cwd() + '/blocks/native/comm/comm-fb.ts');
      const before = loaded();
      const { openMqttLayer } = await import(process.cwd() + '/blocks/native/comm/mqtt-layer.ts');
      const id = { layer: 'mqtt', encoding: 'fbdk', broker: 'mqtt://127.0.0.1:1', clientId: 'lazy', topic: 't' };
      const layer = openMqttLayer(id, 'publish', { onUp() {}, onData() {}, onDown(status) {
        console.log(JSON.stringify({ blocks: COMM_BLOCKS.length, before, after: loaded(), status }));
        layer.close();
      } });`;
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ blocks: 102, before: false, after: true, status: 'TERMINATED' });
  });
});

const missing = mosquittoMissing();

describe.skipIf(missing)(`PUBLISH / SUBSCRIBE through Mosquitto${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let broker: Broker;
  let watcher: Subscriber;
  beforeAll(async () => {
    broker = await Broker.start();
    watcher = new Subscriber(broker, ['vplc/#'], { hex: true });
  });
  afterAll(async () => {
    await watcher?.stop();
    await broker?.stop();
  });

  it('PUBLISH_2 on one device, SUBSCRIBE_2 on another: fbdk and raw[] payloads, one connection per broker and client ID', async () => {
    const dir = typeFolder({ 'ACCU.fbt': ACCU });
    const s = bootRequests('RES');
    // two subscribers of one device share its connection (client ID dev-b)
    const sub = device(dir, 'b', [
      s.fb('SUB', 'SUBSCRIBE_2'), s.fb('SUM', 'ACCU'), s.fb('RAW', 'SUBSCRIBE_1'),
      s.conn('START.COLD', 'SUB.INIT'), s.conn('SUB.INITO', 'RAW.INIT'), s.conn('SUB.IND', 'SUM.REQ'), s.conn('SUB.RD_1', 'SUM.X'), s.conn('SUB.RD_2', 'SUM.Q'),
      s.write('1', 'SUB.QI'), s.write(`'${mqttId(broker, 'dev-b', 'vplc/count')}'`, 'SUB.ID'),
      s.write('1', 'RAW.QI'), s.write(`'${mqttId(broker, 'dev-b', 'vplc/text', 'raw[].')}'`, 'RAW.ID'), s.start(),
    ]);
    await until(() => read(sub, 'SUB.QO') === true && read(sub, 'RAW.QO') === true, 'both topics subscribed');
    expect(read(sub, 'SUB.STATUS')).toBe('OK');
    const p = bootRequests('RES');
    const pub = device(dir, 'a', [
      p.fb('PUB', 'PUBLISH_2'), p.fb('CTU', 'E_CTU'), p.fb('TXT', 'PUBLISH_1'),
      p.conn('START.COLD', 'PUB.INIT'), p.conn('PUB.INITO', 'TXT.INIT'), p.conn('CTU.CUO', 'PUB.REQ'), p.conn('PUB.CNF', 'TXT.REQ'),
      p.conn('CTU.CV', 'PUB.SD_1'), p.conn('CTU.Q', 'PUB.SD_2'),
      p.write('1', 'PUB.QI'), p.write(`'${mqttId(broker, 'dev-a', 'vplc/count', '')}'`, 'PUB.ID'), p.write('3', 'CTU.PV'),
      p.write('1', 'TXT.QI'), p.write(`'${mqttId(broker, 'dev-a', 'vplc/text', 'raw[].')}'`, 'TXT.ID'), p.write("'über 61499'", 'TXT.SD_1'), p.start(),
    ]);
    await until(() => read(pub, 'PUB.QO') === true && read(pub, 'TXT.QO') === true, 'the publisher connected');
    for (let k = 1; k <= 5; k++) {
      res(pub).fireEvent('CTU.CU');
      await until(() => read(sub, 'SUM.N') === k, `message ${k} arrived`);
    }
    expect(read(sub, 'SUM.S')).toBe(15);
    expect(read(sub, 'SUM.QS')).toBe(true);
    await until(() => metrics(sub, 'RAW').messagesIn === 5, 'the raw messages');
    expect(read(sub, 'RAW.RD_1')).toBe('über 61499');
    expect(metrics(pub, 'PUB')).toMatchObject({ messagesOut: 5, errors: 0 });
    expect(metrics(sub, 'SUB')).toMatchObject({ messagesIn: 5, errors: 0 });

    // on the broker: the compliance profile's encoding (UINT 0x47, BOOL 0x40/0x41), raw bytes as they are
    await until(() => watcher.on('vplc/text').length === 5, 'the watcher saw every message');
    expect(watcher.on('vplc/count')).toEqual(['47000140', '47000240', '47000341', '47000441', '47000541']);
    expect(Buffer.from(watcher.on('vplc/text')[0]!, 'hex').toString('utf8')).toBe('über 61499');
    // FORTE's client options (keep-alive 20 s, clean session); one connection per device and client ID
    const connected = (id: string) => broker.log.join('').split('\n').filter((l) => new RegExp(`New client connected from \\S+ as ${id} \\(p\\d+, c1, k20\\)`).test(l));
    expect(connected('dev-a')).toHaveLength(1);
    expect(connected('dev-b')).toHaveLength(1);
  });

  it('every data type round trips through the broker', async () => {
    const ids = (who: string) => GROUPS.map((_, k) => mqttId(broker, `types-${who}`, `vplc/types/${k}`));
    const got = await exchangeEveryType(device, ids('sub'), ids('pub'));
    expect(got['RES.DST0.V4']).toBe(-9000000000n);
    expect(got['RES.DST1.V0']).toBe(18000000000000000000n);
    expect(got['RES.DST2.V4']).toBe('Grüß €');
    expect(got['RES.DST2.V7']).toEqual({ x: -5, ok: true, name: 'p' });
  });

  it('malformed messages from mosquitto_pub: IND with QO = FALSE, counted; the resource goes on', async () => {
    const dir = typeFolder({ 'ACCU.fbt': ACCU });
    const sub = summer(dir, 'bad', mqttId(broker, 'bad-sub', 'vplc/bad'));
    await until(() => read(sub, 'SUB.QO') === true, 'subscribed');
    publish(broker, 'vplc/bad', Buffer.from('4a3fc0000040', 'hex')); // a REAL where a UINT is expected
    await until(() => metrics(sub, 'SUB').errors === 1, 'the type mismatch counted');
    expect(read(sub, 'SUB.STATUS')).toBe('DATA_TYPE_ERROR');
    expect(read(sub, 'SUB.QO')).toBe(false);
    publish(broker, 'vplc/bad', Buffer.from('4700', 'hex')); // a UINT cut short
    await until(() => metrics(sub, 'SUB').errors === 2, 'the truncation counted');
    expect(read(sub, 'SUB.STATUS')).toBe('RECV_FAILED');
    publish(broker, 'vplc/bad', 'not the compliance profile');
    await until(() => metrics(sub, 'SUB').errors === 3, 'text counted');
    publish(broker, 'vplc/bad', Buffer.from('47000741', 'hex'));
    await until(() => read(sub, 'SUB.QO') === true, 'a good message');
    expect(read(sub, 'SUM.S')).toBe(7);
    expect(read(sub, 'SUM.QS')).toBe(true);
    expect(metrics(sub, 'SUB')).toMatchObject({ messagesIn: 1, errors: 3 });
    expect(res(sub).state).toBe('running');
  });

  it('a SUBSCRIBE topic with wildcards takes every topic it matches, and only those', async () => {
    const { fb, conn, write, start } = bootRequests('RES');
    const sub = device(typeFolder(), 'wild', [
      fb('ONE', 'SUBSCRIBE_1'), fb('ALL', 'SUBSCRIBE_1'),
      conn('START.COLD', 'ONE.INIT'), conn('ONE.INITO', 'ALL.INIT'),
      write('1', 'ONE.QI'), write(`'${mqttId(broker, 'wild', 'vplc/wild/+/v', 'raw[].')}'`, 'ONE.ID'),
      write('1', 'ALL.QI'), write(`'${mqttId(broker, 'wild', 'vplc/deep/#', 'raw[].')}'`, 'ALL.ID'), start(),
    ]);
    await until(() => read(sub, 'ONE.QO') === true && read(sub, 'ALL.QO') === true, 'subscribed');
    // mosquitto_pub returns once the broker has the message: they arrive in this order
    for (const [topic, text] of [['vplc/wild/a/v', 'A'], ['vplc/wild/a/b/v', 'no'], ['vplc/wildcard/a/v', 'no'], ['vplc/deep', 'D0'], ['vplc/deep/x/y', 'D2'], ['vplc/wild/b/v', 'B']]) publish(broker, topic!, text!);
    await until(() => read(sub, 'ONE.RD_1') === 'B' && read(sub, 'ALL.RD_1') === 'D2', 'the last matching messages');
    expect([metrics(sub, 'ONE').messagesIn, metrics(sub, 'ALL').messagesIn]).toEqual([2, 2]);
  });

  it('IDs FORTE refuses: INVALID_ID, a wildcard to publish to, CLIENT over MQTT TERMINATED', async () => {
    const { fb, write, conn, start } = bootRequests('RES');
    const r = device(typeFolder(), 'ids', [
      fb('P1', 'PUBLISH_1'), fb('P2', 'PUBLISH_1'), fb('P3', 'PUBLISH_2'), fb('C', 'CLIENT_1_1'),
      conn('START.COLD', 'P1.INIT'), conn('P1.INITO', 'P2.INIT'), conn('P2.INITO', 'P3.INIT'), conn('P3.INITO', 'C.INIT'),
      ...['P1', 'P2', 'P3', 'C'].map((f) => write('1', `${f}.QI`)),
      write(`'fbdk[].mqtt[tcp://127.0.0.1:${broker.port}, x]'`, 'P1.ID'),
      write(`'${mqttId(broker, 'ids', 'vplc/+/x')}'`, 'P2.ID'),
      write(`'${mqttId(broker, 'ids', 'vplc/raw2', 'raw[].')}'`, 'P3.ID'),
      write(`'${mqttId(broker, 'ids', 'vplc/cs')}'`, 'C.ID'), start(),
    ]);
    expect(['P1', 'P2', 'P3', 'C'].map((f) => [read(r, `${f}.QO`), read(r, `${f}.STATUS`)])).toEqual([
      [false, 'INVALID_ID'], [false, 'INVALID_ID'], [false, 'INVALID_ID'], [false, 'TERMINATED'],
    ]);
  });

  it('a multi-device .sys through `vplc run app.sys`: Client → Middle → Server via the broker, checked by TEST_CONDITION', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-sys-'));
    const id = (client: string, topic: string) => mqttId(broker, client, topic);
    const sys = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="MqttRelay">
${deviceOf('Client',
  [fb('PUB', 'PUBLISH_1', { QI: 'TRUE', ID: `'${id('client', 'vplc/relay/in')}'` }), fb('CYC', 'E_CYCLE', { DT: 'T#20ms' }), fb('CTU', 'E_CTU', { PV: 'UINT#65535' })],
  [c('START.COLD', 'PUB.INIT'), c('PUB.INITO', 'CYC.START'), c('CYC.EO', 'CTU.CU'), c('CTU.CUO', 'PUB.REQ')],
  [c('CTU.CV', 'PUB.SD_1')])}
${deviceOf('Middle',
  [fb('SUB', 'SUBSCRIBE_1', { QI: 'TRUE', ID: `'${id('middle', 'vplc/relay/in')}'` }), fb('ADD', 'F_ADD', { IN2: 'UINT#10' }), fb('PUB', 'PUBLISH_1', { QI: 'TRUE', ID: `'${id('middle', 'vplc/relay/out')}'` })],
  [c('START.COLD', 'PUB.INIT'), c('PUB.INITO', 'SUB.INIT'), c('SUB.IND', 'ADD.REQ'), c('ADD.CNF', 'PUB.REQ')],
  [c('SUB.RD_1', 'ADD.IN1'), c('ADD.OUT', 'PUB.SD_1')])}
${deviceOf('Server',
  [fb('SUB', 'SUBSCRIBE_1', { QI: 'TRUE', ID: `'${id('server', 'vplc/relay/out')}'` }), fb('GE', 'F_GE', { IN2: 'UINT#11' }), fb('AT_LEAST_11', 'TEST_CONDITION')],
  [c('START.COLD', 'SUB.INIT'), c('SUB.IND', 'GE.REQ'), c('GE.CNF', 'AT_LEAST_11.REQ')],
  [c('SUB.RD_1', 'GE.IN1'), c('GE.OUT', 'AT_LEAST_11.check')])}
</System>
`;
    try {
      writeFileSync(join(dir, 'relay.sys'), sys);
      // each device runs 4 s from its own start; connecting and subscribing take part of it on a loaded machine
      const r = await captureCli(runCommand, [join(dir, 'relay.sys'), '--duration', '4s', '--json']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.out) as { vars: Record<string, unknown>; tests: Record<string, { passed: number; failed: number }> };
      const verdict = out.tests['Server.RES.AT_LEAST_11']!;
      expect(verdict.failed).toBe(0);
      // the client publishes every 20 ms once connected; the first ones may go before the others subscribed
      expect(verdict.passed, JSON.stringify(out.vars)).toBeGreaterThan(5);
      expect(out.vars['Server.RES.SUB.STATUS']).toBe('OK');
      expect(out.vars['Server.RES.SUB.MessagesIn']).toBe(verdict.passed);
      expect(out.vars['Middle.RES.SUB.Errors']).toBe(0);
      expect(out.vars['Server.RES.SUB.RD_1'] as number).toBeLessThanOrEqual((out.vars['Client.RES.CTU.CV'] as number) + 10);
      // and the values really went through the broker
      await until(() => watcher.on('vplc/relay/out').length >= verdict.passed, 'the watcher saw what the server took');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(missing)(`the broker away and back${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let broker: Broker | undefined;
  afterAll(async () => {
    await broker?.stop();
  });

  it('absent at INIT, started, stopped and restarted mid-run: QO FALSE (TERMINATED, SEND_FAILED), then TRUE again and values flow', async () => {
    const dir = typeFolder({ 'ACCU.fbt': ACCU });
    const port = await freePort();
    const sub = summer(dir, 'sub', mqttId(port, 'away-sub', 'vplc/away'));
    // nobody on the port: INIT answered with QO = FALSE, and the layer keeps trying
    await until(() => read(sub, 'SUB.STATUS') !== '', 'INITO');
    expect([read(sub, 'SUB.QO'), read(sub, 'SUB.STATUS'), read(sub, 'INITS.CV')]).toEqual([false, 'TERMINATED', 1]);
    broker = await Broker.start({ port });
    await until(() => read(sub, 'SUB.QO') === true, 'subscribed once the broker is there');
    expect([read(sub, 'SUB.STATUS'), read(sub, 'INITS.CV')]).toEqual(['OK', 2]);

    const pub = counter(dir, 'pub', mqttId(port, 'away-pub', 'vplc/away'));
    await until(() => read(pub, 'PUB.QO') === true, 'the publisher connected');
    res(pub).fireEvent('CTU.CU');
    await until(() => read(sub, 'SUM.N') === 1, 'a first message');

    await broker.stop();
    await until(() => read(sub, 'SUB.QO') === false, 'the subscriber sees the broker go');
    expect([read(sub, 'SUB.STATUS'), read(sub, 'INITS.CV')]).toEqual(['TERMINATED', 3]);
    await until(() => read(pub, 'PUB.STATUS') === 'TERMINATED', 'the publisher sees it too');
    // a REQ while the broker is away: CNF with QO = FALSE and SEND_FAILED, as FORTE's
    res(pub).fireEvent('CTU.CU');
    expect([read(pub, 'PUB.QO'), read(pub, 'PUB.STATUS')]).toEqual([false, 'SEND_FAILED']);
    const errorsWhileAway = metrics(pub, 'PUB').errors;
    expect(errorsWhileAway).toBe(2); // the loss, the failed send

    await broker.start();
    await until(() => read(sub, 'SUB.QO') === true && read(pub, 'PUB.QO') === true, 'both back (reconnected, subscribed again)');
    expect([read(sub, 'SUB.STATUS'), read(sub, 'INITS.CV'), read(pub, 'PUB.STATUS')]).toEqual(['OK', 4, 'OK']);
    res(pub).fireEvent('CTU.CU');
    await until(() => read(sub, 'SUM.N') === 2, 'values flow again');
    // the count went on while the broker was away: 1, (2 lost), 3
    expect(read(sub, 'SUM.S')).toBe(4);
    expect(read(sub, 'SUM.QS')).toBe(true);
    expect(metrics(sub, 'SUB')).toMatchObject({ messagesIn: 2, errors: 2 });
    expect(metrics(pub, 'PUB')).toMatchObject({ messagesOut: 2, errors: 2 });
  }, 60_000);
});
