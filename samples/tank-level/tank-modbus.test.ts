import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, startCli, until } from '../child-cli.js';
import { startTankDevice } from './tank-device.js';

const dir = mkdtempSync(join(tmpdir(), 'vplc-tank-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

describe('tank-level over Modbus TCP remote I/O (vplc serve as a child process)', () => {
  it('controls the remote tank, serves OPC UA and /healthz, and leaves the valve closed on SIGTERM', async () => {
    const device = await startTankDevice({ port: await freePort(), speed: 10, params: { initialLevel: 0.5 } });
    const opcuaPort = await freePort();
    const config = readFileSync(join(ROOT, 'samples/tank-level/plc-modbus.yaml'), 'utf8')
      .replace('port: 1502', `port: ${device.port}`)
      .replace('port: 4840', `port: ${opcuaPort}`);
    writeFileSync(join(dir, 'plc-modbus.yaml'), config);
    const plc = startCli(['serve', 'samples/tank-level/tank_level.st', '--config', join(dir, 'plc-modbus.yaml'), '--metrics-port', '0', '--summary-every', '0']);
    try {
      const [, url] = await plc.waitFor(/metrics on (http:\/\/\S+)\/metrics/);
      await plc.waitFor(/running Plant/);
      // the PID opens the valve of the remote device: the level rises toward 1.2 m
      await until(() => device.signal('inflowPosition') > 0, 'the PLC to open the remote valve');
      await until(() => device.signal('level') > 0.8, 'the remote level to rise');
      expect(device.signal('outflowValve')).toBe(1);
      // the device may miss a poll deadline on a loaded machine: wait for a report with it ok
      let body: { ok: boolean; devices: { name: string; ok: boolean }[] } | undefined;
      await until(async () => {
        const health = await fetch(`${url}/healthz`);
        expect(health.status).toBe(200);
        body = (await health.json()) as typeof body;
        return body!.devices.some((d) => d.name === 'tank' && d.ok);
      }, 'the tank device reported ok on /healthz');
      expect(body!.ok).toBe(true);
      await until(() => listening(opcuaPort), 'the OPC UA server');
      plc.child.kill('SIGTERM');
      expect(await plc.exited).toBe(0);
      // outputs went to their safe values on the device: valve position 0, coils off
      expect(device.signal('inflowPosition')).toBe(0);
      expect(device.signal('inflowValve')).toBe(0);
      expect(device.signal('outflowValve')).toBe(0);
    } finally {
      plc.child.kill('SIGKILL');
      await device.close();
    }
  }, 120_000);
});
