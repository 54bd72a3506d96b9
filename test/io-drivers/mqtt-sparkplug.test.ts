import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get as sparkplugNamespace } from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, until, type CliProcess } from '../../samples/child-cli.js';
import { Broker, mosquittoMissing, publish, Subscriber } from './mosquitto.js';

const missing = mosquittoMissing();

const PROGRAM = `TYPE Pos : STRUCT x : INT; ok : BOOL; END_STRUCT; END_TYPE
PROGRAM Main
VAR
  n : DINT;
  temp : REAL := 21.5;
  dwell : TIME := T#2s;
  big : LINT := -5;
  pos : Pos;
  arr : ARRAY[0..1] OF UINT := [4, 5];
  name : STRING := 'cell';
END_VAR
n := n + 1;
pos.x := 3;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Fast(INTERVAL := T#50ms, PRIORITY := 1);
    PROGRAM Main WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
`;

/** Eclipse Tahu's decoder (its own package, with the specification's schema): independent of vPLC's encoder. */
const tahu = sparkplugNamespace('spBv1.0')!;
type Decoded = { timestamp: unknown; seq?: unknown; metrics: { name?: string; alias?: unknown; type: string; value: unknown }[] };
const decode = (hex: string) => tahu.decodePayload(Buffer.from(hex, 'hex')) as unknown as Decoded;
const num = (v: unknown) => (v !== null && typeof v === 'object' ? Number(String(v)) : Number(v));

describe.skipIf(missing)(`MQTT gateway, Sparkplug B${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let broker: Broker;
  let sub: Subscriber;
  let status: Subscriber;
  let cli: CliProcess | undefined;
  const T = 'spBv1.0/Plant';

  beforeAll(async () => {
    broker = await Broker.start();
    sub = new Subscriber(broker, ['spBv1.0/#'], { hex: true });
    status = new Subscriber(broker, ['vplc/line1/status']);
    const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-sp-'));
    writeFileSync(join(dir, 'app.st'), PROGRAM);
    writeFileSync(join(dir, 'plc.yaml'), `mqtt:
  url: ${broker.url}
  clientId: line1
  samplingMs: 20
  payload: sparkplug
  sparkplug: { groupId: Plant, edgeNodeId: line1 }
  publications:
    - vars: ['Main.*']
  commands: { writable: [Main.temp] }
`);
    // give the subscribers time to subscribe before the births
    await new Promise((r) => setTimeout(r, 300));
    cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);
  }, 60_000);

  afterAll(async () => {
    if (cli && cli.child.exitCode === null) (cli.child.kill('SIGKILL'), await cli.exited);
    await sub?.stop();
    await status?.stop();
    await broker?.stop();
  });

  it('sends NBIRTH and DBIRTH with every metric, its datatype and alias, then DDATA by alias with seq counting on', async () => {
    await until(() => sub.on(`${T}/DDATA/line1/Res`).length >= 3, 'three DDATA', 30_000);
    const nbirth = decode(sub.on(`${T}/NBIRTH/line1`)[0]!);
    expect(num(nbirth.seq)).toBe(0);
    const bd = nbirth.metrics.find((m) => m.name === 'bdSeq')!;
    expect(bd.type).toBe('Int64');
    expect(num(bd.value)).toBe(0);
    expect(nbirth.metrics.find((m) => m.name === 'Node Control/Rebirth')).toMatchObject({ type: 'Boolean', value: false });

    const dbirth = decode(sub.on(`${T}/DBIRTH/line1/Res`)[0]!);
    expect(num(dbirth.seq)).toBe(1);
    const m = Object.fromEntries(dbirth.metrics.map((x) => [x.name!, x]));
    expect(Object.keys(m).sort()).toEqual(['Main/arr[0]', 'Main/arr[1]', 'Main/big', 'Main/dwell', 'Main/n', 'Main/name', 'Main/pos/ok', 'Main/pos/x', 'Main/temp']);
    expect(m['Main/n']!.type).toBe('Int32');
    expect(m['Main/temp']).toMatchObject({ type: 'Float', value: 21.5 });
    expect(m['Main/dwell']).toMatchObject({ type: 'Double', value: 2000 });
    expect(m['Main/big']!.type).toBe('Int64');
    expect(BigInt.asIntN(64, BigInt(String(m['Main/big']!.value)))).toBe(-5n);
    expect(m['Main/pos/x']).toMatchObject({ type: 'Int16', value: 3 });
    expect(m['Main/pos/ok']).toMatchObject({ type: 'Boolean', value: false });
    expect(m['Main/arr[1]']).toMatchObject({ type: 'UInt16', value: 5 });
    expect(m['Main/name']).toMatchObject({ type: 'String', value: 'cell' });
    const aliases = dbirth.metrics.map((x) => num(x.alias));
    expect(new Set(aliases).size).toBe(aliases.length);

    // DDATA: Main/n by alias, increasing; seq one more than the message before, from the DBIRTH on
    const nAlias = num(m['Main/n']!.alias);
    const data = sub.on(`${T}/DDATA/line1/Res`).map(decode);
    const seqs = data.map((d) => num(d.seq));
    expect(seqs[0]).toBe(2);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) % 256);
    const counts = data.map((d) => d.metrics.find((x) => num(x.alias) === nAlias)!);
    expect(counts.every((c) => c.name === undefined && c.type === 'Int32')).toBe(true);
    for (let i = 1; i < counts.length; i++) expect(num(counts[i]!.value)).toBeGreaterThan(num(counts[i - 1]!.value));
  });

  it('writes on DCMD, refuses what is not writable, and is reborn on NCMD', async () => {
    const dbirth = decode(sub.on(`${T}/DBIRTH/line1/Res`)[0]!);
    const tempAlias = num(dbirth.metrics.find((x) => x.name === 'Main/temp')!.alias);
    publish(broker, `${T}/DCMD/line1/Res`, Buffer.from(tahu.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Main/temp', type: 'Float', value: 30.5 }] } as never)));
    await until(() => sub.on(`${T}/DDATA/line1/Res`).map(decode).some((d) => d.metrics.some((x) => num(x.alias) === tempAlias && x.value === 30.5)), 'Main/temp = 30.5 in DDATA');

    publish(broker, `${T}/DCMD/line1/Res`, Buffer.from(tahu.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Main/n', type: 'Int32', value: 1 }] } as never)));
    await until(() => status.json('vplc/line1/status').some((r) => r.path === 'Main.n'), 'the refusal of Main/n');
    expect(status.json('vplc/line1/status').find((r) => r.path === 'Main.n')).toMatchObject({ ok: false });

    const births = sub.on(`${T}/NBIRTH/line1`).length;
    publish(broker, `${T}/NCMD/line1`, Buffer.from(tahu.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] } as never)));
    await until(() => sub.on(`${T}/NBIRTH/line1`).length > births && sub.on(`${T}/DBIRTH/line1/Res`).length > births, 'the rebirth');
    const reborn = decode(sub.on(`${T}/DBIRTH/line1/Res`).at(-1)!);
    expect(reborn.metrics.find((x) => x.name === 'Main/temp')).toMatchObject({ value: 30.5 });
    expect(num(decode(sub.on(`${T}/NBIRTH/line1`).at(-1)!).seq)).toBe(0);
  });

  it('leaves NDEATH with the session bdSeq when killed', async () => {
    cli!.child.kill('SIGKILL');
    await cli!.exited;
    await until(() => sub.on(`${T}/NDEATH/line1`).length > 0, 'NDEATH', 30_000);
    const death = decode(sub.on(`${T}/NDEATH/line1`)[0]!);
    expect(death.metrics[0]).toMatchObject({ name: 'bdSeq', type: 'Int64' });
    expect(num(death.metrics[0]!.value)).toBe(0);
  });
});
