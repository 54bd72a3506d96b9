/**
 * IEC 61499 event throughput: a ring of E_CTU and E_SWITCH fed back into itself (CUO → EI,
 * EO0 → CU, EO1 → R once CV reaches PV), and the same ring with eight E_SPLIT/E_MERGE
 * pass-throughs between CUO and EI. Prints events per second and the ratio to a hand-written
 * JavaScript loop doing the same counting, measured in this run. (4diac FORTE, C++: ~130M/s.)
 *
 *   npx tsx test/bench/events.ts [--ms 1000]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile61499 } from '../../compiler/iec61499/project.js';
import { compileSources } from '../../compiler/project.js';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { SystemRunner } from '../../runtime/iec61499/system-runner.js';
import { handWrittenCompiler } from '../runtime/iec61499/hand-written.js';
import { markdown, type BenchResult } from './report.js';

/** 4diac FORTE (C++) on a comparable ring, as published: not measured in this run */
const FORTE = 130e6;

function ringBoot(passThroughs: number): string {
  let id = 0;
  const req = (body: string, action = 'CREATE') => `RES;<Request ID="${++id}" Action="${action}">${body}</Request>`;
  const fb = (n: string, t: string) => req(`<FB Name="${n}" Type="${t}" />`);
  const c = (s: string, d: string) => req(`<Connection Source="${s}" Destination="${d}" />`);
  const lines = [fb('C', 'E_CTU'), fb('S', 'E_SWITCH')];
  let from = 'C.CUO';
  for (let k = 0; k < passThroughs; k++) {
    const name = `P${k}`;
    if (k % 2 === 0) {
      lines.push(fb(name, 'E_SPLIT'), c(from, `${name}.EI`));
      from = `${name}.EO1`;
    } else {
      lines.push(fb(name, 'E_MERGE'), c(from, `${name}.EI1`));
      from = `${name}.EO`;
    }
  }
  lines.push(c(from, 'S.EI'), c('C.Q', 'S.G'), c('S.EO0', 'C.CU'), c('S.EO1', 'C.R'));
  lines.push(req(`<Connection Source="65535" Destination="C.PV" />`, 'WRITE'));
  return lines.join('\n') + '\n';
}

function measure(passThroughs: number, minMs: number): { eventsPerSecond: number; events: number } {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-bench-'));
  const path = join(dir, 'ring.fboot');
  const text = ringBoot(passThroughs);
  writeFileSync(path, text);
  const r = compile61499([{ path, text }], { stCompiler: process.env.VPLC_BENCH_HAND_WRITTEN ? handWrittenCompiler() : (s) => compileSources(s) });
  if (!r.application) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  const runner = new SystemRunner(r.application);
  runner.runUntil(0);
  const res = runner.resources[0]!.resource;
  // one C.CU runs the ring for 65535 rounds; the reset at PV ends the chain
  const once = () => {
    const before = res.eventCount();
    res.fireEvent('C.CU');
    return res.eventCount() - before;
  };
  for (let k = 0; k < 20; k++) once(); // warm up the JIT
  // best of five windows: the machine is shared, the best window is the least disturbed
  let best = 0;
  let total = 0;
  for (let w = 0; w < 5; w++) {
    let events = 0;
    const t0 = process.hrtime.bigint();
    let ns = 0;
    while (ns < (minMs / 5) * 1e6) {
      events += once();
      ns = Number(process.hrtime.bigint() - t0);
    }
    total += events;
    best = Math.max(best, (events / ns) * 1e9);
  }
  return { eventsPerSecond: best, events: total };
}

/** The same counting as direct JavaScript calls: what a dispatch with no queue at all would cost. */
function baseline(minMs: number): number {
  let cv = 0;
  let q = false;
  const pv = 65535;
  let best = 0;
  for (let w = 0; w < 5; w++) {
    let events = 0;
    const t0 = process.hrtime.bigint();
    let ns = 0;
    while (ns < (minMs / 5) * 1e6) {
      for (let round = 0; round < 65536; round++) {
        events += 2;
        if (q) { cv = 0; q = false; } else if (cv < 65535) { cv = (cv + 1) & 0xffff; q = cv >= pv; }
      }
      ns = Number(process.hrtime.bigint() - t0);
    }
    best = Math.max(best, (events / ns) * 1e9);
  }
  if (cv < 0) console.log(cv); // keep the loop observable
  return best;
}

export function main(argv: string[] = []): BenchResult {
  const i = argv.indexOf('--ms');
  const minMs = i >= 0 ? Number(argv[i + 1]) : 1000;
  if (!Number.isFinite(minMs) || minMs <= 0) throw new Error('--ms needs a positive number');
  const base = baseline(minMs);
  const ring = measure(0, minMs);
  const ring8 = measure(8, minMs);
  const fmt = (x: number) => `${(x / 1e6).toFixed(1)}M events/s`;
  console.log(`61499 ring E_CTU+E_SWITCH:            ${fmt(ring.eventsPerSecond)}  (${(ring.eventsPerSecond / base).toFixed(2)}x of direct JS ${fmt(base)}, ${(ring.eventsPerSecond / FORTE).toFixed(2)}x of FORTE's ~130M)`);
  console.log(`61499 ring + 8 E_SPLIT/E_MERGE:       ${fmt(ring8.eventsPerSecond)}  (${(ring8.eventsPerSecond / base).toFixed(2)}x of direct JS, ${(ring8.eventsPerSecond / FORTE).toFixed(2)}x of FORTE's ~130M)`);
  const figure = (name: string, r: { eventsPerSecond: number; events: number }) => ({
    name,
    value: r.eventsPerSecond / 1e6,
    unit: 'M events/s',
    baseline: { name: 'direct JS calls, same counting', value: base / 1e6 },
    ratio: r.eventsPerSecond / base,
    note: `${r.events.toLocaleString('en-US')} events; ${(r.eventsPerSecond / FORTE).toFixed(2)}× of FORTE's published ~130M/s (not measured here)`,
  });
  return {
    bench: 'events',
    title: 'IEC 61499 event throughput',
    figures: [
      figure('ring E_CTU + E_SWITCH (event and data connections)', ring),
      figure('same ring + 8 E_SPLIT/E_MERGE pass-throughs', ring8),
    ],
    notes: [`Best of five windows of ${minMs / 5} ms each after warm-up; the ratio is against a hand-written JavaScript loop doing the same counting (2 events per round) in the same run: a dispatch with no queue at all.`],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log('\n' + markdown([main(process.argv.slice(2))]));
