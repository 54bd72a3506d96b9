import type { TypeLibrary } from './library.js';
import { adapterData, expandedEvents } from './fb-interface.js';
import { showNode, splitNode, type FlatNetwork, type Report } from './network-graph.js';

type PortKind = 'event-in' | 'event-out' | 'data-in' | 'data-out' | 'data-inout' | 'pin';

/** The kind of port a node is, or undefined when its FB or port does not exist. */
function portKind(lib: TypeLibrary, flat: FlatNetwork, n: string): PortKind | undefined {
  const [path, port] = splitNode(n);
  const leaf = flat.leaves.get(path);
  if (leaf) {
    const ev = expandedEvents(lib, leaf.decl);
    if (ev && ev.inputs.some((e) => e.name === port)) return 'event-in';
    if (ev && ev.outputs.some((e) => e.name === port)) return 'event-out';
    const i = leaf.decl.interface;
    // an InOut is both: its input side takes a connection, its output side passes the value on
    if (i.inOutVars.some((v) => v.name === port)) return 'data-inout';
    if (i.inputVars.some((v) => v.name === port)) return 'data-in';
    if (i.outputVars.some((v) => v.name === port)) return 'data-out';
    const ad = adapterData(lib, leaf.decl);
    if (ad.inputs.includes(port)) return 'data-in';
    if (ad.outputs.includes(port)) return 'data-out';
    return undefined;
  }
  const i = flat.pins.get(path);
  if (!i) return undefined;
  const names = [...i.eventInputs, ...i.eventOutputs, ...i.inputVars, ...i.outputVars, ...i.inOutVars].map((x) => x.name);
  for (const a of [...i.plugs, ...i.sockets]) {
    const at = lib.fbType(a.type);
    if (at) for (const x of [...at.interface.eventInputs, ...at.interface.eventOutputs, ...at.interface.inputVars, ...at.interface.outputVars]) names.push(`${a.name}.${x.name}`);
  }
  return names.includes(port) ? 'pin' : undefined;
}

const joinsIncompatible = (s: PortKind, d: PortKind): boolean =>
  s === 'event-in' || s === 'data-in' || d === 'event-out' || d === 'data-out' ||
  (s === 'event-out' && (d === 'data-in' || d === 'data-inout')) || ((s === 'data-out' || s === 'data-inout') && d === 'event-in');

/**
 * Phase 3: every connection's ends against the interfaces. Returns the connections that are
 * wrong ('source>destination'), reported once here and left out of routing.
 */
export function validateConnections(lib: TypeLibrary, flat: FlatNetwork, file: string, report: Report): Set<string> {
  const bad = new Set<string>();
  for (const [s, ds] of flat.graph.edges) {
    for (const d of ds) {
      const sk = portKind(lib, flat, s);
      const dk = portKind(lib, flat, d);
      const r = flat.graph.edgeRange.get(`${s}>${d}`);
      if (!sk || !dk) {
        report('E4005', `connection ${showNode(s)} → ${showNode(d)}: ${!sk ? showNode(s) : showNode(d)} does not exist`, r, file);
        bad.add(`${s}>${d}`);
      } else if (joinsIncompatible(sk, dk)) {
        report('E4005', `connection ${showNode(s)} → ${showNode(d)} joins incompatible ports`, r, file);
        bad.add(`${s}>${d}`);
      }
    }
  }
  return bad;
}
