import { NativeFb, type NativeBlock, type NativeContext } from './native-fb.js';

type Indexed = { length: number; [i: number]: unknown };

/** An ARRAY value as the runtime holds it: a JS array or a typed array. */
function isArray(v: unknown): v is Indexed {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * GET_AT_INDEX (FORTE utils): REQ reads the element INDEX of the array connected to IN_ARRAY
 * into OUT with QO TRUE; an index outside the array (or no array) gives QO FALSE and keeps OUT.
 * Elements are counted from the array's first (ArraySize="n": 0..n-1).
 */
export class GET_AT_INDEX extends NativeFb {
  IN_ARRAY: unknown = 0;
  INDEX = 0;
  QO = false;
  OUT: unknown = 0;
  constructor(ctx: NativeContext) {
    super(ctx);
  }
  $event(_ei: number): void {
    const a = this.IN_ARRAY;
    this.QO = isArray(a) && this.INDEX < a.length;
    if (this.QO) this.OUT = (a as Indexed)[this.INDEX];
    this.$emit(0);
  }
}

/**
 * SET_AT_INDEX (FORTE utils): REQ copies IN_ARRAY to OUT_ARRAY with the element INDEX set to
 * VALUE, QO TRUE; an index outside the array gives QO FALSE and OUT_ARRAY unchanged.
 * OUT_ARRAY's storage is allocated on the first REQ and reused after it.
 */
export class SET_AT_INDEX extends NativeFb {
  IN_ARRAY: unknown = 0;
  INDEX = 0;
  VALUE: unknown = 0;
  QO = false;
  OUT_ARRAY: unknown = 0;
  constructor(ctx: NativeContext) {
    super(ctx);
  }
  $event(_ei: number): void {
    const a = this.IN_ARRAY;
    this.QO = isArray(a) && this.INDEX < a.length;
    if (this.QO) {
      const src = a as Indexed;
      let out = this.OUT_ARRAY;
      if (!isArray(out) || out.length !== src.length) this.OUT_ARRAY = out = structuredClone(src);
      const dst = out as Indexed;
      for (let k = 0; k < src.length; k++) dst[k] = src[k];
      dst[this.INDEX] = this.VALUE;
    }
    this.$emit(0);
  }
}

export const ARRAY_BLOCKS: NativeBlock[] = [
  { name: 'GET_AT_INDEX', events: { inputs: ['REQ'], outputs: ['CNF'] }, create: (c) => new GET_AT_INDEX(c) },
  { name: 'SET_AT_INDEX', events: { inputs: ['REQ'], outputs: ['CNF'] }, create: (c) => new SET_AT_INDEX(c) },
];
