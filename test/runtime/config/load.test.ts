import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfig } from '../../../runtime/config/load.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

const GOOD = `
modbusServer:
  port: 5021
  readOnly: true
devices:
  - name: rio1
    driver: modbus-tcp
    host: 127.0.0.1
    port: 1502
    unitId: 3
    pollMs: 50
    status: { ok: '%IX100.0', errors: '%IW100' }
    inputs:
      - { table: discrete, address: 0, count: 16, var: '%IX0.0' }
      - { table: input, address: 10, type: REAL, wordOrder: little, var: '%ID2' }
    outputs:
      - { table: coil, address: 0, count: 8, var: '%QX0.0', safe: false }
      - { table: holding, address: 5, var: '%QW3', safe: hold }
  - name: plant
    driver: simulation
    model: tank
    params: { area: 2 }
    signals:
      level: { var: '%IW10', scale: 1000 }
      inflowValve: '%QX1.0'
`;

function messages(text: string): string[] {
  return parseConfig(text, 'plc.yaml').diagnostics.map(formatDiagnostic);
}

describe('plc.yaml loading', () => {
  it('reads a valid file and fills defaults', () => {
    const r = parseConfig(GOOD, 'plc.yaml');
    expect(r.diagnostics).toEqual([]);
    const c = r.config!;
    expect(c.modbusServer).toEqual({ host: '127.0.0.1', port: 5021, readOnly: true, unitId: 0, maxConnections: 32, idleTimeoutMs: 60_000, allow: [] });
    const d = c.devices[0]!;
    expect(d.driver).toBe('modbus-tcp');
    if (d.driver !== 'modbus-tcp') throw new Error();
    expect(d.unitId).toBe(3);
    expect(d.timeoutMs).toBe(1000);
    expect(d.reconnect).toEqual({ minMs: 200, maxMs: 5000 });
    expect(d.inputs[1]).toMatchObject({ table: 'input', address: 10, type: 'REAL', wordOrder: 'little', var: '%ID2', count: 1 });
    expect(d.inputs[0]!.type).toBe('BOOL');
    expect(d.outputs.map((o) => o.safe)).toEqual([false, 'hold']);
    expect(c.devices[1]).toMatchObject({ driver: 'simulation', model: 'tank', params: { area: 2 } });
  });

  it('reads JSON too', () => {
    const r = parseConfig(JSON.stringify({ devices: [{ name: 'a', driver: 'modbus-tcp', host: 'h', inputs: [{ table: 'holding', address: 1, var: '%IW0' }] }] }), 'plc.json');
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.devices[0]!.name).toBe('a');
  });

  it('reports the path, what was expected, and file:line:col', () => {
    const bad = GOOD.replace('unitId: 3', 'unitId: 300').replace('type: REAL', 'type: FLOAT').replace('pollMs: 50', 'polMs: 50');
    expect(messages(bad)).toEqual([
      "plc.yaml:11:5: error E6003: devices[0].polMs: unknown key 'polMs' (allowed here: name, driver, pollMs, timeoutMs, reconnect, status, host, port, path, baudRate, parity, dataBits, stopBits, unitId, wordOrder, inputs, outputs)",
      'plc.yaml:10:13: error E6004: devices[0].unitId: expected an integer from 0 to 255, got 300',
      'plc.yaml:15:44: error E6004: devices[0].inputs[1].type: expected one of BOOL, SINT, USINT, BYTE, INT, UINT, WORD, DINT, UDINT, DWORD, REAL, LINT, ULINT, LWORD, LREAL, got "FLOAT"',
    ].sort());
  });

  it('checks addresses against direction, type and image size', () => {
    const text = `
devices:
  - name: d
    driver: modbus-tcp
    host: x
    inputs:
      - { table: holding, address: 0, var: '%QW0' }
      - { table: holding, address: 0, type: DINT, var: '%IW0' }
      - { table: coil, address: 0, count: 9, var: '%IX1023.0' }
      - { table: holding, address: 0, var: '%IW7' }
      - { table: holding, address: 1, var: '%IW7' }
    outputs:
      - { table: holding, address: 0, var: '%IW1' }
      - { table: input, address: 0, var: '%QW1' }
`;
    const m = messages(text);
    expect(m).toContain("plc.yaml:7:44: error E6006: devices[0].inputs[0].var: '%QW0' is an output; device inputs and status go to %I (or %M) addresses");
    expect(m).toContain("plc.yaml:8:56: error E6006: devices[0].inputs[1].var: '%IW0' does not hold a value of type DINT: use a %ID address");
    expect(m).toContain("plc.yaml:9:51: error E6006: devices[0].inputs[2].var: '%IX1023.0' with count 9 runs past the end of the process image");
    expect(m.some((x) => x.includes('E6008') && x.includes("inputs[4].var: '%IW7' is already written by d (devices[0].inputs[3].var)"))).toBe(true);
    expect(m).toContain("plc.yaml:13:44: error E6006: devices[0].outputs[0].var: '%IW1' is an input; device outputs come from %Q or %M addresses");
    expect(m).toContain('plc.yaml:14:18: error E6004: devices[0].outputs[1].table: expected one of coil, holding, got "input"');
  });

  it('reports missing keys, duplicate names and syntax errors', () => {
    const m = messages('devices:\n  - name: a\n    driver: modbus-tcp\n  - name: a\n    driver: modbus-rtu\n    path: /dev/ttyS0\n');
    expect(m).toEqual([
      "plc.yaml:2:5: error E6005: devices[0]: missing key 'host'",
      "plc.yaml:4:11: error E6007: devices[1].name: device name 'a' is already used by devices[0]",
    ]);
    const s = messages('devices:\n  - name: a\n   driver: [x\n');
    expect(s.length).toBeGreaterThan(0);
    expect(s[0]).toMatch(/^plc\.yaml:\d+:\d+: error E6002: /);
    expect(messages('opcuaServer: { port: 4850 }')).toEqual([
      "plc.yaml:1:14: error E6005: opcuaServer: missing key 'users' (a list of {username, password}); or set allowAnonymous: true",
    ]);
  });

  it('reports an unreadable file, and reads a real one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-config-'));
    expect(loadConfigFile(join(dir, 'nope.yaml')).diagnostics.map(formatDiagnostic)).toEqual([
      `${join(dir, 'nope.yaml')}:1:1: error E6001: cannot read configuration: no such file`,
    ]);
    writeFileSync(join(dir, 'plc.yaml'), GOOD);
    expect(loadConfigFile(join(dir, 'plc.yaml')).config!.devices.length).toBe(2);
  });
});
