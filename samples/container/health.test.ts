import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, until } from '../child-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'vplc-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// a task that faults after about a second, beside one that keeps running
const APP = `
PROGRAM Breaker
VAR n : INT; d : INT; x : INT; END_VAR
n := n + 1;
IF n > 50 THEN x := 10 / d; END_IF;
END_PROGRAM
PROGRAM Steady
VAR n : UDINT; END_VAR
n := n + 1;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast (INTERVAL := T#20ms, PRIORITY := 0);
    TASK Slow (INTERVAL := T#100ms, PRIORITY := 1);
    PROGRAM B WITH Fast : Breaker;
    PROGRAM S WITH Slow : Steady;
  END_RESOURCE
END_CONFIGURATION
`;

describe('vplc serve health and stop (child process)', () => {
  it('/healthz turns 503 after a task faults; SIGTERM still stops cleanly with status 2', async () => {
    const file = join(dir, 'app.st');
    writeFileSync(file, APP);
    const plc = startCli(['serve', file, '--metrics-port', '0', '--summary-every', '0']);
    try {
      const [, url] = await plc.waitFor(/metrics on (http:\/\/\S+)\/metrics/);
      await plc.waitFor(/running Cfg/);
      expect(plc.out.some((l) => /scheduling: SCHED_\w+/.test(l))).toBe(true);
      let last: { ok: boolean; faults: string[]; resources: Record<string, string> } | undefined;
      await until(async () => {
        const r = await fetch(`${url}/healthz`);
        last = (await r.json()) as typeof last;
        return r.status === 503;
      }, 'a 503 from /healthz');
      expect(last!.ok).toBe(false);
      expect(last!.faults).toEqual(['Res.Fast: DIVISION_BY_ZERO in Breaker']);
      expect(plc.err.join('\n')).toMatch(/DIVISION_BY_ZERO|division by zero/i);
      plc.child.kill('SIGTERM');
      expect(await plc.exited).toBe(2); // clean stop, but a fault happened (a runtime fault: 2)
      expect(plc.out.at(-1)).toMatch(/^Fast: \d+ scans/);
    } finally {
      plc.child.kill('SIGKILL');
    }
  }, 90_000);

  it('answers 200 on /healthz while running and exits 0 on SIGTERM', async () => {
    const file = join(dir, 'ok.st');
    writeFileSync(file, 'PROGRAM Main VAR n : UDINT; END_VAR n := n + 1; END_PROGRAM');
    const plc = startCli(['serve', file, '--metrics-port', '0', '--summary-every', '0']);
    try {
      const [, url] = await plc.waitFor(/metrics on (http:\/\/\S+)\/metrics/);
      await plc.waitFor(/running/);
      const r = await fetch(`${url}/healthz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ ok: true, resources: { Default: 'running' }, faults: [] });
      plc.child.kill('SIGTERM');
      expect(await plc.exited).toBe(0);
    } finally {
      plc.child.kill('SIGKILL');
    }
  }, 90_000);
});
