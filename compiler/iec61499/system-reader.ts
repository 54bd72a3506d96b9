import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRange } from '../source.js';
import { diagnostic } from '../diagnostics/registry.js';
import type { FbInstanceDeclaration, FbNetworkDeclaration, ParameterDeclaration } from './model.js';
import { TypeReader } from './type-reader.js';
import { child, children, parseXml, type XmlElement } from './xml.js';

/** A resource as declared in a .sys or built by a boot file, before flattening. */
export interface ResourceDeclaration {
  device?: string;
  name: string;
  type: string;
  network: FbNetworkDeclaration;
  /** WRITE requests / parameters on resource-level ports */
  parameters: ParameterDeclaration[];
  /** START requests of a boot file; a .sys starts every resource */
  start: boolean;
}

/** A device of a .sys: its parameters (MGR_ID, the address of its management port) and resources. */
export interface DeviceDeclaration {
  name: string;
  type: string;
  parameters: ParameterDeclaration[];
  resources: ResourceDeclaration[];
  range: SourceRange;
}

/**
 * Read a .sys System: devices and their resources (the FB network mapped onto each resource
 * is the one the 4diac IDE writes inside <Resource><FBNetwork>). Applications are read for the
 * networks of the untyped subapplications mapped into a resource: what runs is what the
 * resources hold.
 */
export function readSystem(path: string, text: string, diagnostics: Diagnostic[]): ResourceDeclaration[] {
  return readSystemDevices(path, text, diagnostics).flatMap((d) => d.resources);
}

/** The devices of a .sys with their resources, as readSystem reads them. */
export function readSystemDevices(path: string, text: string, diagnostics: Diagnostic[]): DeviceDeclaration[] {
  const x = parseXml(path, text);
  if (!x.ok) {
    diagnostics.push(diagnostic('E4001', x.message, { file: path, line: x.line, col: x.col, endLine: x.line, endCol: x.col }));
    return [];
  }
  const r = new TypeReader(x.file, diagnostics);
  if (x.root.name !== 'System') {
    diagnostics.push(diagnostic('E4002', `<${x.root.name}> is not a 4diac System`, r.range(x.root)));
    return [];
  }
  const applications = new Map(children(x.root, 'Application').map((a) => [a.attrs.Name ?? '', r.network(child(a, 'SubAppNetwork'))]));
  const mappings = new Map(children(x.root, 'Mapping').map((m) => [m.attrs.To ?? '', m]));
  const used = new Set<XmlElement>();
  const out: DeviceDeclaration[] = [];
  for (const dev of children(x.root, 'Device')) {
    const device = r.attr(dev, 'Name');
    const resources: ResourceDeclaration[] = [];
    out.push({
      name: device,
      type: dev.attrs.Type ?? '',
      parameters: children(dev, 'Parameter').map((p) => ({ name: r.attr(p, 'Name'), value: r.attr(p, 'Value'), range: r.range(p) })),
      resources,
      range: r.range(dev),
    });
    for (const res of children(dev, 'Resource')) {
      const name = r.attr(res, 'Name');
      const network = r.network(child(res, 'FBNetwork'));
      for (const fb of network.fbs) {
        // 4diac writes a mapped untyped subapplication into the resource as its interface only:
        // its network is the one in the application it is mapped from
        const sub = fb.inlineSubApp;
        const m = mappings.get(`${device}.${name}.${fb.name}`);
        if (!sub || sub.network.fbs.length > 0 || !m) continue;
        const from = subApplication(applications, m.attrs.From ?? '');
        if (!from) continue;
        fb.inlineSubApp = from;
        used.add(m);
      }
      resources.push({
        device,
        name,
        type: res.attrs.Type ?? 'EMB_RES',
        network,
        parameters: children(res, 'Parameter').map((p) => ({ name: r.attr(p, 'Name'), value: r.attr(p, 'Value'), range: r.range(p) })),
        start: true,
      });
    }
  }
  for (const m of children(x.root, 'Mapping')) {
    if (used.has(m)) continue;
    diagnostics.push(diagnostic('W4001', `mapping ${m.attrs.From ?? ''} → ${m.attrs.To ?? ''} is taken from the resource's network`, r.range(m)));
  }
  return out;
}

/** The untyped subapplication 'Application.Sub(.Inner…)' of a system's applications. */
function subApplication(applications: Map<string, FbNetworkDeclaration>, path: string): FbInstanceDeclaration['inlineSubApp'] {
  const [app, ...names] = path.split('.');
  let network = applications.get(app ?? '');
  let found: FbInstanceDeclaration['inlineSubApp'];
  for (const n of names) {
    found = network?.fbs.find((f) => f.name === n)?.inlineSubApp;
    network = found?.network;
  }
  return found;
}

/**
 * Read a FORTE boot file: one request per line, `<resource>;<Request ID=".." Action="..">…`
 * (an empty resource name addresses the device: CREATE of a resource).
 */
export function readBootFile(path: string, text: string, diagnostics: Diagnostic[]): ResourceDeclaration[] {
  const resources = new Map<string, ResourceDeclaration>();
  const get = (name: string): ResourceDeclaration => {
    let r = resources.get(name);
    if (!r) {
      r = { name, type: 'EMB_RES', network: { fbs: [], eventConnections: [], dataConnections: [], adapterConnections: [] }, parameters: [], start: false };
      resources.set(name, r);
    }
    return r;
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, k) => {
    const line = k + 1;
    if (raw.trim() === '') return;
    const semi = raw.indexOf(';');
    const bad = (msg: string) =>
      diagnostics.push(diagnostic('E4008', msg, { file: path, line, col: 1, endLine: line, endCol: raw.length + 1 }));
    if (semi < 0) return bad('expected `resource;<Request …>`');
    const resName = raw.slice(0, semi).trim();
    const xml = raw.slice(semi + 1);
    const x = parseXml(path, xml);
    if (!x.ok) {
      // the request's own column: after `resource;`
      const col = semi + 1 + (x.line === 1 ? x.col : 1);
      diagnostics.push(diagnostic('E4008', `malformed request: ${x.message}`, { file: path, line, col, endLine: line, endCol: col }));
      return;
    }
    const req = x.root;
    if (req.name !== 'Request') return bad(`expected <Request>, found <${req.name}>`);
    const action = (req.attrs.Action ?? '').toUpperCase();
    const range = (el: { offset: number }) => ({ file: path, line, col: semi + 2 + el.offset, endLine: line, endCol: semi + 2 + el.offset });
    const fbEl = child(req, 'FB');
    const conn = child(req, 'Connection');
    if (resName === '') {
      // device-level: CREATE resource, START resource
      if (action === 'CREATE' && fbEl) {
        const r = get(fbEl.attrs.Name ?? '');
        r.type = fbEl.attrs.Type ?? 'EMB_RES';
      } else if (action === 'START' && fbEl?.attrs.Name) get(fbEl.attrs.Name).start = true;
      else if (action === 'START') for (const r of resources.values()) r.start = true;
      else if (action !== 'KILL' && action !== 'DELETE') bad(`unsupported device request ${action}`);
      return;
    }
    const res = get(resName);
    if (action === 'CREATE' && fbEl) {
      if (!fbEl.attrs.Name || !fbEl.attrs.Type) return bad('CREATE FB needs Name and Type');
      res.network.fbs.push({ name: fbEl.attrs.Name, type: fbEl.attrs.Type, parameters: [], range: range(fbEl) });
    } else if (action === 'CREATE' && conn) {
      if (!conn.attrs.Source || !conn.attrs.Destination) return bad('CREATE Connection needs Source and Destination');
      // kind decided when the ports are known; kept together in eventConnections
      res.network.eventConnections.push({ source: conn.attrs.Source, destination: conn.attrs.Destination, range: range(conn) });
    } else if (action === 'WRITE' && conn) {
      if (conn.attrs.Source === undefined || !conn.attrs.Destination) return bad('WRITE needs Source (the value) and Destination');
      res.parameters.push({ name: conn.attrs.Destination, value: conn.attrs.Source, range: range(conn) });
    } else if (action === 'START') {
      res.start = true;
    } else {
      bad(`unsupported request ${action}${fbEl ? ' FB' : conn ? ' Connection' : ''}`);
    }
  });
  return [...resources.values()].filter((r) => r.name !== '');
}
