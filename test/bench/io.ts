/**
 * I/O benchmark: Modbus TCP round trips per second (modbus-serial client → vPLC Modbus server
 * on 127.0.0.1) against a raw TCP echo baseline; requests/s of vPLC's Modbus server against a
 * libmodbus server, both read by the same libmodbus client (C, test/bench/modbus/, built with
 * gcc here; skipped when libmodbus-dev is absent); and the scan-time cost of the image exchange
 * with 100 registers written by a driver every scan, against a scan that does no I/O; and the
 * OPC UA notifications/s a node-opcua client gets for a variable changing every 10 ms, sampled
 * and published at 100 ms (against the 10/s asked for).
 * Run: npx tsx test/bench/io.ts [--ms 1000]
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/wait.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { createImageView } from '../../compiler/contract/process-image.js';
import { ModbusServerDriver } from '../../io-drivers/modbus-server.js';
import { OpcuaServerDriver } from '../../io-drivers/opcua-server.js';
import type { Application } from '../../compiler/application.js';
import { AttributeIds, ClientMonitoredItem, ClientSubscription, OPCUAClient, TimestampsToReturn } from 'node-opcua';
import { markdown, median, type BenchFigure, type BenchResult } from './report.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as new () => {
  connectTCP(h: string, o: object): Promise<void>;
  readHoldingRegisters(a: number, n: number): Promise<unknown>;
  close(cb: () => void): void;
};

async function echoRoundTrips(ms: number): Promise<number> {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sock = connect((server.address() as AddressInfo).port, '127.0.0.1');
  sock.setNoDelay(true);
  await new Promise((r) => sock.once('connect', r));
  let n = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => { sock.once('data', r); sock.write(Buffer.alloc(12)); });
    n++;
  }
  sock.destroy();
  server.close();
  return (n * 1000) / ms;
}

async function modbusRoundTrips(ms: number): Promise<number> {
  const exchange = new ImageExchange();
  const server = new ModbusServerDriver({ host: '127.0.0.1', port: 0, readOnly: false, unitId: 0 }, { exchange, log: () => {} });
  await server.start();
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port: server.port });
  let n = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await client.readHoldingRegisters(0, 100);
    n++;
  }
  await new Promise<void>((r) => client.close(r));
  await server.stop();
  return (n * 1000) / ms;
}

/** Build the libmodbus server and client; a reason instead when gcc or libmodbus-dev is missing. */
function buildLibmodbus(dir: string): { server: string; client: string } | string {
  let flags: string[];
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libmodbus'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(/\s+/);
  } catch {
    return 'libmodbus-dev not installed (apt-get install libmodbus-dev): the libmodbus comparison is skipped';
  }
  try {
    const out = { server: join(dir, 'libmodbus-server'), client: join(dir, 'libmodbus-client') };
    for (const [exe, src] of [[out.server, 'libmodbus-server.c'], [out.client, 'libmodbus-client.c']] as const) {
      execFileSync('gcc', ['-O2', '-o', exe, join(HERE, 'modbus', src), ...flags], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    return out;
  } catch (e) {
    return `could not build the libmodbus programs with gcc (${(e as Error).message.split('\n')[0]}): the libmodbus comparison is skipped`;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Requests/s the libmodbus client gets from the server on `port`, reading 100 holding registers for `ms`. */
function libmodbusClient(client: string, port: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // asynchronous: the vPLC server answering it runs in this process
    execFile(client, [String(port), String(ms)], { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`libmodbus client: ${stderr.trim() || err.message}`));
      else resolve(Number(stdout.trim()));
    });
  });
}

/** vPLC's Modbus server against libmodbus's, alternating rounds so that both see the same load. */
async function versusLibmodbus(ms: number, rounds: number): Promise<BenchFigure[] | string> {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-bench-modbus-'));
  try {
    const built = buildLibmodbus(dir);
    if (typeof built === 'string') return built;
    const libPort = await freePort();
    const lib = spawn(built.server, [String(libPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      lib.stdout.once('data', () => resolve());
      lib.once('exit', (code) => reject(new Error(`libmodbus server exited (${code})`)));
    });
    const exchange = new ImageExchange();
    const vplc = new ModbusServerDriver({ host: '127.0.0.1', port: 0, readOnly: false, unitId: 0 }, { exchange, log: () => {} });
    await vplc.start();
    try {
      await libmodbusClient(built.client, libPort, ms / 4); // warm up both
      await libmodbusClient(built.client, vplc.port, ms / 4);
      const libRates: number[] = [];
      const vplcRates: number[] = [];
      // CPU time per request: what each server costs, whatever else loads the machine
      let libCpu = 0;
      let vplcCpu = 0;
      let libRequests = 0;
      let vplcRequests = 0;
      for (let r = 0; r < rounds; r++) {
        const c0 = cpuSecondsOf(lib.pid!);
        libRates.push(await libmodbusClient(built.client, libPort, ms));
        libCpu += cpuSecondsOf(lib.pid!) - c0;
        libRequests += (libRates.at(-1)! * ms) / 1000;
        const u0 = process.cpuUsage();
        vplcRates.push(await libmodbusClient(built.client, vplc.port, ms));
        const u = process.cpuUsage(u0);
        vplcCpu += (u.user + u.system) / 1e6;
        vplcRequests += (vplcRates.at(-1)! * ms) / 1000;
      }
      const v = median(vplcRates);
      const b = median(libRates);
      const vUs = (vplcCpu / vplcRequests) * 1e6;
      const bUs = (libCpu / libRequests) * 1e6;
      return [
        {
          name: 'Modbus TCP server: read 100 holding registers, libmodbus client (C) → vPLC server',
          value: v,
          unit: 'requests/s',
          baseline: { name: 'libmodbus server (C), same client', value: b },
          ratio: v / b,
          note: `median of ${rounds} alternating rounds of ${ms} ms; vPLC ${vplcRates.map((x) => x.toFixed(0)).join('/')}, libmodbus ${libRates.map((x) => x.toFixed(0)).join('/')}`,
        },
        {
          name: 'Modbus TCP server CPU time per request (same rounds)',
          value: vUs,
          unit: 'µs/request',
          baseline: { name: 'libmodbus server (C)', value: bUs },
          ratio: vUs / bUs,
          note: 'server process user+system CPU over the rounds / requests answered; steadier than requests/s on a loaded machine',
        },
      ];
    } finally {
      lib.kill();
      await vplc.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COUNTER_APP: Application = {
  name: 'bench',
  code: '',
  sources: [],
  pouTypes: { MAIN: { name: 'Main', kind: 'program', vars: [{ name: 'count', prop: 'count', section: 'VAR', type: { kind: 'elementary', name: 'DINT' } }] } },
  resources: [{ name: 'RES', tasks: [], programs: [{ name: 'Main', typeName: 'Main', task: 'T' }], globals: [], located: [] }],
};

/** Notifications/s for one monitored variable that changes every 10 ms, sampling and publishing at 100 ms. */
async function opcuaNotifications(ms: number): Promise<number> {
  let count = 0;
  const ticker = setInterval(() => count++, 10);
  const port = await freePort();
  const pki = mkdtempSync(join(tmpdir(), 'vplc-bench-opcua-'));
  const server = new OpcuaServerDriver(
    { port, host: '127.0.0.1', allowSecurityNone: true, allowAnonymous: true, users: [], trustedCertificates: [], samplingMs: 100, writable: false, pkiDir: pki },
    { exchange: new ImageExchange(), clock: { nowNs: () => 0 }, log: () => {}, app: COUNTER_APP, vars: { readVars: () => ({ 'Main.count': count }), writeVar: () => {} } },
  );
  await server.start();
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  try {
    await client.connect(`opc.tcp://127.0.0.1:${port}`);
    const session = await client.createSession();
    const sub = ClientSubscription.create(session, { requestedPublishingInterval: 100, requestedMaxKeepAliveCount: 10, requestedLifetimeCount: 100, publishingEnabled: true });
    await new Promise<void>((r) => sub.on('started', () => r()));
    const item = ClientMonitoredItem.create(sub, { nodeId: 'ns=1;s=RES.Main.count', attributeId: AttributeIds.Value }, { samplingInterval: 100, queueSize: 10, discardOldest: true }, TimestampsToReturn.Both);
    let n = 0;
    item.on('changed', () => n++);
    await new Promise((r) => setTimeout(r, 500));
    const from = n;
    await new Promise((r) => setTimeout(r, ms));
    const rate = ((n - from) * 1000) / ms;
    await sub.terminate();
    await session.close();
    return rate;
  } finally {
    await client.disconnect();
    await server.stop();
    clearInterval(ticker);
    rmSync(pki, { recursive: true, force: true });
  }
}

function scanCost(withIo: boolean, scans: number): number {
  const main = new ImageExchange();
  const worker = new ImageExchange(main.buffer);
  const local = createImageView();
  let acc = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < scans; i++) {
    if (withIo) {
      main.writeInputs((v) => { for (let k = 0; k < 100; k++) v.inputWords[k] = i + k; });
      worker.beginScan(local);
    }
    for (let k = 0; k < 100; k++) acc += local.inputWords[k]!; // the "program"
    local.outputWords[0] = acc & 0xffff;
    if (withIo) worker.endScan(local);
  }
  return Number(process.hrtime.bigint() - t0) / scans;
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const i = argv.indexOf('--ms');
  const ms = i >= 0 ? Number(argv[i + 1]) : 1000;
  if (!Number.isFinite(ms) || ms <= 0) throw new Error('--ms needs a positive number');
  const echo = await echoRoundTrips(ms);
  const mb = await modbusRoundTrips(ms);
  const versus = await versusLibmodbus(ms, 3);
  const notifications = await opcuaNotifications(Math.max(ms * 3, 2000));
  console.log(`OPC UA notifications/s at 100 ms sampling: ${notifications.toFixed(1)}`);
  if (typeof versus === 'string') console.log(versus);
  else for (const f of versus) console.log(`${f.name}: vPLC ${f.value.toFixed(1)}, libmodbus ${f.baseline!.value.toFixed(1)} ${f.unit} (${f.ratio!.toFixed(2)}x)`);
  console.log(`TCP echo round trips/s (baseline):      ${echo.toFixed(0)}`);
  console.log(`Modbus read 100 registers round trips/s: ${mb.toFixed(0)}  (${(mb / echo).toFixed(2)}x the echo baseline)`);
  scanCost(true, 20_000); // warm up both paths
  scanCost(false, 20_000);
  const bare = scanCost(false, 200_000);
  const io = scanCost(true, 200_000);
  console.log(`scan without I/O exchange: ${bare.toFixed(0)} ns`);
  console.log(`scan with exchange + 100 registers updated per scan: ${io.toFixed(0)} ns  (+${(io - bare).toFixed(0)} ns, ${(io / bare).toFixed(1)}x)`);
  return {
    bench: 'io',
    title: 'I/O: Modbus TCP round trips, OPC UA notifications and the scan cost of mapped registers',
    figures: [
      {
        name: 'Modbus TCP read of 100 holding registers (modbus-serial client → vPLC server)',
        value: mb,
        unit: 'round trips/s',
        baseline: { name: 'raw TCP echo, 12 bytes', value: echo },
        ratio: mb / echo,
      },
      ...(typeof versus === 'string' ? [] : versus),
      {
        name: 'OPC UA notifications of a variable changing every 10 ms, sampled and published at 100 ms (node-opcua client)',
        value: notifications,
        unit: 'notifications/s',
        baseline: { name: 'rate asked for (1 per 100 ms)', value: 10 },
        ratio: notifications / 10,
      },
      {
        name: 'scan with image exchange, 100 registers written by a driver each scan',
        value: io,
        unit: 'ns/scan',
        baseline: { name: 'same scan without exchange', value: bare },
        ratio: io / bare,
        note: `+${(io - bare).toFixed(0)} ns per scan for the exchange`,
      },
    ],
    notes: [...(typeof versus === 'string' ? [versus] : []), `Round trips: one request at a time for ${ms} ms over 127.0.0.1, Nagle off on the echo. Scan cost: mean of 200,000 scans after 20,000 of warm-up.`],
  };
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
