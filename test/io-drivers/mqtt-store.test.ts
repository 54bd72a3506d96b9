import { appendFileSync, mkdtempSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MqttStoreConfig } from '../../io-drivers/mqtt-config.js';
import { MessageStore } from '../../io-drivers/mqtt-store.js';

const limits = (over: Partial<MqttStoreConfig> = {}): MqttStoreConfig => ({ maxMessages: 1000, maxBytes: 1 << 20, maxAgeMs: 0, fsync: 'always', fsyncMs: 100, ...over });
const msg = (i: number) => ({ topic: `t/${i}`, payload: Buffer.from(`payload ${i}`), retain: i % 2 === 0 });

/** Drain the store as the gateway does: take the next unsent, acknowledge it. */
function drain(s: MessageStore): string[] {
  const out: string[] = [];
  for (let m = s.nextUnsent(); m; m = s.nextUnsent()) {
    m.sent = true;
    out.push(m.payload.toString());
    s.ack(m);
  }
  return out;
}

describe('MQTT message store (segment files)', () => {
  it('reads back unacknowledged messages in order after a reopen, without the acknowledged ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-store-'));
    const a = new MessageStore(limits(), dir);
    a.open();
    a.append([msg(1), msg(2), msg(3)]);
    a.append([msg(4)]);
    const first = a.nextUnsent()!;
    first.sent = true;
    a.ack(first);
    await new Promise((r) => setImmediate(r)); // the consumed mark is written once per turn
    // no close(): as after a kill -9
    const b = new MessageStore(limits(), dir);
    b.open();
    expect(b.recovered).toBe(3);
    const m = b.nextUnsent()!;
    expect([m.topic, m.retain]).toEqual(['t/2', true]);
    expect(drain(b)).toEqual(['payload 2', 'payload 3', 'payload 4']);
    b.close();
    const c = new MessageStore(limits(), dir);
    c.open();
    expect(c.length).toBe(0);
    c.close();
  });

  it('cuts off a record torn by a crash in the middle of its write, and appends after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-store-'));
    const a = new MessageStore(limits(), dir);
    a.open();
    a.append([msg(1), msg(2)]);
    const seg = join(dir, readdirSync(dir).find((f) => f.startsWith('seg-'))!);
    const whole = statSync(seg).size;
    appendFileSync(seg, Buffer.from([40, 0, 0, 0, 1, 2, 3])); // a header and three bytes of a body
    const b = new MessageStore(limits(), dir);
    b.open();
    expect(b.recovered).toBe(2);
    expect(statSync(seg).size).toBe(whole);
    b.append([msg(3)]);
    b.close();
    // a record torn inside its body
    truncateSync(seg, statSync(seg).size - 2);
    const c = new MessageStore(limits(), dir);
    c.open();
    expect(drain(c)).toEqual(['payload 1', 'payload 2']);
    c.close();
  });

  it('drops the oldest first at the count, byte and age limits, and counts the drops', () => {
    const byCount = new MessageStore(limits({ maxMessages: 5 }));
    byCount.open();
    for (let i = 1; i <= 8; i++) byCount.append([msg(i)]);
    expect(byCount.dropped).toBe(3);
    expect(drain(byCount)).toEqual([4, 5, 6, 7, 8].map((i) => `payload ${i}`));

    const byBytes = new MessageStore(limits({ maxBytes: 1024 }));
    byBytes.open();
    const big = (i: number) => ({ topic: 't', payload: Buffer.alloc(300, i), retain: false });
    byBytes.append([big(1), big(2), big(3), big(4)]);
    expect(byBytes.dropped).toBe(1);
    expect(byBytes.length).toBe(3);

    const byAge = new MessageStore(limits({ maxAgeMs: 1000 }));
    byAge.open();
    byAge.append([msg(1)], 10_000);
    byAge.append([msg(2)], 10_500);
    byAge.append([msg(3)], 11_200);
    expect(byAge.dropped).toBe(1);
    byAge.enforce(12_000);
    expect(byAge.dropped).toBe(2);
    expect(drain(byAge)).toEqual(['payload 3']);
  });

  it('sends again, in order, what was in flight when the connection was lost', () => {
    const s = new MessageStore(limits());
    s.open();
    s.append([msg(1), msg(2), msg(3)]);
    const m1 = s.nextUnsent()!;
    m1.sent = true;
    const m2 = s.nextUnsent()!;
    m2.sent = true;
    s.ack(m2); // acknowledged out of order: stays until m1 is
    expect(s.length).toBe(3);
    s.unsendAll();
    expect(drain(s)).toEqual(['payload 1', 'payload 3']);
    expect(s.length).toBe(0);
  });
});
