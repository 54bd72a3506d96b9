import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainCode } from '../../support/generated-code.js';

/** IEC integer wrap-around of a mathematical value to `bits`. */
function wrap(v: bigint, bits: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

type Op = (x: bigint, y: bigint) => bigint;
/** `+`, `-`, `*` and truncating `/`, each wrapped as IEC 61131-3 does after every operation */
function ops(bits: number, signed: boolean): Record<'add' | 'sub' | 'mul' | 'div', Op> & { neg: (x: bigint) => bigint } {
  const w = (v: bigint) => wrap(v, bits, signed);
  return { add: (x, y) => w(x + y), sub: (x, y) => w(x - y), mul: (x, y) => w(x * y), div: (x, y) => w(x / y), neg: (x) => w(-x) };
}

const VARS = `a : INT; b : INT; c : INT; d : INT;
  p : SINT; q : SINT; ua : UINT; ub : UINT; us : USINT;
  x : DINT; y : DINT; z : DINT; ux : UDINT; uy : UDINT;
  r1 : INT; r2 : INT; r3 : INT; r4 : INT; r5 : INT; s1 : SINT; u1 : UINT; u2 : USINT;
  d1 : DINT; d2 : DINT; d3 : UDINT; d4 : UDINT;`;
const BODY = `r1 := a * 31 + b - c;
r2 := -(a * b) + c * 7 - (a - d);
r3 := a * b * c * d + a;
r4 := c + (a + b) / 7 - d * 3;
r5 := a / -1 + b;
s1 := p + q + p * q - 100;
u1 := ua - ub * 3 + 1;
u2 := us * us + us - 7;
d1 := x + y - z + x * y;
d2 := x * (y + z) - (x - y) * 3;
d3 := ux - uy + ux * uy;
d4 := (ux + uy) * 5 - uy;`;

describe('integer +, - and * in one type', () => {
  it('wrap once around the whole operation tree', () => {
    const code = mainCode(VARS, BODY);
    expect(code).toContain('l_r1 = (((((l_a * 31) + l_b) - l_c)) << 16 >> 16);');
    expect(code).toContain('l_s1 = (((((l_p + l_q) + (l_p * l_q)) - 100)) << 24 >> 24);');
    // a DINT sum could pass 2^31, where V8 would leave its 32-bit integer code: wrapped each step
    expect(code).toContain('l_d1 = ((((((l_x + l_y) | 0) - l_z) | 0) + $imul(l_x, l_y)) | 0);');
    // a / 7 cannot wrap; a / -1 can (-32768 / -1)
    expect(code).toContain('/ 7) | 0)');
    expect(code).toContain('((l_a / (-1)) | 0) << 16 >> 16)');
    // the product of three INTs could pass 2^31: wrapped step by step
    expect(code).toMatch(/l_r3 = .*<< 16 >> 16.*<< 16 >> 16.*<< 16 >> 16/);
  });

  it('give the values of wrapping after every operation', () => {
    const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${VARS}\nEND_VAR\n${BODY}\nEND_PROGRAM\n`)]);
    if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
    const m = runner.instance.programs['Main'] as Record<string, number>;
    const i16 = ops(16, true), i8 = ops(8, true), u16 = ops(16, false), u8 = ops(8, false), i32 = ops(32, true), u32 = ops(32, false);
    let seed = 12345;
    const rnd = (bits: number, signed: boolean): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      const extremes = signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1, -1, 0] : [0, 2 ** bits - 1, 1];
      const raw = BigInt(seed >>> 0) * 0x9e3779b9n;
      return (seed >>> 28) < 3 ? extremes[(seed >>> 28) % extremes.length]! : Number(wrap(raw, bits, signed));
    };
    for (let round = 0; round < 400; round++) {
      for (const v of ['a', 'b', 'c', 'd']) m[v] = rnd(16, true);
      m['p'] = rnd(8, true);
      m['q'] = rnd(8, true);
      m['ua'] = rnd(16, false);
      m['ub'] = rnd(16, false);
      m['us'] = rnd(8, false);
      for (const v of ['x', 'y', 'z']) m[v] = rnd(32, true);
      m['ux'] = rnd(32, false);
      m['uy'] = rnd(32, false);
      const [a, b, c, d, p, q, ua, ub, us, x, y, z, ux, uy] = ['a', 'b', 'c', 'd', 'p', 'q', 'ua', 'ub', 'us', 'x', 'y', 'z', 'ux', 'uy'].map((k) => BigInt(m[k]!));
      const outcome = runner.runCycles(1);
      expect(outcome.fault).toBeUndefined();
      const { add, sub, mul, div, neg } = i16;
      const want: Record<string, bigint> = {
        r1: sub(add(mul(a!, 31n), b!), c!),
        r2: sub(add(neg(mul(a!, b!)), mul(c!, 7n)), sub(a!, d!)),
        r3: add(mul(mul(mul(a!, b!), c!), d!), a!),
        r4: sub(add(c!, div(add(a!, b!), 7n)), mul(d!, 3n)),
        r5: add(div(a!, -1n), b!),
        s1: i8.sub(i8.add(i8.add(p!, q!), i8.mul(p!, q!)), 100n),
        u1: u16.add(u16.sub(ua!, u16.mul(ub!, 3n)), 1n),
        u2: u8.sub(u8.add(u8.mul(us!, us!), us!), 7n),
        d1: i32.add(i32.sub(i32.add(x!, y!), z!), i32.mul(x!, y!)),
        d2: i32.sub(i32.mul(x!, i32.add(y!, z!)), i32.mul(i32.sub(x!, y!), 3n)),
        d3: u32.add(u32.sub(ux!, uy!), u32.mul(ux!, uy!)),
        d4: u32.sub(u32.mul(u32.add(ux!, uy!), 5n), uy!),
      };
      for (const [k, v] of Object.entries(want)) expect([k, m[k]]).toEqual([k, Number(v)]);
    }
  });
});
