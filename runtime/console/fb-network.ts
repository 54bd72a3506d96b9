import type { Application } from '../../compiler/application.js';
import type { ResourceNetwork } from '../../compiler/iec61499/model.js';
import { resourceKey61499 } from '../engine/iec61499-resources.js';

/** A pin of a drawn FB: events first, then data, as 4diac draws them. */
export interface DrawnPin {
  name: string;
  kind: 'event' | 'data' | 'adapter';
  type?: string;
  /** y of the pin inside the block */
  y: number;
}

export interface DrawnFb {
  name: string;
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  inputs: DrawnPin[];
  outputs: DrawnPin[];
}

export interface DrawnConnection {
  kind: 'event' | 'data' | 'adapter';
  from: { fb: string; port: string };
  to: { fb: string; port: string };
}

/** One resource's FB network laid out for drawing: `key` is how its variables are keyed (Device.Resource or Resource). */
export interface DrawnNetwork {
  key: string;
  width: number;
  height: number;
  fbs: DrawnFb[];
  connections: DrawnConnection[];
}

const COLUMN = 260;
const BLOCK_WIDTH = 170;
const HEADER = 34;
const PIN = 16;
const GAP = 36;
const MARGIN = 30;

/**
 * The FB networks of an IEC 61499 application, laid out left to right: a .sys/.fboot carries
 * no positions the runtime keeps, so each FB goes in the column after the longest chain of
 * connections leading to it (feedback edges ignored), blocks stacked in each column.
 */
export function drawNetworks(app: Application): DrawnNetwork[] {
  return (app.iec61499?.resources ?? []).map((net) => drawNetwork(app, net));
}

function drawNetwork(app: Application, net: ResourceNetwork): DrawnNetwork {
  const types = app.iec61499!.types;
  const connections: DrawnConnection[] = [
    ...net.eventConnections.map((c) => ({ kind: 'event' as const, from: c.source, to: c.destination })),
    ...net.dataConnections.map((c) => ({ kind: 'data' as const, from: c.source, to: c.destination })),
    ...net.adapterConnections.map((c) => ({ kind: 'adapter' as const, from: c.plug, to: c.socket })),
  ];
  const names = net.fbs.map((f) => f.name);
  const layer = layers(names, connections);
  const columns = new Map<number, number>();
  const fbs: DrawnFb[] = net.fbs.map((fb) => {
    const t = types[fb.concreteType] ?? types[fb.type];
    const iface = t?.interface;
    const inputs: DrawnPin[] = [];
    const outputs: DrawnPin[] = [];
    if (iface) {
      for (const e of iface.eventInputs) inputs.push({ name: e.name, kind: 'event', y: 0 });
      for (const v of [...iface.inputVars, ...iface.inOutVars]) inputs.push({ name: v.name, kind: 'data', type: v.type, y: 0 });
      for (const s of iface.sockets) inputs.push({ name: s.name, kind: 'adapter', y: 0 });
      for (const e of iface.eventOutputs) outputs.push({ name: e.name, kind: 'event', y: 0 });
      for (const v of [...iface.outputVars, ...iface.inOutVars]) outputs.push({ name: v.name, kind: 'data', type: v.type, y: 0 });
      for (const p of iface.plugs) outputs.push({ name: p.name, kind: 'adapter', y: 0 });
    }
    inputs.forEach((p, i) => (p.y = HEADER + i * PIN + PIN / 2));
    outputs.forEach((p, i) => (p.y = HEADER + i * PIN + PIN / 2));
    const height = HEADER + Math.max(inputs.length, outputs.length, 1) * PIN + 8;
    const col = layer.get(fb.name) ?? 0;
    const y = columns.get(col) ?? MARGIN;
    columns.set(col, y + height + GAP);
    return { name: fb.name, type: fb.type, x: MARGIN + col * COLUMN, y, width: BLOCK_WIDTH, height, inputs, outputs };
  });
  const width = Math.max(...fbs.map((f) => f.x + f.width), 0) + MARGIN;
  const height = Math.max(...[...columns.values()], MARGIN) + MARGIN;
  return { key: resourceKey61499(app, net), width, height, fbs, connections };
}

/** Column of each FB: the longest path to it from an FB nothing leads to, over edges that do not close a cycle. */
function layers(names: string[], connections: DrawnConnection[]): Map<string, number> {
  const next = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]));
  for (const c of connections) if (c.from.fb !== c.to.fb && next.has(c.from.fb) && next.has(c.to.fb)) next.get(c.from.fb)!.add(c.to.fb);
  // drop feedback edges: depth-first from every FB in declaration order
  const state = new Map<string, number>();
  const forward = new Map<string, string[]>(names.map((n) => [n, []]));
  const visit = (n: string) => {
    state.set(n, 1);
    for (const m of next.get(n)!) {
      if (state.get(m) === 1) continue; // closes a cycle
      forward.get(n)!.push(m);
      if (!state.has(m)) visit(m);
    }
    state.set(n, 2);
  };
  for (const n of names) if (!state.has(n)) visit(n);
  const layer = new Map<string, number>(names.map((n) => [n, 0]));
  // longest path over a DAG: relax in topological order
  const indegree = new Map<string, number>(names.map((n) => [n, 0]));
  for (const ms of forward.values()) for (const m of ms) indegree.set(m, indegree.get(m)! + 1);
  const queue = names.filter((n) => indegree.get(n) === 0);
  while (queue.length) {
    const n = queue.shift()!;
    for (const m of forward.get(n)!) {
      layer.set(m, Math.max(layer.get(m)!, layer.get(n)! + 1));
      indegree.set(m, indegree.get(m)! - 1);
      if (indegree.get(m) === 0) queue.push(m);
    }
  }
  return layer;
}
