import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../runtime/cli/run.js';
import { testCommand } from '../../../runtime/cli/test.js';
import { captureCli } from '../../support/cli-capture.js';
import { fbXml as fb, connectionXml as c } from '../../support/system-xml.js';

const dir = mkdtempSync(join(tmpdir(), 'vplc-systest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = captureCli;

/** A check chain: START.COLD → B (BOOL2BOOL with IN) → T (TEST_CONDITION) → next. */
function resource(name: string, fbs: string[], events: string[], data: string[]): string {
  return `<Resource Name="${name}" Type="EMB_RES"><FBNetwork>${fbs.join('')}
<EventConnections>${events.join('')}</EventConnections><DataConnections>${data.join('')}</DataConnections></FBNetwork></Resource>`;
}

const SYS = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Checks">
<Application Name="A"><SubAppNetwork/></Application>
<Device Name="DuT" Type="FORTE_PC">
${resource('SoftPass',
  [fb('MUX', 'F_MUX_2', { K: 'UINT#2' }), fb('B', 'BOOL2BOOL'), fb('N', 'F_NOT'), fb('NOT_ZERO', 'TEST_CONDITION'), fb('END', 'STEST_END')],
  [c('START.COLD', 'MUX.REQ'), c('MUX.CNF', 'B.REQ'), c('B.CNF', 'N.REQ'), c('N.CNF', 'NOT_ZERO.REQ'), c('NOT_ZERO.CNF', 'END.REQ')],
  [c('MUX.OUT', 'B.IN'), c('B.OUT', 'N.IN'), c('N.OUT', 'NOT_ZERO.check')])}
${resource('Fail',
  [fb('B1', 'BOOL2BOOL', { IN: 'FALSE' }), fb('B2', 'BOOL2BOOL', { IN: 'TRUE' }), fb('SHOULD_FAIL', 'TEST_CONDITION'), fb('SHOULD_PASS', 'TEST_CONDITION')],
  [c('START.COLD', 'B1.REQ'), c('B1.CNF', 'SHOULD_FAIL.REQ'), c('SHOULD_FAIL.CNF', 'B2.REQ'), c('B2.CNF', 'SHOULD_PASS.REQ')],
  [c('B1.OUT', 'SHOULD_FAIL.check'), c('B2.OUT', 'SHOULD_PASS.check')])}
${resource('Param',
  [fb('D', 'DINT2DINT', { IN: '%value%' }), fb('EQ', 'F_EQ', { IN2: 'DINT#42' }), fb('IS_42', 'TEST_CONDITION')],
  [c('START.COLD', 'D.REQ'), c('D.CNF', 'EQ.REQ'), c('EQ.CNF', 'IS_42.REQ')],
  [c('D.OUT', 'EQ.IN1'), c('EQ.OUT', 'IS_42.check')])}
</Device>
</System>
`;
const sys = join(dir, 'checks.sys');
writeFileSync(sys, SYS);

describe('system tests from the command line', () => {
  it('vplc run --json reports the verdict of every TEST_CONDITION; F_MUX_2 out of range passes as on FORTE', async () => {
    const r = await cli(runCommand, [sys, '--virtual-time', '--duration', '10ms', '--json', '--param', 'value=42']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { tests: Record<string, { passed: number; failed: number }> };
    expect(out.tests).toEqual({
      'DuT.SoftPass.NOT_ZERO': { passed: 1, failed: 0 },
      'DuT.Fail.SHOULD_FAIL': { passed: 0, failed: 1 },
      'DuT.Fail.SHOULD_PASS': { passed: 1, failed: 0 },
      'DuT.Param.IS_42': { passed: 1, failed: 0 },
    });
  });

  it('vplc run reports the same verdicts on the real clock, each resource in its worker thread', async () => {
    const r = await cli(runCommand, [sys, '--duration', '50ms', '--json', '--param', 'value=42']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { tests: Record<string, { passed: number; failed: number }> };
    expect(out.tests['DuT.Fail.SHOULD_FAIL']).toEqual({ passed: 0, failed: 1 });
    expect(out.tests['DuT.SoftPass.NOT_ZERO']).toEqual({ passed: 1, failed: 0 });
  });

  it('vplc run prints N passed, M failed; --param fills %name% placeholders', async () => {
    const r = await cli(runCommand, [sys, '--virtual-time', '--duration', '10ms', '--param', 'value=41']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').at(-1)).toBe('2 passed, 2 failed');
  });

  it('an unfilled placeholder is a compile error at its line, a malformed --param wrong usage', async () => {
    const r = await cli(runCommand, [sys, '--virtual-time', '--duration', '10ms']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/checks\.sys:\d+:\d+: error E4012: .*'%value%'/);
    expect((await cli(runCommand, [sys, '--virtual-time', '--duration', '10ms', '--param', 'oops'])).code).toBe(64);
  });

  it('vplc test app.sys: each TEST_CONDITION a test, exit 1 on a failure, JUnit report', async () => {
    const junit = join(dir, 'out.xml');
    const r = await cli(testCommand, [sys, '--param', 'value=42', '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/ok {3}DuT\.SoftPass\.NOT_ZERO/);
    expect(r.out).toMatch(/FAIL DuT\.Fail\.SHOULD_FAIL/);
    expect(r.out).toMatch(/checks\.sys:\d+: check was FALSE 1 of 1 times/);
    expect(r.out.trim().split('\n').at(-1)).toBe('3 passed, 1 failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/tests="4" failures="1"/);
    expect(xml).toMatch(/<testcase name="DuT.Fail.SHOULD_FAIL"[^>]*>\s*<failure/);
  });

  it('vplc test app.sys exits 0 when every TEST_CONDITION passes', async () => {
    const ok = join(dir, 'ok.sys');
    writeFileSync(ok, SYS.replace(/\$\{[^}]*\}/g, '').replace(/<Resource Name="Fail"[\s\S]*?<\/Resource>/, ''));
    const r = await cli(testCommand, [ok, '--param', 'value=42']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').at(-1)).toBe('2 passed, 0 failed');
  });
});
