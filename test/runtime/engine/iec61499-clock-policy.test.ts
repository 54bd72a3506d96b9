import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { compile61499 } from '../../../compiler/iec61499/project.js';
import { SystemRunner } from '../../../runtime/iec61499/system-runner.js';

/** E_CYCLE T#10ms → E_CTU C, and an E_DELAY T#25ms started at COLD → E_CTU D: a one-shot timer. */
function build() {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-policy-'));
  const path = join(dir, 'p.fboot');
  let id = 0;
  const req = (body: string) => `R;<Request ID="${++id}" ${body}</Request>`;
  const text = [
    req('Action="CREATE"><FB Name="CY" Type="E_CYCLE" />'),
    req('Action="CREATE"><FB Name="C" Type="E_CTU" />'),
    req('Action="CREATE"><FB Name="DL" Type="E_DELAY" />'),
    req('Action="CREATE"><FB Name="D" Type="E_CTU" />'),
    req('Action="CREATE"><Connection Source="START.COLD" Destination="CY.START" />'),
    req('Action="CREATE"><Connection Source="START.COLD" Destination="DL.START" />'),
    req('Action="CREATE"><Connection Source="CY.EO" Destination="C.CU" />'),
    req('Action="CREATE"><Connection Source="DL.EO" Destination="D.CU" />'),
    req('Action="WRITE"><Connection Source="T#10ms" Destination="CY.DT" />'),
    req('Action="WRITE"><Connection Source="T#25ms" Destination="DL.DT" />'),
    req('Action="WRITE"><Connection Source="1000" Destination="C.PV" />'),
    req('Action="WRITE"><Connection Source="1000" Destination="D.PV" />'),
    `R;<Request ID="${++id}" Action="START"/>`,
  ].join('\n');
  writeFileSync(path, text);
  const r = compile61499([{ path, text }]);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  const runner = new SystemRunner(r.application!);
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

  it("'skip-missed' (real clock after a stall) delivers one tick, skips the missed ones and keeps the grid", () => {
    const res = build();
    // stalled from 0 to 95 ms: ticks due at 10…90 ms; one is delivered, eight are missed
    expect(res.advanceTo(95_000_000, 'skip-missed')).toBe(8);
    expect(res.read('C.CV')).toBe(1);
    // a one-shot timer is never skipped
    expect(res.read('D.CV')).toBe(1);
    // the period grid is kept: next tick at 100 ms, then every 10 ms again
    expect(res.nextTimer()).toBe(100_000_000);
    expect(res.advanceTo(100_000_000, 'skip-missed')).toBe(0);
    expect(res.advanceTo(110_500_000, 'skip-missed')).toBe(0);
    expect(res.read('C.CV')).toBe(3);
    expect(res.eventCount()).toBe(2 + 3 + 1); // COLD→CY.START, COLD→DL.START; three C.CU; one D.CU
  });
});
