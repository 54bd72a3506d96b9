import type { Code } from '../diagnostics/registry.js';
import type { SourceRange } from '../source.js';
import type { FbTypeDeclaration, InterfaceList } from './model.js';

/**
 * The data the phases of NetworkBuilder hand each other. A connection end is a node
 * 'FB.path|PORT' ('Comp.inner|adp.EVENT' for an adapter's element; '|PORT' is a pin of the
 * resource itself); FB paths are dotted through composites and subapplications.
 */

/** An FB the runtime executes: basic, simple or service (composites are flattened away). */
export interface Leaf {
  path: string;
  decl: FbTypeDeclaration;
  /** marked RETAIN, itself or an enclosing composite or subapplication instance */
  retain?: boolean;
  range?: SourceRange;
  /** generic port (its name, 'IN1') → the concrete type it is bound to */
  bindings: Map<string, string>;
}

/** An adapter connection between two nodes, before it is known to join two leaves. */
export interface AdapterEdge {
  a: string;
  b: string;
  range?: SourceRange;
}

/** Directed connections between nodes, data and events alike, with where each was written. */
export interface ConnectionGraph {
  /** source node → destination nodes */
  edges: Map<string, string[]>;
  /** data destination node → its one source node */
  reverse: Map<string, string>;
  /** 'source>destination' → the range of the connection */
  edgeRange: Map<string, SourceRange | undefined>;
}

/** Result of flattening: leaves, the pins of composites, every connection and parameter. */
export interface FlatNetwork {
  leaves: Map<string, Leaf>;
  /** composite and subapplication instances by path: their interface, whose ports are pass-through pins */
  pins: Map<string, InterfaceList>;
  graph: ConnectionGraph;
  /** 'FB.path|PORT' → a parameter written on that port (of a leaf or of a pin) */
  params: Map<string, { value: string; range?: SourceRange }>;
  adapterEdges: AdapterEdge[];
}

/** Reports a diagnostic at `range`, or at the start of `fallbackFile` when it has none. */
export type Report = (code: Code, message: string, range: SourceRange | undefined, fallbackFile: string) => void;

/** The FB path and port of a node. */
export function splitNode(node: string): [string, string] {
  const bar = node.indexOf('|');
  return bar < 0 ? [node, ''] : [node.slice(0, bar), node.slice(bar + 1)];
}

/** A node as the user writes it: 'FB.PORT'. */
export const showNode = (node: string): string => node.replace('|', '.').replace(/^\./, '');

export function addEdge(graph: ConnectionGraph, source: string, destination: string, range: SourceRange | undefined): void {
  let list = graph.edges.get(source);
  if (!list) graph.edges.set(source, (list = []));
  list.push(destination);
  graph.edgeRange.set(`${source}>${destination}`, range);
}
