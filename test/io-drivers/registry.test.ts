import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { createConnection } from 'node:net';
import { parseConfig } from '../../runtime/config/load.js';
import { IoManager } from '../../runtime/io/io-manager.js';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { ConfigReader, type ConfigPath } from '../../io-drivers/config-reader.js';
import type { DeviceConfigBase } from '../../io-drivers/config.js';
import type { DeviceDriverFactory } from '../../io-drivers/driver.js';
import { DEVICE_DRIVERS, SERVER_DRIVERS, deviceDriver } from '../../io-drivers/registry.js';
import { SimulationDriver } from '../../io-drivers/simulation/simulation-driver.js';
import { ScanLoop } from './harness.js';

describe('I/O driver registry', () => {
  it('lists every driver kind and server key, and plc.yaml accepts exactly those', () => {
    expect(DEVICE_DRIVERS.map((d) => d.kind)).toEqual(['modbus-tcp', 'modbus-rtu', 'opcua', 'simulation']);
    expect(SERVER_DRIVERS.map((s) => s.key)).toEqual(['modbusServer', 'opcuaServer', 'mqtt']);
    expect(deviceDriver('opcua')?.kind).toBe('opcua');
    expect(deviceDriver('mqtt')).toBeUndefined();
    const r = parseConfig('devices:\n  - { name: a, driver: mqtt }\n', 'plc.yaml');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'plc.yaml:2:24: error E6004: devices[0].driver: expected one of modbus-tcp, modbus-rtu, opcua, simulation, got "mqtt"',
    ]);
  });

  it("checks a device's keys against its own driver's list", () => {
    const r = parseConfig('devices:\n  - { name: a, driver: simulation, model: tank, host: x }\n', 'plc.yaml');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E6003']);
    expect(r.diagnostics[0]!.message).toContain('allowed here: name, driver, pollMs, timeoutMs, reconnect, status, model, params, signals');
    expect(r.diagnostics[0]!.range.line).toBe(2);
  });

  it('creates each configured driver and server through its factory, and they run', async () => {
    const r = parseConfig(
      [
        'modbusServer: { host: 127.0.0.1, port: 0 }',
        'devices:',
        '  - name: plant',
        '    driver: simulation',
        '    model: tank',
        "    signals: { level: { var: '%IW0', scale: 1000 } }",
      ].join('\n'),
      'plc.yaml',
    );
    expect(r.diagnostics).toEqual([]);
    const loop = new ScanLoop();
    const io = IoManager.fromConfig(r.config!, { exchange: loop.exchange, clock: { nowNs: () => 0 }, log: () => {} });
    expect(io.drivers).toEqual([]); // nothing is loaded before start
    await io.start();
    try {
      expect(io.drivers.map((d) => d.name)).toEqual(['plant', 'modbus-server']);
      expect(io.simulations()).toHaveLength(1);
      expect(io.simulations()[0]).toBeInstanceOf(SimulationDriver);
      // the Modbus server the factory created really listens
      const port = (io.drivers[1] as unknown as { port: number }).port;
      expect(port).toBeGreaterThan(0);
      await new Promise<void>((resolve, reject) => {
        const s = createConnection({ host: '127.0.0.1', port }, () => (s.end(), resolve()));
        s.on('error', reject);
      });
    } finally {
      await io.stop();
    }
  });
});

describe('the driver contract', () => {
  // A driver outside the registry, written against the same contract: its validator reports
  // located diagnostics through the shared reader, as a registered driver's does.
  interface EchoConfig extends DeviceConfigBase { driver: 'echo'; period: number; target: string }
  const ECHO: DeviceDriverFactory<EchoConfig> = {
    kind: 'echo',
    keys: ['period', 'target'],
    validate: (r, o, path, base) => {
      const target = r.str(o, 'target', path, { required: true }) ?? '';
      if (target) r.target(target, [...path, 'target'], 'INT', base.name);
      return { ...base, driver: 'echo', period: r.int(o, 'period', path, 1, 1000, 10), target };
    },
    create: () => Promise.reject(new Error('not needed here')),
  };

  function validate(text: string): { config: EchoConfig; diagnostics: string[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    const r = new ConfigReader(doc, lines, 'echo.yaml');
    const path: ConfigPath = ['devices', 0];
    const o = r.object((doc.toJS() as { devices: unknown[] }).devices[0], path, ['name', 'driver', ...ECHO.keys])!;
    const base: DeviceConfigBase = { name: 'e', driver: 'echo', pollMs: 0, timeoutMs: 1, reconnect: { minMs: 1, maxMs: 1 }, status: {}, at: 'devices[0]' };
    return { config: ECHO.validate(r, o, path, base), diagnostics: r.diagnostics.map(formatDiagnostic) };
  }

  it('reads a valid device', () => {
    const v = validate('devices:\n  - { name: e, driver: echo, period: 20, target: "%IW4" }\n');
    expect(v.diagnostics).toEqual([]);
    expect(v.config).toMatchObject({ driver: 'echo', period: 20, target: '%IW4' });
  });

  it('reports bad values with their path and line', () => {
    const v = validate('devices:\n  - name: e\n    driver: echo\n    period: 5000\n    target: "%QW1"\n    color: red\n');
    expect(v.diagnostics).toEqual([
      'echo.yaml:6:5: error E6003: devices[0].color: unknown key \'color\' (allowed here: name, driver, period, target)',
      "echo.yaml:5:13: error E6006: devices[0].target: '%QW1' is an output; device inputs and status go to %I (or %M) addresses",
      'echo.yaml:4:13: error E6004: devices[0].period: expected an integer from 1 to 1000, got 5000',
    ]);
  });
});
