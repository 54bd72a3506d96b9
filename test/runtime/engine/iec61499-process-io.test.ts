import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../../compiler/project.js';
import { parseConfig } from '../../../runtime/config/load.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { ImageExchange } from '../../../compiler/contract/image-exchange.js';
import { IoManager } from '../../../runtime/io/io-manager.js';
import { createImageView } from '../../../compiler/contract/process-image.js';
import { ioResource } from '../../../runtime/cli/serve.js';
import { freePort, until } from '../../support/wait.js';
import { modbusDevice } from '../../support/modbus-device.js';

const sys = fileURLToPath(new URL('../iec61499/process-io/io-loop.sys', import.meta.url));

describe('IEC 61499 process I/O in the engine (real clock, Modbus TCP remote I/O)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('IX/IW read the rack’s inputs and QX/QW write its outputs through the process image', async () => {
    const compiled = compileFiles([sys]);
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    const app = compiled.application!;
    const port = await freePort();
    const mem = { coils: [] as boolean[], discrete: [false, false, false], input: [321], holding: [] as number[] };
    const server = await modbusDevice(port, mem);
    cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
    const { config, diagnostics } = parseConfig(`
devices:
  - name: rack
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${port}
    unitId: 1
    pollMs: 10
    timeoutMs: 500
    inputs:
      - { table: discrete, address: 0, count: 3, var: '%IX0.0' }
      - { table: input, address: 0, count: 1, var: '%IW0' }
    outputs:
      - { table: coil, address: 0, count: 2, var: '%QX0.0' }
      - { table: holding, address: 2, count: 1, var: '%QW2' }
`);
    expect(diagnostics).toEqual([]);
    const engine = await Engine.start(app, { clock: 'real' });
    cleanup.push(async () => void (await engine.stop()));
    // one resource: the I/O belongs to it without a `resource:` key
    const resource = ioResource(config!, engine.resources);
    expect(resource).toBe('PLC.RES');
    const io = IoManager.fromConfig(config!, { exchange: engine.exchange(resource as string) });
    cleanup.push(async () => void (await io.stop()));
    await io.start();

    // the eye is off: the lamp (%QX0.1 = NOT %IX0.0) is on at the rack; %IW0 comes back on %QW2
    await until(() => mem.coils[1] === true && mem.holding[2] === 321, 'QX/QW written to the rack');
    mem.discrete[0] = true;
    mem.input[0] = 4321;
    await until(() => mem.coils[1] === false && mem.holding[2] === 4321, 'the new inputs reaching the outputs');
    // IND: an input block watching %IX0.2 counts its changes, also between E_CYCLE ticks
    mem.discrete[2] = true;
    await until(async () => (await engine.snapshotVars())['PLC.RES.EDGES.CV'] === 1, 'IND on a rising %IX0.2');
    mem.discrete[2] = false;
    await until(async () => (await engine.snapshotVars())['PLC.RES.EDGES.CV'] === 2, 'IND on a falling %IX0.2');
    const vars = await engine.snapshotVars();
    expect(vars['PLC.RES.BAD.QO']).toBe(false);
    expect(vars['PLC.RES.SENSOR.STATUS']).toBe('OK');
    expect(engine.faults).toEqual([]);
  });

  it('an event-driven network (no timer) wakes for its input blocks: IND → QX, ID → QD', async () => {
    const compiled = compileFiles([fileURLToPath(new URL('../iec61499/process-io/event-driven.sys', import.meta.url))]);
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    // one exchange for the application's only resource (a 61499 one), as a driver would hold it
    const exchange = new ImageExchange();
    const engine = await Engine.start(compiled.application!, { clock: 'real', exchange });
    cleanup.push(async () => void (await engine.stop()));
    const out = createImageView();
    const lamp = () => (exchange.readOutputs(out), (out.outputBits[2]! >> 5) & 1);
    const copy = () => (exchange.readOutputs(out), (out.outputWords[8]! | (out.outputWords[9]! << 16)) >>> 0);
    exchange.writeInputs((v) => (v.inputBits[1] = 1 << 3));
    await until(() => lamp() === 1, '%QX2.5 to follow %IX1.3 up');
    exchange.writeInputs((v) => {
      v.inputBits[1] = 0;
      v.inputWords[8] = 0x5678; // %ID4: words 8 and 9, low word first
      v.inputWords[9] = 0x1234;
    });
    await until(() => lamp() === 0 && copy() === 0x12345678, '%QX2.5 down and %QD4 = %ID4');
    const vars = await engine.snapshotVars();
    expect(vars['PLC.RES.VALUE.IN']).toBe(0x12345678);
    expect(vars['PLC.RES.LAMP.QO']).toBe(true);
    expect(engine.faults).toEqual([]);
  });

  it('a configuration for an application with several resources must name one of them', () => {
    const { config } = parseConfig(`devices: []\n`);
    expect(ioResource(config!, ['PLC.A', 'PLC.B'])).toEqual({ error: expect.stringContaining('several resources (PLC.A, PLC.B)') });
    expect(ioResource({ ...config!, resource: 'plc.b' }, ['PLC.A', 'PLC.B'])).toBe('PLC.B');
    expect(ioResource({ ...config!, resource: 'C' }, ['PLC.A', 'PLC.B'])).toEqual({ error: expect.stringContaining("resource 'C'") });
  });
});
