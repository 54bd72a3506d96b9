import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startCli, until, type CliProcess } from '../../samples/child-cli.js';
import { Broker, mosquittoMissing, publish, Subscriber } from './mosquitto.js';

const missing = mosquittoMissing();

const PROGRAM = `TYPE Pos : STRUCT x : INT; y : REAL; END_STRUCT; END_TYPE
PROGRAM Main
VAR
  n : DINT;
  slow : DINT;
  level AT %IW0 : INT;
  setpoint : REAL := 1.5;
  limit : INT := 10;
  pos : Pos;
  dwell : TIME := T#1s500ms;
  send : BOOL;
  arr : ARRAY[1..3] OF INT := [1, 2, 3];
  cells : ARRAY[1..3] OF Pos;
END_VAR
VAR CONSTANT
  k : INT := 3;
END_VAR
n := n + 1;
IF n MOD 10 = 0 THEN slow := slow + 1; END_IF;
pos.x := limit * 2;
pos.y := setpoint;
cells[2].x := limit;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast(INTERVAL := T#20ms, PRIORITY := 1);
    PROGRAM Main WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
`;

const USER: [string, string] = ['plc', 'secret'];

/** `vplc serve` publishing JSON to a real Mosquitto with passwords; mosquitto_sub and mosquitto_pub as the peers. */
describe.skipIf(missing)(`MQTT gateway, JSON payloads${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let broker: Broker;
  let sub: Subscriber;
  let cli: CliProcess | undefined;

  beforeAll(async () => {
    broker = await Broker.start({ users: { plc: 'secret', watcher: 'w' } });
    sub = new Subscriber(broker, ['plant/#', 'vplc/line1/#'], { user: ['watcher', 'w'] });
    const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-json-'));
    writeFileSync(join(dir, 'app.st'), PROGRAM);
    writeFileSync(join(dir, 'plc.yaml'), `devices:
  - name: rio
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${await freePort()}
    timeoutMs: 200
    reconnect: { minMs: 200, maxMs: 500 }
    inputs: [{ table: input, address: 0, count: 1, var: '%IW0' }]
mqtt:
  url: ${broker.url}
  username: plc
  password: secret
  clientId: line1
  samplingMs: 10
  will: { topic: vplc/line1/online, payload: 'false', retain: true }
  publications:
    - vars: [Main.slow, Main.level, Main.pos, Main.dwell, 'Main.arr[2]', 'Main.cells[2].x', Main.cells]
      topic: 'plant/{clientId}/{path}'
    - vars: [Main.n]
      topic: plant/line1/deadband/{name}
      deadband: 49
    - vars: ['Main.s*']
      topic: plant/line1/periodic
      mode: period
      periodMs: 300
    - vars: [Main.n]
      topic: plant/line1/triggered/{name}
      mode: trigger
      trigger: Main.send
  commands:
    topic: plant/line1/set/#
    writable: [Main.setpoint, Main.limit, Main.send, Main.level, Main.k, 'Main.cells[*].y']
`);
    cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);
  }, 60_000);

  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
    await sub?.stop();
    await broker?.stop();
  });

  it('publishes typed values on change, with quality, deadbands, periods and triggers', async () => {
    await until(() => sub.on('plant/line1/Main.slow').length >= 3, 'three changes of Main.slow', 30_000);
    const slow = sub.json('plant/line1/Main.slow');
    const values = slow.map((m) => m.value as number);
    // increasing (a loaded machine may sample less often than the value changes)
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
    expect(slow[0]!.quality).toBe('good');
    expect(typeof slow[0]!.timestamp).toBe('number');
    expect(Math.abs((slow.at(-1)!.timestamp as number) - Date.now())).toBeLessThan(60_000);

    // an input written by a Modbus device that never answered: marked bad
    await until(() => sub.on('plant/line1/Main.level').length >= 1, 'Main.level');
    expect(sub.json('plant/line1/Main.level')[0]).toMatchObject({ value: 0, quality: 'bad' });
    // a structure as an object, TIME as an IEC literal, an array element
    expect(sub.json('plant/line1/Main.pos')[0]!.value).toEqual({ x: 20, y: 1.5 });
    expect(sub.json('plant/line1/Main.dwell')[0]!.value).toBe('T#1s500ms');
    expect(sub.json('plant/line1/Main.arr[2]')[0]!.value).toBe(2);
    // an element of an array of structures, and the whole array as a list of objects
    expect(sub.json('plant/line1/Main.cells[2].x')[0]!.value).toBe(10);
    expect(sub.json('plant/line1/Main.cells')[0]!.value).toEqual([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 0 }]);

    // the deadband: each message differs from the one before by more than 49
    await until(() => sub.on('plant/line1/deadband/n').length >= 3, 'three deadband messages of Main.n', 30_000);
    const n = sub.json('plant/line1/deadband/n').map((m) => m.value as number);
    for (let i = 1; i < n.length; i++) expect(n[i]! - n[i - 1]!).toBeGreaterThan(49);

    // every period: one message with every variable matching Main.s*
    await until(() => sub.on('plant/line1/periodic').length >= 2, 'two periodic messages');
    const p = sub.json('plant/line1/periodic')[1]!;
    expect(Object.keys(p.values as object).sort()).toEqual(['Main.send', 'Main.setpoint', 'Main.slow']);
    expect(p.values).toMatchObject({ 'Main.setpoint': 1.5, 'Main.send': false });
    expect(p.quality).toMatchObject({ 'Main.setpoint': 'good' });
    // no trigger yet
    expect(sub.on('plant/line1/triggered/n')).toEqual([]);
  });

  it('applies commands at a scan boundary and refuses constants, inputs, unlisted variables and values out of range', async () => {
    publish(broker, 'plant/line1/set/Main.setpoint', '{"value": 2.5}', USER);
    publish(broker, 'plant/line1/set/Main.limit', '40000', USER);
    publish(broker, 'plant/line1/set/Main.k', '4', USER);
    publish(broker, 'plant/line1/set/Main.level', '4', USER);
    publish(broker, 'plant/line1/set/Main.n', '4', USER);
    publish(broker, 'plant/line1/set/Main.nothing', '4', USER);
    publish(broker, 'plant/line1/set/Main.send', 'TRUE', USER);
    publish(broker, 'plant/line1/set/Main.cells[3].y', '0.25', USER);
    await until(() => sub.on('vplc/line1/status').length >= 8, 'eight command reports', 20_000);
    const reports = sub.json('vplc/line1/status');
    const by = (path: string) => reports.find((r) => r.path === path)!;
    expect(by('Main.setpoint')).toMatchObject({ ok: true, command: 'plant/line1/set/Main.setpoint' });
    expect(by('Main.limit')).toMatchObject({ ok: false });
    expect(by('Main.limit').error).toMatch(/40000 is out of range for INT/);
    expect(by('Main.k').error).toMatch(/constant/);
    expect(by('Main.level').error).toMatch(/is an input \(%IW0\)/);
    expect(by('Main.n').error).toMatch(/not writable/);
    expect(by('Main.nothing').error).toMatch(/no such variable/);
    expect(by('Main.send')).toMatchObject({ ok: true });
    expect(by('Main.cells[3].y')).toMatchObject({ ok: true });
    await until(() => sub.json('plant/line1/Main.cells').some((m) => (m.value as { y: number }[])[2]!.y === 0.25), 'Main.cells[3].y = 0.25');

    // the write reached the program: pos.y follows the setpoint; the trigger published Main.n once
    await until(() => sub.json('plant/line1/Main.pos').some((m) => (m.value as { y: number }).y === 2.5), 'Main.pos.y = 2.5');
    await until(() => sub.on('plant/line1/triggered/n').length === 1, 'the triggered message');
    expect(sub.json('plant/line1/Main.pos').at(-1)!.value).toEqual({ x: 20, y: 2.5 });
    expect(typeof sub.json('plant/line1/triggered/n')[0]!.value).toBe('number');
  });

  it('leaves its will on the broker when killed', async () => {
    cli!.child.kill('SIGKILL');
    await cli!.exited;
    await until(() => sub.on('vplc/line1/online').includes('false'), 'the will message', 30_000);
  });
});
