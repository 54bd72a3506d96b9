import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { MqttStoreConfig } from './mqtt-config.js';

/**
 * Store and forward for QoS 1 messages: a bounded first-in first-out queue in append-only
 * segment files. Every message is appended (and, by the fsync policy, synced) before it is
 * handed to the client; it leaves the queue only when the broker's PUBACK arrives, which is
 * recorded in the `consumed` file (the highest sequence number done). So a kill -9 loses no
 * queued message: on start the segments are read back past `consumed`, a torn last record cut
 * off. Limits (count, bytes, age) drop the oldest first, and every drop is counted.
 *
 * Record: u32 body length, u32 CRC-32 of the body, body = u64 seq, f64 time (ms since 1970),
 * u8 flags (bit 0 retain), u16 topic length, topic (UTF-8), payload.
 */

export interface StoredMessage {
  readonly seq: number;
  /** when it was queued, ms since 1970 */
  readonly t: number;
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
  /** handed to the client and not acknowledged yet */
  sent: boolean;
  acked: boolean;
}

interface Segment {
  file: string;
  fd?: number;
  lastSeq: number;
  bytes: number;
}

const SEGMENT_BYTES = 4 * 1024 * 1024;
const HEADER = 8;
const FIXED = 8 + 8 + 1 + 2;

export class MessageStore {
  /** pending messages, oldest first, from `head` */
  private queue: StoredMessage[] = [];
  private head = 0;
  private bytes = 0;
  private nextSeq = 1;
  private consumed = 0;
  private segments: Segment[] = [];
  private consumedFd: number | undefined;
  private dirty = false;
  private consumedDirty = false;
  private timer: NodeJS.Timeout | undefined;
  /** messages dropped by the limits since start */
  dropped = 0;
  /** messages read back from disk at open */
  recovered = 0;

  constructor(private readonly cfg: MqttStoreConfig, private readonly dir?: string) {}

  /** Read back what a previous run left (a torn last record is cut off). */
  open(): void {
    if (!this.dir) return;
    mkdirSync(this.dir, { recursive: true });
    const consumedFile = join(this.dir, 'consumed');
    if (!existsSync(consumedFile)) writeFileSync(consumedFile, Buffer.alloc(8));
    const c = readFileSync(consumedFile);
    this.consumedFd = openSync(consumedFile, 'r+');
    if (c.length >= 8) this.consumed = Number(c.readBigUInt64LE(0));
    this.nextSeq = this.consumed + 1;
    const files = readdirSync(this.dir).filter((f) => /^seg-\d+\.log$/.test(f)).sort((a, b) => Number(a.slice(4, -4)) - Number(b.slice(4, -4)));
    for (const f of files) {
      const file = join(this.dir, f);
      const data = readFileSync(file);
      let off = 0;
      let lastSeq = 0;
      while (off + HEADER <= data.length) {
        const len = data.readUInt32LE(off);
        if (off + HEADER + len > data.length || len < FIXED) break;
        const body = data.subarray(off + HEADER, off + HEADER + len);
        if (crc32(body) !== data.readUInt32LE(off + 4)) break;
        const m = decode(body);
        lastSeq = m.seq;
        if (m.seq > this.consumed) {
          this.queue.push(m);
          this.bytes += m.payload.length + m.topic.length;
          this.recovered++;
        }
        this.nextSeq = Math.max(this.nextSeq, m.seq + 1);
        off += HEADER + len;
      }
      if (off < data.length) {
        // a record torn by a crash in the middle of its write: it was never handed to the client
        const fd = openSync(file, 'r+');
        ftruncateSync(fd, off);
        closeSync(fd);
      }
      this.segments.push({ file, lastSeq, bytes: off });
    }
    this.release();
    if (this.cfg.fsync === 'periodic') {
      this.timer = setInterval(() => this.sync(), this.cfg.fsyncMs);
      this.timer.unref();
    }
  }

  /** Pending messages (not yet acknowledged). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Queue messages (in order, one write for all of them); the limits then drop the oldest. */
  append(messages: readonly { topic: string; payload: Buffer; retain: boolean }[], now = Date.now()): void {
    if (messages.length === 0) return;
    const added: StoredMessage[] = messages.map((m) => ({ seq: this.nextSeq++, t: now, topic: m.topic, payload: m.payload, retain: m.retain, sent: false, acked: false }));
    if (this.dir) this.write(added);
    for (const m of added) {
      this.queue.push(m);
      this.bytes += m.payload.length + m.topic.length;
    }
    this.enforce(now);
  }

  /** The next message not handed to the client yet, in order. */
  nextUnsent(): StoredMessage | undefined {
    for (let i = this.head; i < this.queue.length; i++) {
      const m = this.queue[i]!;
      if (!m.sent && !m.acked) return m;
    }
    return undefined;
  }

  /** The connection is gone: whatever was in flight is sent again, in order. */
  unsendAll(): void {
    for (let i = this.head; i < this.queue.length; i++) this.queue[i]!.sent = false;
  }

  /** The broker acknowledged `m` (PUBACK): it leaves the queue once everything before it has. */
  ack(m: StoredMessage): void {
    m.acked = true;
    m.sent = false;
    let advanced = false;
    while (this.head < this.queue.length && this.queue[this.head]!.acked) {
      this.pop();
      advanced = true;
    }
    if (advanced) this.settle();
  }

  /** Drop what is past the age limit (called on reconnection and by append). */
  enforce(now = Date.now()): void {
    let dropped = false;
    const old = this.cfg.maxAgeMs > 0 ? now - this.cfg.maxAgeMs : -Infinity;
    while (this.length > 0 && (this.length > this.cfg.maxMessages || this.bytes > this.cfg.maxBytes || this.queue[this.head]!.t < old)) {
      const m = this.queue[this.head]!;
      if (!m.acked) this.dropped++;
      m.acked = true;
      this.pop();
      dropped = true;
    }
    if (dropped) this.settle();
  }

  /** Write out what is pending and close the files. */
  close(): void {
    clearInterval(this.timer);
    this.sync();
    this.writeConsumed();
    for (const s of this.segments) if (s.fd !== undefined) closeSync(s.fd);
    if (this.consumedFd !== undefined) closeSync(this.consumedFd);
    this.segments = [];
    this.consumedFd = undefined;
  }

  private pop(): void {
    const m = this.queue[this.head++]!;
    this.bytes -= m.payload.length + m.topic.length;
    this.consumed = Math.max(this.consumed, m.seq);
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private settle(): void {
    if (!this.dir) return;
    // one write of the consumed mark per turn of the event loop, however many PUBACKs came
    if (!this.consumedDirty) setImmediate(() => this.writeConsumed());
    this.consumedDirty = true;
    this.release();
  }

  private writeConsumed(): void {
    if (!this.consumedDirty || this.consumedFd === undefined) return;
    this.consumedDirty = false;
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(this.consumed));
    writeSync(this.consumedFd, b, 0, 8, 0);
    if (this.cfg.fsync === 'always') fsyncSync(this.consumedFd);
  }

  /** Delete segments every record of which is consumed (never the one being appended to). */
  private release(): void {
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.consumed) {
      const s = this.segments.shift()!;
      if (s.fd !== undefined) closeSync(s.fd);
      unlinkSync(s.file);
    }
  }

  private write(messages: readonly StoredMessage[]): void {
    const bufs = messages.map(encode);
    let tail = this.segments[this.segments.length - 1];
    if (!tail || tail.bytes > SEGMENT_BYTES) {
      if (tail?.fd !== undefined) {
        fsyncSync(tail.fd);
        closeSync(tail.fd);
        tail.fd = undefined;
      }
      tail = { file: join(this.dir!, `seg-${messages[0]!.seq}.log`), lastSeq: 0, bytes: 0 };
      this.segments.push(tail);
    }
    tail.fd ??= openSync(tail.file, 'a');
    const all = Buffer.concat(bufs);
    writeSync(tail.fd, all);
    tail.bytes += all.length;
    tail.lastSeq = messages[messages.length - 1]!.seq;
    this.dirty = true;
    if (this.cfg.fsync === 'always') this.sync();
    this.release();
  }

  private sync(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const tail = this.segments[this.segments.length - 1];
    if (tail?.fd !== undefined) fsyncSync(tail.fd);
  }
}

function encode(m: StoredMessage): Buffer {
  const topic = Buffer.from(m.topic, 'utf8');
  const body = Buffer.allocUnsafe(FIXED + topic.length + m.payload.length);
  body.writeBigUInt64LE(BigInt(m.seq), 0);
  body.writeDoubleLE(m.t, 8);
  body.writeUInt8(m.retain ? 1 : 0, 16);
  body.writeUInt16LE(topic.length, 17);
  topic.copy(body, FIXED);
  m.payload.copy(body, FIXED + topic.length);
  const head = Buffer.allocUnsafe(HEADER);
  head.writeUInt32LE(body.length, 0);
  head.writeUInt32LE(crc32(body), 4);
  return Buffer.concat([head, body]);
}

function decode(body: Buffer): StoredMessage {
  const topicLen = body.readUInt16LE(17);
  return {
    seq: Number(body.readBigUInt64LE(0)),
    t: body.readDoubleLE(8),
    retain: (body.readUInt8(16) & 1) === 1,
    topic: body.subarray(FIXED, FIXED + topicLen).toString('utf8'),
    payload: Buffer.from(body.subarray(FIXED + topicLen)),
    sent: false,
    acked: false,
  };
}
