import { createServer, type Server, type Socket } from 'node:net';
import type { Device } from './device.js';
import { FrameError, StringDecoder, encodeString, MAX_STRING_BYTES } from './frame.js';
import { guessId, response } from './request.js';

export interface ManagementServerOptions {
  /** TCP port; 0 picks a free one (tests) */
  port: number;
  /** address to bind: loopback unless another is asked for explicitly */
  host?: string;
  /** client addresses allowed to connect; every client when absent */
  allow?: string[];
  /** a request begun but not finished within this time closes the connection */
  partialTimeoutMs?: number;
  /** a connection silent this long is closed, so that a forgotten client does not block the device */
  idleTimeoutMs?: number;
  /**
   * how long a second client waits for the first to leave before it is closed: an IDE that
   * closes one connection and opens the next at once must not lose the race with our close
   */
  waitForTurnMs?: number;
  maxStringBytes?: number;
  log?: (message: string) => void;
  /** the device was killed (KILL without a resource): called once its answer has been sent */
  onDeviceKilled?: () => void;
}

/** '::ffff:127.0.0.1' and '127.0.0.1' are the same client. */
export function normaliseAddress(a: string | undefined): string {
  return (a ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '').toLowerCase();
}

/**
 * The device management server on TCP, as FORTE's DEV_MGR runs it: one client at a time (a
 * second one waits a moment for its turn, then is closed), any number of requests per connection, each request two
 * strings (destination, request XML) answered by one. A frame that cannot be decoded gets an
 * error response and the connection is closed: the stream cannot be resynchronised.
 */
export class ManagementServer {
  private server: Server | undefined;
  private client: Socket | undefined;
  private readonly waiting: { socket: Socket; peer: string; timer: NodeJS.Timeout }[] = [];
  private readonly log: (message: string) => void;
  private readonly allow: Set<string> | undefined;

  constructor(private readonly device: Device, private readonly options: ManagementServerOptions) {
    this.log = options.log ?? (() => undefined);
    this.allow = options.allow ? new Set(options.allow.map(normaliseAddress)) : undefined;
  }

  /** Listen; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(socket));
      server.once('error', reject);
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        server.on('error', (e) => this.log(`management server: ${e.message}`));
        this.server = server;
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : this.options.port);
      });
    });
  }

  close(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
    for (const w of this.waiting.splice(0)) {
      clearTimeout(w.timer);
      w.socket.destroy();
    }
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined); // a vanished client is not an error of the device
    const peer = normaliseAddress(socket.remoteAddress);
    if (this.allow && !this.allow.has(peer)) {
      this.log(`refused management connection from ${peer}: not in the allow-list`);
      socket.destroy();
      return;
    }
    if (this.client) {
      socket.pause();
      const timer = setTimeout(() => {
        const k = this.waiting.findIndex((w) => w.socket === socket);
        if (k >= 0) this.waiting.splice(k, 1);
        this.log(`refused management connection from ${peer}: a client is connected`);
        socket.destroy();
      }, this.options.waitForTurnMs ?? 2000);
      this.waiting.push({ socket, peer, timer });
      socket.once('close', () => {
        const k = this.waiting.findIndex((w) => w.socket === socket);
        if (k >= 0) clearTimeout(this.waiting.splice(k, 1)[0]!.timer);
      });
      return;
    }
    this.serve(socket, peer);
  }

  /** the current client left: the next waiting one gets its turn */
  private nextClient(): void {
    this.client = undefined;
    const w = this.waiting.shift();
    if (!w) return;
    clearTimeout(w.timer);
    this.serve(w.socket, w.peer);
    w.socket.resume();
  }

  private serve(socket: Socket, peer: string): void {
    this.client = socket;
    socket.setNoDelay(true);
    const decoder = new StringDecoder(this.options.maxStringBytes ?? MAX_STRING_BYTES);
    let destination: string | undefined;
    const partialMs = this.options.partialTimeoutMs ?? 10_000;
    const idleMs = this.options.idleTimeoutMs ?? 300_000;
    const armTimeout = () => socket.setTimeout(decoder.pendingBytes > 0 || destination !== undefined ? partialMs : idleMs);
    armTimeout();
    socket.on('timeout', () => {
      this.log(`management client ${peer} timed out`);
      socket.destroy();
    });
    socket.on('close', () => {
      if (this.client === socket) this.nextClient();
    });
    let broken = false;
    socket.on('data', (chunk: Buffer) => {
      if (broken) return;
      let strings: string[];
      try {
        strings = decoder.push(chunk);
      } catch (e) {
        const message = e instanceof FrameError ? e.message : String(e);
        this.log(`management client ${peer}: ${message}`);
        broken = true;
        socket.end(encodeString(response('', 'UNSUPPORTED_CMD')));
        return;
      }
      for (const s of strings) {
        if (destination === undefined) {
          destination = s;
          continue;
        }
        const answer = this.device.execute(destination, s);
        destination = undefined;
        let frame: Buffer;
        try {
          frame = encodeString(answer);
        } catch {
          frame = encodeString(response(guessId(s), 'OVERFLOW'));
        }
        if (this.device.killed) {
          // FORTE answers the KILL of its device, then ends: no further request is read
          broken = true;
          socket.end(frame, () => this.options.onDeviceKilled?.());
          return;
        }
        if (!socket.destroyed) socket.write(frame);
      }
      armTimeout();
    });
  }
}
