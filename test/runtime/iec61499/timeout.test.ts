import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootRequests, compileFile, fboot, startSystem, typeFolder } from '../../support/iec61499.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** A basic FB with an ATimeOut plug: ARM starts the timeout with D, DISARM stops it, FIRED reports it. */
const USER = (adapter: string): string => fixture('timeout/TimeoutUser.fbt').replace('Type="ATimeOut"', `Type="${adapter}"`);

const { fb, conn, write, start } = bootRequests('R');

function build(timeout: 'E_TimeOut' | 'E_RTimeOut', extra: Record<string, string> = {}) {
  const dir = typeFolder({ 'TimeoutUser.fbt': USER(timeout === 'E_TimeOut' ? 'ATimeOut' : 'ARTimeOut'), ...extra }, 'vplc-timeout-');
  const text = fboot([
    fb('U', 'TimeoutUser'), fb('T', timeout), fb('C', 'E_CTU'),
    conn('U.TMO', 'T.TimeOutSocket'), conn('U.FIRED', 'C.CU'), write('T#1s', 'U.D'), write('100', 'C.PV'),
    start(),
  ]);
  const { runner, res } = startSystem(dir, 't.fboot', text);
  return { runner, res };
}

describe('adapters through composite pins: E_TimeOut', () => {
  it('the socket pin of the composite is flattened onto its inner E_DELAY', () => {
    const { res } = build('E_TimeOut');
    expect(res.fbNames()).toEqual(expect.arrayContaining(['U', 'T.DLY', 'C']));
    expect(res.fbNames()).not.toContain('T');
  });

  it('times out DT after START on the virtual clock, passing DT through the adapter', () => {
    const { runner, res } = build('E_TimeOut');
    res.fireEvent('U.ARM');
    expect(res.read('T.DLY.DT')).toBe(1e9);
    runner.runUntil(999e6);
    expect(res.read('C.CV')).toBe(0);
    runner.runUntil(1000e6);
    expect(res.read('C.CV')).toBe(1);
    expect(res.read('U.SEEN')).toBe(1e9);
    runner.runUntil(5e9);
    expect(res.read('C.CV')).toBe(1);
  });

  it('STOP through the adapter cancels the timeout before it fires', () => {
    const { runner, res } = build('E_TimeOut');
    res.fireEvent('U.ARM');
    runner.runUntil(600e6);
    res.fireEvent('U.DISARM');
    runner.runUntil(5e9);
    expect(res.read('C.CV')).toBe(0);
    // and it can be armed again, with a new duration
    res.writeParameter('U.D', 'T#250ms');
    res.fireEvent('U.ARM');
    runner.runUntil(5e9 + 249e6);
    expect(res.read('C.CV')).toBe(0);
    runner.runUntil(5e9 + 250e6);
    expect(res.read('C.CV')).toBe(1);
  });

  it('E_TimeOut ignores a second START while running; E_RTimeOut restarts on it', () => {
    for (const [type, firesAt] of [['E_TimeOut', 1000e6], ['E_RTimeOut', 1500e6]] as const) {
      const { runner, res } = build(type);
      res.fireEvent('U.ARM');
      runner.runUntil(500e6);
      res.fireEvent('U.ARM');
      runner.runUntil(firesAt - 1);
      expect(res.read('C.CV'), type).toBe(0);
      runner.runUntil(firesAt);
      expect(res.read('C.CV'), type).toBe(1);
    }
  });

  it('a composite that passes its socket on to an inner FB\'s socket chains the adapter', () => {
    // Wrap exposes a socket and hands it to an inner E_TimeOut: pin → pin → inner composite → E_DELAY
    const wrap = fixture('timeout/Wrap.fbt');
    const dir = typeFolder({ 'TimeoutUser.fbt': USER('ATimeOut'), 'Wrap.fbt': wrap }, 'vplc-timeout-');
    const text = fboot([fb('U', 'TimeoutUser'), fb('W', 'Wrap'), fb('C', 'E_CTU'), conn('U.TMO', 'W.S'), conn('U.FIRED', 'C.CU'),
      write('T#2s', 'U.D'), write('100', 'C.PV'), start()]);
    const { runner, res } = startSystem(dir, 't.fboot', text);
    expect(res.fbNames()).toContain('W.IN.DLY');
    res.fireEvent('U.ARM');
    runner.runUntil(1999e6);
    expect(res.read('C.CV')).toBe(0);
    runner.runUntil(2000e6);
    expect(res.read('C.CV')).toBe(1);
  });

  it('an adapter connection from a plug to a plug through a pin is a diagnostic', () => {
    const dir = typeFolder({ 'TimeoutUser.fbt': USER('ATimeOut') }, 'vplc-timeout-');
    const text = fboot([fb('U', 'TimeoutUser'), fb('V', 'TimeoutUser'), fb('T', 'E_TimeOut'), conn('T.TimeOutSocket', 'T.TimeOutSocket'), start()]);
    const r = compileFile(dir, 't.fboot', text);
    expect(r.diagnostics.map((d) => d.code)).toContain('E4005');
  });
});
