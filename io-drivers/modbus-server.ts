import { BlockList, createServer, isIPv4, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DeviceStatus } from './device-status.js';
import { IMAGE_SIZES, createImageView } from '../compiler/contract/process-image.js';
import type { DriverContext, IoDriver } from './driver.js';

/** This driver's configuration (validated by its factory). */
export interface ModbusServerConfig {
  /** 127.0.0.1 by default: Modbus has no authentication, so opening it is a choice */
  host: string;
  /** 5020 by default so that no root is needed; 502 is the standard Modbus port */
  port: number;
  readOnly: boolean;
  /** unit id answered; 0 answers every unit id */
  unitId: number;
  /** connections held at once; more are refused */
  maxConnections?: number;
  /** a connection with no traffic (or whose replies are not read) this long is closed; 0: never */
  idleTimeoutMs?: number;
  /** client addresses or subnets (`192.168.1.0/24`) let in; empty: any */
  allow?: string[];
}

/**
 * Modbus TCP server exposing the process image with OpenPLC's map, so that existing HMIs and
 * SCADA configurations work unchanged:
 *   coils 0…8191 = %QX0.0…%QX1023.7      discrete inputs 0…8191 = %IX
 *   input registers 0…1023 = %IW          holding registers 0…1023 = %QW
 *   holding 1024…2047 = %MW               holding 2048…4095 = %MD (two registers each, high word first)
 *   holding 4096…8191 = %ML (four registers each, most significant first)
 * Reads are served from the last published scan; writes are queued and land in %Q/%M at the
 * start of the next scan (all registers of one request in the same scan).
 *
 * Modbus has no authentication: the server listens on 127.0.0.1 unless `host:` opens it, lets in
 * only the `allow:` addresses when given, holds at most `maxConnections`, and closes connections
 * idle for `idleTimeoutMs`. A client that sends requests without reading the replies is not read
 * any further once QUEUE_LIMIT bytes of replies wait for it, so its memory stays bounded; the
 * idle timeout then closes it.
 */

const BITS = IMAGE_SIZES.bits * 8;
const HR_QW = 0;
const HR_MW = 1024;
const HR_MD = 2048;
const HR_ML = 4096;
const HR_END = HR_ML + IMAGE_SIZES.lwords * 4;

const ILLEGAL_FUNCTION = 1;
const ILLEGAL_ADDRESS = 2;
const ILLEGAL_VALUE = 3;
const DEVICE_BUSY = 6;

/** Function codes served; any other (and any ≥ 0x80, which is an exception reply) gets ILLEGAL_FUNCTION. */
const SERVED = new Set([1, 2, 3, 4, 5, 6, 15, 16]);
/** Replies queued for a connection before it is no longer read. */
export const QUEUE_LIMIT = 64 * 1024;

class ModbusException extends Error {
  constructor(readonly exceptionCode: number) {
    super(`modbus exception ${exceptionCode}`);
  }
}

/** One client connection and the request bytes received but not yet handled (bounded: reading stops first). */
interface Connection {
  readonly socket: Socket;
  pending: Buffer | undefined;
  /** performance.now() of the last bytes received or replies taken by the kernel */
  lastActive: number;
}

export class ModbusServerDriver implements IoDriver {
  readonly name = 'modbus-server';
  readonly status = new DeviceStatus('modbus-server');
  private server: Server | undefined;
  /** closes idle connections: one timer for all, not one re-armed at every read and write */
  private sweeper: NodeJS.Timeout | undefined;
  private readonly open = new Set<Connection>();
  private readonly view = createImageView();
  private readonly allow: BlockList | undefined;
  /** scan and input-update counts of the image in `view`: refreshed only when a newer one exists */
  private viewScans = -1;
  private viewInputs = -1;
  /** connections refused (cap reached or address not allowed) and closed for idling */
  refused = 0;
  idleClosed = 0;
  /** the next request throws from the socket's callback, once (VPLC_IO_FAULT) */
  private faultArmed = false;

  constructor(
    private readonly cfg: ModbusServerConfig,
    private readonly ctx: Pick<DriverContext, 'exchange' | 'log'>,
  ) {
    if (cfg.allow && cfg.allow.length > 0) {
      const list = new BlockList();
      for (const a of cfg.allow) {
        const [ip, prefix] = a.split('/');
        const family = isIPv4(ip!) ? 'ipv4' : 'ipv6';
        if (prefix === undefined) list.addAddress(ip!, family);
        else list.addSubnet(ip!, Number(prefix), family);
      }
      this.allow = list;
    }
  }

  /** The port actually listened on (useful with port 0). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.cfg.port;
  }

  /**
   * Make the next request received throw inside the socket's 'data' callback, where no caller
   * catches it: what a bug there would do. Once; for checking that `vplc serve` survives it.
   */
  armFault(): void {
    this.faultArmed = true;
  }

  /** Connections held now. */
  get connections(): number {
    return this.open.size;
  }

  /** Bytes held for all connections: replies not yet taken by the kernel plus unhandled requests. */
  queuedBytes(): number {
    let n = 0;
    for (const c of this.open) n += c.socket.writableLength + (c.pending?.length ?? 0);
    return n;
  }

  async start(): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.cfg.port, this.cfg.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    // an accept failure (EMFILE…) must not end the process: the connection is simply not taken
    server.on('error', (e) => this.ctx.log(`modbus-server: ${e.message}`));
    const idle = this.cfg.idleTimeoutMs ?? 60_000;
    if (idle > 0) {
      this.sweeper = setInterval(() => this.closeIdle(idle), Math.max(10, Math.min(1000, idle / 4)));
      this.sweeper.unref();
    }
    this.status.ok = true;
    this.status.inputsBad = false;
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const c of this.open) c.socket.destroy();
    this.open.clear();
    const server = this.server;
    this.server = undefined;
    this.status.ok = false;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const max = this.cfg.maxConnections ?? 32;
    if (this.open.size >= max || (this.allow && !this.allowed(socket))) {
      this.refused++;
      socket.destroy();
      return;
    }
    const conn: Connection = { socket, pending: undefined, lastActive: performance.now() };
    this.open.add(conn);
    socket.on('data', (chunk: Buffer) => {
      if (this.faultArmed) {
        this.faultArmed = false;
        throw new Error('VPLC_IO_FAULT: a fault injected into the Modbus server\'s request handling');
      }
      conn.pending = conn.pending ? Buffer.concat([conn.pending, chunk]) : chunk;
      this.serve(conn);
    });
    // the kernel took the queued replies: handle what was held back
    socket.on('drain', () => {
      if (socket.destroyed) return;
      conn.lastActive = performance.now();
      this.serve(conn);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.open.delete(conn);
      conn.pending = undefined;
    });
  }

  /** No bytes either way for `idleMs`: a silent client, or one that reads none of its replies (no longer read). */
  private closeIdle(idleMs: number): void {
    const now = performance.now();
    for (const c of this.open) {
      if (now - c.lastActive < idleMs) continue;
      this.idleClosed++;
      c.socket.destroy();
    }
  }

  private allowed(socket: Socket): boolean {
    const address = socket.remoteAddress ?? '';
    const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
    return isIPv4(v4) ? this.allow!.check(v4, 'ipv4') : this.allow!.check(address, 'ipv6');
  }

  /** Answer the whole frames received, until the replies queued reach QUEUE_LIMIT; then stop reading. */
  private serve(conn: Connection): void {
    const socket = conn.socket;
    const buf = conn.pending;
    if (!buf) return;
    let at = 0;
    // one clock read per request: it times the request and marks the connection active
    let t0 = performance.now();
    conn.lastActive = t0;
    // several requests in one read (a pipelining client): their replies leave in one write
    const batch = buf.length >= 7 && buf.length > 6 + ((buf[4]! << 8) | buf[5]!);
    if (batch) socket.cork();
    while (buf.length - at >= 7) {
      if (socket.writableLength >= QUEUE_LIMIT) break;
      const length = (buf[at + 4]! << 8) | buf[at + 5]!;
      if (buf[at + 2] !== 0 || buf[at + 3] !== 0 || length < 2 || length > 254) {
        socket.destroy(); // not Modbus TCP
        return;
      }
      if (buf.length - at < 6 + length) break;
      // the frame is read in place (no view of it is made): buf[at…at+6+length)
      const reply = this.handle(buf, at, length, t0);
      at += 6 + length;
      if (reply) {
        socket.write(reply);
        if (batch) t0 = performance.now();
      }
    }
    if (batch) socket.uncork();
    conn.pending = at === buf.length ? undefined : at > 0 ? buf.subarray(at) : buf;
    if (socket.writableLength >= QUEUE_LIMIT) socket.pause();
    else if (socket.isPaused()) socket.resume();
  }

  /**
   * One request frame, buf[at…at+6+length) (MBAP header + PDU), received at `t0`
   * (performance.now()) → the reply frame, or nothing for another unit.
   */
  handle(buf: Buffer, at: number, length: number, t0: number): Buffer | undefined {
    const unit = buf[at + 6]!;
    if (this.cfg.unitId !== 0 && unit !== this.cfg.unitId && unit !== 0 && unit !== 255) return undefined;
    const fc = buf[at + 7]!;
    try {
      const reply = this.execute(fc, buf, at, length - 2);
      this.status.success((performance.now() - t0) * 1e6);
      return reply;
    } catch (e) {
      const code = e instanceof ModbusException ? e.exceptionCode : ILLEGAL_VALUE;
      this.status.requests++;
      this.status.errors++;
      const reply = replyFrame(buf, at, 2);
      reply[7] = fc | 0x80;
      reply[8] = code;
      return reply;
    }
  }

  /** The reply to a request of a served function code, built in one buffer (MBAP header included); its PDU is buf[at+7…at+8+pduLength). */
  private execute(fc: number, buf: Buffer, at: number, pduLength: number): Buffer {
    // the function code first: an unknown one in its own (short) form is ILLEGAL_FUNCTION, not a bad length
    if (!SERVED.has(fc)) throw new ModbusException(ILLEGAL_FUNCTION);
    // the PDU's data after the function code: p…p+pduLength
    const p = at + 8;
    if (pduLength < 4) throw new ModbusException(ILLEGAL_VALUE);
    const address = (buf[p]! << 8) | buf[p + 1]!;
    const quantity = (buf[p + 2]! << 8) | buf[p + 3]!;
    switch (fc) {
      case 1:
      case 2: {
        if (quantity < 1 || quantity > 2000) throw new ModbusException(ILLEGAL_VALUE);
        if (address + quantity > BITS) throw new ModbusException(ILLEGAL_ADDRESS);
        this.refresh();
        const table = fc === 1 ? this.view.outputBits : this.view.inputBits;
        const bytes = (quantity + 7) >> 3;
        const out = replyFrame(buf, at, 2 + bytes);
        out[7] = fc;
        out[8] = bytes;
        out.fill(0, 9);
        for (let i = 0; i < quantity; i++) {
          const b = address + i;
          if (table[b >> 3]! & (1 << (b & 7))) out[9 + (i >> 3)]! |= 1 << (i & 7);
        }
        return out;
      }
      case 3:
      case 4: {
        if (quantity < 1 || quantity > 125) throw new ModbusException(ILLEGAL_VALUE);
        const end = fc === 4 ? IMAGE_SIZES.words : HR_END;
        if (address + quantity > end) throw new ModbusException(ILLEGAL_ADDRESS);
        this.refresh();
        const out = replyFrame(buf, at, 2 + 2 * quantity);
        out[7] = fc;
        out[8] = 2 * quantity;
        if (fc === 4) bigEndianWords(this.view.inputWords, address, quantity, out);
        else if (address + quantity <= HR_MW) bigEndianWords(this.view.outputWords, address, quantity, out); // the common case: %QW only
        else {
          for (let i = 0; i < quantity; i++) out.writeUInt16BE(this.holding(address + i), 9 + 2 * i);
        }
        return out;
      }
      case 5: {
        this.writable();
        if (quantity !== 0xff00 && quantity !== 0) throw new ModbusException(ILLEGAL_VALUE);
        if (address >= BITS) throw new ModbusException(ILLEGAL_ADDRESS);
        if (!this.ctx.exchange.writeOutput('QX', address, quantity === 0xff00)) throw new ModbusException(DEVICE_BUSY);
        return echo(buf, at);
      }
      case 6: {
        this.writable();
        if (address >= HR_END) throw new ModbusException(ILLEGAL_ADDRESS);
        this.refresh();
        if (!this.ctx.exchange.batch(() => this.setHolding(address, [quantity]))) throw new ModbusException(DEVICE_BUSY);
        return echo(buf, at);
      }
      case 15: {
        this.writable();
        const bytes = buf[p + 4]!;
        if (quantity < 1 || quantity > 1968 || bytes !== Math.ceil(quantity / 8) || pduLength < 5 + bytes) throw new ModbusException(ILLEGAL_VALUE);
        if (address + quantity > BITS) throw new ModbusException(ILLEGAL_ADDRESS);
        const ok = this.ctx.exchange.batch(() => {
          for (let i = 0; i < quantity; i++) this.ctx.exchange.writeOutput('QX', address + i, (buf[p + 5 + (i >> 3)]! & (1 << (i & 7))) !== 0);
        });
        if (!ok) throw new ModbusException(DEVICE_BUSY);
        return echo(buf, at);
      }
      default: {
        // 16
        this.writable();
        const bytes = buf[p + 4]!;
        if (quantity < 1 || quantity > 123 || bytes !== 2 * quantity || pduLength < 5 + bytes) throw new ModbusException(ILLEGAL_VALUE);
        if (address + quantity > HR_END) throw new ModbusException(ILLEGAL_ADDRESS);
        this.refresh();
        const values: number[] = [];
        for (let i = 0; i < quantity; i++) values.push(buf.readUInt16BE(p + 5 + 2 * i));
        if (!this.ctx.exchange.batch(() => this.setHolding(address, values))) throw new ModbusException(DEVICE_BUSY);
        return echo(buf, at);
      }
    }
  }

  private writable(): void {
    if (this.cfg.readOnly) throw new ModbusException(ILLEGAL_FUNCTION);
  }

  /** Bring `view` to the last published scan and inputs, copying only what is newer. */
  private refresh(): void {
    const ex = this.ctx.exchange;
    const scans = ex.scanCount();
    if (scans !== this.viewScans) {
      ex.readOutputs(this.view);
      this.viewScans = scans;
    }
    const inputs = ex.inputUpdateCount();
    if (inputs !== this.viewInputs) {
      ex.readInputs(this.view);
      this.viewInputs = inputs;
    }
  }

  private holding(r: number): number {
    const v = this.view;
    if (r < HR_MW) return v.outputWords[r - HR_QW]!;
    if (r < HR_MD) return v.memoryWords[r - HR_MW]!;
    if (r < HR_ML) {
      const d = v.memoryDwords[(r - HR_MD) >> 1]!;
      return (r - HR_MD) & 1 ? d & 0xffff : d >>> 16;
    }
    const l = v.memoryLwords[(r - HR_ML) >> 2]!;
    return Number((l >> BigInt(16 * (3 - ((r - HR_ML) & 3)))) & 0xffffn);
  }

  /** Write consecutive holding registers; %MD/%ML elements written in part keep their other words. */
  private setHolding(start: number, values: number[]): void {
    const ex = this.ctx.exchange;
    const v = this.view;
    this.viewScans = -1; // `view` is changed below ahead of the scan: read it again next time
    for (let i = 0; i < values.length; i++) {
      const r = start + i;
      const word = values[i]!;
      if (r < HR_MW) ex.writeOutput('QW', r, word);
      else if (r < HR_MD) ex.writeMemory('MW', r - HR_MW, word);
      else if (r < HR_ML) {
        const index = (r - HR_MD) >> 1;
        const d = v.memoryDwords[index]!;
        const next = (r - HR_MD) & 1 ? ((d & 0xffff0000) | word) >>> 0 : ((word << 16) | (d & 0xffff)) >>> 0;
        v.memoryDwords[index] = next; // later registers of this request build on it
        ex.writeMemory('MD', index, next);
      } else {
        const index = (r - HR_ML) >> 2;
        const shift = BigInt(16 * (3 - ((r - HR_ML) & 3)));
        const l = v.memoryLwords[index]!;
        const next = (l & ~(0xffffn << shift)) | (BigInt(word) << shift);
        v.memoryLwords[index] = next;
        ex.writeMemory('ML', index, next);
      }
    }
  }
}

/** A reply frame of `pduLength` bytes to the request at buf[at…]: transaction and protocol id, length and unit filled in. */
function replyFrame(buf: Buffer, at: number, pduLength: number): Buffer {
  const reply = Buffer.allocUnsafe(7 + pduLength);
  reply[0] = buf[at]!;
  reply[1] = buf[at + 1]!;
  reply[2] = 0;
  reply[3] = 0;
  const length = pduLength + 1;
  reply[4] = length >> 8;
  reply[5] = length & 0xff;
  reply[6] = buf[at + 6]!;
  return reply;
}

/** `quantity` words of `words` from `address`, high byte first, into `out` from byte 9. */
function bigEndianWords(words: Uint16Array, address: number, quantity: number, out: Buffer): void {
  for (let i = 0, o = 9; i < quantity; i++, o += 2) {
    const w = words[address + i]!;
    out[o] = w >> 8;
    out[o + 1] = w;
  }
}

/** The reply to a write: function code, address and quantity (or value) as received. */
function echo(buf: Buffer, at: number): Buffer {
  const reply = replyFrame(buf, at, 5);
  buf.copy(reply, 7, at + 7, at + 12);
  return reply;
}
