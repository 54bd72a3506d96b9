/**
 * What an online change costs the scan: the tank-level sample (10 ms task) runs on the real
 * clock and is changed online again and again (new PID gains and a new variable, then back),
 * beside the same program run as long without changes. Figures: the time a swap takes between
 * two scans, how late the release after a swap is (the swap runs right after a release, in
 * the gap before the next one: late only when it is longer than that gap), and the task's
 * start lateness p99.9 and max over the whole run with swaps beside the run without.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import type { Application } from '../../compiler/application.js';
import { Engine } from '../../runtime/engine/engine.js';
import { markdown, median, type BenchResult } from './report.js';

const TANK = fileURLToPath(new URL('../../samples/tank-level/tank_level.st', import.meta.url));

function compile(text: string): Application {
  const r = compileSources([new SourceFile('tank_level.st', text)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.application;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(apps: Application[], seconds: number, swaps: number): Promise<{ p999: number; max: number; swapUs: number[]; lateUs: number[] }> {
  const engine = await Engine.start(apps[0]!, { clock: 'real' });
  await sleep(500);
  const swapUs: number[] = [];
  const lateUs: number[] = [];
  const gap = (seconds * 1000) / Math.max(1, swaps);
  for (let k = 0; k < swaps; k++) {
    await sleep(gap);
    const r = (await engine.change(apps[(k + 1) % 2]!)).Controller!;
    if (!r.ok) throw new Error(r.error);
    swapUs.push(r.swapUs);
    lateUs.push(Math.max(0, -(r.slackUs ?? 0)));
  }
  if (swaps === 0) await sleep(seconds * 1000);
  const m = (await engine.stop()).metrics.tasks.Control!;
  return { p999: m.latenessUs.p999, max: m.latenessUs.max, swapUs, lateUs };
}

export async function main(argv: string[] = []): Promise<BenchResult> {
  const i = argv.indexOf('--seconds');
  const seconds = i >= 0 ? Number(argv[i + 1]) : 10;
  const swaps = Math.max(2, Math.round(seconds * 4));
  const v1 = readFileSync(TANK, 'utf8');
  const v2 = v1
    .replace('controller : PID := (kp := 2.0,', 'controller : PID := (kp := 4.0,')
    .replace('alarm : BOOL;\nEND_VAR', 'alarm : BOOL;\n  scans : UDINT;\nEND_VAR')
    .replace('alarm := lowAlarm.Q;', 'alarm := lowAlarm.Q;\nscans := scans + 1;');
  const apps = [compile(v1), compile(v2)];
  const still = await run(apps, seconds, 0);
  const changed = await run(apps, seconds, swaps);
  const late = changed.lateUs.filter((x) => x > 0);
  console.log(`without changes: lateness p99.9 ${still.p999.toFixed(0)} µs, max ${still.max.toFixed(0)} µs`);
  console.log(`with ${swaps} changes: lateness p99.9 ${changed.p999.toFixed(0)} µs, max ${changed.max.toFixed(0)} µs; swap median ${median(changed.swapUs).toFixed(0)} µs, max ${Math.max(...changed.swapUs).toFixed(0)} µs; ${late.length} release(s) after a swap late`);
  return {
    bench: 'online-change',
    title: 'Online change: the swap between two scans of the 10 ms tank-level task',
    figures: [
      { name: 'swap (new code loaded, state transferred), median', value: median(changed.swapUs), unit: 'µs', note: `max ${Math.max(...changed.swapUs).toFixed(0)} µs over ${swaps} changes` },
      {
        name: 'release after a swap: lateness the swap added, worst',
        value: Math.max(0, ...changed.lateUs),
        unit: 'µs',
        baseline: { name: 'task lateness p99.9 without changes', value: still.p999 },
        ratio: Math.max(0, ...changed.lateUs) / Math.max(1, still.p999),
        note: `${late.length} of ${swaps} releases after a swap late`,
      },
      { name: 'task lateness p99.9 with changes', value: changed.p999, unit: 'µs', baseline: { name: 'same, without changes', value: still.p999 }, ratio: changed.p999 / Math.max(1, still.p999) },
      { name: 'task lateness max with changes', value: changed.max, unit: 'µs', baseline: { name: 'same, without changes', value: still.max }, ratio: changed.max / Math.max(1, still.max) },
    ],
    notes: [`${seconds} s with ${swaps} online changes (alternating two versions) beside ${seconds} s without, one after the other in one process, real clock, default spin.`],
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
