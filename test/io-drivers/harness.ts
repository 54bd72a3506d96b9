import { createServer, type AddressInfo } from 'node:net';
import { ImageExchange } from '../../runtime/io/image-exchange.js';
import { createImageView } from '../../runtime/process-image.js';
import type { ImageView } from '../../compiler/application.js';

/** A free TCP port on 127.0.0.1 (bound and released), so that parallel test files never collide. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The scan side of the exchange, run in this thread on a timer: each "scan" takes the inputs,
 * runs `logic` on the local image and publishes the outputs, as the engine's worker does.
 */
export class ScanLoop {
  readonly exchange = new ImageExchange();
  readonly local: ImageView = createImageView();
  private readonly scanSide = new ImageExchange(this.exchange.buffer);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly logic: (image: ImageView) => void = () => {}) {}

  scan(): void {
    this.scanSide.beginScan(this.local);
    this.logic(this.local);
    this.scanSide.endScan(this.local);
  }

  start(everyMs = 2): this {
    this.timer = setInterval(() => this.scan(), everyMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Wait until `cond` holds (checked every few ms), failing with `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
