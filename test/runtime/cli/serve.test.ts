import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseServeArguments } from '../../../runtime/cli/serve.js';
import { parseDurationNs } from '../../../runtime/duration.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('vplc serve', () => {
  it('parses its arguments and explains bad ones', () => {
    expect(parseServeArguments(['a.st', '--metrics-port', '0', '--spin-us', '50', '--watchdog', '200ms'])).toMatchObject({
      files: ['a.st'],
      metricsPort: 0,
      spinUs: 50,
      watchdogNs: 200_000_000,
      virtual: false,
    });
    expect(parseServeArguments(['a.st', '--no-metrics']).valueOf()).toMatchObject({ metricsPort: undefined });
    expect(parseServeArguments(['a.st', '--watchdog=1s', '--config=plc.yaml'])).toMatchObject({ watchdogNs: 1e9, config: 'plc.yaml' });
    // usage errors are printed (see cli.test.ts) and give the exit status 64
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(parseServeArguments([])).toBe(64);
      expect(parseServeArguments(['a.st', '--metrics-port', 'x'])).toBe(64);
      expect(parseServeArguments(['a.st', '--bogus'])).toBe(64);
    } finally {
      process.stderr.write = stderr;
    }
    expect(parseDurationNs('1.5s')).toBe(1_500_000_000);
    expect(parseDurationNs('250us')).toBe(250_000);
    expect(parseDurationNs('soon')).toBeUndefined();
  });

  it('runs until SIGINT, serves /metrics on 127.0.0.1 and stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-'));
    const file = join(dir, 'blink.st');
    writeFileSync(
      file,
      `PROGRAM Blink
VAR n : DINT; lamp AT %QX0.0 : BOOL; END_VAR
n := n + 1;
lamp := NOT lamp;
END_PROGRAM
`,
    );
    const script = `import('./runtime/cli/serve.ts').then((m) => m.serveCommand(${JSON.stringify([file, '--metrics-port', '0', '--summary-every', '100ms'])})).then((code) => process.exit(code));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(stdout);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
    });
    // wait for scans and a console summary line
    let text = '';
    for (;;) {
      text = await (await fetch(`${url}/metrics`)).text();
      const cycles = /vplc_task_cycles_total\{task="Default",resource="Default"\} (\d+)/.exec(text);
      if (cycles && Number(cycles[1]) > 3 && /Default: \d+ scans/.test(stdout)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(text).toContain('vplc_task_exec_seconds_bucket{task="Default",resource="Default",le="+Inf"}');
    const json = (await (await fetch(`${url}/metrics.json`)).json()) as { tasks: Record<string, { resource: string }> };
    expect(json.tasks.Default.resource).toBe('Default');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^Default: \d+ scans, exec p50 /);
  }, 90_000);

  it('reports compile errors as diagnostics and exits with 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-'));
    const file = join(dir, 'bad.st');
    writeFileSync(file, 'PROGRAM P\nVAR x : INT; END_VAR\nx := ;\nEND_PROGRAM\n');
    const script = `import('./runtime/cli/serve.ts').then((m) => m.serveCommand(${JSON.stringify([file, '--no-metrics'])})).then((code) => process.exit(code));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad\.st:3:\d+: error E\d+: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
