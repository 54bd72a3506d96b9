import { connect, type Socket } from 'node:net';
import { StringDecoder, encodeString } from '../../../../runtime/iec61499/management/frame.js';

/**
 * A management client of our own, speaking the protocol as the 4diac IDE does: each request
 * is the destination and the request XML as two 0x50 strings, each answer one string.
 */
export class MgmtClient {
  private readonly decoder = new StringDecoder();
  private readonly answers: string[] = [];
  private waiting: ((s: string) => void) | undefined;
  closed = false;
  private closeWaiters: (() => void)[] = [];
  private nextId = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const s of this.decoder.push(chunk)) {
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = undefined;
          w(s);
        } else this.answers.push(s);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.closeWaiters) w();
      this.closeWaiters = [];
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w('<closed>');
      }
    });
  }

  static open(port: number): Promise<MgmtClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve(new MgmtClient(s));
      });
      s.once('error', reject);
    });
  }

  /** The next answer; '<closed>' when the server closed the connection instead. */
  next(): Promise<string> {
    const a = this.answers.shift();
    if (a !== undefined) return Promise.resolve(a);
    if (this.closed) return Promise.resolve('<closed>');
    return new Promise((resolve) => (this.waiting = resolve));
  }

  whenClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Send a request (its ID is filled in) and wait for the answer. */
  request(destination: string, action: string, inner = ''): Promise<string> {
    const id = String(++this.nextId);
    const xml = inner === '' ? `<Request ID="${id}" Action="${action}"/>` : `<Request ID="${id}" Action="${action}">${inner}</Request>`;
    return this.send(destination, xml);
  }

  send(destination: string, xml: string): Promise<string> {
    this.socket.write(Buffer.concat([encodeString(destination), encodeString(xml)]));
    return this.next();
  }

  close(): Promise<void> {
    this.socket.end();
    return this.whenClosed();
  }
}

/** the Reason of an answer, or undefined when it succeeded */
export function reason(answer: string): string | undefined {
  return /Reason="([A-Z_]+)"/.exec(answer)?.[1];
}

/** Poll `probe` until `accept` holds: tests wait on observed values, never on fixed sleeps. */
export async function waitFor<T>(probe: () => Promise<T>, accept: (v: T) => boolean, what: string, limitMs = 10_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const v = await probe();
    if (accept(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
