/**
 * Console benchmark: what the web console costs the scan. A 1 ms task (200 INT variables, a
 * timer) runs on the real clock alone, then with the console serving five live pages
 * (overview, determinism, variables twice, process image) to five streaming clients, the
 * rounds alternating; start lateness and execution time of each phase from the task's own
 * histograms, the phase without the console as the baseline.
 * Run: npx tsx test/bench/console.ts [--seconds 10]
 */
import { request } from 'node:http';
import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import type { Application } from '../../compiler/application.js';
import { Engine } from '../../runtime/engine/engine.js';
import { startConsole, type ConsoleEndpoint } from '../../runtime/console/server.js';
import type { DurationSummary } from '../../runtime/metrics/snapshot.js';
import { markdown, median, type BenchResult } from './report.js';

function program(): Application {
  const decls = Array.from({ length: 200 }, (_, i) => `  v${i} : INT;`).join('\n');
  const body = Array.from({ length: 200 }, (_, i) => `v${i} := v${i} + ${(i % 7) + 1};`).join('\n');
  const src = `PROGRAM Main\nVAR\n${decls}\n  t : TON;\n  lamp AT %QX0.0 : BOOL;\nEND_VAR\n${body}\nt(IN := NOT t.Q, PT := T#100ms);\nIF t.Q THEN lamp := NOT lamp; END_IF;\nEND_PROGRAM\nCONFIGURATION C\n  RESOURCE R ON PLC\n    TASK T1(INTERVAL := T#1ms, PRIORITY := 1);\n    PROGRAM Main WITH T1 : Main;\n  END_RESOURCE\nEND_CONFIGURATION\n`;
  const r = compileSources([new SourceFile('console-bench.st', src)]);
  if (!r.application) throw new Error('the benchmark program does not compile');
  return r.application;
}

/** A browser's share of the work: log in, then read one page's stream until told to stop. */
async function client(web: ConsoleEndpoint, page: string, counts: number[], k: number): Promise<() => void> {
  const cookie = await new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, method: 'POST', path: '/api/login', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(String(res.headers['set-cookie']).split(';')[0]!);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ username: 'bench', password: 'bench' }));
  });
  const req = request({ host: '127.0.0.1', port: web.port, path: `/api/stream?page=${page}`, headers: { cookie } }, (res) => {
    res.on('data', (d: Buffer) => {
      // what a page does with an update: parse it
      for (const m of d.toString().matchAll(/^data: (.*)$/gm)) {
        JSON.parse(m[1]!);
        counts[k]!++;
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return () => req.destroy();
}

async function phase(app: Application, seconds: number, withConsole: boolean): Promise<{ lateness: DurationSummary; exec: DurationSummary; updates: number }> {
  const engine = await Engine.start(app, { clock: 'real' });
  let web: ConsoleEndpoint | undefined;
  const stops: (() => void)[] = [];
  const counts = [0, 0, 0, 0, 0];
  if (withConsole) {
    web = await startConsole({ port: 0, app, engine, devices: () => [], config: { users: [{ username: 'bench', password: 'bench', role: 'operator' }], sessionMinutes: 60 } });
    const pages = ['overview', 'determinism', 'variables', 'variables', 'image'];
    for (let k = 0; k < pages.length; k++) stops.push(await client(web, pages[k]!, counts, k));
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const m = engine.metrics().tasks['T1']!;
  for (const s of stops) s();
  await web?.close();
  await engine.stop();
  return { lateness: m.latenessUs, exec: m.execUs, updates: counts.reduce((a, b) => a + b, 0) };
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const i = argv.indexOf('--seconds');
  const seconds = i >= 0 ? Number(argv[i + 1]) : 10;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds needs a positive number');
  const app = program();
  const alone: Awaited<ReturnType<typeof phase>>[] = [];
  const served: Awaited<ReturnType<typeof phase>>[] = [];
  for (let round = 0; round < 2; round++) {
    alone.push(await phase(app, seconds, false));
    served.push(await phase(app, seconds, true));
    const a = alone.at(-1)!;
    const s = served.at(-1)!;
    console.log(`round ${round + 1}: lateness p50/p99/p99.9/max µs alone ${a.lateness.p50}/${a.lateness.p99}/${a.lateness.p999}/${a.lateness.max}, with 5 console clients ${s.lateness.p50}/${s.lateness.p99}/${s.lateness.p999}/${s.lateness.max} (${s.updates} updates)`);
  }
  const fig = (name: string, pick: (p: Awaited<ReturnType<typeof phase>>) => number, unit = 'µs') => {
    const value = median(served.map(pick));
    const base = median(alone.map(pick));
    return { name, value, unit, baseline: { name: 'same task, no console', value: base }, ratio: base > 0 ? value / base : NaN };
  };
  return {
    bench: 'console',
    title: 'Web console: the scan with five live pages open',
    figures: [
      fig('1 ms task lateness p50, 5 console clients', (p) => p.lateness.p50),
      fig('1 ms task lateness p99, 5 console clients', (p) => p.lateness.p99),
      fig('1 ms task lateness p99.9, 5 console clients', (p) => p.lateness.p999),
      fig('1 ms task lateness max, 5 console clients', (p) => p.lateness.max),
      fig('1 ms task execution time p99, 5 console clients', (p) => p.exec.p99),
    ],
    notes: [`Two rounds of ${seconds} s alone then ${seconds} s with the console (5 streams: overview, determinism, variables ×2, image; updates every 250 ms), medians of the rounds. Updates received with the console: ${served.map((s) => s.updates).join(', ')}.`],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (r) => console.log('\n' + markdown([r])),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
