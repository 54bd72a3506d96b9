import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countingResource, writeSystem } from './iec61499-fixtures.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Run one vplc command module in a child process (as the CLI does), from the sources. */
function child(module: 'serve' | 'run', fn: string, args: string[]) {
  const script = `import('./runtime/cli/${module}.ts').then((m) => m.${fn}(${JSON.stringify(args)})).then((code) => process.exit(code));`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  proc.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, out, exited };
}

describe('vplc run and serve with an IEC 61499 .sys on the real clock', () => {
  it('vplc run app.sys --duration 300ms --json counts E_CYCLE ticks', async () => {
    const sys = writeSystem([countingResource('RES')]);
    const { out, exited } = child('run', 'runCommand', [sys, '--duration', '300ms', '--json']);
    expect(await exited).toBe(0);
    expect(out.stderr).toBe('');
    const r = JSON.parse(out.stdout) as { vars: Record<string, number>; metrics: { tasks: Record<string, { cycles: number }>; events: Record<string, { delivered: number }> } };
    expect(r.vars['PLC.RES.C.CV']).toBeGreaterThanOrEqual(5);
    expect(r.vars['PLC.RES.C.CV']).toBeLessThanOrEqual(30);
    // one scan per wake-up; a wake-up a period late (a loaded machine) delivers the ticks it owes at once
    expect(r.metrics.tasks['PLC.RES']!.cycles).toBeGreaterThan(0);
    expect(r.metrics.tasks['PLC.RES']!.cycles).toBeLessThanOrEqual(r.vars['PLC.RES.C.CV']!);
    expect(r.metrics.events['PLC.RES']!.delivered).toBe(1 + r.vars['PLC.RES.C.CV']!);
  }, 90_000);

  it('vplc serve app.sys answers /metrics, stops on SIGINT and prints a summary line', async () => {
    const sys = writeSystem([countingResource('RES')]);
    const { proc, out, exited } = child('serve', 'serveCommand', [sys, '--metrics-port', '0', '--summary-every', '100ms']);
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout.on('data', () => {
        const m = /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(out.stdout);
        if (m) resolve(m[1]!);
      });
      proc.on('exit', (code) => reject(new Error(`serve exited (${code}): ${out.stderr}`)));
    });
    let text = '';
    for (;;) {
      text = await (await fetch(`${url}/metrics`)).text();
      const cycles = /vplc_task_cycles_total\{task="PLC\.RES",resource="PLC\.RES"\} (\d+)/.exec(text);
      if (cycles && Number(cycles[1]) > 3 && /PLC\.RES: \d+ scans/.test(out.stdout)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const events = /vplc_resource_events_total\{resource="PLC\.RES"\} (\d+)/.exec(text);
    expect(Number(events?.[1])).toBeGreaterThan(3);
    expect(text).toContain('vplc_task_lateness_seconds_bucket{task="PLC.RES",resource="PLC.RES",le="+Inf"}');
    const json = (await (await fetch(`${url}/metrics.json`)).json()) as { tasks: Record<string, { cycles: number }>; events: Record<string, { delivered: number }> };
    expect(json.tasks['PLC.RES']!.cycles).toBeGreaterThan(3);
    expect(json.events['PLC.RES']!.delivered).toBeGreaterThan(3);
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n').at(-1)).toMatch(/^PLC\.RES: \d+ scans, exec p50 /);
  }, 90_000);
});

describe('vplc run of an IEC 61499 network with nothing timed, on the virtual clock', () => {
  it('ends after its start chain instead of waiting for events that cannot come', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-untimed-'));
    const boot = join(dir, 'untimed.fboot');
    writeFileSync(
      boot,
      [
        'RES;<Request ID="1" Action="CREATE"><FB Name="C" Type="E_CTU" /></Request>',
        'RES;<Request ID="2" Action="WRITE"><Connection Source="5" Destination="C.PV" /></Request>',
        'RES;<Request ID="3" Action="CREATE"><Connection Source="START.COLD" Destination="C.CU" /></Request>',
        'RES;<Request ID="4" Action="START"/>',
        '',
      ].join('\n'),
    );
    const { out, exited } = child('run', 'runCommand', [boot, '--virtual-time', '--cycles', '3', '--json']);
    expect(await exited).toBe(0);
    const r = JSON.parse(out.stdout) as { vars: Record<string, number> };
    expect(r.vars['RES.C.CV']).toBe(1); // START.COLD counted once, then nothing else happens
  }, 60_000);
});
