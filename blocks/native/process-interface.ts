import type { ImageView } from '../../compiler/application.js';
import { parseAddress, readRaw, writeRaw, type ImageAddress, type ImageSize } from '../../compiler/contract/address.js';
import { NativeFb, type NativeBlock, type NativeContext, type RestartMode } from './native-fb.js';

/**
 * Process-interface service FBs, as 4diac FORTE's IX/QX/IW/QW/ID/QD/IB/QB/IL/QL: PARAMS names
 * the pin, here a process image address ('%IX0.3', '%QW2'). They read and write the resource's
 * local process image, which the runtime exchanges with the I/O drivers at each wake-up, so a
 * REQ sees the inputs of the current wake-up and an output written now is published at its end.
 * INIT (QI TRUE) checks PARAMS and answers QO/STATUS; INIT with QI FALSE releases the pin.
 */

/** STATUS texts are constants: REQ runs on the scan path and must not build strings. */
const OK = 'OK';
const NOT_INITIALISED = 'not initialised: INIT with QI = TRUE and a valid PARAMS first';
const INHIBITED = 'QI = FALSE';
const NO_IMAGE = 'this resource has no process image';

/** Element type of each size letter (the IN/OUT pin type). */
const PIN_TYPE: Record<ImageSize, string> = { X: 'BOOL', B: 'BYTE', W: 'WORD', D: 'DWORD', L: 'LWORD' };

/** What a pin address must look like, or a message saying why PARAMS is not one. */
function checkParams(params: string, size: ImageSize, output: boolean): ImageAddress | string {
  const text = params.trim();
  if (text === '') return 'PARAMS is empty: give the process image address, e.g. ' + example(size, output);
  const a = parseAddress(text);
  if (typeof a === 'string') return a;
  if (a.size !== size) return `'${text}' is a ${PIN_TYPE[a.size]} address; this block needs a ${PIN_TYPE[size]} one, e.g. ${example(size, output)}`;
  // inputs come from %I (or %M), outputs go to %Q (or %M): never write the input area
  if (output && a.area === 'I') return `'${text}' is an input; an output block writes %Q or %M, e.g. ${example(size, true)}`;
  if (!output && a.area === 'Q') return `'${text}' is an output; an input block reads %I or %M, e.g. ${example(size, false)}`;
  return a;
}

function example(size: ImageSize, output: boolean): string {
  return `'%${output ? 'Q' : 'I'}${size}0${size === 'X' ? '.0' : ''}'`;
}

/** A value read from the image as the pin type holds it (LWORD as bigint). */
function toPin(raw: boolean | number | bigint, size: ImageSize): boolean | number | bigint {
  if (size === 'L') return typeof raw === 'bigint' ? raw : BigInt(raw);
  return raw;
}

abstract class ProcessInterfaceFb extends NativeFb {
  QI = false;
  PARAMS = '';
  QO = false;
  STATUS = '';
  protected address: ImageAddress | undefined;
  protected image: ImageView | undefined;

  constructor(ctx: NativeContext, protected readonly size: ImageSize, protected readonly output: boolean) {
    super(ctx);
  }

  /** INIT: check PARAMS (QI TRUE) or release the pin (QI FALSE); INITO answers. */
  protected init(): void {
    this.address = undefined;
    if (!this.QI) {
      this.QO = false;
      this.STATUS = INHIBITED;
      this.onRelease();
      this.$emit(0);
      return;
    }
    const image = this.$ctx.processImage?.();
    const a = checkParams(this.PARAMS, this.size, this.output);
    if (!image) {
      this.QO = false;
      this.STATUS = NO_IMAGE;
    } else if (typeof a === 'string') {
      this.QO = false;
      this.STATUS = a;
    } else {
      this.image = image;
      this.address = a;
      this.QO = true;
      this.STATUS = OK;
      this.onInit();
    }
    this.$emit(0);
  }

  /** Whether a REQ may touch the pin now; QO/STATUS say why not. */
  protected ready(): boolean {
    if (!this.QI) {
      this.QO = false;
      this.STATUS = INHIBITED;
      return false;
    }
    if (!this.address) {
      this.QO = false;
      this.STATUS = NOT_INITIALISED;
      return false;
    }
    this.QO = true;
    this.STATUS = OK;
    return true;
  }

  protected onInit(): void {}
  protected onRelease(): void {
    this.watch(false);
  }

  private watching = false;

  /** Be told of every exchange of the process image ($poll), or no longer. */
  protected watch(on: boolean): void {
    if (on !== this.watching) this.$ctx.watchInputs?.(this, on);
    this.watching = on;
  }

  override $restart(mode: RestartMode): void {
    if (mode === 'STOP') this.onRelease();
  }
}

/** IX, IB, IW, ID, IL: REQ samples the pin into IN (CNF); a change seen at an exchange is IND. */
export class InputFb extends ProcessInterfaceFb {
  IN: boolean | number | bigint;

  constructor(ctx: NativeContext, size: ImageSize) {
    super(ctx, size, false);
    this.IN = size === 'X' ? false : size === 'L' ? 0n : 0;
  }

  $event(ei: number): void {
    if (ei === 0) {
      this.init();
      return;
    }
    if (this.ready()) this.IN = toPin(readRaw(this.image!, this.address!), this.size);
    this.$emit(1);
  }

  protected override onInit(): void {
    // IN is not sampled here: the first look after INIT reports a pin that differs from IN
    // (its initial value) with IND, so an event-driven network learns the state it starts in
    this.watch(true);
  }

  /** After an exchange: IND when the pin differs from IN (the last value this block reported). */
  override $poll(): void {
    if (!this.QI || !this.address) return;
    const v = toPin(readRaw(this.image!, this.address), this.size);
    if (v === this.IN) return;
    this.IN = v;
    this.QO = true;
    this.STATUS = OK;
    this.$emit(2);
  }
}

/** QX, QB, QW, QD, QL: REQ writes OUT to the pin (CNF). */
export class OutputFb extends ProcessInterfaceFb {
  OUT: boolean | number | bigint;

  constructor(ctx: NativeContext, size: ImageSize) {
    super(ctx, size, true);
    this.OUT = size === 'X' ? false : size === 'L' ? 0n : 0;
  }

  $event(ei: number): void {
    if (ei === 0) {
      this.init();
      return;
    }
    if (this.ready()) writeRaw(this.image!, this.address!, this.OUT);
    this.$emit(1);
  }
}

/**
 * IE, FORTE's event input: a bit of the input image (PARAMS '%IX0.3') whose every change seen at
 * an exchange is an IND; it has no data output. The pin is sampled at INIT, so only changes after
 * it are events. REQ answers QO = QI (CNF), as FORTE's does.
 */
export class EventInputFb extends ProcessInterfaceFb {
  private last = false;

  constructor(ctx: NativeContext) {
    super(ctx, 'X', false);
  }

  $event(ei: number): void {
    if (ei === 0) {
      this.init();
      return;
    }
    this.QO = this.QI;
    this.$emit(1);
  }

  protected override onInit(): void {
    this.last = readRaw(this.image!, this.address!) as boolean;
    this.watch(true);
  }

  override $poll(): void {
    if (!this.QI || !this.address) return;
    const v = readRaw(this.image!, this.address) as boolean;
    if (v === this.last) return;
    this.last = v;
    this.$emit(2);
  }
}

/** 4diac's events: INIT/INITO, REQ/CNF, inputs also IND (data ports are in the .fbt files). */
const INPUT_EVENTS = { inputs: ['INIT', 'REQ'], outputs: ['INITO', 'CNF', 'IND'] };
const OUTPUT_EVENTS = { inputs: ['INIT', 'REQ'], outputs: ['INITO', 'CNF'] };

const SIZES: ImageSize[] = ['X', 'B', 'W', 'D', 'L'];

export const PROCESS_INTERFACE_BLOCKS: NativeBlock[] = [
  ...SIZES.flatMap((size): NativeBlock[] => [
    { name: `I${size}`, events: INPUT_EVENTS, create: (c) => new InputFb(c, size) },
    { name: `Q${size}`, events: OUTPUT_EVENTS, create: (c) => new OutputFb(c, size) },
  ]),
  { name: 'IE', events: INPUT_EVENTS, create: (c) => new EventInputFb(c) },
];
