import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { createImageView } from '../../compiler/contract/process-image.js';
import type { ImageView } from '../../compiler/application.js';
export { freePort, until } from '../support/wait.js';


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

