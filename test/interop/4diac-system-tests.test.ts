import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../runtime/cli/run.js';
import { captureCli } from '../support/cli-capture.js';

const SYSTEM_TESTS = fileURLToPath(new URL('../../../shared/fixtures/4diac/SystemTests', import.meta.url));
const present = existsSync(SYSTEM_TESTS);
if (!present) console.warn(`4diac SystemTests not found at ${SYSTEM_TESTS}: system-test interop skipped`);

const vplcRun = (args: string[]) => captureCli(runCommand, args);

const fb = (name: string, type: string, params: Record<string, string> = {}) =>
  `<FB Name="${name}" Type="${type}">${Object.entries(params).map(([k, v]) => `<Parameter Name="${k}" Value="${v}"/>`).join('')}</FB>`;
const c = (s: string, d: string) => `<Connection Source="${s}" Destination="${d}"/>`;
const resource = (name: string, fbs: string[], events: string[], data: string[]) =>
  `<Resource Name="${name}" Type="EMB_RES"><FBNetwork>${fbs.join('')}<EventConnections>${events.join('')}</EventConnections><DataConnections>${data.join('')}</DataConnections></FBNetwork></Resource>`;

/**
 * The resources of 4diac's SystemTests project that need no communication blocks, as the
 * project maps them to its device (Hard_Pass_Example, Soft_Pass_Example, Fail_Example), with
 * every type (TEST_CONDITION, STEST_END, BOOL2BOOL, F_MUX_2, F_NOT) from the fixture's folders
 * in 4diac's project layout: the .sys beside the type folders.
 */
const SYS = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="SystemTests">
<Application Name="Examples"><SubAppNetwork/></Application>
<Device Name="DuT" Type="FORTE_PC">
${resource('Hard_Pass_Example',
  [fb('STEST_END', 'STEST_END'), fb('SHOULD_NOT_FAIL', 'TEST_CONDITION'), fb('BOOL2BOOL', 'BOOL2BOOL', { IN: 'true' })],
  [c('SHOULD_NOT_FAIL.CNF', 'STEST_END.REQ'), c('BOOL2BOOL.CNF', 'SHOULD_NOT_FAIL.REQ'), c('START.COLD', 'BOOL2BOOL.REQ'), c('START.WARM', 'BOOL2BOOL.REQ')],
  [c('BOOL2BOOL.OUT', 'SHOULD_NOT_FAIL.check')])}
${resource('Soft_Pass_Example',
  [fb('NOT_ZERO', 'TEST_CONDITION'), fb('F_NOT', 'F_NOT'), fb('BOOL2BOOL', 'BOOL2BOOL'), fb('STEST_END_0_1', 'STEST_END'), fb('F_MUX_2', 'F_MUX_2', { K: 'UINT#2' })],
  [c('F_NOT.CNF', 'NOT_ZERO.REQ'), c('BOOL2BOOL.CNF', 'F_NOT.REQ'), c('NOT_ZERO.CNF', 'STEST_END_0_1.REQ'),
    c('START.COLD', 'F_MUX_2.REQ'), c('START.WARM', 'F_MUX_2.REQ'), c('START.COLD', 'BOOL2BOOL.REQ'), c('START.WARM', 'BOOL2BOOL.REQ')],
  [c('F_NOT.OUT', 'NOT_ZERO.check'), c('BOOL2BOOL.OUT', 'F_NOT.IN'), c('F_MUX_2.OUT', 'BOOL2BOOL.IN')])}
${resource('Fail_Example',
  [fb('B_1_1_1', 'BOOL2BOOL', { IN: 'false' }), fb('B_1', 'BOOL2BOOL', { IN: 'false' }), fb('B_1_1', 'BOOL2BOOL', { IN: 'true' }),
    fb('STEST_END_0', 'STEST_END'), fb('SHOULD_FAIL_1', 'TEST_CONDITION'), fb('SHOULD_FAIL_2', 'TEST_CONDITION'), fb('SHOULD_NOT_FAIL', 'TEST_CONDITION')],
  [c('B_1.CNF', 'SHOULD_FAIL_1.REQ'), c('SHOULD_FAIL_1.CNF', 'B_1_1.REQ'), c('B_1_1_1.CNF', 'SHOULD_FAIL_2.REQ'), c('SHOULD_FAIL_2.CNF', 'STEST_END_0.REQ'),
    c('B_1_1.CNF', 'SHOULD_NOT_FAIL.REQ'), c('SHOULD_NOT_FAIL.CNF', 'B_1_1_1.REQ'), c('START.COLD', 'B_1.REQ'), c('START.WARM', 'B_1.REQ')],
  [c('B_1.OUT', 'SHOULD_FAIL_1.check'), c('B_1_1_1.OUT', 'SHOULD_FAIL_2.check'), c('B_1_1.OUT', 'SHOULD_NOT_FAIL.check')])}
</Device>
</System>
`;

const dir = mkdtempSync(join(tmpdir(), 'vplc-systemtests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

(present ? describe : describe.skip)('4diac SystemTests through vplc run --json', () => {
  it('Hard_Pass and Soft_Pass pass their TEST_CONDITIONs, Fail_Example fails as it should', async () => {
    // the fixture's type folders are linked, never copied, beside the .sys
    for (const sub of ['convert', 'events', 'iec61131-3', 'utils']) symlinkSync(join(SYSTEM_TESTS, sub), join(dir, sub));
    const sys = join(dir, 'SystemTests.sys');
    writeFileSync(sys, SYS);
    const r = await vplcRun([sys, '--virtual-time', '--duration', '100ms', '--json']);
    // the project's own BOOL2BOOL is used, as 4diac would: a warning, nothing else
    expect(r.err.trim().split('\n').filter((l) => !/warning W4002: FB type \w+ shadows/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { tests: Record<string, { passed: number; failed: number }>; faults?: unknown };
    expect(out.faults).toBeUndefined();
    expect(out.tests).toEqual({
      'DuT.Hard_Pass_Example.SHOULD_NOT_FAIL': { passed: 1, failed: 0 },
      'DuT.Soft_Pass_Example.NOT_ZERO': { passed: 1, failed: 0 },
      'DuT.Fail_Example.SHOULD_FAIL_1': { passed: 0, failed: 1 },
      'DuT.Fail_Example.SHOULD_FAIL_2': { passed: 0, failed: 1 },
      'DuT.Fail_Example.SHOULD_NOT_FAIL': { passed: 1, failed: 0 },
    });
  });
});
