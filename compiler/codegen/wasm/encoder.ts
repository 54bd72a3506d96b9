/**
 * A minimal WebAssembly binary encoder: function types, one imported memory, functions with
 * locals, structured control (block/loop/if), i32/f32/f64 numeric, conversion, load and store
 * instructions, the 128-bit SIMD instructions of four-lane loops, and exports. Enough for the
 * loop code of wasm/loop-compiler.ts and wasm/vector-loop.ts, nothing more.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Opcodes used (names as in the WebAssembly specification). */
export const Op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d, select: 0x1b,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, f32_load: 0x2a, f64_load: 0x2b, i32_load8_s: 0x2c, i32_load8_u: 0x2d, i32_load16_s: 0x2e, i32_load16_u: 0x2f,
  i32_store: 0x36, f32_store: 0x38, f64_store: 0x39, i32_store8: 0x3a, i32_store16: 0x3b,
  i32_const: 0x41, f32_const: 0x43, f64_const: 0x44,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_lt_u: 0x49, i32_gt_s: 0x4a, i32_gt_u: 0x4b,
  i32_le_s: 0x4c, i32_le_u: 0x4d, i32_ge_s: 0x4e, i32_ge_u: 0x4f,
  f32_eq: 0x5b, f32_ne: 0x5c, f32_lt: 0x5d, f32_gt: 0x5e, f32_le: 0x5f, f32_ge: 0x60,
  f64_eq: 0x61, f64_ne: 0x62, f64_lt: 0x63, f64_gt: 0x64, f64_le: 0x65, f64_ge: 0x66,
  i32_add: 0x6a, i32_sub: 0x6b, i32_mul: 0x6c, i32_div_s: 0x6d, i32_div_u: 0x6e, i32_rem_s: 0x6f, i32_rem_u: 0x70,
  i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73,
  f32_abs: 0x8b, f32_neg: 0x8c, f32_sqrt: 0x91, f32_add: 0x92, f32_sub: 0x93, f32_mul: 0x94, f32_div: 0x95,
  f64_abs: 0x99, f64_neg: 0x9a, f64_trunc: 0x9d, f64_nearest: 0x9e, f64_sqrt: 0x9f, f64_add: 0xa0, f64_sub: 0xa1, f64_mul: 0xa2, f64_div: 0xa3,
  i32_wrap_i64: 0xa7, i64_trunc_f64_s: 0xb0, f32_convert_i32_s: 0xb2, f32_convert_i32_u: 0xb3, f32_demote_f64: 0xb6,
  f64_convert_i32_s: 0xb7, f64_convert_i32_u: 0xb8, f64_promote_f32: 0xbb,
  i32_extend8_s: 0xc0, i32_extend16_s: 0xc1,
  i64_const: 0x42, i64_gt_s: 0x55, i64_add: 0x7c, i64_extend_i32_s: 0xac,
} as const;

/** SIMD opcodes (after the 0xfd prefix; names as in the WebAssembly specification). */
export const Simd = {
  v128_load: 0x00, v128_store: 0x0b, v128_const: 0x0c,
  i32x4_splat: 0x11, f32x4_splat: 0x13,
  i32x4_extract_lane: 0x1b, i32x4_replace_lane: 0x1c, f32x4_extract_lane: 0x1f,
  i32x4_eq: 0x37, i32x4_ne: 0x38, i32x4_lt_s: 0x39, i32x4_lt_u: 0x3a, i32x4_gt_s: 0x3b, i32x4_gt_u: 0x3c,
  i32x4_le_s: 0x3d, i32x4_le_u: 0x3e, i32x4_ge_s: 0x3f, i32x4_ge_u: 0x40,
  f32x4_eq: 0x41, f32x4_ne: 0x42, f32x4_lt: 0x43, f32x4_gt: 0x44, f32x4_le: 0x45, f32x4_ge: 0x46,
  v128_not: 0x4d, v128_and: 0x4e, v128_andnot: 0x4f, v128_or: 0x50, v128_xor: 0x51, v128_bitselect: 0x52,
  i32x4_abs: 0xa0, i32x4_neg: 0xa1, i32x4_shl: 0xab, i32x4_shr_s: 0xac, i32x4_add: 0xae, i32x4_sub: 0xb1, i32x4_mul: 0xb5,
  f32x4_abs: 0xe0, f32x4_neg: 0xe1, f32x4_sqrt: 0xe3, f32x4_add: 0xe4, f32x4_sub: 0xe5, f32x4_mul: 0xe6, f32x4_div: 0xe7,
  f32x4_convert_i32x4_s: 0xfa, f32x4_convert_i32x4_u: 0xfb,
  i8x16_shuffle: 0x0d, f64x2_splat: 0x14, f64x2_div: 0xf3, i32x4_trunc_sat_f32x4_s: 0xf8,
  v128_load16x4_s: 0x03, v128_load16x4_u: 0x04, v128_load32_zero: 0x5c, v128_store32_lane: 0x5a, v128_store64_lane: 0x5b,
  i8x16_narrow_i16x8_s: 0x65, i8x16_narrow_i16x8_u: 0x66, i16x8_narrow_i32x4_s: 0x85, i16x8_narrow_i32x4_u: 0x86,
  i16x8_extend_low_i8x16_s: 0x87, i16x8_extend_low_i8x16_u: 0x89, i32x4_extend_low_i16x8_s: 0xa7, i32x4_extend_low_i16x8_u: 0xa9,
  i32x4_trunc_sat_f64x2_s_zero: 0xfc, i32x4_trunc_sat_f64x2_u_zero: 0xfd,
  f64x2_convert_low_i32x4_s: 0xfe, f64x2_convert_low_i32x4_u: 0xff,
} as const;

/** A block type: no result, or one value. */
export const VOID = 0x40;

function uleb(out: number[], n: number): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(out: number[], n: number): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/** The instructions of one function body, appended in order. */
export class Code {
  readonly bytes: number[] = [];

  /** the instructions of `other` after these */
  append(other: Code): this {
    for (const b of other.bytes) this.bytes.push(b);
    return this;
  }

  op(o: number): this {
    this.bytes.push(o);
    return this;
  }
  /** an instruction with one unsigned immediate (local index, branch depth, block type) */
  opU(o: number, imm: number): this {
    this.bytes.push(o);
    uleb(this.bytes, imm);
    return this;
  }
  i32(v: number): this {
    this.bytes.push(Op.i32_const);
    sleb(this.bytes, v | 0);
    return this;
  }
  f32(v: number): this {
    scratch.setFloat32(0, v, true);
    this.bytes.push(Op.f32_const, scratch.getUint8(0), scratch.getUint8(1), scratch.getUint8(2), scratch.getUint8(3));
    return this;
  }
  f64(v: number): this {
    scratch.setFloat64(0, v, true);
    this.bytes.push(Op.f64_const);
    for (let i = 0; i < 8; i++) this.bytes.push(scratch.getUint8(i));
    return this;
  }
  /** a SIMD instruction */
  simd(o: number): this {
    this.bytes.push(0xfd);
    uleb(this.bytes, o);
    return this;
  }
  /** a SIMD lane instruction */
  lane(o: number, lane: number): this {
    this.simd(o).bytes.push(lane);
    return this;
  }
  /** a SIMD load or store: `offset` in bytes, no alignment promised */
  simdMem(o: number, offset: number): this {
    this.simd(o);
    uleb(this.bytes, 0);
    uleb(this.bytes, offset);
    return this;
  }
  /** i8x16.shuffle: byte i of the result is byte `lanes[i]` of the two operands (0-15 the first, 16-31 the second) */
  shuffle(lanes: number[]): this {
    this.simd(Simd.i8x16_shuffle);
    for (const l of lanes) this.bytes.push(l);
    return this;
  }
  /** a SIMD load or store of one lane: `offset` in bytes, no alignment promised */
  simdMemLane(o: number, offset: number, lane: number): this {
    this.simdMem(o, offset).bytes.push(lane);
    return this;
  }
  /** v128.const of four i32 lanes */
  i32x4(a: number, b: number, c: number, d: number): this {
    this.simd(Simd.v128_const);
    for (const v of [a, b, c, d]) {
      scratch.setInt32(0, v | 0, true);
      this.bytes.push(scratch.getUint8(0), scratch.getUint8(1), scratch.getUint8(2), scratch.getUint8(3));
    }
    return this;
  }
  i64(v: number): this {
    this.bytes.push(Op.i64_const);
    sleb(this.bytes, v);
    return this;
  }
  /** a load or store: `align` as log2 of the access size, `offset` in bytes */
  mem(o: number, align: number, offset: number): this {
    this.bytes.push(o);
    uleb(this.bytes, align);
    uleb(this.bytes, offset);
    return this;
  }
  get(local: number): this {
    return this.opU(Op.local_get, local);
  }
  set(local: number): this {
    return this.opU(Op.local_set, local);
  }
  tee(local: number): this {
    return this.opU(Op.local_tee, local);
  }
}

export interface WasmFunction {
  /** exported under this name */
  name: string;
  params: ValType[];
  /** locals after the parameters */
  locals: ValType[];
  code: Code;
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const b of content) out.push(b);
}

function name(out: number[], s: string): void {
  const b = Buffer.from(s, 'utf8');
  uleb(out, b.length);
  for (const x of b) out.push(x);
}

/** A module importing memory `m.mem` of at least `pages` 64 KiB pages, exporting `fns` (no results). */
export function encodeModule(fns: WasmFunction[], pages: number): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(types, fns.length);
  for (const f of fns) {
    types.push(0x60);
    uleb(types, f.params.length);
    types.push(...f.params);
    types.push(0);
  }
  section(out, 1, types);
  const imports: number[] = [1];
  name(imports, 'm');
  name(imports, 'mem');
  imports.push(0x02, 0x00);
  uleb(imports, pages);
  section(out, 2, imports);
  const funcs: number[] = [];
  uleb(funcs, fns.length);
  fns.forEach((_, i) => uleb(funcs, i));
  section(out, 3, funcs);
  const exports: number[] = [];
  uleb(exports, fns.length);
  fns.forEach((f, i) => {
    name(exports, f.name);
    exports.push(0x00);
    uleb(exports, i);
  });
  section(out, 7, exports);
  const codes: number[] = [];
  uleb(codes, fns.length);
  for (const f of fns) {
    const body: number[] = [];
    // locals in runs of one type
    const runs: [number, ValType][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(body, runs.length);
    for (const [n, t] of runs) {
      uleb(body, n);
      body.push(t);
    }
    for (const b of f.code.bytes) body.push(b);
    body.push(Op.end);
    uleb(codes, body.length);
    for (const b of body) codes.push(b);
  }
  section(out, 10, codes);
  return Uint8Array.from(out);
}
