import { connect, type Socket } from 'node:net';
import { StringDecoder, encodeString } from './frame.js';

/**
 * The client side of the IEC 61499 management protocol, as the 4diac IDE speaks it to FORTE:
 * each request is the destination (a resource, or '' for the device) and the request XML as
 * two 0x50 strings, each answer one string. Requests are answered in order, one at a time.
 * `vplc deploy app.sys` sends applications with it; the tests of `vplc device` drive it too.
 */

export const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;

/** The connection is gone (closed by the device, refused, or no answer in time). */
export class ManagementConnectionError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

export interface ManagementClientOptions {
  /** an answer that takes longer fails the request and closes the connection; 0: wait forever */
  answerTimeoutMs?: number;
  /** how long connecting may take */
  connectTimeoutMs?: number;
}

/** The Reason of a refused request (`<Response ID="3" Reason="UNSUPPORTED_TYPE" />`), undefined when it was accepted. */
export function answerReason(answer: string): string | undefined {
  return /^<Response\b[^>]*\bReason="([A-Z_]+)"/.exec(answer)?.[1];
}

export class ManagementClient {
  private readonly decoder = new StringDecoder();
  private readonly answers: string[] = [];
  private readonly waiters: { resolve: (s: string) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }[] = [];
  private closeWaiters: (() => void)[] = [];
  private nextId = 0;
  private failure: ManagementConnectionError | undefined;
  closed = false;

  private constructor(readonly socket: Socket, private readonly answerTimeoutMs: number) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let strings: string[];
      try {
        strings = this.decoder.push(chunk);
      } catch (e) {
        this.fail(new ManagementConnectionError(`the device sent a malformed answer: ${e instanceof Error ? e.message : String(e)}`));
        socket.destroy();
        return;
      }
      for (const s of strings) {
        const w = this.waiters.shift();
        if (w) {
          if (w.timer) clearTimeout(w.timer);
          w.resolve(s);
        } else this.answers.push(s);
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => this.fail(new ManagementConnectionError(e.code ?? e.message, e.code)));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new ManagementConnectionError('the device closed the connection'));
      for (const w of this.closeWaiters.splice(0)) w();
    });
  }

  /** Connect to a device's management port; a refused or unreachable address rejects with its code (ECONNREFUSED, …). */
  static open(port: number, host = '127.0.0.1', options: ManagementClientOptions = {}): Promise<ManagementClient> {
    const connectMs = options.connectTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ManagementConnectionError(`no connection within ${connectMs} ms`, 'ETIMEDOUT'));
      }, connectMs);
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ManagementConnectionError(e.code ?? e.message, e.code));
      });
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(new ManagementClient(s, options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS));
      });
    });
  }

  /** The next answer of the device; rejects when the connection is gone first. */
  next(): Promise<string> {
    const a = this.answers.shift();
    if (a !== undefined) return Promise.resolve(a);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const w: (typeof this.waiters)[number] = { resolve, reject };
      if (this.answerTimeoutMs > 0) {
        w.timer = setTimeout(() => {
          this.fail(new ManagementConnectionError(`no answer within ${this.answerTimeoutMs} ms`, 'ETIMEDOUT'));
          this.socket.destroy();
        }, this.answerTimeoutMs);
      }
      this.waiters.push(w);
    });
  }

  /** Send one request (destination, request XML) and wait for its answer. */
  send(destination: string, xml: string): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    this.socket.write(Buffer.concat([encodeString(destination), encodeString(xml)]));
    return this.next();
  }

  /** Send `<Request ID="n" Action="…">inner</Request>`, numbered 1, 2, … on this connection as the IDE numbers them. */
  request(destination: string, action: string, inner = ''): Promise<string> {
    return this.send(destination, requestXml(String(++this.nextId), action, inner));
  }

  /** Bytes as they are, framed or not (for probing how a device copes with them). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  whenClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  /** End the connection (the device then serves its next client). */
  close(): Promise<void> {
    this.socket.end();
    // a device that never closes its side must not hold us: let go after a moment
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    return this.whenClosed().finally(() => clearTimeout(timer));
  }

  private fail(e: ManagementConnectionError): void {
    this.failure ??= e;
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(this.failure);
    }
  }
}

/** A request as the 4diac IDE writes it: `<Request ID="1" Action="START"/>` or with its one element inside. */
export function requestXml(id: string, action: string, inner = ''): string {
  return inner === '' ? `<Request ID="${id}" Action="${action}"/>` : `<Request ID="${id}" Action="${action}">${inner}</Request>`;
}
