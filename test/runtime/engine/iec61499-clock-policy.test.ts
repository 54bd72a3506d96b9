import { describe, expect, it } from 'vitest';
import { bootRequests, compileFile, fboot, runnerOf, typeFolder } from '../../support/iec61499.js';

/** E_CYCLE T#10ms → E_CTU C, and an E_DELAY T#25ms started at COLD → E_CTU D: a one-shot timer. */
function build() {
  const { fb, conn, write, start } = bootRequests('R');
  const text = fboot([
    fb('CY', 'E_CYCLE'), fb('C', 'E_CTU'), fb('DL', 'E_DELAY'), fb('D', 'E_CTU'),
    conn('START.COLD', 'CY.START'), conn('START.COLD', 'DL.START'), conn('CY.EO', 'C.CU'), conn('DL.EO', 'D.CU'),
    write('T#10ms', 'CY.DT'), write('T#25ms', 'DL.DT'), write('1000', 'C.PV'), write('1000', 'D.PV'),
    start(),
  ]);
  const runner = runnerOf(compileFile(typeFolder({}, 'vplc-policy-'), 'p.fboot', text));
  const res = runner.resources[0]!.resource;
  res.start('COLD');
  return res;
}

describe('clock policy of Resource61499.advanceTo', () => {
  it("'exact' (virtual clock) delivers every period", () => {
    const res = build();
    expect(res.nextTimer()).toBe(10_000_000);
    expect(res.advanceTo(95_000_000)).toBe(0);
    expect(res.read('C.CV')).toBe(9);
    expect(res.read('D.CV')).toBe(1);
  });

  it("'skip-missed' (real clock after a stall) delivers one tick, skips the long-missed ones and keeps the grid", () => {
    const res = build();
    // stalled from 0 to 95 ms: ticks due at 10…90 ms; the first is delivered, those more than
    // 10 ms old (20…80) are missed, the one of the last 10 ms (90) is delivered
    expect(res.advanceTo(95_000_000, 'skip-missed')).toBe(7);
    expect(res.read('C.CV')).toBe(2);
    // a one-shot timer is never skipped
    expect(res.read('D.CV')).toBe(1);
    // the period grid is kept: next tick at 100 ms, then every 10 ms again
    expect(res.nextTimer()).toBe(100_000_000);
    expect(res.advanceTo(100_000_000, 'skip-missed')).toBe(0);
    expect(res.advanceTo(110_500_000, 'skip-missed')).toBe(0);
    expect(res.read('C.CV')).toBe(4);
    expect(res.eventCount()).toBe(2 + 4 + 1); // COLD→CY.START, COLD→DL.START; four C.CU; one D.CU
  });

  it("'skip-missed' loses no tick to a wake-up a little late (less than 10 ms): jitter, not a stall", () => {
    const res = build();
    // woken at 25 ms: the ticks of 10 and 20 ms are both delivered
    expect(res.advanceTo(25_000_000, 'skip-missed')).toBe(0);
    expect(res.read('C.CV')).toBe(2);
    // woken at 41 ms, 11 ms after the tick of 30 ms: 30 (the first) and 40 delivered
    expect(res.advanceTo(41_000_000, 'skip-missed')).toBe(0);
    expect(res.read('C.CV')).toBe(4);
  });
});
