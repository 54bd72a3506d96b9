import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { loadConfigFile } from '../../runtime/config/load.js';
import { loadPlc } from '../../runtime/testing/index.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

// what the image runs, checked without Docker (test/interop/container.test.ts runs the image)
describe('container sample', () => {
  it('its configuration is valid and serves Modbus and OPC UA on every interface', () => {
    const r = loadConfigFile(here('./plc.yaml'));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.config!.modbusServer).toMatchObject({ host: '0.0.0.0', port: 5020 });
    expect(r.config!.opcuaServer).toMatchObject({ host: '0.0.0.0', port: 4840 });
  });

  it('the application it copies runs on the configuration simulated plant', () => {
    const plc = loadPlc(here('../tank-level/tank_level.st'), { config: here('./plc.yaml') });
    plc.advance('2m');
    expect(plc.value('Level.level')).toBeCloseTo(1.2, 1);
  });

  it('the Dockerfile copies the files the tests above used and runs as a non-root user', () => {
    const d = readFileSync(here('./Dockerfile'), 'utf8');
    expect(d).toContain('COPY samples/tank-level/tank_level.st /app/app.st');
    expect(d).toContain('COPY samples/container/plc.yaml /app/plc.yaml');
    expect(d).toMatch(/^USER node$/m);
    expect(d).toMatch(/^EXPOSE 5020 4840 61499 9464$/m);
  });
});
