/**
 * IEC 61499 communication on loopback: PUBLISH → SUBSCRIBE round trips between two devices
 * (device A publishes a count, device B's SUBSCRIBE hands it to its PUBLISH, A's SUBSCRIBE
 * receives it) and messages per second one way, each beside the same exchange done with raw
 * UDP sockets in the same run and the same process. Both wait for an answer the same way
 * (a look per turn of the event loop), so the ratio is the cost of the encoding and the event
 * chains. The same exchange through a Mosquitto started on a free port (the mqtt[] layer),
 * beside two MQTT.js clients echoing through that broker, when Debian's mosquitto is there.
 * `npx tsx test/bench/comm.ts [--count N]`
 */
import dgram from 'node:dgram';
import mqtt from 'mqtt';
import { Broker, mosquittoMissing } from '../io-drivers/mosquitto.js';
import { markdown, type BenchResult } from './report.js';
import { bootRequests, compileFile, fboot, typeFolder } from '../support/iec61499.js';
import { freePort } from '../support/wait.js';
import { SystemRunner } from '../../runtime/iec61499/system-runner.js';

const turn = () => new Promise<void>((r) => setImmediate(r));

async function waitFor(cond: () => boolean): Promise<void> {
  for (let k = 0; !cond(); k++) {
    if (k > 2_000_000) throw new Error('no answer');
    await turn();
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function device(dir: string, name: string, lines: string[]): SystemRunner {
  const r = compileFile(dir, `${name}.fboot`, fboot(lines));
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new SystemRunner(r.application);
  runner.runUntil(0);
  return runner;
}

/** The ID a device (a or b) uses for a direction (A → B, B → A): UDP ports, or topics on a broker. */
type Ids = (device: 'a' | 'b', direction: 'ab' | 'ba') => string;

async function udpIds(): Promise<Ids> {
  const ports = { ab: await freePort(), ba: await freePort() };
  return (_device, direction) => `127.0.0.1:${ports[direction]}`;
}

/** Each device its own connection (client ID), as two FORTE devices would have. */
function mqttIds(broker: Broker): Ids {
  return (device, direction) => `fbdk[].mqtt[tcp://127.0.0.1:${broker.port}, bench-${device}, bench/${direction}]`;
}

async function vplcPair(id: Ids) {
  const dir = typeFolder();
  const a = bootRequests('RES');
  const b = bootRequests('RES');
  const A = device(dir, 'a', [
    a.fb('PUB', 'PUBLISH_1'), a.fb('SUB', 'SUBSCRIBE_1'), a.fb('CTU', 'E_CTU'), a.fb('GT', 'F_GT'),
    a.conn('START.COLD', 'PUB.INIT'), a.conn('PUB.INITO', 'SUB.INIT'), a.conn('CTU.CUO', 'PUB.REQ'), a.conn('CTU.CV', 'PUB.SD_1'),
    a.conn('SUB.IND', 'GT.REQ'), a.conn('SUB.RD_1', 'GT.IN1'),
    a.write('UINT#0', 'GT.IN2'), a.write('65535', 'CTU.PV'),
    a.write('1', 'PUB.QI'), a.write(`'${id('a', 'ab')}'`, 'PUB.ID'), a.write('1', 'SUB.QI'), a.write(`'${id('a', 'ba')}'`, 'SUB.ID'), a.start(),
  ]);
  const B = device(dir, 'b', [
    b.fb('SUB', 'SUBSCRIBE_1'), b.fb('ADD', 'F_ADD'), b.fb('PUB', 'PUBLISH_1'),
    b.conn('START.COLD', 'PUB.INIT'), b.conn('PUB.INITO', 'SUB.INIT'), b.conn('SUB.IND', 'ADD.REQ'), b.conn('ADD.CNF', 'PUB.REQ'),
    b.conn('SUB.RD_1', 'ADD.IN1'), b.conn('ADD.OUT', 'PUB.SD_1'), b.write('UINT#0', 'ADD.IN2'),
    b.write('1', 'SUB.QI'), b.write(`'${id('b', 'ab')}'`, 'SUB.ID'), b.write('1', 'PUB.QI'), b.write(`'${id('b', 'ba')}'`, 'PUB.ID'), b.start(),
  ]);
  const ra = A.resources[0]!.resource;
  const rb = B.resources[0]!.resource;
  await waitFor(() => ra.read('SUB.QO') === true && rb.read('SUB.QO') === true);
  const echoed = () => ra.read('SUB.MessagesIn') as number;
  const received = () => rb.read('SUB.MessagesIn') as number;
  return { send: () => ra.fireEvent('CTU.CU'), echoed, received, close: () => { ra.stop(); rb.stop(); } };
}

async function rawPair() {
  const a = dgram.createSocket('udp4');
  const b = dgram.createSocket('udp4');
  await new Promise<void>((r) => a.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => b.bind(0, '127.0.0.1', r));
  const pa = a.address().port;
  const pb = b.address().port;
  let echoed = 0;
  let received = 0;
  let n = 0;
  const msg = Buffer.alloc(3);
  b.on('message', (m) => {
    received++;
    b.send(m, pa, '127.0.0.1');
  });
  a.on('message', () => echoed++);
  return {
    send: () => {
      msg.writeUInt16BE(++n & 0xffff, 1);
      a.send(msg, pb, '127.0.0.1');
    },
    echoed: () => echoed,
    received: () => received,
    close: () => { a.close(); b.close(); },
  };
}

/** Two MQTT.js clients on the broker: B echoes what A publishes (QoS 0), as the devices do. */
async function mqttJsPair(broker: Broker) {
  const connect = (id: string) => new Promise<mqtt.MqttClient>((ok, fail) => {
    const c = mqtt.connect(broker.url, { clientId: id, protocolVersion: 4, clean: true, keepalive: 20 });
    c.once('connect', () => ok(c));
    c.once('error', fail);
  });
  const a = await connect('bench-js-a');
  const b = await connect('bench-js-b');
  await b.subscribeAsync('bench/js/ab', { qos: 0 });
  await a.subscribeAsync('bench/js/ba', { qos: 0 });
  let echoed = 0;
  let received = 0;
  let n = 0;
  const msg = Buffer.from([0x47, 0, 0]);
  b.on('message', (_t, m) => {
    received++;
    b.publish('bench/js/ba', m, { qos: 0 });
  });
  a.on('message', () => echoed++);
  return {
    send: () => {
      msg.writeUInt16BE(++n & 0xffff, 1);
      a.publish('bench/js/ab', Buffer.from(msg), { qos: 0 });
    },
    echoed: () => echoed,
    received: () => received,
    close: () => { a.end(true); b.end(true); },
  };
}

type Pair = Awaited<ReturnType<typeof rawPair>>;

async function roundTrips(p: Pair, count: number): Promise<number[]> {
  const us: number[] = [];
  for (let k = 0; k < count; k++) {
    const before = p.echoed();
    const t0 = performance.now();
    p.send();
    await waitFor(() => p.echoed() > before);
    us.push((performance.now() - t0) * 1000);
  }
  return us;
}

/** One way: bursts of 50 sends, each burst let through before the next; messages/s received. */
async function throughput(p: Pair, count: number): Promise<number> {
  const start = p.received();
  const t0 = performance.now();
  for (let k = 0; k < count; k += 50) {
    for (let j = 0; j < 50; j++) p.send();
    const want = start + Math.min(count, k + 50);
    for (let w = 0; w < 200 && p.received() < want; w++) await turn();
  }
  return (p.received() - start) / ((performance.now() - t0) / 1000);
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const at = argv.indexOf('--count');
  const count = at >= 0 ? Number(argv[at + 1]) : 5000;
  const vplc = await vplcPair(await udpIds());
  const raw = await rawPair();
  // warm-up of both, then measured in turns
  await roundTrips(vplc, 500);
  await roundTrips(raw, 500);
  const rv = await roundTrips(vplc, count);
  const rr = await roundTrips(raw, count);
  const tv = await throughput(vplc, count * 4);
  const tr = await throughput(raw, count * 4);
  vplc.close();
  raw.close();
  const p50 = percentile(rv, 50);
  const p99 = percentile(rv, 99);
  const b50 = percentile(rr, 50);
  const b99 = percentile(rr, 99);
  const overMqtt = await mqttFigures(count, b50);
  return {
    bench: 'comm',
    title: 'IEC 61499 PUBLISH/SUBSCRIBE on loopback',
    figures: [
      { name: 'round trip PUBLISH → SUBSCRIBE → PUBLISH → SUBSCRIBE, p50', value: p50, unit: 'µs', baseline: { name: 'raw UDP echo', value: b50 }, ratio: p50 / b50 },
      { name: 'same, p99', value: p99, unit: 'µs', baseline: { name: 'raw UDP echo', value: b99 }, ratio: p99 / b99 },
      { name: 'one way, messages received per second', value: tv, unit: 'msg/s', baseline: { name: 'raw UDP, 3-byte datagrams', value: tr }, ratio: tv / tr },
      ...overMqtt.figures,
    ],
    notes: [
      `${count} round trips after 500 of warm-up, and ${count * 4} one-way messages in bursts of 50; two resources in one process (as two devices), 127.0.0.1; a UINT per message (3 bytes, tag 0x47).`,
      'The raw baseline sends the same 3 bytes with node:dgram and echoes them; both sides wait for the answer by looking once per turn of the event loop.',
      ...overMqtt.notes,
    ],
  };
}

/** The same round trips and burst through Mosquitto: vPLC's mqtt[] layer beside MQTT.js clients. */
async function mqttFigures(count: number, udpP50: number): Promise<Pick<BenchResult, 'figures' | 'notes'>> {
  const missing = mosquittoMissing();
  if (missing) return { figures: [], notes: [`MQTT figures skipped: ${missing}`] };
  const broker = await Broker.start();
  try {
    const vplc = await vplcPair(mqttIds(broker));
    const js = await mqttJsPair(broker);
    await roundTrips(vplc, 500);
    await roundTrips(js, 500);
    const rv = await roundTrips(vplc, count);
    const rj = await roundTrips(js, count);
    const tv = await throughput(vplc, count * 4);
    const tj = await throughput(js, count * 4);
    vplc.close();
    js.close();
    const [p50, p99, j50, j99] = [percentile(rv, 50), percentile(rv, 99), percentile(rj, 50), percentile(rj, 99)];
    return {
      figures: [
        { name: 'round trip through Mosquitto (mqtt[] layer), p50', value: p50, unit: 'µs', baseline: { name: 'MQTT.js echo, same broker', value: j50 }, ratio: p50 / j50, note: `${(p50 / udpP50).toFixed(1)}× the raw UDP echo` },
        { name: 'same, p99', value: p99, unit: 'µs', baseline: { name: 'MQTT.js echo, same broker', value: j99 }, ratio: p99 / j99 },
        { name: 'one way through Mosquitto, messages received per second', value: tv, unit: 'msg/s', baseline: { name: 'MQTT.js, same payloads', value: tj }, ratio: tv / tj },
      ],
      notes: [
        'Through Mosquitto: each device its own connection (client IDs bench-a, bench-b), QoS 0; the MQTT.js baseline is two clients publishing and echoing the same 3 bytes through the same broker.',
      ],
    };
  } finally {
    await broker.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('\n' + markdown([await main(process.argv.slice(2))]));
  process.exit(0);
}
