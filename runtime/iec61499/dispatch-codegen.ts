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
  /** source of a data input: (fb, variable); undefined when unconnected */
  dataSource(fb: number, input: string): { fb: number; variable: string } | undefined;
  /** true when the variable's value is an object (struct, array) that must be copied, not shared */
  isStructured(fb: number, variable: string): boolean;
}

/** What the generated code returns. */
export interface Dispatcher {
  /** queue an event (target id = eventBase[fb] + ei) */
  push(id: number): void;
  /** deliver queued events until the queue is empty; returns events delivered */
  run(): number;
  /** events delivered since creation */
  count(): number;
  /** drop every queued event */
  clear(): void;
  /** number of queued events */
  pending(): number;
}

/** Largest number of ECC transitions one event may cause before it counts as an endless loop. */
export const MAX_TRANSITIONS_PER_EVENT = 100_000;

const ident = (s: string): string => (/^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`);

export interface GeneratedDispatch {
  code: string;
  eventBase: number[];
}

export function generateDispatch(net: DispatchNetwork): GeneratedDispatch {
  const out: string[] = [];
  const eventBase: number[] = [];
  let nextId = 0;
  for (const fb of net.fbs) {
    eventBase[fb.index] = nextId;
    nextId += Math.max(fb.type.events.inputs.length, 0);
  }
  out.push('"use strict";');
  out.push('const M = Q.length - 1; let h = 0, t = 0, n = 0;');
  out.push('function overflow() { h = t = 0; throw new EventQueueOverflow(); }');
  for (const fb of net.fbs) out.push(`const o${fb.index} = F[${fb.index}];`);

  const pushes = (fb: DispatchFb, eo: number, indent: string): string[] =>
    net.eventTargets(fb.index, eo).map(
      (d) => `${indent}Q[t] = ${eventBase[d.fb]! + d.ei}; t = (t + 1) & M; if (t === h) overflow();`,
    );

  for (const fb of net.fbs) {
    const i = fb.index;
    const o = `o${i}`;
    const type = fb.type;
    const lines: string[] = [];
    lines.push(`function f${i}(e) {`);
    // WITH sampling: read the connected outputs now
    const sampling: string[] = [];
    type.events.inputs.forEach((ev, ei) => {
      const stmts: string[] = [];
      for (const v of ev.with) {
        const src = net.dataSource(i, v);
        if (!src) continue;
        const srcFb = net.fbs[src.fb]!;
        const rhs = `o${src.fb}${ident(srcFb.prop(src.variable))}`;
        stmts.push(`${o}${ident(fb.prop(v))} = ${net.isStructured(i, v) ? `copy(${rhs})` : rhs};`);
      }
      if (stmts.length) sampling.push(`    case ${ei}: ${stmts.join(' ')} break;`);
    });
    if (sampling.length) lines.push('  switch (e) {', ...sampling, '  }');
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
      const stateIndex = new Map(type.states.map((s, k) => [s.name, k]));
      lines.push(`  let k = 0;`);
      lines.push(`  for (;;) {`);
      lines.push(`    switch (S[${i}]) {`);
      type.states.forEach((s, si) => {
        lines.push(`      case ${si}:`);
        type.transitions.forEach((tr, ti) => {
          if (tr.source !== s.name) return;
          const conds: string[] = [];
          if (tr.event !== undefined) conds.push(`e === ${type.events.inputs.findIndex((x) => x.name === tr.event)}`);
          const g = type.guardMethods[ti];
          if (g) conds.push(`${o}.$m_${g.toUpperCase()}()`);
          const dest = stateIndex.get(tr.destination)!;
          lines.push(`        if (${conds.length ? conds.join(' && ') : 'true'}) {`);
          lines.push(`          S[${i}] = ${dest};`);
          for (const a of type.states[dest]!.actions) {
            if (a.algorithm) lines.push(`          ${o}.$m_ALG_${a.algorithm.toUpperCase()}();`);
            if (a.output) {
              const eo = type.events.outputs.findIndex((x) => x.name === a.output);
              if (eo >= 0) lines.push(...pushes(fb, eo, '          '));
            }
          }
          lines.push(`          e = -1; if (++k > ${MAX_TRANSITIONS_PER_EVENT}) eccLoop(${i}); continue;`);
          lines.push('        }');
        });
        lines.push('        break;');
      });
      lines.push('    }');
      lines.push('    return;');
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
  out.push('function run() {');
  out.push('  const start = n;');
  out.push('  while (h !== t) {');
  out.push('    const id = Q[h]; h = (h + 1) & M; n++;');
  out.push('    switch (id) {');
  for (const fb of net.fbs) {
    fb.type.events.inputs.forEach((_ev, ei) => out.push(`      case ${eventBase[fb.index]! + ei}: f${fb.index}(${ei}); break;`));
  }
  out.push('    }');
  out.push('  }');
  out.push('  return n - start;');
  out.push('}');
  out.push('return {');
  out.push('  push(id) { Q[t] = id; t = (t + 1) & M; if (t === h) overflow(); },');
  out.push('  run,');
  out.push('  count() { return n; },');
  out.push('  clear() { h = t = 0; },');
  out.push('  pending() { return (t - h) & M; },');
  out.push('};');
  return { code: out.join('\n'), eventBase };
}
