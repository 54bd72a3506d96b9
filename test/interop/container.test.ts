import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttributeIds, OPCUAClient } from 'node-opcua';
import { freePort, until } from '../support/wait.js';

// The image of samples/container, built on a base made by build-base.sh (debootstrap + this
// machine's Node), run by a real Docker engine with its ports published on 127.0.0.1.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONTAINER = join(ROOT, 'samples/container');
const IMAGE = 'vplc:interop';
const MINUTES = 60_000;

type ModbusClient = {
  connectTCP(host: string, o: { port: number }): Promise<void>;
  setID(id: number): void;
  setTimeout(ms: number): void;
  readHoldingRegisters(a: number, n: number): Promise<{ data: number[] }>;
  readInputRegisters(a: number, n: number): Promise<{ data: number[] }>;
  close(cb: () => void): void;
};
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as new () => ModbusClient;

function ok(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

function why(): string | undefined {
  if (!ok('docker', ['--version'])) return 'the docker command is not installed (apt-get install docker.io)';
  if (!ok('docker', ['info'])) return 'the Docker engine is not running or not reachable (start dockerd)';
  const baseCached = spawnSync(join(CONTAINER, 'build-base.sh'), { env: { ...process.env, CHECK_ONLY: '1' } }).status === 0;
  if (!baseCached && !ok('sh', ['-c', 'command -v debootstrap'])) return 'debootstrap is not installed (apt-get install debootstrap) and no base image is cached';
  if (!baseCached && process.getuid?.() !== 0) return 'building the base image with debootstrap needs root';
  return undefined;
}

const reason = why();
if (reason) console.warn(`container interop tests skipped: ${reason}`);
const describeDocker = reason ? describe.skip : describe;

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever this machine has. */
const compose: string[] | undefined = reason ? undefined
  : ok('docker', ['compose', 'version']) ? ['docker', 'compose']
  : ok('docker-compose', ['version']) ? ['docker-compose'] : undefined;
if (!reason && !compose) console.warn('container cell test skipped: neither `docker compose` nor `docker-compose` is installed');

function run(cmd: string, args: string[], opts: { timeout?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: opts.timeout ?? 2 * MINUTES, env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${(stdout + stderr).slice(-4000)}`));
      else resolve(stdout + stderr);
    });
  });
}
const docker = (...args: string[]) => run('docker', args);

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function health(port: number): Promise<{ status: number; body: { ok: boolean; resources: Record<string, string> } } | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) });
    return { status: r.status, body: (await r.json()) as { ok: boolean; resources: Record<string, string> } };
  } catch {
    return undefined; // not listening yet
  }
}

async function healthy(port: number, what: string): Promise<Record<string, string>> {
  let last: Awaited<ReturnType<typeof health>>;
  await until(async () => (last = await health(port))?.status === 200, `${what} to answer 200 on /healthz`, 2 * MINUTES, 250);
  expect(last!.body.ok).toBe(true);
  return last!.body.resources;
}

/** One Modbus TCP connection for `use`, bounded in time like every step against the container. */
async function modbus<T>(port: number, use: (c: ModbusClient) => Promise<T>): Promise<T> {
  const c = new ModbusRTU();
  try {
    await within(c.connectTCP('127.0.0.1', { port }), 15_000, 'Modbus connect');
    c.setID(1);
    c.setTimeout(3000);
    return await within(use(c), 15_000, 'Modbus request');
  } finally {
    await within(new Promise<void>((r) => c.close(() => r())), 5000, 'Modbus close').catch(() => undefined);
  }
}

/** One OPC UA session (anonymous, no security) reading one value; every step bounded in time. */
async function opcuaRead(port: number, nodeId: string): Promise<unknown> {
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  try {
    await within(client.connect(`opc.tcp://127.0.0.1:${port}`), 15_000, 'OPC UA connect');
    const session = await within(client.createSession(), 15_000, 'OPC UA session');
    const v = await within(session.read({ nodeId, attributeId: AttributeIds.Value }), 15_000, 'OPC UA read');
    await within(session.close(), 15_000, 'OPC UA session close');
    return v.value.value;
  } finally {
    await within(client.disconnect(), 15_000, 'OPC UA disconnect').catch(() => undefined);
  }
}

/** Stop as `docker stop` does (SIGTERM, then SIGKILL after 30 s); the exit code and the logs. */
async function stop(name: string): Promise<{ exitCode: number; logs: string[] }> {
  await docker('stop', '--time', '30', name);
  const exitCode = Number((await docker('inspect', '--format', '{{.State.ExitCode}}', name)).trim());
  // the container's stdout alone: its stderr (warnings) comes on another stream, in no fixed order
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('docker', ['logs', name], { timeout: 2 * MINUTES, maxBuffer: 64 << 20 }, (err, out) => (err ? reject(err) : resolve(out))));
  const logs = stdout.split('\n').filter((l) => l.trim() !== '');
  return { exitCode, logs };
}

const containers: string[] = [];
const dirs: string[] = [];
let project: string | undefined;
const composeEnv: NodeJS.ProcessEnv = { ...process.env, VPLC_IMAGE: IMAGE };

describeDocker('the container image (Docker)', () => {
  beforeAll(async () => {
    const base = (await run(join(CONTAINER, 'build-base.sh'), [], { timeout: 20 * MINUTES })).trim().split('\n').at(-1)!;
    composeEnv.VPLC_BASE = base;
    await run('docker', ['build', '-f', 'samples/container/Dockerfile', '--build-arg', `BASE=${base}`, '-t', IMAGE, '.'], { timeout: 20 * MINUTES });
  }, 40 * MINUTES);

  afterAll(async () => {
    for (const c of containers) await docker('rm', '--force', c).catch(() => undefined);
    if (project && compose) await run(compose[0]!, [...compose.slice(1), '-p', project, 'down', '--volumes'], { cwd: CONTAINER, env: composeEnv }).catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 5 * MINUTES);

  it('serves the tank-level sample: /healthz, a Modbus read, an OPC UA session, then stops gracefully', async () => {
    const [metrics, modbusPort, opcua] = [await freePort(), await freePort(), await freePort()];
    const name = `vplc-it-${process.pid}-sample`;
    containers.push(name);
    await docker('run', '--detach', '--name', name,
      '-p', `127.0.0.1:${metrics}:9464`, '-p', `127.0.0.1:${modbusPort}:5020`, '-p', `127.0.0.1:${opcua}:4840`, IMAGE);

    expect(await healthy(metrics, 'the sample')).toEqual({ Controller: 'running' });

    // %ID0 (the tank level, REAL) is input registers 0 and 1, low word first
    const level = await modbus(modbusPort, async (c) => {
      const r = await c.readInputRegisters(0, 2);
      const b = Buffer.alloc(4);
      b.writeUInt16LE(r.data[0]!, 0);
      b.writeUInt16LE(r.data[1]!, 2);
      return b.readFloatLE(0);
    });
    expect(level).toBeGreaterThan(0.1); // starts at 0.5 m in a 2 m tank
    expect(level).toBeLessThan(2);

    let uaLevel: unknown;
    await until(async () => {
      uaLevel = await opcuaRead(opcua, 'ns=1;s=Controller.Level.level').catch(() => undefined);
      return uaLevel !== undefined;
    }, 'an OPC UA session reading the level', 2 * MINUTES, 500);
    expect(typeof uaLevel).toBe('number');
    expect(Math.abs((uaLevel as number) - level)).toBeLessThan(0.5);

    const { exitCode, logs } = await stop(name);
    expect(exitCode).toBe(0);
    expect(logs).toContain('vplc serve: running Plant (Controller); stop with Ctrl+C');
    // the stop: scans end, the safe values are written, the last line is the task summary
    expect(logs.at(-1)).toMatch(/^Control: \d+ scans, exec p50/);
  }, 10 * MINUTES);

  it('runs an application mounted at /app instead of the sample', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-container-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'app.st'), 'PROGRAM Counter\nVAR n AT %QW0 : INT; END_VAR\nn := n + 1;\nEND_PROGRAM\n');
    writeFileSync(join(dir, 'plc.yaml'), 'modbusServer: { host: 0.0.0.0, port: 5020, readOnly: true }\n');
    chmodSync(dir, 0o755); // readable by the image's unprivileged user
    const [metrics, modbusPort] = [await freePort(), await freePort()];
    const name = `vplc-it-${process.pid}-mounted`;
    containers.push(name);
    await docker('run', '--detach', '--name', name, '-v', `${dir}:/app:ro`,
      '-p', `127.0.0.1:${metrics}:9464`, '-p', `127.0.0.1:${modbusPort}:5020`, IMAGE);

    expect(await healthy(metrics, 'the mounted application')).toEqual({ Default: 'running' });
    const first = await modbus(modbusPort, async (c) => (await c.readHoldingRegisters(0, 1)).data[0]!);
    let later = first;
    await until(async () => (later = await modbus(modbusPort, async (c) => (await c.readHoldingRegisters(0, 1)).data[0]!)) > first, 'the counter to advance', MINUTES, 200);
    expect(later).toBeGreaterThan(first);

    const { exitCode, logs } = await stop(name);
    expect(exitCode).toBe(0);
    expect(logs).toContain('vplc serve: running Counter (Default); stop with Ctrl+C');
    expect(logs.at(-1)).toMatch(/^Default: \d+ scans/);
  }, 10 * MINUTES);

  (compose ? it : it.skip)('runs the cell of compose.yaml: the supervisor reads the filler over Modbus and leaves it a safe permit when stopped', async () => {
    const ports = { FILLER_MODBUS_PORT: await freePort(), FILLER_METRICS_PORT: await freePort(), SUPERVISOR_MODBUS_PORT: await freePort(), SUPERVISOR_METRICS_PORT: await freePort() };
    for (const [k, v] of Object.entries(ports)) composeEnv[k] = String(v);
    project = `vplccell${process.pid}`;
    const dc = (...args: string[]) => run(compose![0]!, [...compose!.slice(1), '-p', project!, ...args], { cwd: CONTAINER, env: composeEnv, timeout: 5 * MINUTES });
    await dc('up', '--detach', '--no-build');

    expect(await healthy(ports.FILLER_METRICS_PORT, 'the filler')).toEqual({ Default: 'running' });
    expect(await healthy(ports.SUPERVISOR_METRICS_PORT, 'the supervisor')).toEqual({ Default: 'running' });
    const permit = () => modbus(ports.FILLER_MODBUS_PORT, async (c) => (await c.readHoldingRegisters(1024, 1)).data[0]!);
    await until(async () => (await permit()) === 1234, "the supervisor's permit in the filler's %MW0", 2 * MINUTES, 200);
    // the supervisor's %IW0 is the filler's counter, read across the cell's network
    await until(async () => (await modbus(ports.SUPERVISOR_MODBUS_PORT, async (c) => (await c.readInputRegisters(0, 1)).data[0]!)) > 0,
      "the filler's counter in the supervisor", 2 * MINUTES, 200);

    await dc('stop', '--timeout', '30', 'supervisor');
    expect(await permit()).toBe(0); // the supervisor's safe value, written on its way out
    const id = (await dc('ps', '-a', '-q', 'supervisor')).trim().split('\n')[0]!;
    expect((await docker('inspect', '--format', '{{.State.ExitCode}}', id)).trim()).toBe('0');
    expect(await health(ports.FILLER_METRICS_PORT)).toMatchObject({ status: 200, body: { ok: true } });
  }, 10 * MINUTES);
});
