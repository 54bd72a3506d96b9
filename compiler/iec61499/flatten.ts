import type { SourceRange } from '../source.js';
import type { FbNetworkDeclaration, FbTypeDeclaration } from './model.js';
import type { TypeLibrary } from './library.js';
import type { ResourceDeclaration } from './system-reader.js';
import { addEdge, type AdapterEdge, type FlatNetwork, type Leaf, type Report } from './network-graph.js';

const EMPTY_NETWORK: FbNetworkDeclaration = { fbs: [], eventConnections: [], dataConnections: [], adapterConnections: [] };

/**
 * Phase 1: the resource's network with composites and subapplications expanded. Their inner
 * FBs become leaves named 'Comp.inner'; their interface ports stay as pins that connections
 * pass through (routed later). An EMB_RES resource gets its START (E_RESTART) FB.
 */
export function flattenResource(lib: TypeLibrary, res: ResourceDeclaration, file: string, report: Report): FlatNetwork {
  const flat: FlatNetwork = {
    leaves: new Map(),
    pins: new Map(),
    graph: { edges: new Map(), reverse: new Map(), edgeRange: new Map() },
    params: new Map(),
    adapterEdges: [],
  };
  const { leaves, pins, graph, params, adapterEdges } = flat;

  const addFb = (path: string, decl: FbTypeDeclaration, range: SourceRange | undefined, retain: boolean): void => {
    if (leaves.has(path) || pins.has(path)) {
      report('E4009', `FB ${path} is declared twice`, range, file);
      return;
    }
    if (decl.kind === 'composite' || decl.kind === 'subapp') {
      pins.set(path, decl.interface);
      expand(path, decl.network ?? EMPTY_NETWORK, decl.file, retain);
    } else {
      const leaf: Leaf = { path, decl, bindings: new Map() };
      if (range) leaf.range = range;
      if (retain) leaf.retain = true;
      leaves.set(path, leaf);
    }
  };

  const expand = (prefix: string, net: FbNetworkDeclaration, netFile: string, retain: boolean): void => {
    const local = new Set<string>();
    for (const fb of net.fbs) {
      const path = prefix ? `${prefix}.${fb.name}` : fb.name;
      local.add(fb.name);
      let decl: FbTypeDeclaration | undefined;
      if (fb.inlineSubApp) {
        decl = { name: fb.name, kind: 'subapp', file: netFile, interface: fb.inlineSubApp.interface, internalVars: [], states: [], transitions: [], algorithms: [], network: fb.inlineSubApp.network };
      } else {
        decl = lib.fbType(fb.type);
        if (!decl) {
          report('E4003', `unknown FB type ${fb.type} (FB ${path})`, fb.range, netFile);
          continue;
        }
        if (decl.kind === 'adapter') {
          report('E4003', `${fb.type} is an adapter type, not an FB type`, fb.range, netFile);
          continue;
        }
      }
      addFb(path, decl, fb.range, retain || fb.retain === true);
      for (const p of fb.parameters) {
        const v: { value: string; range?: SourceRange } = { value: p.value };
        if (p.range) v.range = p.range;
        params.set(`${path}|${p.name}`, v);
      }
    }
    if (prefix === '' && leaves.has('START')) local.add('START');
    // an endpoint 'A.X' names inner FB A (possibly 'A.adp.X'); anything else is a pin of the enclosing FB
    const node = (end: string): string => {
      const parts = end.split('.');
      for (let cut = parts.length - 1; cut >= 1; cut--) {
        const name = parts.slice(0, cut).join('.');
        if (local.has(name)) return `${prefix ? `${prefix}.` : ''}${name}|${parts.slice(cut).join('.')}`;
      }
      return `${prefix}|${end}`;
    };
    const isAdapterEnd = (n: string): boolean => {
      const [path, port] = n.split('|') as [string, string];
      const i = leaves.get(path)?.decl.interface ?? pins.get(path);
      return !!i && [...i.plugs, ...i.sockets].some((a) => a.name === port);
    };
    for (const c of [...net.eventConnections, ...net.dataConnections]) {
      const s = node(c.source);
      const d = node(c.destination);
      if (isAdapterEnd(s) && isAdapterEnd(d)) {
        // boot files list adapter connections among the others
        const e: AdapterEdge = { a: s, b: d };
        if (c.range) e.range = c.range;
        adapterEdges.push(e);
        continue;
      }
      if (graph.reverse.has(d) && !net.eventConnections.includes(c)) {
        report('E4005', `data input ${c.destination} has more than one connection`, c.range, netFile);
      }
      addEdge(graph, s, d, c.range);
      graph.reverse.set(d, s);
    }
    for (const c of net.adapterConnections) {
      const e: AdapterEdge = { a: node(c.source), b: node(c.destination) };
      if (c.range) e.range = c.range;
      adapterEdges.push(e);
    }
  };

  // RMT_RES is an EMB_RES with a management server of its own (served by `vplc device` only)
  if (/^(EMB_RES|RMT_RES)$/i.test(res.type) || res.type === '') {
    const restart = lib.fbType('E_RESTART');
    if (restart) addFb('START', restart, undefined, false);
  }
  expand('', res.network, file, false);
  return flat;
}
