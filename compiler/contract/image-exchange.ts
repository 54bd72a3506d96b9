import type { ImageView } from '../application.js';
import { IMAGE_BYTES, IMAGE_SIZES, copyInputs, copyOutputs, createImageView } from './process-image.js';

/**
 * Consistent exchange of the process image between the main thread (I/O drivers) and the
 * scan worker, over one SharedArrayBuffer.
 *
 * - Inputs (%IX, %IW) main → worker and outputs (%Q, %M) worker → main each go through a
 *   triple buffer: the writer fills a buffer it owns and swaps it with the "middle" slot in one
 *   Atomics.exchange; the reader swaps its own buffer with the middle slot when a fresh one is
 *   there. Neither side ever waits for the other and neither can see half an update.
 * - External writes to %Q/%M (a Modbus client writing a coil, an OPC UA write) go through a
 *   single-producer ring of records (area, index, value) that the worker applies at the start of
 *   its next scan. Only the elements written change, so the program's own outputs are kept.
 *   A batch (one Modbus "write multiple") is published at once, so it lands in one scan.
 *
 * All state, including which slot each side owns, lives in the shared buffer: several
 * ImageExchange objects attached to one buffer in the same thread behave as one.
 */

/** Areas an outside client may write; bit areas are indexed by bit number (8 × byte + bit). */
export type OutputArea = 'QX' | 'QW';
export type MemoryArea = 'MX' | 'MW' | 'MD' | 'ML';
export type WritableArea = OutputArea | MemoryArea;

const AREA_CODE: Record<WritableArea, number> = { QX: 1, MX: 2, QW: 3, MW: 4, MD: 5, ML: 6 };

// control words (Int32)
const C_IN_MIDDLE = 0; // middle slot of the input triple buffer | FRESH
const C_IN_BACK = 1; // slot the main thread writes inputs into
const C_IN_FRONT = 2; // slot the worker reads inputs from
const C_IN_LAST = 3; // slot holding the latest published inputs (the writer's reference copy)
const C_OUT_MIDDLE = 4;
const C_OUT_BACK = 5; // slot the worker publishes %Q/%M into
const C_OUT_FRONT = 6; // slot the main thread reads %Q/%M from
const C_RING_HEAD = 7; // records published by the main thread (monotonic, wraps at 2^31)
const C_RING_TAIL = 8; // records consumed by the worker
const C_SCANS = 9; // scans published (endScan count), for waiting on the next scan
const C_INPUT_UPDATES = 10; // input updates published
const C_INIT = 11; // 0x1A6E once the layout is initialised
const CONTROL_WORDS = 16;

const FRESH = 4;
const SLOT_MASK = 3;
const INIT_MAGIC = 0x1a6e;

/** Capacity of the external-write ring, in records. */
export const WRITE_RING_RECORDS = 8192;
const RECORD_WORDS = 4; // area, index, low 32 bits, high 32 bits

const CONTROL_BYTES = CONTROL_WORDS * 4;
const SLOTS_OFFSET = CONTROL_BYTES;
const RING_OFFSET = SLOTS_OFFSET + 6 * IMAGE_BYTES;
const EXCHANGE_BYTES = RING_OFFSET + WRITE_RING_RECORDS * RECORD_WORDS * 4;

export class ImageExchange {
  readonly buffer: SharedArrayBuffer;
  private readonly control: Int32Array;
  private readonly inSlots: ImageView[];
  private readonly outSlots: ImageView[];
  private readonly ring: Uint32Array;
  /** records appended but not yet published (inside a batch) */
  private pendingHead = -1;
  private batchDepth = 0;
  private batchOverflow = false;
  // worker side: 32-bit alias of the local %ML table, built once per local image
  private lwordAlias: Uint32Array | null = null;
  private lwordAliasOf: BigUint64Array | null = null;

  /** Create a new exchange, or attach to the buffer of an existing one (in a worker: via workerData). */
  constructor(buffer?: SharedArrayBuffer) {
    if (buffer && buffer.byteLength !== EXCHANGE_BYTES) {
      throw new RangeError(`process image exchange buffer has ${buffer.byteLength} bytes, expected ${EXCHANGE_BYTES}`);
    }
    this.buffer = buffer ?? new SharedArrayBuffer(EXCHANGE_BYTES);
    this.control = new Int32Array(this.buffer, 0, CONTROL_WORDS);
    this.inSlots = [0, 1, 2].map((i) => createImageView(this.buffer, SLOTS_OFFSET + i * IMAGE_BYTES));
    this.outSlots = [3, 4, 5].map((i) => createImageView(this.buffer, SLOTS_OFFSET + i * IMAGE_BYTES));
    this.ring = new Uint32Array(this.buffer, RING_OFFSET, WRITE_RING_RECORDS * RECORD_WORDS);
    if (Atomics.compareExchange(this.control, C_INIT, 0, -1) === 0) {
      // first attach: slot 0 reader, 1 middle, 2 writer, for each direction
      Atomics.store(this.control, C_IN_FRONT, 0);
      Atomics.store(this.control, C_IN_MIDDLE, 1);
      Atomics.store(this.control, C_IN_BACK, 2);
      Atomics.store(this.control, C_IN_LAST, 1);
      Atomics.store(this.control, C_OUT_FRONT, 0);
      Atomics.store(this.control, C_OUT_MIDDLE, 1);
      Atomics.store(this.control, C_OUT_BACK, 2);
      Atomics.store(this.control, C_INIT, INIT_MAGIC);
    }
  }

  /** Bytes of the shared buffer. */
  static get byteLength(): number {
    return EXCHANGE_BYTES;
  }

  // ------------------------------------------------------------------ worker side

  /**
   * At the start of a scan: copy the latest complete input update (%IX, %IW) into `local` and
   * apply the external writes to %Q/%M published since the last scan. Allocates nothing.
   */
  beginScan(local: ImageView): void {
    copyInputs(this.inSlots[this.takeFront(C_IN_MIDDLE, C_IN_FRONT)]!, local);
    this.applyWrites(local);
  }

  /** At the end of a scan: publish %Q and %M of `local` as one consistent update. Allocates nothing. */
  endScan(local: ImageView): void {
    const c = this.control;
    const back = Atomics.load(c, C_OUT_BACK);
    copyOutputs(local, this.outSlots[back]!);
    Atomics.store(c, C_OUT_BACK, Atomics.exchange(c, C_OUT_MIDDLE, back | FRESH) & SLOT_MASK);
    Atomics.add(c, C_SCANS, 1);
    Atomics.notify(c, C_SCANS);
  }

  /**
   * Reader side of a triple buffer: when the writer has published a fresh slot, swap it with
   * the one the reader holds. Returns the slot to read (the previous one if nothing is new).
   */
  private takeFront(middle: number, frontAt: number): number {
    const c = this.control;
    let front = Atomics.load(c, frontAt);
    if ((Atomics.load(c, middle) & FRESH) !== 0) {
      front = Atomics.exchange(c, middle, front) & SLOT_MASK;
      Atomics.store(c, frontAt, front);
    }
    return front;
  }

  private applyWrites(local: ImageView): void {
    const c = this.control;
    const ring = this.ring;
    const head = Atomics.load(c, C_RING_HEAD);
    let tail = Atomics.load(c, C_RING_TAIL);
    while (tail !== head) {
      const at = (tail % WRITE_RING_RECORDS) * RECORD_WORDS;
      const area = ring[at]!;
      const index = ring[at + 1]!;
      const lo = ring[at + 2]!;
      switch (area) {
        case 1: // QX
        case 2: {
          const bits = area === 1 ? local.outputBits : local.memoryBits;
          const byte = index >>> 3;
          const mask = 1 << (index & 7);
          bits[byte] = lo !== 0 ? bits[byte]! | mask : bits[byte]! & ~mask;
          break;
        }
        case 3:
          local.outputWords[index] = lo;
          break;
        case 4:
          local.memoryWords[index] = lo;
          break;
        case 5:
          local.memoryDwords[index] = lo;
          break;
        case 6: {
          const alias = this.lwordsAsWords(local.memoryLwords);
          alias[index * 2] = lo; // little-endian: low word first (x86, ARM)
          alias[index * 2 + 1] = ring[at + 3]!;
          break;
        }
      }
      tail = (tail + 1) & 0x7fffffff;
    }
    Atomics.store(c, C_RING_TAIL, tail);
  }

  private lwordsAsWords(lwords: BigUint64Array): Uint32Array {
    if (this.lwordAliasOf !== lwords) {
      this.lwordAlias = new Uint32Array(lwords.buffer, lwords.byteOffset, lwords.length * 2);
      this.lwordAliasOf = lwords;
    }
    return this.lwordAlias!;
  }

  // ------------------------------------------------------------------ main-thread side

  /**
   * Update inputs as one consistent step: `fn` gets a view holding the latest inputs, changes
   * what it wants in `inputBits`/`inputWords` (other areas of the view are meaningless), and the
   * whole update becomes visible to the next scan at once.
   */
  writeInputs(fn: (view: ImageView) => void): void {
    const c = this.control;
    const back = Atomics.load(c, C_IN_BACK);
    const dst = this.inSlots[back]!;
    const last = this.inSlots[Atomics.load(c, C_IN_LAST)]!;
    // only this thread ever writes input slots, so the last published one is stable to read
    copyInputs(last, dst);
    fn(dst);
    Atomics.store(c, C_IN_LAST, back);
    Atomics.store(c, C_IN_BACK, Atomics.exchange(c, C_IN_MIDDLE, back | FRESH) & SLOT_MASK);
    Atomics.add(c, C_INPUT_UPDATES, 1);
  }

  /** Copy the latest published inputs (%IX, %IW) into `into`. */
  readInputs(into: ImageView): void {
    copyInputs(this.inSlots[Atomics.load(this.control, C_IN_LAST)]!, into);
  }

  /** Copy the last %Q/%M published by a scan into `into` (consistent: all from one scan). */
  readOutputs(into: ImageView): void {
    copyOutputs(this.outSlots[this.takeFront(C_OUT_MIDDLE, C_OUT_FRONT)]!, into);
  }

  /**
   * Write one %QX (index = bit number, 8 × byte + bit) or %QW element from outside; applied at
   * the start of the next scan. Returns false when the write queue is full (no scan is consuming it).
   */
  writeOutput(area: OutputArea, index: number, value: number | boolean | bigint): boolean {
    return this.enqueue(area, index, value);
  }

  /** Write one %MX (bit number), %MW, %MD or %ML element from outside; applied at the next scan. */
  writeMemory(area: MemoryArea, index: number, value: number | boolean | bigint): boolean {
    return this.enqueue(area, index, value);
  }

  /**
   * Group several writes so that they land in the same scan (a Modbus "write multiple").
   * Returns false, and publishes none of them, when the queue cannot hold them all.
   */
  batch(fn: () => void): boolean {
    if (this.batchDepth === 0) {
      this.pendingHead = Atomics.load(this.control, C_RING_HEAD);
      this.batchOverflow = false;
    }
    this.batchDepth++;
    try {
      fn();
    } finally {
      this.batchDepth--;
    }
    if (this.batchDepth > 0) return !this.batchOverflow;
    if (this.batchOverflow) return false;
    Atomics.store(this.control, C_RING_HEAD, this.pendingHead);
    return true;
  }

  /** Writes queued but not yet applied by a scan. */
  pendingWrites(): number {
    return (Atomics.load(this.control, C_RING_HEAD) - Atomics.load(this.control, C_RING_TAIL)) & 0x7fffffff;
  }

  /** Number of scans that have published outputs so far. */
  scanCount(): number {
    return Atomics.load(this.control, C_SCANS);
  }

  /** Number of input updates published so far. */
  inputUpdateCount(): number {
    return Atomics.load(this.control, C_INPUT_UPDATES);
  }

  /** Resolve when a scan publishes outputs after `afterScan` (default: now), or after `timeoutMs`. Main thread only. */
  async nextScan(afterScan = this.scanCount(), timeoutMs = 1000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = Atomics.load(this.control, C_SCANS);
      if (now !== afterScan) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const r = (Atomics as unknown as AtomicsWaitAsync).waitAsync(this.control, C_SCANS, now, left);
      if (r.async) await r.value;
    }
  }

  private enqueue(area: WritableArea, index: number, value: number | boolean | bigint): boolean {
    const code = AREA_CODE[area];
    checkIndex(area, index);
    const inBatch = this.batchDepth > 0;
    const head = inBatch ? this.pendingHead : Atomics.load(this.control, C_RING_HEAD);
    const tail = Atomics.load(this.control, C_RING_TAIL);
    if (((head - tail) & 0x7fffffff) >= WRITE_RING_RECORDS) {
      if (inBatch) this.batchOverflow = true;
      return false;
    }
    const at = (head % WRITE_RING_RECORDS) * RECORD_WORDS;
    let lo: number;
    let hi = 0;
    if (typeof value === 'bigint') {
      lo = Number(value & 0xffffffffn);
      hi = Number((value >> 32n) & 0xffffffffn);
    } else if (typeof value === 'boolean') {
      lo = value ? 1 : 0;
    } else {
      lo = value >>> 0;
      if (area === 'ML') hi = Math.floor(value / 0x100000000) >>> 0;
    }
    this.ring[at] = code;
    this.ring[at + 1] = index;
    this.ring[at + 2] = lo;
    this.ring[at + 3] = hi;
    const next = (head + 1) & 0x7fffffff;
    if (inBatch) this.pendingHead = next;
    else Atomics.store(this.control, C_RING_HEAD, next);
    return true;
  }
}

/** Atomics.waitAsync (Node 16+) is missing from the ES2022 lib typings. */
interface AtomicsWaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: unknown };
}

function checkIndex(area: WritableArea, index: number): void {
  const limit =
    area === 'QX' || area === 'MX' ? IMAGE_SIZES.bits * 8
    : area === 'MD' ? IMAGE_SIZES.dwords
    : area === 'ML' ? IMAGE_SIZES.lwords
    : IMAGE_SIZES.words;
  if (!Number.isInteger(index) || index < 0 || index >= limit) {
    throw new RangeError(`%${area}${index} is outside the process image (0..${limit - 1})`);
  }
}
