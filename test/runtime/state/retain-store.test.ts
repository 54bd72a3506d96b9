import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Application } from '../../../compiler/application.js';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { restoreRetain } from '../../../runtime/engine/retain.js';
import { decodeRetainFile, encodeRetainFile } from '../../../runtime/state/retain-file.js';
import { planRestore, readLeaves, retainLeaves, toSaved } from '../../../runtime/state/retain-leaves.js';
import { RetainStore } from '../../../runtime/state/retain-store.js';
import { Persistence } from '../../../runtime/state/persistence.js';

function compile(text: string): Application {
  const r = compileSources([new SourceFile('retain.st', text)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.application;
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vplc-retain-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const PROGRAM = `
TYPE Pt : STRUCT x : INT; y : LREAL; END_STRUCT; END_TYPE
FUNCTION_BLOCK Pump
VAR RETAIN hours : UDINT; END_VAR
VAR running : BOOL; END_VAR
hours := hours + 1;
END_FUNCTION_BLOCK
VAR_GLOBAL RETAIN gTotal : LINT; END_VAR
PROGRAM Main
VAR_EXTERNAL gTotal : LINT; END_VAR
VAR RETAIN count : DINT; name : STRING[8]; p : Pt; arr : ARRAY[0..2] OF REAL; END_VAR
VAR PERSISTENT kept : TIME; END_VAR
VAR pump : Pump; pumps : ARRAY[1..2] OF Pump; scratch : INT; END_VAR
count := count + 1; name := 'abc'; p.x := 7; p.y := 0.25; arr[2] := 1.5; kept := kept + T#1s;
pump(); pumps[2](); gTotal := gTotal + 10000000000; scratch := scratch + 1;
END_PROGRAM
`;

describe('RETAIN leaves', () => {
  it('finds RETAIN and PERSISTENT variables in programs, globals and inside FB instances, and restores them by path and type', () => {
    const app = compile(PROGRAM);
    const model = app.resources[0]!;
    const leaves = retainLeaves(app, model);
    expect(leaves.map((l) => `${l.path}: ${l.signature}`)).toEqual([
      'Main.count: DINT',
      'Main.name: STRING[8]',
      'Main.p: Pt{x:INT;y:LREAL}',
      'Main.arr: ARRAY[0..2] OF REAL',
      'Main.kept: TIME',
      'Main.pump.hours: UDINT',
      'Main.pumps[1].hours: UDINT',
      'Main.pumps[2].hours: UDINT',
      'gTotal: LINT',
    ]);
    const runner = new ResourceRunner(app, model.name);
    runner.runCycles(3);
    const saved = toSaved(leaves, structuredClone(readLeaves(leaves, runner.instance)));
    // through the file format and back
    const g = decodeRetainFile(encodeRetainFile({ generation: 1, savedAt: 'now', application: app.name, resources: { [model.name]: saved } }));
    if ('error' in g) throw new Error(g.error);

    // the next version: count became LINT (not restored), scratch RETAIN now (fresh), pump kept
    const next = compile(PROGRAM.replace('count : DINT;', 'count : LINT;').replace('VAR pump : Pump; pumps : ARRAY[1..2] OF Pump; scratch : INT; END_VAR', 'VAR pump : Pump; pumps : ARRAY[1..2] OF Pump; END_VAR VAR RETAIN scratch : INT; END_VAR'));
    const plan = planRestore(next, next.resources[0]!, g.resources[model.name]!);
    expect(plan.dropped).toEqual([{ path: 'Main.count', reason: 'type changed (saved DINT, now LINT)' }]);
    expect(plan.fresh).toEqual(['Main.scratch']);
    const fresh = new ResourceRunner(next, model.name);
    restoreRetain(fresh.instance, plan.values);
    const m = fresh.instance.programs.Main as Record<string, any>;
    expect(m.count).toBe(0n);
    expect(m.name).toBe('abc');
    expect([m.p.x, m.p.y]).toEqual([7, 0.25]);
    expect(Array.from(m.arr)).toEqual([0, 0, 1.5]);
    expect(m.kept).toBe(3e9);
    expect(m.pump.hours).toBe(3);
    expect(m.pumps[0].hours).toBe(0);
    expect(m.pumps[1].hours).toBe(3);
    expect(m.pump.running).toBe(false);
    expect(fresh.instance.globals.gTotal).toBe(30000000000n);
  });
});

describe('retain files and the folder of generations', () => {
  const gen = (k: number) => ({ savedAt: 'now', application: 'A', resources: { R: [{ path: 'Main.k', type: 'LINT', value: BigInt(k) }, { path: 'Main.a', type: 'ARRAY[0..1] OF LREAL', value: Float64Array.of(k, NaN) }] } });

  it('keeps the two newest generations and reads the newest', async () => {
    const dir = tempDir();
    const store = new RetainStore(dir);
    for (let k = 1; k <= 5; k++) await store.save(gen(k));
    expect(readdirSync(dir).sort()).toEqual(['retain.000000000004.vrs', 'retain.000000000005.vrs']);
    const loaded = new RetainStore(dir).load();
    expect(loaded.skipped).toEqual([]);
    expect(loaded.generation?.generation).toBe(5);
    const [k, a] = loaded.generation!.resources.R!;
    expect(k!.value).toBe(5n);
    expect(a!.value).toBeInstanceOf(Float64Array);
    expect(Number.isNaN((a!.value as Float64Array)[1])).toBe(true);
  });

  it.each([
    ['truncated', (f: string) => truncateSync(f, 120), /truncated: \d+ of \d+ bytes/],
    ['with a flipped byte', (f: string) => {
      const b = readFileSync(f);
      b[b.length - 5] ^= 1;
      writeFileSync(f, b);
    }, /checksum mismatch/],
    ['of another format version', (f: string) => writeFileSync(f, readFileSync(f).toString('latin1').replace('VPLC-RETAIN 1 ', 'VPLC-RETAIN 9 '), 'latin1'), /format version 9, this vPLC reads 1/],
    ['empty', (f: string) => writeFileSync(f, ''), /no header/],
  ])('passes over a newest file %s, says why, and uses the generation before it', async (_what, damage, why) => {
    const dir = tempDir();
    const store = new RetainStore(dir);
    await store.save(gen(1));
    const newest = await store.save(gen(2));
    damage(newest);
    const again = new RetainStore(dir);
    const loaded = again.load();
    expect(loaded.generation?.generation).toBe(1);
    expect(loaded.skipped).toHaveLength(1);
    expect(loaded.skipped[0]!.file).toBe(newest);
    expect(loaded.skipped[0]!.reason).toMatch(why);
    // the next save does not reuse the damaged file's number
    expect(await again.save(gen(3))).toMatch(/retain\.000000000003\.vrs$/);
  });

  it('reports a restore at start: what came from which generation, what did not and why', async () => {
    const dir = tempDir();
    const app = compile(PROGRAM);
    const store = new RetainStore(dir);
    await store.save({ savedAt: 't1', application: app.name, reason: 'stop', resources: { Default: [{ path: 'Main.count', type: 'DINT', value: 41 }, { path: 'Main.old', type: 'INT', value: 1 }], Gone: [] } });
    writeFileSync(join(dir, 'retain.000000000002.vrs'), 'VPLC-RETAIN 1 999 00\n{');
    writeFileSync(join(dir, 'retain.000000000003.vrs.tmp'), 'half a save');
    const report = new Persistence(dir).restore(app);
    expect(report.generation).toBe(1);
    expect(report.restored).toBe(1);
    expect(report.initialValues.Default!.programs.Main).toEqual({ count: 41 });
    expect(report.lines[0]).toMatch(/retain\.000000000002\.vrs: not used: truncated: 1 of 999 bytes$/);
    expect(report.lines[1]).toMatch(/^restored 1 RETAIN value\(s\), warm, from .*retain\.000000000001\.vrs \(generation 1, saved t1 at stop\)$/);
    expect(report.lines).toContain('Default: Main.old: no such RETAIN variable in this version');
    expect(report.lines).toContain('Gone: no such resource in this version: its 0 saved values are not restored');
    expect(report.lines).toContain('Default: Main.pump.hours: no saved value, starts at its initial value');
    expect(readdirSync(dir)).not.toContain('retain.000000000003.vrs.tmp');
  });
});
