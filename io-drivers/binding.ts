import type { ImageView } from '../compiler/application.js';
import type { IoDataType } from './config.js';
import { offsetAddress, parseAddress, readRaw, writeRaw, type ImageAddress } from '../compiler/contract/address.js';
import { fromRaw, toRaw } from './data-type.js';
import type { ImageExchange, MemoryArea } from '../compiler/contract/image-exchange.js';
import { createImageView } from '../compiler/contract/process-image.js';
import type { VariableAccess } from './driver.js';

/**
 * The PLC side of a mapping, resolved once: a process image address (inputs written through
 * the exchange's consistent input update, %M through its external-write queue) or a symbolic
 * variable (through the engine's variable access).
 */
export type PlcSide =
  | { kind: 'address'; address: ImageAddress; type: IoDataType }
  | { kind: 'symbol'; path: string; type: IoDataType };

export function resolvePlcSide(text: string, type: IoDataType, element = 0): PlcSide {
  if (!text.startsWith('%')) return { kind: 'symbol', path: text, type };
  const a = parseAddress(text);
  if (typeof a === 'string') throw new Error(a);
  const at = element === 0 ? a : offsetAddress(a, element);
  if (!at) throw new Error(`'${text}' + ${element} is outside the process image`);
  return { kind: 'address', address: at, type };
}

/**
 * Collects the input values of one poll and commits them in one step, so that a scan sees
 * all of a device's inputs from the same poll.
 */
export class InputCommit {
  private readonly image: { side: PlcSide; raw: boolean | number | bigint }[] = [];
  private readonly memory: { side: PlcSide; raw: boolean | number | bigint }[] = [];
  private readonly symbols: { path: string; value: unknown }[] = [];
  /** last values written to %M / symbols, to write only changes (the program may own them too) */
  private readonly lastOther = new Map<string, unknown>();

  constructor(
    private readonly exchange: ImageExchange,
    private readonly vars?: VariableAccess,
  ) {}

  set(side: PlcSide, raw: boolean | number | bigint): void {
    if (side.kind === 'symbol') this.symbols.push({ path: side.path, value: fromRaw(side.type, raw) });
    else if (side.address.area === 'I') this.image.push({ side, raw });
    else this.memory.push({ side, raw });
  }

  /** Set a typed value (a BOOL, a number, a bigint) rather than raw bits. */
  setValue(side: PlcSide, value: unknown): void {
    this.set(side, toRaw(side.type, value));
  }

  commit(): void {
    if (this.image.length > 0) {
      this.exchange.writeInputs((view) => {
        for (const e of this.image) writeRaw(view, (e.side as { address: ImageAddress }).address, e.raw);
      });
    }
    if (this.memory.length > 0) {
      this.exchange.batch(() => {
        for (const e of this.memory) {
          const a = (e.side as { address: ImageAddress }).address;
          const key = a.text;
          if (this.lastOther.get(key) === e.raw) continue;
          this.lastOther.set(key, e.raw);
          writeMemoryRaw(this.exchange, a, e.raw);
        }
      });
    }
    for (const s of this.symbols) {
      if (this.lastOther.get(s.path) === s.value) continue;
      this.lastOther.set(s.path, s.value);
      this.vars?.writeVar(s.path, s.value);
    }
    this.image.length = 0;
    this.memory.length = 0;
    this.symbols.length = 0;
  }

  /** Forget what was written, so that every value is written again (after a reconnection). */
  forget(): void {
    this.lastOther.clear();
  }
}

function writeMemoryRaw(exchange: ImageExchange, a: ImageAddress, raw: boolean | number | bigint): void {
  switch (a.size) {
    case 'X':
      exchange.writeMemory('MX', a.index * 8 + a.bit, raw);
      return;
    case 'B': // a byte is eight bits of the bit table
      for (let k = 0; k < 8; k++) exchange.writeMemory('MX', a.index * 8 + k, (Number(raw) >> k) & 1);
      return;
    default:
      exchange.writeMemory(('M' + a.size) as MemoryArea, a.index, raw);
  }
}

/** Reads outputs (%Q, %M, symbols) from the latest scan, for drivers that send them to devices. */
export class OutputSnapshot {
  private readonly view = createImageView();
  private vars: Record<string, unknown> = {};

  constructor(
    private readonly exchange: ImageExchange,
    private readonly access?: VariableAccess,
  ) {}

  /** Take the latest published outputs; call once per poll. */
  refresh(): void {
    this.exchange.readOutputs(this.view);
    if (this.access) this.vars = this.access.readVars();
  }

  raw(side: PlcSide): boolean | number | bigint {
    if (side.kind === 'symbol') return toRaw(side.type, this.vars[side.path]);
    return readRaw(this.view, side.address);
  }
}

/** Stores values into a view directly (used by drivers that own a local image, e.g. in the worker). */
export function storeRaw(view: ImageView, side: PlcSide, raw: boolean | number | bigint): void {
  if (side.kind === 'address') writeRaw(view, side.address, raw);
}
