import { describe, expect, it } from 'vitest';
import { bootRequests, compileFile, fboot, runnerOf, typeFolder } from '../../support/iec61499.js';

const { fb, conn, write, start } = bootRequests('R');

function build(lines: string[]) {
  const runner = runnerOf(compileFile(typeFolder(), 't.fboot', fboot([...lines, start()])));
  return { runner, res: runner.resources[0]!.resource };
}

describe('IEC 61499 timed blocks on the resource clock', () => {
  it('E_CYCLE fires every DT on the virtual clock', () => {
    const { runner, res } = build([
      fb('CY', 'E_CYCLE'), fb('C', 'E_CTU'), conn('START.COLD', 'CY.START'), conn('CY.EO', 'C.CU'),
      write('T#100ms', 'CY.DT'), write('1000', 'C.PV'),
    ]);
    runner.runUntil(1_000_000_000);
    expect(res.read('C.CV')).toBe(10);
    runner.runUntil(10 * 60e9); // ten minutes, in milliseconds of test time
    expect(res.read('C.CV')).toBe(6000);
  });

  it('E_DELAY delays once, ignores START while running, and STOP cancels', () => {
    const { runner, res } = build([
      fb('D', 'E_DELAY'), fb('C', 'E_CTU'), conn('D.EO', 'C.CU'), write('T#1s', 'D.DT'), write('100', 'C.PV'),
    ]);
    runner.runUntil(0);
    res.fireEvent('D.START');
    runner.runUntil(500e6);
    res.fireEvent('D.START');
    runner.runUntil(999e6);
    expect(res.read('C.CV')).toBe(0);
    runner.runUntil(1000e6);
    expect(res.read('C.CV')).toBe(1);
    res.fireEvent('D.START');
    res.fireEvent('D.STOP');
    runner.runUntil(5e9);
    expect(res.read('C.CV')).toBe(1);
  });

  it('E_RDELAY restarts the delay on each START', () => {
    const { runner, res } = build([fb('D', 'E_RDELAY'), fb('C', 'E_CTU'), conn('D.EO', 'C.CU'), write('T#1s', 'D.DT'), write('9', 'C.PV')]);
    runner.runUntil(0);
    res.fireEvent('D.START');
    runner.runUntil(800e6);
    res.fireEvent('D.START');
    runner.runUntil(1500e6);
    expect(res.read('C.CV')).toBe(0);
    runner.runUntil(1800e6);
    expect(res.read('C.CV')).toBe(1);
  });

  it('E_TRAIN sends N events DT apart, counting them in CV; STOP ends the train', () => {
    const { runner, res } = build([
      fb('T', 'E_TRAIN'), fb('C', 'E_CTU'), conn('T.EO', 'C.CU'), write('T#250ms', 'T.DT'), write('UINT#3', 'T.N'), write('100', 'C.PV'),
    ]);
    runner.runUntil(0);
    res.fireEvent('T.START');
    runner.runUntil(249e6);
    expect(res.read('C.CV')).toBe(0);
    runner.runUntil(250e6);
    expect([res.read('C.CV'), res.read('T.CV')]).toEqual([1, 1]);
    runner.runUntil(10e9);
    expect([res.read('C.CV'), res.read('T.CV')]).toEqual([3, 3]);
    // a second train, stopped after its first pulse
    res.fireEvent('T.START');
    runner.runUntil(10.25e9);
    res.fireEvent('T.STOP');
    runner.runUntil(20e9);
    expect([res.read('C.CV'), res.read('T.CV')]).toEqual([4, 1]);
  });

  it('the resource emits COLD on start, STOP on stop, WARM on restart; kill is silent', () => {
    const { runner, res } = build([
      fb('C', 'E_CTU'), fb('W', 'E_CTU'), fb('S', 'E_CTU'),
      conn('START.COLD', 'C.CU'), conn('START.WARM', 'W.CU'), conn('START.STOP', 'S.CU'),
      write('9', 'C.PV'), write('9', 'W.PV'), write('9', 'S.PV'),
    ]);
    runner.runUntil(0);
    res.stop();
    res.start('WARM');
    res.kill();
    expect([res.read('C.CV'), res.read('W.CV'), res.read('S.CV')]).toEqual([1, 1, 1]);
    expect(res.fireEvent('C.CU')).toBe(0);
  });

  it('E_CTUD runs two actions in a state (count, then update outputs) and guards at the limits', () => {
    const { runner, res } = build([fb('U', 'E_CTUD'), write('2', 'U.PV')]);
    runner.runUntil(0);
    res.fireEvent('U.CD'); // CV = 0: guard CV > 0 blocks
    expect(res.read('U.CV')).toBe(0);
    res.fireEvent('U.CU');
    res.fireEvent('U.CU');
    expect([res.read('U.CV'), res.read('U.QU'), res.read('U.QD')]).toEqual([2, true, false]);
    res.fireEvent('U.R');
    expect([res.read('U.CV'), res.read('U.QU'), res.read('U.QD')]).toEqual([0, false, true]);
  });

  it('a fault in an algorithm stops its resource and is reported with the block and line', () => {
    // a user's algorithm (the library's F_DIV answers 0 for a zero divisor, as FORTE's does)
    const div = `<FBType Name="MY_DIV"><InterfaceList><EventInputs><Event Name="REQ"><With Var="IN1"/><With Var="IN2"/></Event></EventInputs>
<EventOutputs><Event Name="CNF"><With Var="OUT"/></Event></EventOutputs>
<InputVars><VarDeclaration Name="IN1" Type="DINT"/><VarDeclaration Name="IN2" Type="DINT"/></InputVars>
<OutputVars><VarDeclaration Name="OUT" Type="DINT"/></OutputVars></InterfaceList>
<SimpleFB><Algorithm Name="REQ"><ST><![CDATA[OUT := IN1 / IN2;]]></ST></Algorithm></SimpleFB></FBType>`;
    const lines = [fb('D', 'MY_DIV'), conn('START.COLD', 'D.REQ'), write('DINT#1', 'D.IN1'), write('DINT#0', 'D.IN2'), start()];
    const runner = runnerOf(compileFile(typeFolder({ 'MY_DIV.fbt': div }), 't.fboot', fboot(lines)));
    const out = runner.runUntil(0);
    expect(out.faults).toEqual([expect.objectContaining({ kind: 'DIVISION_BY_ZERO', resource: 'R' })]);
  });
});
