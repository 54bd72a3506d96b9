/**
 * A spin lock in one Int32 cell, so that the scan worker and the I/O drivers in the main thread
 * exchange the process image whole: the worker holds it while it copies inputs in and outputs
 * out (a few microseconds), a driver while it updates the image.
 */
export class ImageLock {
  readonly cell: Int32Array;

  constructor(buffer: ArrayBufferLike = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  acquire(): void {
    while (Atomics.compareExchange(this.cell, 0, 0, 1) !== 0) {
      // the other side holds it for microseconds only
    }
  }

  release(): void {
    Atomics.store(this.cell, 0, 0);
  }

  /** Run `fn` holding the lock. */
  with<T>(fn: () => T): T {
    this.acquire();
    try {
      return fn();
    } finally {
      this.release();
    }
  }

  /** After the holder died (a terminated worker): free the lock unconditionally. */
  forceRelease(): void {
    Atomics.store(this.cell, 0, 0);
  }
}
