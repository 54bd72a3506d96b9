import type { AdapterConnection } from './model.js';
import type { TypeLibrary } from './library.js';
import { addEdge, splitNode, type AdapterEdge, type FlatNetwork, type Report } from './network-graph.js';

/**
 * Phase 2: adapter connections that end on a composite's or subapplication's adapter pin are
 * split into one event or data connection per element of the adapter type (plug → socket for
 * its outputs, socket → plug for its inputs), so that they chain with the connections inside
 * or outside the composite like any pin (4diac's E_TimeOut wires its socket's START to an
 * E_DELAY). Adds those to the graph; returns the adapter connections between two leaves.
 */
export function routeAdaptersThroughPins(lib: TypeLibrary, flat: FlatNetwork, file: string, report: Report): AdapterEdge[] {
  const { leaves, pins, graph } = flat;
  const direct: AdapterEdge[] = [];
  // which side of the adapter a connection end plays, and the adapter type
  const role = (n: string, other: string): { plug: boolean; type: string } | undefined => {
    const [path, port] = splitNode(n);
    const i = leaves.get(path)?.decl.interface ?? pins.get(path);
    if (!i) return undefined;
    const plug = i.plugs.find((a) => a.name === port);
    const sock = i.sockets.find((a) => a.name === port);
    const decl = plug ?? sock;
    if (!decl) return undefined;
    // seen from inside a composite, its socket pin acts as a plug and its plug pin as a socket
    const inside = pins.has(path) && other.startsWith(`${path}.`);
    return { plug: !!plug !== inside, type: decl.type };
  };
  for (const e of flat.adapterEdges) {
    const [pa] = splitNode(e.a);
    const [pb] = splitNode(e.b);
    if (leaves.has(pa) && leaves.has(pb)) { direct.push(e); continue; }
    const ra = role(e.a, e.b);
    const rb = role(e.b, e.a);
    if (!ra || !rb || ra.plug === rb.plug) {
      report('E4005', `adapter connection ${e.a.replace('|', '.')} → ${e.b.replace('|', '.')}: expected a plug and a socket`, e.range, file);
      continue;
    }
    if (ra.type !== rb.type) {
      report('E4006', `adapter connection joins ${ra.type} and ${rb.type}`, e.range, file);
      continue;
    }
    const at = lib.fbType(ra.type);
    if (!at) continue;
    const [plug, sock] = ra.plug ? [e.a, e.b] : [e.b, e.a];
    const ai = at.interface;
    for (const x of ai.eventOutputs) addEdge(graph, `${plug}.${x.name}`, `${sock}.${x.name}`, e.range);
    for (const x of ai.eventInputs) addEdge(graph, `${sock}.${x.name}`, `${plug}.${x.name}`, e.range);
    for (const x of ai.outputVars) { addEdge(graph, `${plug}.${x.name}`, `${sock}.${x.name}`, e.range); graph.reverse.set(`${sock}.${x.name}`, `${plug}.${x.name}`); }
    for (const x of ai.inputVars) { addEdge(graph, `${sock}.${x.name}`, `${plug}.${x.name}`, e.range); graph.reverse.set(`${plug}.${x.name}`, `${sock}.${x.name}`); }
  }
  return direct;
}

/** Phase 5: adapter connections between two leaves, checked to join a plug and a socket of one adapter type. */
export function leafAdapterConnections(flat: FlatNetwork, edges: AdapterEdge[], file: string, report: Report): AdapterConnection[] {
  const out: AdapterConnection[] = [];
  for (const e of edges) {
    const [pa, pn] = splitNode(e.a);
    const [sa, sn] = splitNode(e.b);
    const pl = flat.leaves.get(pa);
    const sl = flat.leaves.get(sa);
    if (!pl || !sl) {
      report('E4013', 'adapter connections through composite or subapplication pins are not supported', e.range, file);
      continue;
    }
    const plug = pl.decl.interface.plugs.find((x) => x.name === pn);
    const sock = sl.decl.interface.sockets.find((x) => x.name === sn);
    if (!plug || !sock) {
      report('E4005', `adapter connection ${pa}.${pn} → ${sa}.${sn}: expected a plug and a socket`, e.range, file);
      continue;
    }
    if (plug.type !== sock.type) {
      report('E4006', `adapter connection joins ${plug.type} and ${sock.type}`, e.range, file);
      continue;
    }
    const ac: AdapterConnection = { plug: { fb: pa, port: pn }, socket: { fb: sa, port: sn } };
    if (e.range) ac.range = e.range;
    out.push(ac);
  }
  return out;
}
