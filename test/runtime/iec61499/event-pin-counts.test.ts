import { describe, expect, it } from 'vitest';
import { bootRequests, compileFile, fboot, runnerOf, typeFolder } from '../../support/iec61499.js';
import type { Resource61499 } from '../../../runtime/iec61499/resource.js';

const { fb, conn, write, start } = bootRequests('R');

function build(lines: string[]) {
  const runner = runnerOf(compileFile(typeFolder(), 'counts.fboot', fboot([...lines, start()])));
  return { runner, res: runner.resources[0]!.resource };
}

/** The ring of E_CTU and E_SWITCH: START.COLD → C.CU, counted to PV, then S.EO1 resets C. */
const ring = (pv: number) => [
  fb('C', 'E_CTU'), fb('S', 'E_SWITCH'),
  conn('START.COLD', 'C.CU'), conn('C.CUO', 'S.EI'), conn('C.Q', 'S.G'),
  conn('S.EO0', 'C.CU'), conn('S.EO1', 'C.R'), write(String(pv), 'C.PV'),
];

const count = (res: Resource61499, pin: string) => res.eventPinCounts()!.get(pin)!.count;

/** The events delivered to event inputs, summed over the pins that are inputs. */
function deliveredByPins(res: Resource61499): number {
  let n = 0;
  for (const name of res.fbNames()) for (const e of res.fbType(name)!.events.inputs) n += count(res, `${name}.${e.name}`);
  return n;
}

describe('per-pin event counts of an IEC 61499 resource', () => {
  it('count every event that passes each input and output pin, equal to the events dispatched', () => {
    const { runner, res } = build(ring(7));
    expect(res.eventPinCounts()).toBeUndefined();
    res.countEvents(true);
    const out = runner.runUntil(0);
    // START.COLD → C.CU once, S.EO0 → C.CU six times, the seventh count switches to S.EO1 → C.R
    expect(count(res, 'START.COLD')).toBe(1);
    expect(count(res, 'START.WARM')).toBe(0);
    expect(count(res, 'C.CU')).toBe(7);
    expect(count(res, 'C.CUO')).toBe(7);
    expect(count(res, 'S.EI')).toBe(7);
    expect(count(res, 'S.EO0')).toBe(6);
    expect(count(res, 'S.EO1')).toBe(1);
    expect(count(res, 'C.R')).toBe(1);
    // an output sends its event whether or not it is connected: counted all the same
    expect(count(res, 'C.RO')).toBe(1);
    expect(deliveredByPins(res)).toBe(out.events);
    expect(deliveredByPins(res)).toBe(res.eventCount());
    // an event fired from outside is delivered (counted) like any other: the ring runs again
    res.fireEvent('C.CU');
    expect(count(res, 'C.CU')).toBe(14);
    expect(count(res, 'S.EO1')).toBe(2);
    expect(deliveredByPins(res)).toBe(res.eventCount());
  });

  it('keep the resource time of the last event of each pin', () => {
    const { runner, res } = build([
      fb('CY', 'E_CYCLE'), fb('C', 'E_CTU'), conn('START.COLD', 'CY.START'), conn('CY.EO', 'C.CU'),
      write('T#100ms', 'CY.DT'), write('1000', 'C.PV'),
    ]);
    res.countEvents(true);
    runner.runUntil(1_050_000_000);
    expect(res.eventPinCounts()!.get('CY.EO')).toEqual({ count: 10, lastNs: 1_000_000_000 });
    expect(res.eventPinCounts()!.get('C.CU')).toEqual({ count: 10, lastNs: 1_000_000_000 });
    expect(res.eventPinCounts()!.get('START.COLD')).toEqual({ count: 1, lastNs: 0 });
    // never: -1
    expect(res.eventPinCounts()!.get('CY.STOP')).toEqual({ count: 0, lastNs: -1 });
    expect(res.eventPinCounts()!.get('NOPE.EI')).toBeUndefined();
  });

  it('do not count the events of periodic ticks skipped after a stall (real clock): they are not sent', () => {
    const { runner, res } = build([
      fb('CY', 'E_CYCLE'), fb('C', 'E_CTU'), conn('START.COLD', 'CY.START'), conn('CY.EO', 'C.CU'),
      write('T#1ms', 'CY.DT'), write('60000', 'C.PV'),
    ]);
    runner.runUntil(0);
    res.countEvents(true);
    // a stall of 100 ms: one tick, the periods of the last 10 ms (CATCH_UP_NS), the rest missed
    const missed = res.advanceTo(100_000_000, 'skip-missed');
    expect(missed).toBeGreaterThan(80);
    const sent = res.eventPinCounts()!.get('CY.EO')!.count;
    expect(sent).toBe(100 - missed);
    expect(res.eventPinCounts()!.get('C.CU')!.count).toBe(sent);
    expect(res.read('C.CV')).toBe(sent);
  });

  it('stop with the last watcher and start again from zero; the network runs the same throughout', () => {
    const { runner, res } = build([fb('C', 'E_CTU'), conn('START.COLD', 'C.CU'), write('100', 'C.PV')]);
    const a = res.countEvents(true)!;
    res.countEvents(true); // a second watcher
    runner.runUntil(0);
    expect(a.get('C.CU')!.count).toBe(1);
    res.countEvents(false);
    expect(res.eventPinCounts()).toBe(a); // one watcher left: still counting
    res.countEvents(false);
    expect(res.eventPinCounts()).toBeUndefined();
    res.fireEvent('C.CU');
    expect(res.read('C.CV')).toBe(2);
    expect(a.get('C.CU')!.count).toBe(1); // not counted while nobody watches
    res.countEvents(true);
    res.fireEvent('C.CU');
    expect(res.read('C.CV')).toBe(3);
    expect(count(res, 'C.CU')).toBe(1);
    expect(res.eventCount()).toBe(3);
  });

  it('switch counting on and off in the middle of a chain that yielded, losing no event', () => {
    const { runner, res } = build(ring(1000));
    runner.runUntil(0);
    res.sliceEvents = 100;
    const before = res.eventCount();
    res.fireEvent('C.R'); // reset, then count up from outside: a chain of 2 × 1000 events
    res.fireEvent('C.CU');
    expect(res.busy()).toBe(true);
    const delivered = res.eventCount() - before;
    res.countEvents(true);
    while (res.busy()) res.runChain();
    expect(deliveredByPins(res)).toBe(res.eventCount() - before - delivered);
    expect(res.read('C.CV')).toBe(0); // reached PV 1000: reset
    expect(count(res, 'C.R')).toBe(1);
    res.fireEvent('C.R');
    res.fireEvent('C.CU');
    res.countEvents(false);
    while (res.busy()) res.runChain();
    expect(res.read('C.CV')).toBe(0);
    expect(res.eventCount() - before).toBe(2 + 2 * 1000 + 2 + 2 * 1000);
  });

  it('go on counting the pins of a network that grew (an FB created while watched)', () => {
    const { runner, res } = build(ring(3));
    res.countEvents(true);
    runner.runUntil(0);
    res.createFb('X', 'E_SWITCH');
    res.connect('C.RO', 'X.EI');
    res.fireEvent('C.R');
    expect(count(res, 'C.R')).toBe(2);
    expect(count(res, 'C.CU')).toBe(3);
    expect(count(res, 'X.EI')).toBe(1);
    expect(count(res, 'X.EO0')).toBe(1);
    expect(deliveredByPins(res)).toBe(res.eventCount());
  });
});
