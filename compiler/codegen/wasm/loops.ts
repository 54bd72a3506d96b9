/**
 * The WebAssembly loops of one generated module: which FOR loops become WebAssembly functions
 * (loop-compiler.ts), the JavaScript that calls one, and the module's preamble that compiles
 * them once per module load into one instance with one memory of a fixed size.
 *
 * Memory: the arrays of PROGRAM and FB instances that a loop of their own POU uses are made in
 * the memory (views into it, `$wnew`, from a pool after the loops' area, while the pool lasts):
 * a loop passes their addresses and works on them in place. Any other array (a global, another
 * POU's, one made once the pool was used up, one of an instance of an earlier module version
 * after an online change) is copied into the memory before the call (TypedArray.set into views
 * made once at load) and back after if the loop writes it; the copy of 3 arrays of 200 REALs in
 * and out cost more than the loop of a PID over them. The loop reads the FOR variable and the
 * scalars it wrote from result slots. A loop calls nothing, so no two loops run at once: every
 * loop lays its copies out from offset 0 and the area is as large as the largest loop's. The
 * arrays stay instance fields of their own length and type, so RETAIN and online change are
 * untouched (the memory never grows: its views never detach).
 *
 * `VPLC_NO_WASM=1` turns the WebAssembly path off (every loop stays JavaScript);
 * `VPLC_WASM_ALL=1` takes it for every loop it can run, paying or not (for differential tests).
 */
import type { Expr, ForStmt, Stmt } from '../../st/ast.js';
import type { VarSymbol } from '../../semantics/symbols.js';
import { walkStmts } from '../ast-walk.js';
import { concrete } from '../../types/common-type.js';
import type { Type } from '../../types/types.js';
import { encodeModule, F32, F64, type WasmFunction } from './encoder.js';
import { compileLoop, type CompiledLoop, type WasmLoopHost } from './loop-compiler.js';
import { ELEMENTARY } from '../../types/types.js';

/**
 * When the WebAssembly call pays (measured with loops of 1 to 6 REAL operations over 64 and 256
 * elements, and with test/bench/st-vs-c.ts, see the README): a REAL operation saves JavaScript
 * two float32 conversions (V8 already leaves them out for one stored straight into a
 * Float32Array: those are not counted), while the call costs the copy of every element of the
 * arrays it uses (in, and back for those it writes). The iterations must do at least one
 * counted operation per COPIES_PER_SINGLE elements copied.
 */
export const COPIES_PER_SINGLE = 6;

/** The pool for arrays made in the memory: this many times their bytes (instances of an FB), up to POOL_MAX. */
const POOL_INSTANCES = 4;
const POOL_MAX = 4 * 1024 * 1024;

/** Is the WebAssembly path on (VPLC_NO_WASM unset or not 1)? */
export function wasmLoopsEnabled(): boolean {
  return process.env.VPLC_NO_WASM !== '1';
}

const isReal = (t: Type | undefined): boolean => {
  if (!t) return false;
  if (t.kind === 'literalReal') return true;
  const c = concrete(t);
  return c.kind === 'elementary' && c.name === 'REAL';
};

/**
 * A quick look at a loop's body before compiling it: false when it cannot become WebAssembly
 * (a statement or expression kind loop-compiler.ts refuses) or cannot pay (unless `all`): a
 * counted REAL operation needs a REAL somewhere, as an expression's or operands' type, or a
 * call's parameter. Most loops of a project are refused here, without compiling them (a
 * refusal there throws) only to find they do no REAL work.
 */
function mayQualify(h: WasmLoopHost, s: ForStmt, all: boolean): boolean {
  let ok = true;
  let real = all;
  walkStmts(s.body, {
    stmt: (st: Stmt) => {
      if (st.kind !== 'empty' && st.kind !== 'assign' && st.kind !== 'if' && st.kind !== 'for') ok = false;
    },
    expr: (e: Expr) => {
      switch (e.kind) {
        case 'member':
        case 'deref':
        case 'bit':
        case 'this':
        case 'super':
        case 'enumValue':
          ok = false;
          return;
        case 'call':
          real = true;
          return;
        default:
          if (!real && (isReal(h.typeOf(e)) || isReal(h.ann.operandTypes.get(e.id)))) real = true;
      }
    },
  });
  return ok && real;
}

export class WasmLoops {
  private readonly fns: WasmFunction[] = [];
  private readonly views: string[] = [];
  private bytes = 0;
  /** instance arrays made in the memory, with their sizes in bytes */
  private readonly resident = new Map<VarSymbol, number>();

  constructor(private readonly enabled = wasmLoopsEnabled()) {}

  /**
   * Lines calling loop `s` as WebAssembly, or undefined when it stays JavaScript. `v` and `to`:
   * the JavaScript of the FOR variable (FROM already stored in it) and of TO; `iterations`: the
   * most the loop can make (its variable's proven range over the step).
   */
  loopCode(h: WasmLoopHost, s: ForStmt, step: bigint, v: string, to: string, iterations: number): string[] | undefined {
    if (!this.enabled) return undefined;
    const all = process.env.VPLC_WASM_ALL === '1';
    if (!mayQualify(h, s, all)) return undefined;
    const loop = compileLoop(h, s, step, v, to);
    if (!loop) return undefined;
    const copied = loop.arrays.reduce((n, a) => n + a.length * (a.written ? 2 : 1), 0);
    const pays = loop.work.single > 0 && iterations * loop.work.single * COPIES_PER_SINGLE >= copied;
    if (!pays && !all) return undefined;
    return this.add(h, loop);
  }

  private add(h: WasmLoopHost, loop: CompiledLoop): string[] {
    const n = this.fns.length;
    const fn = `$wx${n}`;
    this.fns.push({ name: `f${n}`, ...loop.fn });
    this.bytes = Math.max(this.bytes, loop.bytes);
    const before: string[] = [];
    const after: string[] = [];
    const bases: string[] = [];
    loop.arrays.forEach((a, i) => {
      const view = `$wa${n}_${i}`;
      this.views.push(`const ${view} = new ${a.ctor}($wmem.buffer, ${a.offset}, ${a.length});`);
      if (a.symbol.storage === 'instance') this.resident.set(a.symbol, a.length * a.elementBytes);
      // in place when it lies in the memory, else copied to the loop's area (never a pool address)
      const base = h.tmp();
      before.push(`${base} = ${a.js}.buffer === $wbuf ? ${a.js}.byteOffset : (${view}.set(${a.js}), ${a.offset});`);
      if (a.written) after.push(`if (${base} === ${a.offset}) ${a.js}.set(${view});`);
      bases.push(base);
    });
    for (const r of loop.results) {
      const info = ELEMENTARY[r.num.name];
      const read =
        r.num.vt === F32 ? `$wm_f32[${r.offset / 4}]`
        : r.num.vt === F64 ? `$wm_f64[${r.offset / 8}]`
        : r.num.name === 'BOOL' ? `($wm_i32[${r.offset / 4}] !== 0)`
        : info.bits === 32 && info.family !== 'signed' ? `$wm_u32[${r.offset / 4}]`
        : `$wm_i32[${r.offset / 4}]`;
      after.push(`${r.js} = ${read};`);
    }
    return [...before, `${fn}(${[...loop.args, ...bases].join(', ')});`, ...after];
  }

  /** Is `v`, an instance variable, an array a loop uses, to be made in the memory? */
  isResident(v: VarSymbol): boolean {
    return this.resident.has(v);
  }

  /** Module-level JavaScript: the memory, the compiled instance, its functions and views. */
  preamble(): string[] {
    if (!this.fns.length) return [];
    const area = Math.ceil(this.bytes / 16) * 16;
    let wanted = 0;
    for (const b of this.resident.values()) wanted += Math.ceil(b / 16) * 16;
    const pages = Math.max(1, Math.ceil((area + Math.min(POOL_MAX, wanted * POOL_INSTANCES)) / 65536));
    const bytes = encodeModule(this.fns, pages);
    return [
      `const $wmem = new WebAssembly.Memory({ initial: ${pages}, maximum: ${pages} });`,
      'const $wbuf = $wmem.buffer;',
      `let $wtop = ${area};`,
      // an array made in the memory while the pool lasts (16-byte aligned), else an ordinary one
      `function $wnew(C, n) { const at = $wtop, end = at + ((n * C.BYTES_PER_ELEMENT + 15) & ~15); if (end > ${pages * 65536}) return new C(n); $wtop = end; return new C($wbuf, at, n); }`,
      `const $wl = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(${JSON.stringify(Buffer.from(bytes).toString('base64'))}), (c) => c.charCodeAt(0))), { m: { mem: $wmem } }).exports;`,
      `const $wm_i32 = new Int32Array($wmem.buffer), $wm_u32 = new Uint32Array($wmem.buffer), $wm_f32 = new Float32Array($wmem.buffer), $wm_f64 = new Float64Array($wmem.buffer);`,
      ...this.fns.map((f, i) => `const $wx${i} = $wl.${f.name};`),
      ...this.views,
    ];
  }
}
