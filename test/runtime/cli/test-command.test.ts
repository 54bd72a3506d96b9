import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCommand } from '../../../runtime/cli/test.js';
import { captureCli } from '../../support/cli-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'vplc-test-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => captureCli(testCommand, args);

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

write(
  'counter.st',
  `FUNCTION_BLOCK Debounce
VAR_INPUT raw : BOOL; END_VAR
VAR_OUTPUT q : BOOL; END_VAR
VAR t : TON; END_VAR
t(IN := raw, PT := T#50ms);
q := t.Q;
END_FUNCTION_BLOCK

FUNCTION Scale : REAL
VAR_INPUT x : INT; END_VAR
Scale := INT_TO_REAL(x) / 10.0;
END_FUNCTION
`,
);

describe('vplc test', () => {
  it('runs every TEST_ program with the sources beside it and reports passes', async () => {
    const f = write(
      'good.test.st',
      `PROGRAM TEST_DebounceWaits
VAR d : Debounce; END_VAR
d(raw := TRUE);
ADVANCE(T#40ms);
d(raw := TRUE);
ASSERT_FALSE(d.q);
ADVANCE(T#10ms);
d(raw := TRUE);
ASSERT_TRUE(d.q);
END_PROGRAM

PROGRAM TEST_Scale
ASSERT_NEAR(Scale(123), 12.3, 0.0001);
ASSERT_EQ(TASK_TIME(), T#0s);
ASSERT_EQ(ADVANCE(T#1m), T#1m);
ASSERT_NE(Scale(1), 0.0);
END_PROGRAM
`,
    );
    const junit = join(dir, 'good.xml');
    const r = await run([f, '--junit', junit]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok +TEST_DebounceWaits \(2 assertions/);
    expect(r.out).toMatch(/ok +TEST_Scale \(4 assertions/);
    expect(r.out.trim().split('\n').at(-1)).toBe('2 passed, 0 failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="vplc test" tests="2" failures="0"');
    expect(xml).toMatch(/<testcase name="TEST_Scale" classname="[^"]*good\.test\.st"/);
  });

  it('reports each failed assertion with its line and exits 1', async () => {
    const f = write(
      'bad.test.st',
      `PROGRAM TEST_Fails
VAR d : Debounce; n : INT := 3; END_VAR
d(raw := TRUE);
ADVANCE(T#10ms);
d(raw := TRUE);
ASSERT_TRUE(d.q);
ASSERT_EQ(n, 4);
ASSERT_EQ(d.t.ET, T#20ms);
END_PROGRAM

PROGRAM TEST_Passes
ASSERT_TRUE(TRUE);
END_PROGRAM

PROGRAM TEST_Faults
VAR a : INT := 0; END_VAR
a := 10 / a;
END_PROGRAM
`,
    );
    const junit = join(dir, 'bad.xml');
    const r = await run([f, '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL TEST_Fails/);
    expect(r.out).toMatch(/bad\.test\.st:6: ASSERT_TRUE: the condition is FALSE/);
    expect(r.out).toMatch(/bad\.test\.st:7: ASSERT_EQ: got 3, expected 4/);
    expect(r.out).toMatch(/bad\.test\.st:8: ASSERT_EQ: got T#10ms, expected T#20ms/);
    expect(r.out).toMatch(/ok +TEST_Passes/);
    expect(r.out).toMatch(/FAIL TEST_Faults[\s\S]*fault: .*DIVISION_BY_ZERO|FAIL TEST_Faults[\s\S]*fault: .*division/i);
    expect(r.out.trim().split('\n').at(-1)).toBe('1 passed, 2 failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="3" failures="2"');
    expect(xml).toMatch(/<failure message="[^"]*bad\.test\.st:6: ASSERT_TRUE/);
  });

  it('runs only the tests --filter selects', async () => {
    const f = join(dir, 'bad.test.st');
    const r = await run([f, '--filter', '^TEST_Pass']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('prints compile errors as diagnostics and exits 1', async () => {
    const f = write('broken.test.st', 'PROGRAM TEST_Broken\nASSERT_EQ(undefinedThing, 1);\nEND_PROGRAM\n');
    const r = await run([f]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.test\.st:2:\d+: error E\d+: .*undefinedThing/);
  });

  it('rejects wrong usage with 64', async () => {
    expect((await run([])).code).toBe(64);
    expect((await run([join(dir, 'counter.st')])).code).toBe(64);
    expect((await run(['x.test.st', '--bogus'])).code).toBe(64);
  });

  it('runs the samples\' ST tests', async () => {
    const sample = (p: string) => new URL(`../../../samples/${p}`, import.meta.url).pathname;
    const r = await run([sample('traffic-light/traffic_light.test.st'), sample('tank-level/tank_level.test.st')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/7 passed, 0 failed/);
  });
});
