import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startCli, until, type CliProcess } from '../../samples/child-cli.js';
import { Broker, mosquittoMissing, publish, Subscriber } from './mosquitto.js';

const missing = mosquittoMissing();

/** The sorting-conveyor sample (an IEC 61499 application on a simulated belt) publishing Dev.Res.FB.Var. */
describe.skipIf(missing)(`MQTT gateway with an IEC 61499 application${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let broker: Broker | undefined;
  let sub: Subscriber | undefined;
  let cli: CliProcess | undefined;
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) (cli.child.kill('SIGKILL'), await cli.exited);
    await sub?.stop();
    await broker?.stop();
  });

  it('publishes FB variables by Device.Resource.FB.Var, typed, and refuses writes to them', async () => {
    broker = await Broker.start();
    sub = new Subscriber(broker, ['line/#', 'vplc/conv/#']);
    const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-61499-'));
    const sample = join(ROOT, 'samples', 'sorting-conveyor');
    writeFileSync(join(dir, 'plc.yaml'), `${readFileSync(join(sample, 'plc.yaml'), 'utf8')}
mqtt:
  url: ${broker.url}
  clientId: conv
  samplingMs: 20
  publications:
    - vars: [PLC.Line.CLOCK.DT, 'PLC.Line.CELL.**', PLC.Line.EYE.IN]
      topic: 'line/{path}'
  commands: { topic: line/set/#, writable: [PLC.Line.CELL.N.PV] }
`);
    cli = startCli(['serve', join(sample, 'sorting.sys'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);
    await until(() => sub!.on('line/PLC.Line.CLOCK.DT').length > 0 && sub!.on('line/PLC.Line.CELL.N.PV').length > 0, 'the FB variables', 30_000);
    expect(sub.json('line/PLC.Line.CLOCK.DT')[0]).toMatchObject({ value: 'T#10ms', quality: 'good' });
    // inside the composite CELL (flattened: CELL.N is its E_CTU), the parameter its type sets
    expect(sub.json('line/PLC.Line.CELL.N.PV')[0]!.value).toBe(65535);
    // the belt runs: the photo eye sees parts come and go, and the counter counts them
    await until(() => new Set(sub!.json('line/PLC.Line.EYE.IN').map((m) => m.value)).size === 2, 'EYE.IN to change', 30_000);
    await until(() => sub!.json('line/PLC.Line.CELL.N.CV').some((m) => (m.value as number) > 0), 'CELL.N.CV to count', 30_000);

    publish(broker, 'line/set/PLC.Line.CELL.N.PV', '5');
    await until(() => sub!.on('vplc/conv/status').length > 0, 'the command report');
    expect(sub.json('vplc/conv/status')[0]).toMatchObject({ path: 'PLC.Line.CELL.N.PV', ok: false });
    expect(sub.json('vplc/conv/status')[0]!.error).toMatch(/IEC 61499 resources cannot be written/);
  }, 90_000);

  it('refuses to start, exit 1, when a selection names no variable of the resource', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-61499-'));
    writeFileSync(join(dir, 'plc.yaml'), `mqtt:
  url: mqtt://127.0.0.1:1
  publications:
    - vars: [PLC.Line.NOPE.X]
`);
    const bad = startCli(['serve', join(ROOT, 'samples', 'sorting-conveyor', 'sorting.sys'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    expect(await bad.exited).toBe(1);
    expect(bad.err.join('\n')).toContain(`${join(dir, 'plc.yaml')}: mqtt.publications[0].vars: 'PLC.Line.NOPE.X' names no variable of the resource (resource PLC.Line)`);
  }, 60_000);
});
