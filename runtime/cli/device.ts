import { isIP } from 'node:net';
import { parseCommandLine, usageError, type OptionSpec } from './args.js';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { Device } from '../iec61499/management/device.js';
import { loadBootFile } from '../iec61499/management/boot-file.js';
import { ManagementServer } from '../iec61499/management/server.js';
import { libraryTypeProvider } from '../iec61499/management/type-provider.js';
import { DeviceRetain } from '../iec61499/management/device-retain.js';
import { DEFAULT_SAVE_MS } from '../state/config.js';

export const DEVICE_USAGE = `usage: vplc device [--port 61499] [--bind 127.0.0.1] [--allow ADDR,…] [--boot FILE] [--types DIR]… [--state-dir DIR]

Runs an IEC 61499 device that the Eclipse 4diac IDE deploys to, monitors and debugs as it
does FORTE (device management over TCP), until SIGINT or SIGTERM.

  --port N        TCP port of the device manager (default 61499)
  --bind ADDR     address to listen on (default 127.0.0.1; others only when given here)
  --allow ADDRS   comma-separated client addresses allowed to connect (default: any that reaches --bind)
  --boot FILE     boot file: loaded at start, rewritten after every change of the deployment
  --types DIR     folder of .fbt/.adp/.dtp types the IDE may instantiate (repeatable)
  --state-dir DIR keep the retained values of each resource (FB variables and instances marked
                  RETAIN) in DIR/<resource>: saved every --save-every and at stop, restored
                  (WARM start) when the device starts its resources from --boot
  --save-every T  period of those saves (default 5s)
`;

interface DeviceArguments { port: number; bind: string; allow?: string[]; boot?: string; types: string[]; stateDir?: string; saveMs: number }

const DEVICE_OPTIONS = {
  port: { kind: 'port' },
  bind: { kind: 'text' },
  allow: { kind: 'text', multiple: true },
  boot: { kind: 'text' },
  types: { kind: 'text', multiple: true },
  'state-dir': { kind: 'text' },
  'save-every': { kind: 'duration', positive: true },
} as const satisfies Record<string, OptionSpec>;

function parse(args: string[]): DeviceArguments | number {
  const cl = parseCommandLine('device', DEVICE_USAGE, args, DEVICE_OPTIONS);
  if (typeof cl === 'number') return cl;
  const o = cl.options;
  const fail = (message: string) => usageError('device', DEVICE_USAGE, message);
  if (cl.operands.length) return fail(`unexpected argument '${cl.operands[0]}'`);
  const bind = o.bind ?? '127.0.0.1';
  if (isIP(bind) === 0 && bind !== 'localhost') return fail(`--bind needs an IP address, got '${bind}'`);
  const saveMs = o['save-every'] !== undefined ? Math.max(1, Math.round(o['save-every'] / 1e6)) : DEFAULT_SAVE_MS;
  const out: DeviceArguments = { port: o.port ?? 61499, bind, types: (o.types ?? []).map((t) => resolve(t)), saveMs };
  if (o['state-dir'] !== undefined) out.stateDir = resolve(o['state-dir']);
  if (o.allow) {
    const list = o.allow.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    const bad = list.find((s) => isIP(s) === 0);
    if (list.length === 0 || bad !== undefined) return fail(`--allow needs comma-separated IP addresses, got '${bad ?? o.allow.join(',')}'`);
    out.allow = list;
  }
  if (o.boot !== undefined) out.boot = resolve(o.boot);
  return out;
}

/** `vplc device`: the device manager server, until SIGINT or SIGTERM. */
export async function deviceCommand(args: string[]): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === 'number') return parsed;
  const log = (m: string) => process.stderr.write(`vplc device: ${m}\n`);
  const retain = parsed.stateDir ? new DeviceRetain(parsed.stateDir, parsed.saveMs, log) : undefined;
  // a running RMT_RES serves the device's protocol on its own MGR_ID too, as FORTE's does
  const openResourceManager = async (_res: string, host: string, port: number) => {
    const s = new ManagementServer(device, { port, host, log, ...(parsed.allow ? { allow: parsed.allow } : {}) });
    await s.listen();
    return s;
  };
  const device: Device = new Device({ types: libraryTypeProvider(parsed.types), log, openResourceManager, ...(parsed.boot ? { bootFile: parsed.boot } : {}), ...(retain ? { retain } : {}) });
  if (parsed.boot) {
    const diags = loadBootFile(device, parsed.boot);
    for (const d of diags) process.stderr.write(`${formatDiagnostic(d)}\n`);
    if (device.resources.size > 0) log(`loaded ${device.resources.size} resource(s) from ${parsed.boot}`);
  }
  device.startClock(1);
  retain?.start(() => device.resources.values());
  let killed = (): void => undefined;
  const server = new ManagementServer(device, { port: parsed.port, host: parsed.bind, log, onDeviceKilled: () => killed(), ...(parsed.allow ? { allow: parsed.allow } : {}) });
  let port: number;
  try {
    port = await server.listen();
  } catch (e) {
    device.shutdown();
    process.stderr.write(`vplc device: cannot listen on ${parsed.bind}:${parsed.port}: ${(e as Error).message}\n`);
    return 1;
  }
  // the handlers before the line that says it listens: a SIGTERM sent as soon as it appears stops cleanly
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    killed = stop; // KILL of the device from the IDE ends the process, as FORTE's does
  });
  process.stdout.write(`vplc device: listening on ${parsed.bind}:${port}${parsed.allow ? ` (clients: ${parsed.allow.join(', ')})` : ''}\n`);
  await stopped;
  await server.close();
  if (retain) {
    // the last values, before the resources end
    await retain.stop();
    await retain.saveAll(device.resources.values(), 'stop');
  }
  device.shutdown();
  process.stdout.write('vplc device: stopped\n');
  return 0;
}
