import { readFileSync } from 'node:fs';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { readSystemDevices } from '../../compiler/iec61499/system-reader.js';
import { ManagementClient, ManagementConnectionError, answerReason, requestXml } from '../iec61499/management/client.js';
import { parseCommandLine, usageError, type OptionSpec } from './args.js';
import { compileProgress } from './compile.js';
import {
  QUERY_RESOURCES, formatAddress, parseAddress, planDevice, replaceRequests, resourceNames,
  type DevicePlan, type ManagementAddress, type PlannedRequest, type ResourcePlan,
} from './deploy-plan.js';

export const DEPLOY_SYSTEM_USAGE = `usage: vplc deploy APP.sys [--map DEVICE=HOST:PORT]… [--device NAME] [--dry-run] [--types DIR]…

Sends each device of an IEC 61499 system its part of the application over the IEC 61499
management protocol (TCP), as the 4diac IDE deploys to FORTE: to \`vplc device\` or to FORTE.
For each resource: CREATE of the resource, CREATE of its FBs with their parameters (WRITE),
CREATE of its connections, START. A resource the device already holds is killed and deleted
first, so deploying again replaces it. The application is checked here first.

  --map D=H:P   the management address of device D (default: its MGR_ID parameter, else
                localhost:61499); repeatable
  --device NAME deploy only this device
  --dry-run     print the requests, one a line (device, address, destination;request), send nothing
  --types DIR   more folders of .fbt/.adp/.dtp types for the check (repeatable)

exit status: 0 every request accepted, 1 a request refused, a device unreachable or the
application in error, 64 wrong usage
`;

const OPTIONS = {
  map: { kind: 'text', multiple: true },
  device: { kind: 'text' },
  'dry-run': { kind: 'flag' },
  types: { kind: 'text', multiple: true },
} as const satisfies Record<string, OptionSpec>;

/** How long connecting to a device and each of its answers may take. */
const DEVICE_TIMEOUT_MS = 10_000;

/** `vplc deploy app.sys …`: deploy a system to its devices over the management protocol. */
export async function deploySystemCommand(args: string[]): Promise<number> {
  const cl = parseCommandLine('deploy', DEPLOY_SYSTEM_USAGE, args, OPTIONS);
  if (typeof cl === 'number') return cl;
  const o = cl.options;
  const usage = (m: string) => usageError('deploy', DEPLOY_SYSTEM_USAGE, m);
  if (cl.operands.length !== 1 || !/\.sys$/i.test(cl.operands[0]!)) return usage('give one IEC 61499 system (.sys) to deploy to its devices');
  const file = cl.operands[0]!;
  const maps = new Map<string, ManagementAddress>();
  for (const m of o.map ?? []) {
    const eq = m.indexOf('=');
    const address = eq > 0 ? parseAddress(m.slice(eq + 1)) : undefined;
    if (!address) return usage(`--map needs DEVICE=HOST:PORT (a port 1-65535), got '${m}'`);
    maps.set(m.slice(0, eq), address);
  }

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`${file}:1:1: error E1008: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return 1;
  }
  // reading errors stop here; its warnings come again from the check below
  const read: Diagnostic[] = [];
  const devices = readSystemDevices(file, text, read);
  if (hasErrors(read)) return report(read);
  const names = devices.map((d) => d.name);
  const unknown = [...maps.keys(), ...(o.device !== undefined ? [o.device] : [])].find((n) => !names.includes(n));
  if (unknown !== undefined) return usage(`the system has no device ${unknown} (its devices: ${names.join(', ')})`);
  const chosen = devices.filter((d) => (o.device === undefined || d.name === o.device) && d.resources.length > 0);
  if (chosen.length === 0) {
    process.stderr.write(`vplc deploy: ${file}: no device with a resource to deploy\n`);
    return 1;
  }

  // the application is checked as `vplc run` would compile it: errors are found here, not by the devices
  const { compileFiles } = await import('../../compiler/project.js');
  const check = compileFiles([file], { onProgress: compileProgress(), typesDirs: o.types ?? [] });
  const planned: Diagnostic[] = [];
  const plans = chosen.map((d) => planDevice(d, maps.get(d.name), planned));
  const all = [...check.diagnostics, ...planned];
  if (all.length > 0 && report(all) !== 0) return 1;

  if (o['dry-run']) {
    for (const plan of plans) printDryRun(plan);
    return 0;
  }
  let refused = 0;
  let lost = 0;
  for (const plan of plans) {
    const r = await deployDevice(plan);
    refused += r.refused;
    if (r.lost) lost++;
  }
  const failures = [...(refused > 0 ? [`${refused} request(s) refused`] : []), ...(lost > 0 ? [`${lost} device(s) not reached or lost`] : [])];
  if (failures.length > 0) process.stderr.write(`vplc deploy: ${failures.join(', ')}\n`);
  return failures.length > 0 ? 1 : 0;
}

/** Print diagnostics; 1 when one is an error. */
function report(diagnostics: Diagnostic[]): number {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return hasErrors(diagnostics) ? 1 : 0;
}

/** The requests in order as they would be numbered on a device that holds none of the resources. */
function printDryRun(plan: DevicePlan): void {
  let id = 0;
  const line = (r: PlannedRequest) =>
    process.stdout.write(`${plan.name} ${formatAddress(plan.address)} ${r.destination};${requestXml(String(++id), r.action, r.inner)}\n`);
  line(QUERY_RESOURCES);
  for (const r of plan.resources) {
    line(r.create);
    r.network.forEach(line);
    line(r.start);
  }
}

/**
 * Deploy one device: QUERY its resources, then each resource (replaced when it exists), and
 * print what was accepted and each refusal with the device's Reason. Returns the number of
 * refused requests, and whether the device could not be reached or dropped the connection.
 */
async function deployDevice(plan: DevicePlan): Promise<{ refused: number; lost: boolean }> {
  const where = `${formatAddress(plan.address)}${plan.addressFrom === 'MGR_ID' ? '' : plan.addressFrom === '--map' ? ', --map' : ', the default MGR_ID'}`;
  const out = (l: string) => process.stdout.write(`${l}\n`);
  let client: ManagementClient;
  try {
    client = await ManagementClient.open(plan.address.port, plan.address.host, { connectTimeoutMs: DEVICE_TIMEOUT_MS, answerTimeoutMs: DEVICE_TIMEOUT_MS });
  } catch (e) {
    process.stderr.write(`vplc deploy: device ${plan.name} at ${formatAddress(plan.address)}: cannot connect (${connectionText(e)})\n`);
    return { refused: 0, lost: true };
  }
  out(`device ${plan.name} (${where})`);
  let refused = 0;
  try {
    const send = (r: PlannedRequest) => client.request(r.destination, r.action, r.inner);
    const held = new Set(resourceNames(await send(QUERY_RESOURCES)));
    for (const r of plan.resources) refused += await deployResource(r, held.has(r.name), send, out);
  } catch (e) {
    if (!(e instanceof ManagementConnectionError)) throw e;
    process.stderr.write(`vplc deploy: device ${plan.name} at ${formatAddress(plan.address)}: ${e.message}\n`);
    return { refused, lost: true };
  } finally {
    await client.close();
  }
  return { refused, lost: false };
}

async function deployResource(r: ResourcePlan, exists: boolean, send: (r: PlannedRequest) => Promise<string>, out: (l: string) => void): Promise<number> {
  const refusals: string[] = [];
  const refused = (q: PlannedRequest, reason: string) => refusals.push(`    refused: ${q.what}: ${reason}`);
  let accepted = 0;
  const done = (summary: string) => {
    out(`  resource ${r.name}: ${summary}`);
    refusals.forEach((l) => out(l));
    return refusals.length;
  };
  if (exists) {
    const [kill, del] = replaceRequests(r.name);
    // a resource that is not running cannot be killed (INVALID_STATE, in FORTE too): delete it all the same
    const k = answerReason(await send(kill));
    if (k !== undefined && k !== 'INVALID_STATE') refused(kill, k);
    const d = answerReason(await send(del));
    if (d !== undefined) {
      refused(del, d);
      return done('not replaced: the device kept the resource it holds');
    }
  }
  const c = answerReason(await send(r.create));
  if (c !== undefined) {
    refused(r.create, c);
    return done('not created: nothing else sent');
  }
  for (const q of r.network) {
    const reason = answerReason(await send(q));
    if (reason === undefined) accepted++;
    else refused(q, reason);
  }
  const s = answerReason(await send(r.start));
  if (s !== undefined) refused(r.start, s);
  const total = r.network.length;
  const count = accepted === total ? `${total} request(s) accepted` : `${accepted} of ${total} request(s) accepted`;
  return done(`${exists ? 'replaced' : 'created'}, ${count}, ${s === undefined ? 'started' : 'not started'}`);
}

function connectionText(e: unknown): string {
  if (e instanceof ManagementConnectionError) {
    const known: Record<string, string> = { ECONNREFUSED: 'connection refused', ETIMEDOUT: 'no answer', ENOTFOUND: 'unknown host', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable' };
    return (e.code && known[e.code]) ?? e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
