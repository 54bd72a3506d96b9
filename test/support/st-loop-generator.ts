/**
 * Seeded generators of ST loop bodies for the differential tests of the WebAssembly loops
 * (test/compiler/codegen/wasm-loops.test.ts, wasm-simd-loops.test.ts): expressions of REAL,
 * LREAL, BOOL and integers of up to 32 bits with the edge values that tell code paths apart
 * (NaN, -0, infinities, the types' limits), assignments and IF/ELSIF/ELSE. A failure is
 * reproducible from its seed. What a leaf, a variable and a target are is the test's own.
 */

/** A small seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type LoopType = 'REAL' | 'LREAL' | 'DINT' | 'INT' | 'SINT' | 'UDINT' | 'UINT' | 'USINT' | 'WORD' | 'DWORD' | 'BOOL';

export const RANGE: Record<string, [number, number]> = {
  DINT: [-2147483648, 2147483647], INT: [-32768, 32767], SINT: [-128, 127],
  UDINT: [0, 4294967295], UINT: [0, 65535], USINT: [0, 255], WORD: [0, 65535], DWORD: [0, 4294967295],
};
export const SIGNED = new Set<LoopType>(['DINT', 'INT', 'SINT']);
const BITS = new Set<LoopType>(['WORD', 'DWORD']);

/** The types a generator uses. */
export interface LoopTypes {
  /** REAL, and LREAL where the path under test runs it */
  floats: readonly LoopType[];
  ints: readonly LoopType[];
  /** the chance of an IF statement where a statement goes */
  ifChance: number;
}

export abstract class LoopBodyGenerator {
  constructor(
    protected readonly r: () => number,
    protected readonly types: LoopTypes,
  ) {}

  /** a variable or element of type t: the left operand of integer arithmetic, so no constant expression overflows at compile time */
  abstract variable(t: LoopType): string;
  abstract leaf(t: LoopType): string;
  /** what a statement assigns, or undefined when nothing of type t may be assigned there */
  abstract target(t: LoopType): string | undefined;

  pick<X>(xs: readonly X[]): X {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  chance(p: number): boolean {
    return this.r() < p;
  }

  int(t: LoopType): string {
    const [lo, hi] = RANGE[t]!;
    const v = this.chance(0.4) ? this.pick([lo, hi, 0, 1, 7, hi - 1]) : Math.floor(lo + this.r() * (hi - lo + 1));
    return `${t}#${v}`;
  }

  /** the operand of a conversion to a float type t */
  protected toFloat(t: LoopType, depth: number): string {
    const from = this.pick<LoopType>([...this.types.ints, ...this.types.floats.filter((f) => f !== t), 'BOOL']);
    return `${from}_TO_${t}(${this.expr(from, depth)})`;
  }

  expr(t: LoopType, depth: number): string {
    if (depth <= 0 || this.chance(0.25)) return this.leaf(t);
    const d = depth - 1;
    const { floats, ints } = this.types;
    if (t === 'BOOL') {
      const c = Math.floor(this.r() * 4);
      if (c === 0) return `NOT (${this.expr('BOOL', d)})`;
      if (c === 1) return `(${this.expr('BOOL', d)} ${this.pick(['AND', 'OR', 'XOR'])} ${this.expr('BOOL', d)})`;
      const ct = this.pick<LoopType>(['REAL', ...floats, ...ints]);
      return `(${this.variable(ct)} ${this.pick(['=', '<>', '<', '>', '<=', '>='])} ${this.expr(ct, d)})`;
    }
    if (floats.includes(t)) {
      switch (Math.floor(this.r() * 10)) {
        case 0: return `ABS(${this.expr(t, d)})`;
        case 1: return `SQRT(${this.expr(t, d)})`;
        case 2: return `${this.pick(['MIN', 'MAX'])}(${this.expr(t, d)}, ${this.expr(t, d)})`;
        case 3: return `LIMIT(${this.expr(t, d)}, ${this.expr(t, d)}, ${this.expr(t, d)})`;
        case 4: return `SEL(${this.expr('BOOL', d)}, ${this.expr(t, d)}, ${this.expr(t, d)})`;
        case 5: return this.toFloat(t, d);
        case 6: return `-(${this.expr(t, d)})`;
        default: return `(${this.expr(t, d)} ${this.pick(['+', '-', '*', '/'])} ${this.expr(t, d)})`;
      }
    }
    const bits = BITS.has(t);
    switch (Math.floor(this.r() * 9)) {
      case 0: {
        const from = this.pick<LoopType>([...floats, ...ints.filter((x) => x !== t), 'BOOL']);
        return `${from}_TO_${t}(${this.expr(from, d)})`;
      }
      case 1: return `${this.pick(['MIN', 'MAX'])}(${this.expr(t, d)}, ${this.expr(t, d)})`;
      case 2: return `LIMIT(${this.expr(t, d)}, ${this.expr(t, d)}, ${this.expr(t, d)})`;
      case 3: {
        if (bits) return `(${this.variable(t)} ${this.pick(['AND', 'OR', 'XOR'])} ${this.expr(t, d)})`;
        const [lo, hi] = RANGE[t]!;
        let c = 0;
        while (c === 0) c = Math.floor((SIGNED.has(t) ? -9 : 1) + this.r() * 20);
        const divisor = this.chance(0.2) ? (SIGNED.has(t) ? -1 : hi) : Math.max(lo, Math.min(hi, c));
        return `(${this.variable(t)} ${this.pick(['/', 'MOD'])} ${t}#${divisor})`;
      }
      case 4: return SIGNED.has(t) ? `ABS(${this.expr(t, d)})` : this.expr(t, d);
      case 5: return bits ? `(${this.variable(t)} ${this.pick(['AND', 'OR', 'XOR'])} ${this.expr(t, d)})` : `SEL(${this.expr('BOOL', d)}, ${this.expr(t, d)}, ${this.expr(t, d)})`;
      default: return bits ? `NOT ${this.variable(t)}` : `(${this.variable(t)} ${this.pick(['+', '-', '*'])} ${this.expr(t, d)})`;
    }
  }

  /** n statements (assignments, IF/ELSIF/ELSE nested up to depth), appended to out */
  stmts(n: number, depth: number, out: string[], indent: string): void {
    for (let i = 0; i < n; i++) {
      if (depth > 0 && this.chance(this.types.ifChance)) {
        out.push(`${indent}IF ${this.expr('BOOL', 2)} THEN`);
        this.stmts(2, depth - 1, out, `${indent}  `);
        if (this.chance(0.5)) {
          out.push(`${indent}ELSIF ${this.expr('BOOL', 2)} THEN`);
          this.stmts(1, depth - 1, out, `${indent}  `);
        }
        if (this.chance(0.6)) {
          out.push(`${indent}ELSE`);
          this.stmts(2, depth - 1, out, `${indent}  `);
        }
        out.push(`${indent}END_IF;`);
        continue;
      }
      const t = this.pick<LoopType>(['REAL', 'REAL', ...this.types.floats, 'BOOL', ...this.types.ints]);
      const target = this.target(t);
      if (target) out.push(`${indent}${target} := ${this.expr(t, 3)};`);
    }
  }
}
