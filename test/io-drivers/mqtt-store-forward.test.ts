import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startCli, until, type CliProcess } from '../../samples/child-cli.js';
import { Broker, mosquittoMissing, publish, Subscriber } from './mosquitto.js';

const missing = mosquittoMissing();

/** A counter that moves once per 250 ms scan: each value is one QoS 1 message. */
const PROGRAM = `PROGRAM Main
VAR n : DINT; END_VAR
n := n + 1;
END_PROGRAM
CONFIGURATION Cfg
  RESOURCE Res ON PLC
    TASK Slow(INTERVAL := T#250ms, PRIORITY := 1);
    PROGRAM Main WITH Slow : Main;
  END_RESOURCE
END_CONFIGURATION
`;

function project(url: string, store: string, topic: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-sf-'));
  writeFileSync(join(dir, 'app.st'), PROGRAM);
  writeFileSync(join(dir, 'plc.yaml'), `mqtt:
  url: ${url}
  clientId: sf-${Math.random().toString(36).slice(2, 8)}
  samplingMs: 10
  reconnectMs: 200
  store: { dir: ${JSON.stringify(store)}, maxMessages: 10000, maxAgeS: 3600, fsync: periodic, fsyncMs: 100 }
  publications:
    - vars: [Main.n]
      topic: ${topic}
      qos: 1
`);
  return dir;
}

function serve(dir: string): CliProcess {
  return startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
}

/** The queue's segment files read as the README describes them (length, CRC-32, seq, time, flags, topic, payload), past the consumed mark (or all of them). */
function queued(store: string, pendingOnly = true): { topic: string; payload: string }[] {
  const consumed = pendingOnly ? Number(readFileSync(join(store, 'consumed')).readBigUInt64LE(0)) : 0;
  const out: { topic: string; payload: string }[] = [];
  const files = readdirSync(store).filter((f) => f.startsWith('seg-')).sort((a, b) => Number(a.slice(4, -4)) - Number(b.slice(4, -4)));
  for (const f of files) {
    const data = readFileSync(join(store, f));
    for (let off = 0; off + 8 <= data.length; ) {
      const len = data.readUInt32LE(off);
      const body = data.subarray(off + 8, off + 8 + len);
      if (body.length < len || crc32(body) !== data.readUInt32LE(off + 4)) break;
      const seq = Number(body.readBigUInt64LE(0));
      const topicLen = body.readUInt16LE(17);
      if (seq > consumed) out.push({ topic: body.subarray(19, 19 + topicLen).toString(), payload: body.subarray(19 + topicLen).toString() });
      off += 8 + len;
    }
  }
  return out;
}

/** one message per value: the topic names no variable, so the payload is {timestamp, values: {Main.n: …}, quality} */
const values = (sub: Subscriber, topic: string) => sub.json(topic).map((m) => (m.values as Record<string, number>)['Main.n']!);

describe.skipIf(missing)(`MQTT store and forward${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  const kill = (cli: CliProcess) => async () => {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exited;
    }
  };

  it('keeps QoS 1 messages while the broker is stopped for 10 s and delivers each once, in order, after its restart', async () => {
    const broker = await Broker.start({ persistence: true });
    cleanup.push(() => broker.stop());
    // a persistent session: messages published while it reconnects are kept for it
    const sub = new Subscriber(broker, ['plant/sf/#'], { id: 'sf-watcher', persistent: true });
    cleanup.push(() => sub.stop());
    const store = mkdtempSync(join(tmpdir(), 'vplc-mqtt-queue-'));
    const cli = serve(project(broker.url, store, 'plant/sf/n'));
    cleanup.push(kill(cli));
    await cli.waitFor(/vplc serve: running/);
    await until(() => sub.on('plant/sf/n').length >= 3, 'three messages before the outage', 30_000);

    // stopped between two messages: one in flight at that moment may come twice (QoS 1 is at
    // least once on each leg); what this test is about is every message queued while it is down
    const seen = sub.on('plant/sf/n').length;
    await until(() => sub.on('plant/sf/n').length > seen, 'a fresh message');
    await new Promise((r) => setTimeout(r, 60));
    await broker.stop();
    const before = values(sub, 'plant/sf/n').length;
    await new Promise((r) => setTimeout(r, 10_000));
    expect(cli.err.join('\n')).toMatch(/connection to mqtt:\/\/127\.0\.0\.1:\d+ lost; queueing QoS 1 messages/);
    expect(values(sub, 'plant/sf/n').length).toBe(before);
    // what waits on disk: the counter's values of the outage, about 40 of them
    const waiting = queued(store).length;
    expect(waiting).toBeGreaterThan(20);

    await broker.start();
    const last = (JSON.parse(queued(store).at(-1)!.payload) as { values: Record<string, number> }).values['Main.n']!;
    await until(() => values(sub, 'plant/sf/n').some((v) => v > last + 3), 'the queued messages and new ones', 40_000);
    // every message the gateway queued (its segment file holds all of them: one segment here),
    // delivered once and in order, those of the outage included
    const got = sub.on('plant/sf/n');
    const all = queued(store, false).map((m) => m.payload);
    expect(got).toEqual(all.slice(0, got.length));
    expect(got.length).toBeGreaterThan(before + waiting);
    const counts = values(sub, 'plant/sf/n');
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]!);
    // acknowledged messages leave the queue
    await until(() => queued(store).length < 5, 'the queue to drain');
  }, 90_000);

  it('stops cleanly on SIGTERM while the broker is stalled, keeping what was not acknowledged', async () => {
    const broker = await Broker.start();
    cleanup.push(() => broker.stop());
    broker.pause(); // connections are accepted by the kernel and never answered
    const store = mkdtempSync(join(tmpdir(), 'vplc-mqtt-queue-'));
    const cli = serve(project(broker.url, store, 'plant/stall/n'));
    cleanup.push(kill(cli));
    await cli.waitFor(/vplc serve: running/);
    await until(() => queued(store).length >= 3, 'three queued messages', 30_000);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(queued(store).length).toBeGreaterThanOrEqual(3);
    broker.resume();
  }, 90_000);

  it('loses no queued message to a kill -9: the next run sends them first, in order', async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const store = mkdtempSync(join(tmpdir(), 'vplc-mqtt-queue-'));
    // no broker yet: everything is queued
    const first = serve(project(url, store, 'plant/kill/n'));
    cleanup.push(kill(first));
    await first.waitFor(/vplc serve: running/);
    await until(() => queued(store).length >= 8, 'eight queued messages', 30_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const lost = queued(store);
    expect(lost.length).toBeGreaterThanOrEqual(8);
    expect(lost.every((m) => m.topic === 'plant/kill/n')).toBe(true);

    const fixed = await Broker.start({ persistence: true, port });
    cleanup.push(() => fixed.stop());
    const sub = new Subscriber(fixed, ['plant/kill/#'], { id: 'kill-watcher', persistent: true });
    cleanup.push(() => sub.stop());
    // the subscription is in place once a probe comes back
    await until(() => (publish(fixed, 'plant/kill/probe', 'x'), sub.on('plant/kill/probe').length > 0), 'the subscriber', 20_000, 200);

    const second = serve(project(url, store, 'plant/kill/second'));
    cleanup.push(kill(second));
    await second.waitFor(/vplc serve: running/);
    await until(() => sub.on('plant/kill/n').length >= lost.length && sub.on('plant/kill/second').length > 0, 'the messages of the killed run', 30_000);
    expect(second.err.join('\n')).toMatch(new RegExp(`${lost.length} queued message\\(s\\) from the last run`));
    expect(sub.on('plant/kill/n')).toEqual(lost.map((m) => m.payload));
  }, 90_000);
});

