import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Device, type DeviceOptions } from '../../../../runtime/iec61499/management/device.js';
import { ManagementServer, type ManagementServerOptions } from '../../../../runtime/iec61499/management/server.js';
import { libraryTypeProvider, type TypeProvider } from '../../../../runtime/iec61499/management/type-provider.js';
import { ManagementClient } from '../../../../runtime/iec61499/management/client.js';

let shared: TypeProvider | undefined;
/** one provider for all tests of a file: its type library is read once */
export function types(): TypeProvider {
  return (shared ??= libraryTypeProvider());
}

export interface Running {
  device: Device;
  server: ManagementServer;
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

/** A device on a free port of 127.0.0.1, its clock running. */
export async function startDevice(device: Partial<DeviceOptions> = {}, server: Partial<ManagementServerOptions> = {}): Promise<Running> {
  const logs: string[] = [];
  const d = new Device({ types: types(), log: (m) => logs.push(m), ...device });
  d.startClock(1);
  const s = new ManagementServer(d, { port: 0, log: (m) => logs.push(m), ...server });
  const port = await s.listen();
  return {
    device: d,
    server: s,
    port,
    logs,
    async stop() {
      await s.close();
      d.shutdown();
    },
  };
}

/** The request sequence the 4diac IDE sends to deploy a resource: E_CYCLE → E_CTU → F_ADD. */
export async function deployCounter(c: ManagementClient, res = 'RES'): Promise<string[]> {
  const answers: string[] = [];
  const q = async (dst: string, action: string, inner: string) => answers.push(await c.request(dst, action, inner));
  await q('', 'CREATE', `<FB Name="${res}" Type="EMB_RES" />`);
  await q(res, 'CREATE', '<FB Name="CY" Type="E_CYCLE" />');
  await q(res, 'CREATE', '<FB Name="C" Type="E_CTU" />');
  await q(res, 'CREATE', '<FB Name="A" Type="F_ADD" />');
  await q(res, 'CREATE', '<Connection Source="START.COLD" Destination="CY.START" />');
  await q(res, 'CREATE', '<Connection Source="START.WARM" Destination="CY.START" />');
  await q(res, 'CREATE', '<Connection Source="CY.EO" Destination="C.CU" />');
  await q(res, 'CREATE', '<Connection Source="C.CUO" Destination="A.REQ" />');
  await q(res, 'CREATE', '<Connection Source="C.CV" Destination="A.IN1" />');
  await q(res, 'WRITE', '<Connection Source="T#2ms" Destination="CY.DT" />');
  await q(res, 'WRITE', '<Connection Source="UINT#100" Destination="A.IN2" />');
  await q(res, 'START', '');
  return answers;
}

/** watched values of a READ Watches answer, keyed RES.FB.PORT */
export function watchValues(answer: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of answer.matchAll(/<Resource name="([^"]*)">(.*?)<\/Resource>/gs)) {
    for (const f of r[2]!.matchAll(/<FB name="([^"]*)">(.*?)<\/FB>/gs)) {
      for (const p of f[2]!.matchAll(/<Port name="([^"]*)"><Data value="([^"]*)"/g)) out[`${r[1]}.${f[1]}.${p[1]}`] = p[2]!;
    }
  }
  return out;
}

/** Poll `probe` until `accept` holds: tests wait on observed values, never on fixed sleeps. */
export async function waitFor<T>(probe: () => Promise<T>, accept: (v: T) => boolean, what: string, limitMs = 10_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (accept(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DEVICE_ENTRY = join(ROOT, 'runtime/cli/device.ts');

export interface DeviceProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

/** `vplc device ARGS` in a process of its own (main.ts wiring aside), once it listens (give `--port 0`). */
export function startDeviceProcess(args: string[]): Promise<DeviceProcess> {
  const script = `const m = await import(${JSON.stringify(DEVICE_ENTRY)}); process.exitCode = await m.deviceCommand(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), stderr: () => err });
    });
    child.once('exit', (code) => reject(new Error(`vplc device exited with ${code}: ${err}`)));
  });
}

/** SIGTERM, and the exit status. */
export function stopDeviceProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
