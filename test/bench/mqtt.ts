/**
 * MQTT gateway benchmark, against a real Mosquitto on 127.0.0.1 (Debian `mosquitto`):
 *
 * - messages per second and publish latency (the payload's timestamp, taken when the gateway
 *   sampled the variables, to the arrival at a subscriber in this process) for 1,000 INT
 *   variables that all change every 10 ms scan, one topic each, at QoS 0 and at QoS 1 through
 *   the on-disk store; baseline: MQTT.js publishing as fast as it can from this process to the
 *   same broker and subscriber;
 * - RSS added by the gateway (VmRSS of `vplc serve` with and without `mqtt:`);
 * - start lateness of the scan (p99, max) without the gateway, with it and a healthy broker,
 *   and with a stalled broker (SIGSTOP: connections accepted by the kernel, never answered), at
 *   that full load and at 1,000 messages/s (every variable sampled once a second).
 *
 *   npx tsx test/bench/mqtt.ts [--seconds 10]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { markdown, median, type BenchResult } from './report.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VARS = 1000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : Number(argv[i + 1]);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function program(): string {
  const decl: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < VARS; i++) {
    decl.push(`  v${i} : INT;`);
    body.push(`v${i} := v${i} + 1;`);
  }
  return ['PROGRAM Big', 'VAR', ...decl, 'END_VAR', ...body, 'END_PROGRAM', 'CONFIGURATION Bench', '  RESOURCE Res ON PLC',
    '    TASK Cyclic (INTERVAL := T#10ms, PRIORITY := 1);', '    PROGRAM Main WITH Cyclic : Big;', '  END_RESOURCE', 'END_CONFIGURATION', ''].join('\n');
}

async function startBroker(dir: string): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const conf = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', 'max_inflight_messages 0', ...(process.getuid?.() === 0 ? ['user root'] : [])].join('\n') + '\n');
  const exe = spawnSync('sh', ['-c', 'command -v mosquitto || echo /usr/sbin/mosquitto']).stdout.toString().trim();
  const proc = spawn(exe, ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = tcpConnect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return { port, proc };
    await sleep(50);
  }
  throw new Error('mosquitto did not start');
}

interface Serve {
  proc: ChildProcess;
  metricsUrl: string;
}

async function serve(dir: string, config: string): Promise<Serve> {
  writeFileSync(join(dir, 'plc.yaml'), config);
  const proc = spawn('timeout', ['-s', 'KILL', '600', process.execPath, '--import', 'tsx', 'runtime/cli/main.ts', 'serve', join(dir, 'big.st'), '--config', join(dir, 'plc.yaml'), '--metrics-port', '0', '--summary-every', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 1200; i++) {
    const m = /metrics on (http:\/\/\S+)\/metrics/.exec(out);
    if (m && /vplc serve: running/.test(out)) return { proc, metricsUrl: m[1]! };
    if (proc.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`vplc serve did not start: ${out.slice(-400)}`);
}

async function stop(s: Serve): Promise<void> {
  if (s.proc.exitCode !== null) return;
  const gone = new Promise((r) => s.proc.once('exit', r));
  const node = readFileSync(`/proc/${s.proc.pid}/task/${s.proc.pid}/children`, 'utf8').trim();
  s.proc.kill('SIGTERM');
  const stopped = await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    // the wrapper and node under it: an orphan would load the next phase
    if (node) process.kill(Number(node), 'SIGKILL');
    s.proc.kill('SIGKILL');
    throw new Error('vplc serve did not stop within 10 s of SIGTERM');
  }
}

function rssMiB(wrapper: number): number {
  const kids = readFileSync(`/proc/${wrapper}/task/${wrapper}/children`, 'utf8').trim().split(/\s+/);
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${kids[0]}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

async function lateness(s: Serve): Promise<{ p99: number; max: number }> {
  const j = (await (await fetch(`${s.metricsUrl}/metrics.json`)).json()) as Record<string, unknown>;
  const find = (o: unknown): { p99: number; max: number } | undefined => {
    if (!o || typeof o !== 'object') return undefined;
    const r = o as Record<string, unknown>;
    if (r.latenessUs && typeof r.latenessUs === 'object') return r.latenessUs as { p99: number; max: number };
    for (const v of Object.values(r)) {
      const f = find(v);
      if (f) return f;
    }
    return undefined;
  };
  const l = find(j);
  if (!l) throw new Error('no latenessUs in /metrics.json');
  return l;
}

/** Count what arrives on bench/#, and the latency of every 10th message from its timestamp. */
async function subscriber(port: number): Promise<{ count: () => number; latencies: number[]; reset(): void; end(): Promise<void> }> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `bench-sub-${process.pid}` });
  let n = 0;
  const latencies: number[] = [];
  c.on('message', (_t, payload) => {
    n++;
    if (n % 10 === 0) {
      const ts = (JSON.parse(payload.toString()) as { timestamp: number }).timestamp;
      latencies.push(Date.now() - ts);
    }
  });
  await c.subscribeAsync('bench/#', { qos: 1 });
  return { count: () => n, latencies, reset: () => ((n = 0), (latencies.length = 0)), end: () => c.endAsync() };
}

async function rawBaseline(port: number, ms: number): Promise<number> {
  const sub = await subscriber(port);
  const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `bench-pub-${process.pid}` });
  const payload = JSON.stringify({ timestamp: Date.now(), value: 1, quality: 'good' });
  const end = Date.now() + ms;
  let i = 0;
  while (Date.now() < end) {
    // in bursts of one scan's worth, yielding between them so that the subscriber reads
    for (let k = 0; k < VARS; k++) pub.publish(`bench/raw/v${k}`, payload.replace(/"timestamp":\d+/, `"timestamp":${Date.now()}`), { qos: 0 });
    i += VARS;
    await new Promise((r) => setImmediate(r));
  }
  await sleep(1000);
  const got = sub.count();
  await pub.endAsync();
  await sub.end();
  return (got * 1000) / (ms + 1000) || i;
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const seconds = option(argv, '--seconds', 10);
  if (spawnSync('sh', ['-c', 'command -v mosquitto || test -x /usr/sbin/mosquitto']).status !== 0) {
    return { bench: 'mqtt', title: 'MQTT gateway', figures: [], notes: ['skipped: mosquitto is not installed (Debian: apt-get install mosquitto)'] };
  }
  const ms = seconds * 1000;
  const dir = mkdtempSync(join(tmpdir(), 'vplc-bench-mqtt-'));
  writeFileSync(join(dir, 'big.st'), program());
  const broker = await startBroker(dir);
  const mqttConfig = (port: number, qos: 0 | 1, samplingMs = 10) => `mqtt:
  url: mqtt://127.0.0.1:${port}
  clientId: bench-${qos}-${samplingMs}
  samplingMs: ${samplingMs}
  store: { dir: ${JSON.stringify(join(dir, `queue-${qos}-${port}-${samplingMs}`))}, maxMessages: 1000000, maxBytes: 268435456 }
  publications:
    - vars: ['Main.*']
      topic: 'bench/{path}'
      qos: ${qos}
`;
  try {
    const baseline = await rawBaseline(broker.port, Math.min(ms, 5000));

    // no gateway
    let s = await serve(dir, 'devices: []\n');
    await sleep(ms);
    const rssBare = rssMiB(s.proc.pid!);
    const lateBare = await lateness(s);
    await stop(s);

    const rates: Record<number, { rate: number; p50: number; p99: number; rss: number; late: { p99: number; max: number } }> = {};
    for (const qos of [0, 1] as const) {
      const sub = await subscriber(broker.port);
      s = await serve(dir, mqttConfig(broker.port, qos));
      await sleep(2000); // the first births of every topic
      sub.reset();
      await sleep(ms);
      const got = sub.count();
      const lat = [...sub.latencies].sort((a, b) => a - b);
      rates[qos] = { rate: (got * 1000) / ms, p50: median(lat), p99: lat[Math.floor(lat.length * 0.99)] ?? NaN, rss: rssMiB(s.proc.pid!), late: await lateness(s) };
      await stop(s);
      await sub.end();
    }

    // a moderate load (every variable once a second: 1,000 msg/s), broker healthy
    s = await serve(dir, mqttConfig(broker.port, 1, 1000));
    await sleep(ms);
    const lateModerate = await lateness(s);
    await stop(s);

    // a stalled broker: connections are accepted by the kernel and never answered
    const stalled = await startBroker(dir);
    stalled.proc.kill('SIGSTOP');
    s = await serve(dir, mqttConfig(stalled.port, 1));
    await sleep(ms);
    const lateStalled = await lateness(s);
    const rssStalled = rssMiB(s.proc.pid!);
    await stop(s);
    s = await serve(dir, mqttConfig(stalled.port, 1, 1000));
    await sleep(ms);
    const lateStalledModerate = await lateness(s);
    await stop(s);
    stalled.proc.kill('SIGKILL');
    stalled.proc.kill('SIGCONT');

    const q0 = rates[0]!;
    const q1 = rates[1]!;
    return {
      bench: 'mqtt',
      title: `MQTT gateway (Mosquitto on 127.0.0.1, ${VARS} INT variables changing every 10 ms scan, one topic each, ${seconds} s per phase)`,
      figures: [
        { name: 'messages received, QoS 0', value: q0.rate, unit: 'msg/s', baseline: { name: 'MQTT.js publishing from the bench process', value: baseline }, ratio: q0.rate / baseline, note: `${VARS * 100} msg/s offered` },
        { name: 'messages received, QoS 1 through the on-disk store', value: q1.rate, unit: 'msg/s', baseline: { name: 'MQTT.js publishing from the bench process', value: baseline }, ratio: q1.rate / baseline },
        { name: 'publish latency p50, QoS 0 (sample to subscriber)', value: q0.p50, unit: 'ms', note: `p99 ${q0.p99} ms` },
        { name: 'publish latency p50, QoS 1', value: q1.p50, unit: 'ms', note: `p99 ${q1.p99} ms` },
        { name: 'RSS of vplc serve with the gateway, QoS 1', value: q1.rss, unit: 'MiB', baseline: { name: 'vplc serve without mqtt:', value: rssBare }, ratio: q1.rss / rssBare, note: `+${(q1.rss - rssBare).toFixed(1)} MiB (QoS 0: +${(q0.rss - rssBare).toFixed(1)})` },
        { name: 'scan lateness p99, broker healthy (QoS 1)', value: q1.late.p99, unit: 'µs', baseline: { name: 'without the gateway', value: lateBare.p99 }, ratio: q1.late.p99 / lateBare.p99, note: `max ${q1.late.max} µs (without: ${lateBare.max})` },
        { name: 'scan lateness p99, broker stalled (SIGSTOP)', value: lateStalled.p99, unit: 'µs', baseline: { name: 'broker healthy, same load', value: q1.late.p99 }, ratio: lateStalled.p99 / q1.late.p99, note: `max ${lateStalled.max} µs; RSS ${rssStalled.toFixed(0)} MiB, messages queued on disk` },
        { name: 'scan lateness p99, 1,000 msg/s (sampled every second), broker healthy', value: lateModerate.p99, unit: 'µs', baseline: { name: 'without the gateway', value: lateBare.p99 }, ratio: lateModerate.p99 / lateBare.p99, note: `max ${lateModerate.max} µs` },
        { name: 'scan lateness p99, 1,000 msg/s, broker stalled (SIGSTOP)', value: lateStalledModerate.p99, unit: 'µs', baseline: { name: 'broker healthy, same load', value: lateModerate.p99 }, ratio: lateStalledModerate.p99 / lateModerate.p99, note: `max ${lateStalledModerate.max} µs` },
      ],
      notes: [
        'vplc serve runs under tsx (the RSS figures include its loader on both sides). Latency is wall clock from the sample the payload carries to its arrival here, every 10th message.',
        'Offered load is 100,000 messages/s; what the broker and subscriber do not take is queued (QoS 1) or skipped and counted (QoS 0).',
      ],
    };
  } finally {
    broker.proc.kill('SIGKILL');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (r) => console.log('\n' + markdown([r])),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
