/**
 * Footprint: resident memory (VmRSS from /proc/<pid>/status) of the built `vplc serve`
 * (dist/runtime/cli/main.js) running a generated program of 1,000 INT variables, with
 *
 * - the Modbus server only (baseline: a bare `node -e` process that only waits),
 * - the Modbus server and the OPC UA server, idle (baseline: the same serve without OPC UA),
 * - the same, with a node-opcua client in this process monitoring all 1,000 variables
 *   (baseline: the same serve without OPC UA; the note gives the increase over idle).
 *
 *   npx tsx test/bench/footprint.ts [--settle-s N] [--items N]
 *
 * Every child listens on free ports of 127.0.0.1, is stopped with SIGTERM at the end (SIGKILL
 * if it has not gone after 5 s) and would stop by itself anyway: each has a lifetime cap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributeIds, OPCUAClient, TimestampsToReturn, type ClientSession, type ClientSubscription } from 'node-opcua';
import { markdown, median, type BenchFigure, type BenchResult } from './report.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'runtime', 'cli', 'main.js');
/** no child outlives this, whatever happens to the bench */
const CHILD_LIFETIME_S = 300;

function option(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
  return v;
}

/** A program of `n` INT variables, every one changed each scan so that each monitored item has news. */
export function bigProgram(n: number): string {
  const decl: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < n; i++) {
    decl.push(`  v${i} : INT;`);
    body.push(`v${i} := v${i} + ${(i % 7) + 1};`);
  }
  return [
    'PROGRAM Big',
    'VAR',
    ...decl,
    'END_VAR',
    ...body,
    'END_PROGRAM',
    '',
    'CONFIGURATION Bench',
    '  RESOURCE Res ON PLC',
    '    TASK Cyclic (INTERVAL := T#10ms, PRIORITY := 1);',
    '    PROGRAM Main WITH Cyclic : Big;',
    '  END_RESOURCE',
    'END_CONFIGURATION',
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** VmRSS of a live process, in KiB. */
function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Median (and max) of RSS samples every 200 ms over `ms`: one sample would catch whatever the GC was doing. */
async function sampleRss(pid: number, ms: number): Promise<{ medianKiB: number; maxKiB: number }> {
  const xs: number[] = [];
  const n = Math.max(3, Math.round(ms / 200));
  for (let i = 0; i < n; i++) {
    xs.push(rssKiB(pid));
    await sleep(200);
  }
  return { medianKiB: median(xs), maxKiB: Math.max(...xs) };
}

interface Child {
  proc: ChildProcess;
  output: () => string;
}

/** Start a child; resolves once `ready` appears on its stdout (or rejects on exit/timeout). */
function startChild(args: string[], ready: RegExp | undefined, timeoutMs: number): Promise<Child> {
  // `timeout` makes the child stop by itself even if this process dies without cleaning up
  const proc = spawn('timeout', ['-s', 'KILL', String(CHILD_LIFETIME_S), process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: ROOT,
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const child = { proc, output: () => out };
  if (!ready) return Promise.resolve(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`child not ready after ${timeoutMs} ms: ${out.trim().slice(-400)}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (ready.test(out)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(child);
      }
    }, 50);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`child exited (${code}) before it was ready: ${out.trim().slice(-400)}`));
    });
  });
}

/** The node process itself (not the `timeout` wrapper) whose RSS we read. */
function nodePid(c: Child): number {
  const wrapper = c.proc.pid!;
  const kids = readFileSync(`/proc/${wrapper}/task/${wrapper}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  if (kids.length !== 1) throw new Error(`expected one node process under timeout(${wrapper}), found ${kids.length}`);
  return Number(kids[0]);
}

async function stopChild(c: Child): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const gone = new Promise<void>((r) => c.proc.once('exit', () => r()));
  c.proc.kill('SIGTERM'); // timeout(1) passes it on to node
  const killed = await Promise.race([gone.then(() => true), sleep(5000).then(() => false)]);
  if (!killed) {
    c.proc.kill('SIGKILL');
    await Promise.race([gone, sleep(2000)]);
  }
}

function config(dir: string, modbusPort: number, opcuaPort: number | undefined): string {
  const lines = [`modbusServer: { host: 127.0.0.1, port: ${modbusPort}, readOnly: true }`];
  if (opcuaPort !== undefined) {
    lines.push(
      `opcuaServer: { host: 127.0.0.1, port: ${opcuaPort}, allowSecurityNone: true, allowAnonymous: true,`,
      `               pkiDir: ${JSON.stringify(join(dir, 'pki'))}, samplingMs: 100 }`,
    );
  }
  lines.push('devices: []', '');
  const file = join(dir, opcuaPort === undefined ? 'modbus.yaml' : 'modbus-opcua.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

const SERVE_READY = /vplc serve: running/;

function serveArgs(program: string, cfg: string): string[] {
  return [CLI, 'serve', program, '--config', cfg, '--metrics-port', '0', '--summary-every', '0'];
}

/** Subscribe to `n` variables; resolves once every item has had its first notification. */
async function monitorAll(session: ClientSession, n: number): Promise<{ sub: ClientSubscription; notifications: () => number }> {
  const top = await session.browse('ns=1;s=vPLC');
  const res = top.references?.map((r) => r.browseName.name ?? '').find((name) => name !== 'Metrics');
  if (!res) throw new Error('the OPC UA server exposes no resource under vPLC');
  const sub = await session.createSubscription2({
    requestedPublishingInterval: 100,
    requestedLifetimeCount: 600,
    requestedMaxKeepAliveCount: 20,
    maxNotificationsPerPublish: 0,
    publishingEnabled: true,
  });
  let count = 0;
  const seen = new Uint8Array(n);
  let distinct = 0;
  // a few calls of 250 items: servers may cap the items per CreateMonitoredItems call
  for (let from = 0; from < n; from += 250) {
    const ids = [];
    for (let i = from; i < Math.min(n, from + 250); i++) ids.push({ nodeId: `ns=1;s=${res}.Main.v${i}`, attributeId: AttributeIds.Value });
    const group = await sub.monitorItems(ids, { samplingInterval: 100, queueSize: 1, discardOldest: true }, TimestampsToReturn.Neither);
    group.on('changed', (item, _dv, index) => {
      count++;
      const i = from + index;
      if (seen[i] === 0) {
        seen[i] = 1;
        distinct++;
      }
      void item;
    });
  }
  const deadline = Date.now() + 20_000;
  while (distinct < n && Date.now() < deadline) await sleep(100);
  if (distinct < n) throw new Error(`only ${distinct} of ${n} monitored items reported a value`);
  return { sub, notifications: () => count };
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const settleMs = option(argv, '--settle-s', 3) * 1000;
  const items = Math.round(option(argv, '--items', 1000));
  if (!existsSync(CLI)) throw new Error('dist/runtime/cli/main.js is missing: run `npm run build` first');
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'vplc-bench-footprint-'));
  const children: Child[] = [];
  const start = async (args: string[], ready: RegExp | undefined) => {
    const c = await startChild(args, ready, 60_000);
    children.push(c);
    return c;
  };
  const mib = (kib: number) => kib / 1024;
  try {
    const program = join(dir, 'big.st');
    writeFileSync(program, bigProgram(items));

    // baseline 1: the floor of any Node process
    const bare = await start(['-e', `setTimeout(() => {}, ${CHILD_LIFETIME_S * 1000})`], undefined);
    await sleep(500);
    const bareRss = await sampleRss(nodePid(bare), settleMs);
    await stopChild(bare);
    console.log(`node -e (waiting): ${mib(bareRss.medianKiB).toFixed(1)} MiB`);

    // baseline 2: vplc serve with the Modbus server only
    const modbusOnly = await start(serveArgs(program, config(dir, await freePort(), undefined)), SERVE_READY);
    await sleep(settleMs);
    const mbRss = await sampleRss(nodePid(modbusOnly), settleMs);
    await stopChild(modbusOnly);
    console.log(`vplc serve, Modbus server: ${mib(mbRss.medianKiB).toFixed(1)} MiB`);
    figures.push({
      name: `vplc serve, Modbus server, ${items} variables`,
      value: mib(mbRss.medianKiB),
      unit: 'MiB RSS',
      baseline: { name: 'node -e (idle)', value: mib(bareRss.medianKiB) },
      ratio: mbRss.medianKiB / bareRss.medianKiB,
      note: `max ${mib(mbRss.maxKiB).toFixed(1)} MiB`,
    });

    // vplc serve with Modbus and OPC UA: idle, then 1,000 monitored items
    const opcuaPort = await freePort();
    const full = await start(serveArgs(program, config(dir, await freePort(), opcuaPort)), SERVE_READY);
    const pid = nodePid(full);
    await sleep(settleMs);
    const idle = await sampleRss(pid, settleMs);
    console.log(`vplc serve, Modbus + OPC UA, idle: ${mib(idle.medianKiB).toFixed(1)} MiB`);
    figures.push({
      name: 'vplc serve, Modbus + OPC UA servers, idle',
      value: mib(idle.medianKiB),
      unit: 'MiB RSS',
      baseline: { name: 'vplc serve without OPC UA', value: mib(mbRss.medianKiB) },
      ratio: idle.medianKiB / mbRss.medianKiB,
      note: `max ${mib(idle.maxKiB).toFixed(1)} MiB`,
    });

    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(`opc.tcp://127.0.0.1:${opcuaPort}`);
    try {
      const session = await client.createSession();
      try {
        const { sub, notifications } = await monitorAll(session, items);
        await sleep(settleMs);
        const before = notifications();
        const loaded = await sampleRss(pid, settleMs);
        const rate = ((notifications() - before) * 1000) / settleMs / 1.0;
        console.log(`vplc serve, Modbus + OPC UA, ${items} monitored items: ${mib(loaded.medianKiB).toFixed(1)} MiB`);
        figures.push({
          name: `vplc serve, Modbus + OPC UA servers, ${items} monitored items`,
          value: mib(loaded.medianKiB),
          unit: 'MiB RSS',
          baseline: { name: 'vplc serve without OPC UA', value: mib(mbRss.medianKiB) },
          ratio: loaded.medianKiB / mbRss.medianKiB,
          note:
            `+${mib(loaded.medianKiB - idle.medianKiB).toFixed(1)} MiB over idle ` +
            `(${((loaded.medianKiB - idle.medianKiB) / items).toFixed(1)} KiB per item); max ${mib(loaded.maxKiB).toFixed(1)} MiB; ` +
            `${Math.round(rate)} notifications/s received`,
        });
        if (rate === 0) {
          notes.push(
            'No value change reached the client after the first notifications: `vplc serve` gives the OPC UA server no access to the ' +
              'program variables (runtime/cli/serve.ts passes no `vars` to IoManager.fromConfig), so the 1,000 items are sampled but ' +
              'their values never change; the figure is the cost of the items and the subscription, not of a stream of notifications.',
          );
        }
        await sub.terminate();
      } finally {
        await session.close();
      }
    } finally {
      await client.disconnect();
    }
    await stopChild(full);
    notes.push(
      `RSS is VmRSS of the child's /proc/<pid>/status, median of samples every 200 ms over ${settleMs / 1000} s after ${settleMs / 1000} s of settling. ` +
        `The program has ${items} INT variables, all changed every 10 ms scan; OPC UA sampling 100 ms, publishing 100 ms, one subscription, security None, anonymous. ` +
        'Every serve also runs its Prometheus endpoint (--metrics-port 0).',
    );
  } finally {
    for (const c of children) await stopChild(c);
    rmSync(dir, { recursive: true, force: true });
  }
  return { bench: 'footprint', title: 'Footprint: resident memory of vplc serve', figures, notes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (r) => {
      console.log('\n' + markdown([r]));
      process.exit(0); // node-opcua keeps timers alive after disconnect
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
