/**
 * I/O benchmark: Modbus TCP round trips per second (modbus-serial client → vPLC Modbus server
 * on 127.0.0.1) against a raw TCP echo baseline; requests/s of vPLC's Modbus server against a
 * libmodbus server, both read by the same libmodbus client (C, test/bench/modbus/, built with
 * gcc here; skipped when libmodbus-dev is absent); and the scan-time cost of the image exchange
 * with 100 registers written by a driver every scan, against a scan that does no I/O.
 * Run: npx tsx test/bench/io.ts [--ms 1000]
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/wait.js';
import { ImageExchange } from '../../runtime/io/image-exchange.js';
import { createImageView } from '../../runtime/process-image.js';
import { ModbusServerDriver } from '../../io-drivers/modbus-server.js';
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
async function versusLibmodbus(ms: number, rounds: number): Promise<BenchFigure | string> {
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
      for (let r = 0; r < rounds; r++) {
        libRates.push(await libmodbusClient(built.client, libPort, ms));
        vplcRates.push(await libmodbusClient(built.client, vplc.port, ms));
      }
      const v = median(vplcRates);
      const b = median(libRates);
      return {
        name: 'Modbus TCP server: read 100 holding registers, libmodbus client (C) → vPLC server',
        value: v,
        unit: 'requests/s',
        baseline: { name: 'libmodbus server (C), same client', value: b },
        ratio: v / b,
        note: `median of ${rounds} alternating rounds of ${ms} ms; vPLC ${vplcRates.map((x) => x.toFixed(0)).join('/')}, libmodbus ${libRates.map((x) => x.toFixed(0)).join('/')}`,
      };
    } finally {
      lib.kill();
      await vplc.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
  if (typeof versus === 'string') console.log(versus);
  else console.log(`Modbus server requests/s, libmodbus client: vPLC ${versus.value.toFixed(0)}, libmodbus ${versus.baseline!.value.toFixed(0)} (${versus.ratio!.toFixed(2)}x)`);
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
    title: 'I/O: Modbus TCP round trips and the scan cost of mapped registers',
    figures: [
      {
        name: 'Modbus TCP read of 100 holding registers (modbus-serial client → vPLC server)',
        value: mb,
        unit: 'round trips/s',
        baseline: { name: 'raw TCP echo, 12 bytes', value: echo },
        ratio: mb / echo,
      },
      ...(typeof versus === 'string' ? [] : [versus]),
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
