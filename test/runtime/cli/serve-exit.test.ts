import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, until } from '../../support/wait.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Serve {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** the exit status, or the signal that ended the process */
  exited: Promise<number | string>;
}

function serve(args: string[]): Serve {
  const child = spawn(process.execPath, ['--import', 'tsx', 'runtime/cli/main.ts', 'serve', ...args], { cwd: root });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? String(signal))));
  return { child, out: () => out, err: () => err, exited };
}

async function occupy(port: number, host = '127.0.0.1'): Promise<Server> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(port, host, r));
  return s;
}

const blink = write('blink.st', 'PROGRAM Blink\nVAR n : DINT; lamp AT %QX0.0 : BOOL; END_VAR\nn := n + 1;\nlamp := NOT lamp;\nEND_PROGRAM\n');

describe('vplc serve exit status and health', () => {
  it('fails before the first scan with E6011 at the config key when the Modbus port is taken', async () => {
    const port = await freePort();
    const taken = await occupy(port);
    try {
      const config = write('taken.yaml', `# Modbus server\nmodbusServer:\n  host: 127.0.0.1\n  port: ${port}\n`);
      const s = serve([blink, '--config', config, '--no-metrics']);
      expect(await s.exited).toBe(1);
      expect(s.err()).toBe(`${config}:4:9: error E6011: modbusServer.port: 127.0.0.1:${port} is already in use\n`);
      expect(s.out()).not.toContain('running');
    } finally {
      taken.close();
    }
  }, 60_000);

  it('names --metrics-port when the metrics port is taken, exit 1', async () => {
    const port = await freePort();
    const taken = await occupy(port);
    try {
      const s = serve([blink, '--metrics-port', String(port)]);
      expect(await s.exited).toBe(1);
      expect(s.err()).toContain(`vplc serve: --metrics-port: 127.0.0.1:${port} is already in use`);
      expect(s.out()).not.toContain('running');
    } finally {
      taken.close();
    }
  }, 60_000);

  it('reports one YAML syntax error at its line and column', async () => {
    const config = write('syntax.yaml', 'modbusServer:\n  port: 5020\n\treadOnly: true\n');
    const s = serve([blink, '--config', config, '--no-metrics']);
    expect(await s.exited).toBe(1);
    expect(s.err().trim().split('\n')).toEqual([`${config}:3:1: error E6002: Tabs are not allowed as indentation`]);
  }, 60_000);

  it('keeps serving /healthz (503) after a fault and exits 2 when stopped', async () => {
    const file = write('fault.st', 'PROGRAM Faulty\nVAR n : INT; z : INT; y : INT; END_VAR\nn := n + 1;\nIF n > 20 THEN y := 10 / z; END_IF;\nEND_PROGRAM\n');
    const s = serve([file, '--metrics-port', '0', '--summary-every', '0']);
    await until(() => /metrics on (http:\/\/[\d.:]+)\/metrics/.test(s.out()), 'the metrics endpoint');
    const url = /metrics on (http:\/\/[\d.:]+)\/metrics/.exec(s.out())![1]!;
    await until(() => s.err().includes('still serving'), 'the fault');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { status: string }).status).toBe('faulted');
    // still alive: a second request is answered too
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(2);
    expect(s.err()).toMatch(/division by zero/i);
  }, 60_000);

  it('answers /healthz 200 with status degraded while an I/O device is unreachable', async () => {
    const devicePort = await freePort(); // nobody listens there
    const config = write(
      'unreachable.yaml',
      `devices:\n  - name: rio1\n    driver: modbus-tcp\n    host: 127.0.0.1\n    port: ${devicePort}\n    timeoutMs: 200\n    reconnect: { minMs: 100, maxMs: 200 }\n    inputs: [{ table: input, address: 0, count: 1, var: '%IW0' }]\n`,
    );
    const s = serve([blink, '--config', config, '--metrics-port', '0', '--summary-every', '0']);
    try {
      await until(() => /metrics on (http:\/\/[\d.:]+)\/metrics/.test(s.out()), 'the metrics endpoint');
      const url = /metrics on (http:\/\/[\d.:]+)\/metrics/.exec(s.out())![1]!;
      let body: { status?: string; ok?: boolean; devices?: { name: string; ok: boolean }[] } = {};
      let code = 0;
      await until(async () => {
        const r = await fetch(`${url}/healthz`);
        code = r.status;
        body = (await r.json()) as typeof body;
        return body.status === 'degraded';
      }, 'a degraded health report');
      expect(code).toBe(200);
      expect(body.ok).toBe(true);
      expect(body.devices).toEqual([expect.objectContaining({ name: 'rio1', ok: false })]);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
  }, 60_000);
});
