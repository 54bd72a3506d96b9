import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../runtime/cli/run.js';
import { captureCli } from '../support/cli-capture.js';
import { fbXml as fb, connectionXml as c, resourceXml as resource } from '../support/system-xml.js';

const SYSTEM_TESTS = fileURLToPath(new URL('../../../shared/fixtures/4diac/SystemTests', import.meta.url));
const present = existsSync(SYSTEM_TESTS);
if (!present) console.warn(`4diac SystemTests not found at ${SYSTEM_TESTS}: system-test interop skipped`);

const vplcRun = (args: string[]) => captureCli(runCommand, args);

/** FBNuTest, the untyped subapplication of SystemTests' Timing application: E_CTU and E_SWITCH pairs counting to 100 × 65500. */
const FBNU_INTERFACE = (type: string) => `<SubAppInterfaceList><SubAppEventInputs><SubAppEvent Name="Start" Type="Event"/></SubAppEventInputs>
<SubAppEventOutputs><SubAppEvent Name="Done" Type="Event"/></SubAppEventOutputs>
<InputVars><VarDeclaration InitialValue="100" Name="iterations" Type="${type}"/></InputVars></SubAppInterfaceList>`;
const FBNU_NETWORK = `<SubAppNetwork>${fb('E_CTU', 'E_CTU')}${fb('E_SWITCH_1', 'E_SWITCH')}${fb('E_SWITCH', 'E_SWITCH')}${fb('E_CTU_1', 'E_CTU', { PV: '65500' })}
<DataConnections>${c('E_CTU.Q', 'E_SWITCH_1.G')}${c('E_CTU_1.Q', 'E_SWITCH.G')}${c('iterations', 'E_CTU.PV')}</DataConnections>
<EventConnections>${[c('E_CTU_1.RO', 'E_CTU.CU'), c('E_SWITCH_1.EO1', 'E_CTU.R'), c('E_CTU.CUO', 'E_SWITCH_1.EI'), c('E_SWITCH_1.EO0', 'E_CTU_1.CU'),
  c('E_CTU_1.CUO', 'E_SWITCH.EI'), c('E_SWITCH.EO0', 'E_CTU_1.CU'), c('E_SWITCH.EO1', 'E_CTU_1.R'), c('Start', 'E_CTU.CU'), c('E_CTU.RO', 'Done')].join('')}</EventConnections>
</SubAppNetwork>`;
/** TimingTestRes: 1000 runs of FBNuTest timed by E_STOPWATCH, each time written by CSV_WRITER_1 to executiontime.csv. */
const TIMING_FBS = [fb('CSV_WRITER_1', 'CSV_WRITER_1', { FILE_NAME: 'executiontime.csv' }), fb('E_SR', 'E_SR'), fb('E_SWITCH_2', 'E_SWITCH'),
  fb('Iterations', 'E_CTU', { PV: '1000' }), fb('STEST_END', 'STEST_END'), fb('E_SWITCH', 'E_SWITCH'), fb('E_StopWatch', 'E_STOPWATCH')];
const TIMING_EVENTS = [c('E_SR.EO', 'CSV_WRITER_1.INIT'), c('E_SWITCH_2.EO1', 'Iterations.R'), c('Iterations.CUO', 'E_SWITCH_2.EI'), c('Iterations.RO', 'E_SR.R'),
  c('E_SWITCH_2.EO0', 'FBNuTest.Start'), c('CSV_WRITER_1.INITO', 'E_SWITCH.EI'), c('E_SWITCH.EO0', 'STEST_END.REQ'), c('E_SWITCH.EO1', 'Iterations.CU'),
  c('E_SWITCH_2.EO0', 'E_StopWatch.START'), c('FBNuTest.Done', 'E_StopWatch.STOP'), c('E_StopWatch.EO', 'CSV_WRITER_1.REQ'), c('CSV_WRITER_1.CNF', 'Iterations.CU')];
const TIMING_DATA = [c('E_SR.Q', 'CSV_WRITER_1.QI'), c('Iterations.Q', 'E_SWITCH_2.G'), c('CSV_WRITER_1.QO', 'E_SWITCH.G'), c('E_StopWatch.TD', 'CSV_WRITER_1.SD_1')];

/**
 * The resources of 4diac's SystemTests project that need no communication blocks, as the
 * project maps them to its device (TimingTestRes with FBNuTest mapped from the Timing
 * application as 4diac writes it: the resource holds the subapplication's interface only,
 * Hard_Pass_Example, Soft_Pass_Example, Fail_Example), with
 * every type (TEST_CONDITION, STEST_END, BOOL2BOOL, F_MUX_2, F_NOT) from the fixture's folders
 * in 4diac's project layout: the .sys beside the type folders.
 */
const SYS = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="SystemTests">
<Application Name="Timing"><SubAppNetwork>${TIMING_FBS.join('')}<SubApp Name="FBNuTest">${FBNU_INTERFACE('UINT')}${FBNU_NETWORK}<Parameter Name="iterations" Value="100"/></SubApp>
<EventConnections>${TIMING_EVENTS.join('')}</EventConnections><DataConnections>${TIMING_DATA.join('')}</DataConnections></SubAppNetwork></Application>
<Device Name="DuT" Type="FORTE_PC">
<Resource Name="TimingTestRes" Type="EMB_RES"><FBNetwork>${TIMING_FBS.join('')}<SubApp Name="FBNuTest">${FBNU_INTERFACE('ANY_MAGNITUDE')}<Parameter Name="iterations" Value="100"/></SubApp>
<EventConnections>${[...TIMING_EVENTS, c('START.COLD', 'E_SR.S')].join('')}</EventConnections><DataConnections>${TIMING_DATA.join('')}</DataConnections></FBNetwork></Resource>
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
<Mapping From="Timing.FBNuTest" To="DuT.TimingTestRes.FBNuTest"/>
</System>
`;

const dir = mkdtempSync(join(tmpdir(), 'vplc-systemtests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

(present ? describe : describe.skip)('4diac SystemTests through vplc run --json', () => {
  it('Hard_Pass and Soft_Pass pass their TEST_CONDITIONs, Fail_Example fails as it should, TimingTestRes times FBNuTest', async () => {
    // the fixture's type folders are linked, never copied, beside the .sys
    for (const sub of ['convert', 'events', 'iec61131-3', 'utils']) symlinkSync(join(SYSTEM_TESTS, sub), join(dir, sub));
    const sys = join(dir, 'SystemTests.sys');
    writeFileSync(sys, SYS);
    // CSV_WRITER_1 writes executiontime.csv where the runtime runs, as FORTE does
    const cwd = process.cwd();
    process.chdir(dir);
    let r: Awaited<ReturnType<typeof vplcRun>>;
    try {
      r = await vplcRun([sys, '--virtual-time', '--duration', '500ms', '--json']);
    } finally {
      process.chdir(cwd);
    }
    // the project's own BOOL2BOOL is used, as 4diac would: a warning, nothing else
    expect(r.err.trim().split('\n').filter((l) => !/warning W4002: FB type \w+ shadows/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { tests: Record<string, { passed: number; failed: number }>; faults?: unknown; vars: Record<string, unknown> };
    // each finished run of FBNuTest (100 × 65500 counts, 10 ns an event on the virtual clock
    // while the chain runs on) is one line of its stopwatch time; the run after them is under way
    const lines = readFileSync(join(dir, 'executiontime.csv'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatch(/^T#\d+ms(\d+us)?(\d+ns)?; $/);
    const v = (name: string) => out.vars[`DuT.TimingTestRes.${name}`];
    expect(v('Iterations.CV')).toBe(lines.length + 1);
    expect([v('FBNuTest.E_CTU.PV'), v('FBNuTest.E_CTU_1.PV'), v('CSV_WRITER_1.QO')]).toEqual([100, 65500, true]);
    expect(v('CSV_WRITER_1.SD_1')).toBe(lines[lines.length - 1]!.slice(0, -2));
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
