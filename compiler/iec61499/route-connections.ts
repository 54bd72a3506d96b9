import type { SourceRange } from '../source.js';
import type { Connection, Parameter } from './model.js';
import type { TypeLibrary } from './library.js';
import type { ResourceDeclaration } from './system-reader.js';
import { adapterData, expandedEvents } from './fb-interface.js';
import { splitNode, type FlatNetwork, type Report } from './network-graph.js';

/** Longest chain of pins a data connection is followed through (composites nest this deep). */
const MAX_HOPS = 64;

/**
 * Phase 4a: event connections from leaf to leaf, followed from each leaf's event output
 * through composite pins (an output may fan out to several inputs).
 */
export function routeEvents(lib: TypeLibrary, flat: FlatNetwork, bad: ReadonlySet<string>): Connection[] {
  const { leaves, graph } = flat;
  const out: Connection[] = [];
  for (const leaf of leaves.values()) {
    const ev = expandedEvents(lib, leaf.decl);
    if (!ev) continue;
    for (const eo of ev.outputs) {
      const seen = new Set<string>();
      const walk = (n: string, firstRange: SourceRange | undefined): void => {
        for (const d of graph.edges.get(n) ?? []) {
          if (bad.has(`${n}>${d}`) || seen.has(d)) continue;
          seen.add(d);
          const r = firstRange ?? graph.edgeRange.get(`${n}>${d}`);
          const [p, port] = splitNode(d);
          if (leaves.has(p)) {
            const c: Connection = { source: { fb: leaf.path, port: eo.name }, destination: { fb: p, port } };
            if (r) c.range = r;
            out.push(c);
          } else walk(d, r);
        }
      };
      walk(`${leaf.path}|${eo.name}`, undefined);
    }
  }
  return out;
}

export interface RoutedData {
  dataConnections: Connection[];
  parameters: Parameter[];
}

/**
 * Phase 4b: data connections and parameters, followed back from each leaf input to a leaf
 * output, collecting parameters written on the pins on the way; then the resource's own
 * parameters (a .fboot WRITE, a .sys Parameter on 'FB.PORT').
 */
export function routeData(lib: TypeLibrary, flat: FlatNetwork, bad: ReadonlySet<string>, res: ResourceDeclaration, file: string, report: Report): RoutedData {
  const { leaves, graph, params } = flat;
  const dataConnections: Connection[] = [];
  const parameters: Parameter[] = [];
  // a WRITE on a composite's input is a value on its pin, reaching the inner inputs behind it
  const leafParameters = res.parameters.filter((pr) => {
    const { fb, port } = splitTarget(pr.name);
    const pin = flat.pins.get(fb);
    if (leaves.has(fb) || !pin?.inputVars.some((v) => v.name === port)) return true;
    const v: { value: string; range?: SourceRange } = { value: pr.value };
    if (pr.range) v.range = pr.range;
    params.set(`${fb}|${port}`, v);
    return false;
  });
  for (const leaf of leaves.values()) {
    const adapterInputs = adapterData(lib, leaf.decl).inputs.map((name) => ({ name }));
    for (const v of [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars, ...adapterInputs]) {
      let n = `${leaf.path}|${v.name}`;
      const direct = params.get(n);
      if (direct) {
        const p: Parameter = { fb: leaf.path, port: v.name, value: direct.value };
        if (direct.range) p.range = direct.range;
        parameters.push(p);
      }
      // the connection is reported where it reaches this input (the user's level of the network)
      let firstRange: SourceRange | undefined;
      for (let hops = 0; hops < MAX_HOPS; hops++) {
        const s = graph.reverse.get(n);
        if (!s || bad.has(`${s}>${n}`)) break;
        firstRange ??= graph.edgeRange.get(`${s}>${n}`);
        const [p, port] = splitNode(s);
        if (leaves.has(p)) {
          const c: Connection = { source: { fb: p, port }, destination: { fb: leaf.path, port: v.name } };
          if (firstRange) c.range = firstRange;
          dataConnections.push(c);
          break;
        }
        const pv = params.get(s);
        if (pv) {
          const prm: Parameter = { fb: leaf.path, port: v.name, value: pv.value };
          if (pv.range) prm.range = pv.range;
          parameters.push(prm);
        }
        n = s;
      }
    }
  }
  for (const pr of leafParameters) {
    // an RMT_RES's own input: the address of its management server, which only `vplc device` opens
    if (pr.name === 'MGR_ID' && /^RMT_RES$/i.test(res.type)) continue;
    const { fb, port } = splitTarget(pr.name);
    const leaf = leaves.get(fb);
    if (!leaf || ![...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars].some((v) => v.name === port)) {
      report('E4012', `${pr.name} is not a data input of an FB`, pr.range, file);
      continue;
    }
    const p: Parameter = { fb, port, value: pr.value };
    if (pr.range) p.range = pr.range;
    parameters.push(p);
  }
  return { dataConnections, parameters };
}

/** 'FB.path.PORT' → the FB path and the port. */
function splitTarget(name: string): { fb: string; port: string } {
  const dot = name.lastIndexOf('.');
  return { fb: name.slice(0, dot), port: name.slice(dot + 1) };
}
