import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient } from '../../../../runtime/iec61499/management/client.js';
import { deployCounter, startDeviceProcess, stopDeviceProcess, waitFor } from './harness.js';

describe('vplc device', () => {
  it('serves the IDE, stops on SIGTERM and comes back from its boot file', async () => {
    const boot = join(mkdtempSync(join(tmpdir(), 'vplc-device-')), 'app.fboot');
    const first = await startDeviceProcess(['--port', '0', '--boot', boot]);
    const c1 = await ManagementClient.open(first.port);
    await deployCounter(c1);
    await c1.close();
    expect(await stopDeviceProcess(first.child)).toBe(0);
    expect(readFileSync(boot, 'utf8')).toContain('Action="START"');

    const second = await startDeviceProcess(['--port', '0', '--boot', boot]);
    try {
      expect(second.stderr()).toContain('loaded 1 resource(s)');
      const c2 = await ManagementClient.open(second.port);
      const cv = async () => Number(/Destination="(\d+)"/.exec(await c2.request('RES', 'READ', '<Connection Source="C.CV" Destination="" />'))?.[1]);
      await waitFor(cv, (v) => v >= 3, 'the restarted device to count');
      await c2.close();
    } finally {
      expect(await stopDeviceProcess(second.child)).toBe(0);
    }
  }, 60_000);

  it('ends its process after answering a KILL of the device, as FORTE does', async () => {
    const p = await startDeviceProcess(['--port', '0']);
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
