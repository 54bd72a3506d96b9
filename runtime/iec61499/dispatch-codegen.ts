import type { RuntimeFbType } from '../../compiler/iec61499/model.js';

/**
 * Compiles a resource's event dispatch to JavaScript: one function per FB instance that
 * samples the WITH data of the arriving event and runs the ECC (or the simple FB's algorithm,
 * or the native block), with every output event's connections unrolled into pushes on the
 * resource's FIFO ring. The generated closure allocates nothing while it runs.
 */

export interface DispatchFb {
  index: number;
  type: RuntimeFbType;
  /** JS property of each data variable on the instance */
  prop(name: string): string;
}

export interface DispatchNetwork {
  fbs: DispatchFb[];
  /** event connections by (fb, event output index): destination (fb, event input index) */
  eventTargets(fb: number, eo: number): { fb: number; ei: number }[];
  /**
   * source of a data input: an FB variable, or the storage cell an InOut chain shares
   * (IO[cell]); undefined when unconnected
   */
  dataSource(fb: number, input: string): DataPlace | undefined;
  /**
   * For a structured (STRUCT, ARRAY) value copied from `source` to `destination`: the index
   * of its in-place copy function in the copier table C; undefined for a scalar (assignment copies)
   */
  copier(destination: DataPlace, source: DataPlace): number | undefined;
  /** InOut variables published with an event output: each is written back to its chain's cell */
  inOutWrites(fb: number, eo: number): { variable: string; cell: number }[];
}

/**
 * Where a value lives: an FB instance's variable, or an InOut chain's storage cell. A source
 * read through a connection between two types has the conversion ('§' is its value).
 */
export type DataPlace = { fb: number; variable: string; convert?: string } | { cell: number };

/** What the generated code returns. */
export interface Dispatcher {
  /** queue an event (target id = eventBase[fb] + ei) */
  push(id: number): void;
  /**
   * deliver queued events until the queue is empty, or `limit` events were delivered (an
   * endless chain then yields with events still queued); returns events delivered
   */
  run(limit?: number): number;
  /** events delivered since creation */
  count(): number;
  /** drop every queued event */
  clear(): void;
  /** number of queued events */
  pending(): number;
  /** the event at the head of the queue (target id), -1 when empty */
  head(): number;
  /** the tail position, to drop later pushes with truncate(mark) */
  mark(): number;
  truncate(mark: number): void;
  /** the head position: with mark(), what a dispatcher generated anew goes on from (seed) */
  cursor(): number;
  /** take over the queue of a dispatcher this one replaces: head, tail (Q is shared) */
  seed(head: number, tail: number): void;
}

/** Largest number of ECC transitions one event may cause before it counts as an endless loop. */
export const MAX_TRANSITIONS_PER_EVENT = 100_000;

const member = (s: string): string => (/^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`);
/** A property access; 'adp.DT' (adapter data) is a path into the adapter's struct. */
const ident = (s: string): string => s.split('.').map(member).join('');

export interface GeneratedDispatch {
  code: string;
  eventBase: number[];
  /** with counting: the pin of each event counter, 'FB' index and name, inputs first (by target id), then outputs */
  pins: { fb: number; event: string }[];
  /** with counting: the counter of each FB's first event output */
  outputBase: number[];
}

/**
 * With `counting`, the code also counts every event per pin, as 4diac's monitoring shows them:
 * E[2k] the events that passed pin k (delivered to an event input; sent by an event output,
 * connected or not) and E[2k + 1] the resource time (R.timeNs) of the last one. Without it the
 * code is exactly the code of an unwatched resource: counting costs nothing until asked for.
 */
export function generateDispatch(net: DispatchNetwork, counting = false): GeneratedDispatch {
  const out: string[] = [];
  const eventBase: number[] = [];
  const outputBase: number[] = [];
  const pins: { fb: number; event: string }[] = [];
  let nextId = 0;
  for (const fb of net.fbs) {
    eventBase[fb.index] = nextId;
    nextId += Math.max(fb.type.events.inputs.length, 0);
    for (const ev of fb.type.events.inputs) pins.push({ fb: fb.index, event: ev.name });
  }
  for (const fb of net.fbs) {
    outputBase[fb.index] = pins.length;
    for (const ev of fb.type.events.outputs) pins.push({ fb: fb.index, event: ev.name });
  }
  const count = (pin: number): string => (counting ? `E[${2 * pin}]++; E[${2 * pin + 1}] = R.timeNs; ` : '');
  out.push('"use strict";');
  out.push('const M = Q.length - 1; let h = 0, t = 0, n = 0;');
  out.push('function overflow() { h = t = 0; throw new EventQueueOverflow(); }');
  for (const fb of net.fbs) out.push(`const o${fb.index} = F[${fb.index}];`);

  const place = (p: DataPlace): string => ('cell' in p ? `IO[${p.cell}]` : `o${p.fb}${ident(net.fbs[p.fb]!.prop(p.variable))}`);
  const assign = (dst: DataPlace, src: DataPlace): string => {
    const c = net.copier(dst, src);
    // structured values are copied into the destination's own storage: sampled, not aliased
    if (c !== undefined) return `C[${c}](${place(dst)}, ${place(src)});`;
    const value = 'convert' in src && src.convert !== undefined ? src.convert.split('§').join(place(src)) : place(src);
    return `${place(dst)} = ${value};`;
  };
  const pushes = (fb: DispatchFb, eo: number, indent: string): string[] => [
    ...(counting ? [`${indent}${count(outputBase[fb.index]! + eo).trimEnd()}`] : []),
    // an InOut published with the event passes its value back along its chain (FORTE's writeOutputData)
    ...net.inOutWrites(fb.index, eo).map((w) => `${indent}${assign({ cell: w.cell }, { fb: fb.index, variable: w.variable })}`),
    ...net.eventTargets(fb.index, eo).map(
      (d) => `${indent}Q[t] = ${eventBase[d.fb]! + d.ei}; t = (t + 1) & M; if (t === h) overflow();`,
    ),
  ];

  for (const fb of net.fbs) {
    const i = fb.index;
    const o = `o${i}`;
    const type = fb.type;
    const lines: string[] = [];
    // WITH sampling: read the connected outputs now
    const samplingFor = (ei: number): string[] => {
      const stmts: string[] = [];
      for (const v of type.events.inputs[ei]!.with) {
        const src = net.dataSource(i, v);
        if (src) stmts.push(assign({ fb: i, variable: v }, src));
      }
      return stmts;
    };
    if (type.implementation.kind !== 'basic') {
      lines.push(`function f${i}(e) {`);
      const sampling: string[] = [];
      type.events.inputs.forEach((_ev, ei) => {
        const stmts = samplingFor(ei);
        if (stmts.length) sampling.push(`    case ${ei}: ${stmts.join(' ')} break;`);
      });
      if (sampling.length) lines.push('  switch (e) {', ...sampling, '  }');
    }
    const impl = type.implementation;
    if (impl.kind === 'native') {
      lines.push(`  ${o}.$event(e);`);
    } else if (impl.kind === 'simple') {
      lines.push('  switch (e) {');
      type.events.inputs.forEach((ev, ei) => {
        lines.push(`    case ${ei}:`);
        if (type.algorithms.includes(ev.name)) lines.push(`      ${o}.$m_ALG_${ev.name.toUpperCase()}();`);
        const eo = type.events.outputs.findIndex((x) => x.name === ev.name) >= 0 ? type.events.outputs.findIndex((x) => x.name === ev.name) : ei;
        if (eo < type.events.outputs.length) lines.push(...pushes(fb, eo, '      '));
        lines.push('      break;');
      });
      lines.push('  }');
    } else {
      // the arriving event is known per function, so the first pass of the ECC is specialised
      // to it; later passes (the event is consumed) use only event-less transitions
      const stateIndex = new Map(type.states.map((s, k) => [s.name, k]));
      const actions = (dest: number, indent: string): string[] => {
        const a: string[] = [];
        for (const act of type.states[dest]!.actions) {
          if (act.algorithm) a.push(`${indent}${o}.$m_ALG_${act.algorithm.toUpperCase()}();`);
          if (act.output) {
            const eo = type.events.outputs.findIndex((x) => x.name === act.output);
            if (eo >= 0) a.push(...pushes(fb, eo, indent));
          }
        }
        return a;
      };
      // After a transition the next state is known statically: its event-less transitions are
      // unrolled (a few levels deep), so a chain like START →CU→ CU →1→ START costs one state write.
      const enter = (dest: number, indent: string, depth: number): string[] => {
        const c: string[] = [...actions(dest, indent)];
        if (depth >= 4) return [...c, `${indent}S[${i}] = ${dest}; settle${i}(); return;`];
        for (const [ti, tr] of type.transitions.entries()) {
          if (tr.source !== type.states[dest]!.name || tr.event !== undefined) continue;
          const g = type.guardMethods[ti];
          const next = stateIndex.get(tr.destination)!;
          if (!g) return [...c, ...enter(next, indent, depth + 1)];
          c.push(`${indent}if (${o}.$m_${g.toUpperCase()}()) {`, ...enter(next, `${indent}  `, depth + 1), `${indent}}`);
        }
        return [...c, `${indent}S[${i}] = ${dest}; return;`];
      };
      const pass = (ei: number, indent: string, onFire: string, onNone: string): string[] => {
        const p: string[] = [];
        p.push(`${indent}switch (S[${i}]) {`);
        type.states.forEach((s, si) => {
          const cases: string[] = [];
          for (const [ti, tr] of type.transitions.entries()) {
            if (tr.source !== s.name) continue;
            if (tr.event !== undefined && (ei < 0 || type.events.inputs.findIndex((x) => x.name === tr.event) !== ei)) continue;
            const g = type.guardMethods[ti];
            const dest = stateIndex.get(tr.destination)!;
            const body = onFire === 'enter' ? enter(dest, `${indent}      `, 0) : [`${indent}      S[${i}] = ${dest};`, ...actions(dest, `${indent}      `), `${indent}      ${onFire}`];
            if (!g) { cases.push(...body.map((l) => l.slice(2))); break; }
            cases.push(`${indent}    if (${o}.$m_${g.toUpperCase()}()) {`, ...body, `${indent}    }`);
          }
          if (cases.length) p.push(`${indent}  case ${si}:`, ...cases, `${indent}    ${onNone}`);
        });
        p.push(`${indent}}`);
        p.push(`${indent}${onNone}`);
        return p;
      };
      type.events.inputs.forEach((_ev, ei) => {
        lines.push(`function f${i}_${ei}() {`);
        for (const st of samplingFor(ei)) lines.push(`  ${st}`);
        lines.push(...pass(ei, '  ', 'enter', 'return;'));
        lines.push('}');
      });
      lines.push(`function settle${i}() {`);
      lines.push('  for (let k = 0; ; ) {');
      lines.push(`    if (++k > ${MAX_TRANSITIONS_PER_EVENT}) eccLoop(${i});`);
      lines.push(...pass(-1, '    ', 'continue;', 'return;'));
      lines.push('  }');
    }
    lines.push('}');
    out.push(...lines);
    if (impl.kind === 'native') {
      const cases: string[] = [];
      type.events.outputs.forEach((_ev, eo) => {
        const p = pushes(fb, eo, '    ');
        if (p.length) cases.push(`  case ${eo}:`, ...p, '    break;');
      });
      out.push(`${o}.$emit = function (eo) {`, cases.length ? '  switch (eo) {' : '', ...cases, cases.length ? '  }' : '', '};');
    }
  }
  // the slice is counted down in a local (a register); n, shared with count(), is settled
  // once per run: cheaper than a compare against n per event
  out.push('const CHUNK = 1073741823;');
  out.push('function run(limit) {');
  out.push('  const start = n;');
  out.push('  let left = 0;');
  out.push('  try {');
  out.push('    do {');
  out.push('      left = limit === undefined || limit > CHUNK ? CHUNK : limit;');
  out.push('      n += left;');
  out.push('      while (h !== t && left !== 0) {');
  out.push('        left--;');
  out.push('        const id = Q[h]; h = (h + 1) & M;');
  out.push('        switch (id) {');
  for (const fb of net.fbs) {
    const basic = fb.type.implementation.kind === 'basic';
    fb.type.events.inputs.forEach((_ev, ei) =>
      out.push(`          case ${eventBase[fb.index]! + ei}: ${count(eventBase[fb.index]! + ei)}${basic ? `f${fb.index}_${ei}()` : `f${fb.index}(${ei})`}; break;`));
  }
  out.push('        }');
  out.push('      }');
  out.push('      n -= left;');
  out.push('      left = 0;');
  out.push('    } while (h !== t && limit === undefined);');
  out.push('  } finally {');
  out.push('    n -= left;');
  out.push('  }');
  out.push('  return n - start;');
  out.push('}');
  out.push('return {');
  out.push('  push(id) { Q[t] = id; t = (t + 1) & M; if (t === h) overflow(); },');
  out.push('  run,');
  out.push('  count() { return n; },');
  out.push('  clear() { h = t = 0; },');
  out.push('  pending() { return (t - h) & M; },');
  out.push('  head() { return h !== t ? Q[h] : -1; },');
  out.push('  mark() { return t; },');
  out.push('  truncate(m) { t = m; },');
  out.push('  cursor() { return h; },');
  out.push('  seed(head, tail) { h = head; t = tail; },');
  out.push('};');
  return { code: out.join('\n'), eventBase, pins: counting ? pins : [], outputBase: counting ? outputBase : [] };
}
