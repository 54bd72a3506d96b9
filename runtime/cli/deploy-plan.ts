/**
 * What `vplc deploy app.sys` sends each device: the requests the 4diac IDE sends to FORTE for a
 * resource (CREATE of the resource at device level, its parameters, CREATE FB and WRITE of each
 * FB's parameters, CREATE of each connection, START), built from the resource's own FBNetwork
 * in the .sys. FB types stay as named there: composite and basic types are the device's business.
 */
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { diagnostic } from '../../compiler/diagnostics/registry.js';
import type { DeviceDeclaration } from '../../compiler/iec61499/system-reader.js';
import { escapeXml } from '../iec61499/management/request.js';

/** FORTE_PC's MGR_ID when a .sys gives none (the device type's initial value). */
export const DEFAULT_MGR_ID = 'localhost:61499';

/** The FB an EMB_RES holds by its type: the IDE never creates it (it is the resource's). */
const RESOURCE_TYPE_FBS = new Map([['START', 'E_RESTART']]);

export interface PlannedRequest {
  /** '' for the device, else the resource */
  destination: string;
  action: 'CREATE' | 'WRITE' | 'START' | 'KILL' | 'DELETE' | 'QUERY';
  /** the element inside <Request>, '' for none */
  inner: string;
  /** what it does, for reports: `CREATE FB CY (E_CYCLE)` */
  what: string;
}

export interface ResourcePlan {
  name: string;
  type: string;
  /** CREATE of the resource, at device level */
  create: PlannedRequest;
  /** resource parameters, FBs, FB parameters, connections: in the IDE's order */
  network: PlannedRequest[];
  start: PlannedRequest;
}

export interface ManagementAddress {
  host: string;
  port: number;
}

export interface DevicePlan {
  name: string;
  address: ManagementAddress;
  /** where the address came from: its MGR_ID, --map, or FORTE_PC's default */
  addressFrom: 'MGR_ID' | '--map' | 'default';
  resources: ResourcePlan[];
}

/** `host:port`, `[v6]:port`; undefined when it is not one (a port 1-65535). */
export function parseAddress(text: string): ManagementAddress | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2]!, port };
}

export function formatAddress(a: ManagementAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** MGR_ID as 4diac writes it: a STRING literal, "localhost:61499" or 'localhost:61499', or bare. */
function mgrIdText(value: string): string {
  const v = value.trim();
  return /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v;
}

const attr = escapeXml;

function req(destination: string, action: PlannedRequest['action'], inner: string, what: string): PlannedRequest {
  return { destination, action, inner, what };
}

/**
 * The plan for one device: its address (`--map` first, then MGR_ID) and each resource's
 * requests. What cannot be sent (a bad MGR_ID, a subapplication) is a diagnostic at its line.
 */
export function planDevice(device: DeviceDeclaration, mapped: ManagementAddress | undefined, diagnostics: Diagnostic[]): DevicePlan {
  let address: ManagementAddress | undefined = mapped;
  let addressFrom: DevicePlan['addressFrom'] = '--map';
  if (!address) {
    const p = device.parameters.find((q) => q.name === 'MGR_ID');
    addressFrom = p ? 'MGR_ID' : 'default';
    address = parseAddress(p ? mgrIdText(p.value) : DEFAULT_MGR_ID);
    if (!address) {
      diagnostics.push(diagnostic('E4012', `device ${device.name}: MGR_ID ${p!.value} is not host:port (give the address with --map ${device.name}=host:port)`, p!.range ?? device.range));
      address = { host: '', port: 0 };
    }
  }
  const resources = device.resources.map((r): ResourcePlan => {
    const res = r.name;
    const network: PlannedRequest[] = [];
    for (const p of r.parameters) {
      network.push(req('', 'WRITE', `<Connection Source="${attr(p.value)}" Destination="${attr(`${res}.${p.name}`)}" />`, `WRITE ${res}.${p.name} := ${p.value}`));
    }
    const fbs = r.network.fbs.filter((fb) => RESOURCE_TYPE_FBS.get(fb.name) !== fb.type);
    for (const fb of fbs) {
      if (fb.inlineSubApp) {
        const range = fb.range ?? device.range;
        diagnostics.push(diagnostic('E4013', `subapplication ${fb.name} in ${device.name}.${res}: vplc deploy sends networks of FBs, not subapplications (not yet)`, range));
        continue;
      }
      network.push(req(res, 'CREATE', `<FB Name="${attr(fb.name)}" Type="${attr(fb.type)}" />`, `CREATE FB ${fb.name} (${fb.type})`));
      for (const p of fb.parameters) {
        network.push(req(res, 'WRITE', `<Connection Source="${attr(p.value)}" Destination="${attr(`${fb.name}.${p.name}`)}" />`, `WRITE ${fb.name}.${p.name} := ${p.value}`));
      }
    }
    const n = r.network;
    for (const c of [...n.eventConnections, ...n.dataConnections, ...n.adapterConnections]) {
      network.push(req(res, 'CREATE', `<Connection Source="${attr(c.source)}" Destination="${attr(c.destination)}" />`, `CREATE connection ${c.source} → ${c.destination}`));
    }
    return {
      name: res,
      type: r.type,
      create: req('', 'CREATE', `<FB Name="${attr(res)}" Type="${attr(r.type)}" />`, `CREATE resource ${res} (${r.type})`),
      network,
      start: req(res, 'START', '', `START ${res}`),
    };
  });
  return { name: device.name, address, addressFrom, resources };
}

/** The IDE's requests when a resource of that name exists: KILL it, then DELETE it (device level). */
export function replaceRequests(resource: string): [PlannedRequest, PlannedRequest] {
  return [
    req('', 'KILL', `<FB Name="${attr(resource)}" Type="" />`, `KILL ${resource}`),
    req('', 'DELETE', `<FB Name="${attr(resource)}" Type="" />`, `DELETE ${resource}`),
  ];
}

/** The IDE's first request: which resources the device holds. */
export const QUERY_RESOURCES: PlannedRequest = req('', 'QUERY', '<FB Name="*" Type="*" />', 'QUERY resources');

/** Resource names in a device's answer to QUERY_RESOURCES (`<FB name="RES" type="EMB_RES"/>`; FORTE writes them lower-case). */
export function resourceNames(answer: string): string[] {
  return [...answer.matchAll(/<FB\s+[^>]*?\bname="([^"]*)"/gi)].map((m) => m[1]!);
}
