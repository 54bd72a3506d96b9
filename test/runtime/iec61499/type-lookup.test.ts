import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { writeFileSync } from 'node:fs';
import { bootRequests, compileFile, fboot, runnerOf, typeFolder } from '../../support/iec61499.js';
import { captureCli } from '../../support/cli-capture.js';
import { checkCommand } from '../../../runtime/cli/check.js';
import { runCommand } from '../../../runtime/cli/run.js';

const { fb, conn, write, start } = bootRequests('R');

/** A SimpleFB with one DINT output, set by its REQ algorithm. */
const simple = (name: string, value: number) => `<FBType Name="${name}"><InterfaceList>
<EventInputs><Event Name="REQ"><With Var="IN1"/><With Var="IN2"/></Event></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="IN1" Type="DINT"/><VarDeclaration Name="IN2" Type="DINT"/></InputVars>
<OutputVars><VarDeclaration Name="OUT" Type="DINT"/></OutputVars></InterfaceList>
<SimpleFB><Algorithm Name="REQ"><ST><![CDATA[OUT := ${value};]]></ST></Algorithm></SimpleFB></FBType>`;

const boot = (type: string) => fboot([fb('X', type), conn('START.COLD', 'X.REQ'), start()]);
const shown = (r: { diagnostics: Parameters<typeof formatDiagnostic>[0][] }) => r.diagnostics.map(formatDiagnostic);

describe('where 4diac types are looked up', () => {
  it('a .fboot finds types beside it and in --types folders, not in unrelated subfolders', () => {
    const dir = typeFolder({ 'old/MINE.fbt': simple('MINE', 1) });
    const r = compileFile(dir, 'app.fboot', boot('MINE'));
    expect(shown(r).join('\n')).toMatch(/error E4003: unknown FB type MINE/);
    expect(shown(compileFile(dir, 'app.fboot', boot('MINE'), { libraryPaths: [join(dir, 'old')] }))).toEqual([]);
    const beside = typeFolder({ 'MINE.fbt': simple('MINE', 1) });
    expect(shown(compileFile(beside, 'app.fboot', boot('MINE')))).toEqual([]);
  });

  it('vplc check and vplc run take --types DIR for a .fboot', async () => {
    const dir = typeFolder({ 'lib/MINE.fbt': simple('MINE', 42) });
    const app = join(dir, 'app.fboot');
    writeFileSync(app, boot('MINE'));
    expect((await captureCli(async (a) => checkCommand(a), [app])).code).toBe(1);
    expect((await captureCli(async (a) => checkCommand(a), [app, '--types', join(dir, 'lib')])).code).toBe(0);
    const run = await captureCli(runCommand, [app, `--types=${join(dir, 'lib')}`, '--virtual-time', '--cycles', '1', '--json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as { vars: Record<string, unknown> }).vars['R.X.OUT']).toBe(42);
  });

  it('a .sys finds types in the subfolders of its project, as 4diac lays them out', () => {
    const dir = typeFolder({ 'Type Library/custom/MINE.fbt': simple('MINE', 1) });
    const sys = `<System Name="S"><Application Name="A"><SubAppNetwork/></Application><Device Name="D" Type="FORTE_PC">
<Resource Name="R" Type="EMB_RES"><FBNetwork><FB Name="X" Type="MINE"/>
<EventConnections><Connection Source="START.COLD" Destination="X.REQ"/></EventConnections></FBNetwork></Resource></Device></System>`;
    expect(shown(compileFile(dir, 'app.sys', sys))).toEqual([]);
  });

  it('warns when a user type shadows a library type, and uses it', () => {
    const dir = typeFolder({ 'F_ADD.fbt': simple('F_ADD', 42) });
    const r = compileFile(dir, 'app.fboot', fboot([fb('X', 'F_ADD'), conn('START.COLD', 'X.REQ'), write('DINT#1', 'X.IN1'), start()]));
    expect(shown(r)).toEqual([expect.stringMatching(/F_ADD\.fbt:1:1: warning W4002: .*F_ADD shadows the F_ADD of vPLC's library/)]);
    const runner = runnerOf(r, true);
    runner.runUntil(0);
    expect(runner.resources[0]!.resource.read('X.OUT')).toBe(42);
  });

  it('a narrowing assignment in a 4diac algorithm is converted with warning W4003, as FORTE accepts it', () => {
    // the case: a user F_ADD computing in an LREAL temporary, stored into INT
    const add = `<FBType Name="F_ADD"><InterfaceList>
<EventInputs><Event Name="REQ"><With Var="IN1"/><With Var="IN2"/></Event></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="IN1" Type="INT"/><VarDeclaration Name="IN2" Type="INT"/></InputVars>
<OutputVars><VarDeclaration Name="OUT" Type="INT"/></OutputVars></InterfaceList>
<SimpleFB><InternalVars><VarDeclaration Name="T" Type="LREAL"/></InternalVars>
<Algorithm Name="REQ"><ST><![CDATA[T := INT_TO_LREAL(IN1) + INT_TO_LREAL(IN2) + 0.4;
OUT := T;]]></ST></Algorithm></SimpleFB></FBType>`;
    const dir = typeFolder({ 'F_ADD.fbt': add });
    const r = compileFile(dir, 'app.fboot', fboot([fb('X', 'F_ADD'), conn('START.COLD', 'X.REQ'), write('INT#40', 'X.IN1'), write('INT#2', 'X.IN2'), start()]));
    const diags = shown(r);
    expect(diags.filter((d) => / error /.test(d))).toEqual([]);
    expect(diags).toContainEqual(expect.stringMatching(/F_ADD\.fbt:\d+:\d+: warning W4003: LREAL to INT loses range or precision/));
    const runner = runnerOf(r, true);
    runner.runUntil(0);
    expect(runner.resources[0]!.resource.read('X.OUT')).toBe(42);
  });
});
