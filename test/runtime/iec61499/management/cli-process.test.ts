import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagementClient } from '../../../../runtime/iec61499/management/client.js';
import { deployCounter, waitFor } from './harness.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ENTRY = join(ROOT, 'runtime/cli/device.ts');

/** `vplc device …` in a process of its own (main.ts wiring aside): what a power cycle stops. */
function startProcess(args: string[]): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const script = `const m = await import(${JSON.stringify(ENTRY)}); process.exitCode = await m.deviceCommand(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), stderr: () => err });
    });
    child.once('exit', (code) => reject(new Error(`vplc device exited with ${code}: ${err}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('vplc device', () => {
  it('serves the IDE, stops on SIGTERM and comes back from its boot file', async () => {
    const boot = join(mkdtempSync(join(tmpdir(), 'vplc-device-')), 'app.fboot');
    const first = await startProcess(['--port', '0', '--boot', boot]);
    const c1 = await ManagementClient.open(first.port);
    await deployCounter(c1);
    await c1.close();
    expect(await stopProcess(first.child)).toBe(0);
    expect(readFileSync(boot, 'utf8')).toContain('Action="START"');

    const second = await startProcess(['--port', '0', '--boot', boot]);
    try {
      expect(second.stderr()).toContain('loaded 1 resource(s)');
      const c2 = await ManagementClient.open(second.port);
      const cv = async () => Number(/Destination="(\d+)"/.exec(await c2.request('RES', 'READ', '<Connection Source="C.CV" Destination="" />'))?.[1]);
      await waitFor(cv, (v) => v >= 3, 'the restarted device to count');
      await c2.close();
    } finally {
      expect(await stopProcess(second.child)).toBe(0);
    }
  }, 60_000);

  it('ends its process after answering a KILL of the device, as FORTE does', async () => {
    const p = await startProcess(['--port', '0']);
    const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
    const c = await ManagementClient.open(p.port);
    await deployCounter(c);
    expect(await c.request('', 'KILL')).toMatch(/^<Response ID="\d+" \/>$/);
    await c.whenClosed();
    expect(await exited).toBe(0);
  }, 60_000);

  it('rejects bad arguments with a message, not a stack trace', async () => {
    const { deviceCommand } = await import('../../../../runtime/cli/device.js');
    const errors: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => errors.push(s) > 0) as unknown as typeof process.stderr.write;
    try {
      expect(await deviceCommand(['--port', 'x'])).toBe(64);
      expect(await deviceCommand(['--allow', 'not-an-ip'])).toBe(64);
      expect(await deviceCommand(['--bind', 'nowhere'])).toBe(64);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toMatch(/--port needs a TCP port[\s\S]*--allow needs[\s\S]*--bind needs an IP address/);
    expect(errors.join('')).not.toMatch(/\n\s+at /);
  });
});
