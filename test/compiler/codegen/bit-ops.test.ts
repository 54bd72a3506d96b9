import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainCode } from '../../support/generated-code.js';

function runOnce(vars: string, body: string) {
  const r = compileSources([new SourceFile('t.st', `PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
  const outcome = runner.runCycles(1);
  expect(outcome.fault).toBeUndefined();
  return runner.instance.programs['Main'] as Record<string, ArrayLike<number>>;
}

// IEC 61131-3 shifts and rotations of an n-bit string, written independently of the code generator
const shl = (x: number, n: number, bits: number) => (n >= bits ? 0 : Number((BigInt(x) << BigInt(n)) & ((1n << BigInt(bits)) - 1n)));
const shr = (x: number, n: number, bits: number) => (n >= bits ? 0 : Math.floor(x / 2 ** n));
const rol = (x: number, n: number, bits: number) => {
  const k = ((n % bits) + bits) % bits;
  return k === 0 ? x : shl(x, k, bits) + shr(x, bits - k, bits);
};
const ror = (x: number, n: number, bits: number) => rol(x, bits - (((n % bits) + bits) % bits), bits);

describe('shifts and rotations of bit strings', () => {
  const X: Record<string, [number, number]> = { BYTE: [0xb5, 8], WORD: [0xace1, 16], DWORD: [0xdeadbeef, 32] };
  for (const [type, [x, bits]] of Object.entries(X)) {
    it(`of a ${type}: every count, known in range or not, gives what IEC 61131-3 says`, () => {
      // k MOD bits is known to be in range (no test), k is not (the general code), constants too
      const vars = `x : ${type} := ${x}; k : INT; a : ARRAY[0..40] OF ${type}; b : ARRAY[0..40] OF ${type}; c : ARRAY[0..40] OF ${type}; d : ARRAY[0..40] OF ${type};
        e : ARRAY[0..40] OF ${type}; f : ARRAY[0..40] OF ${type}; g : ARRAY[0..40] OF ${type}; h : ARRAY[0..40] OF ${type}; m : ARRAY[0..9] OF ${type};`;
      const body = `FOR k := 0 TO 40 DO
  a[k] := SHL(x, k MOD ${bits}); b[k] := SHR(x, k MOD ${bits}); c[k] := ROL(x, k MOD ${bits}); d[k] := ROR(x, k MOD ${bits});
  e[k] := SHL(x, k); f[k] := SHR(x, k); g[k] := ROL(x, k); h[k] := ROR(x, k);
END_FOR;
m[0] := ROL(x, 3); m[1] := ROR(x, 3); m[2] := ROL(x, ${bits}); m[3] := ROR(x, ${bits + 5}); m[4] := ROL(x, 0);
m[5] := SHL(x, ${bits - 1}); m[6] := SHR(x, ${bits - 1}); m[7] := ROL(x AND 16#0F, 1) XOR ROR(x, 1); m[8] := SHL(x, ${bits}); m[9] := SHR(x, ${bits + 1});`;
      const main = runOnce(vars, body);
      const ks = Array.from({ length: 41 }, (_, k) => k);
      const got = (name: string) => Array.from(main[name]!);
      expect(got('a')).toEqual(ks.map((k) => shl(x, k % bits, bits)));
      expect(got('b')).toEqual(ks.map((k) => shr(x, k % bits, bits)));
      expect(got('c')).toEqual(ks.map((k) => rol(x, k % bits, bits)));
      expect(got('d')).toEqual(ks.map((k) => ror(x, k % bits, bits)));
      expect(got('e')).toEqual(ks.map((k) => shl(x, k, bits)));
      expect(got('f')).toEqual(ks.map((k) => shr(x, k, bits)));
      expect(got('g')).toEqual(ks.map((k) => rol(x, k, bits)));
      expect(got('h')).toEqual(ks.map((k) => ror(x, k, bits)));
      expect(got('m')).toEqual([
        rol(x, 3, bits), ror(x, 3, bits), x, ror(x, bits + 5, bits), x,
        shl(x, bits - 1, bits), shr(x, bits - 1, bits), (rol(x & 15, 1, bits) ^ ror(x, 1, bits)) >>> 0, 0, 0,
      ]);
    });
  }

  it('are emitted without the count test or the call where the count is known', () => {
    const code = mainCode('w : WORD; v : WORD; i : INT; a : ARRAY[0..15] OF WORD;', 'FOR i := 0 TO 15 DO a[i] := SHL(w, i) OR SHR(v, 15 - i); END_FOR; w := ROL(w, 5) XOR ROR(v, 3) AND w;');
    expect(code).not.toContain('>= 16 ?');
    expect(code).not.toContain('$rol(');
    expect(code).not.toContain('$ror(');
    // AND, OR and XOR of two WORDs are a WORD: no mask after them; ANDed with the WORD w, the
    // rotation needs none either
    expect(code).toContain('l_w = ((((l_w << 5) | (l_w >>> 11)) & 65535) ^ (((l_v << 13) | (l_v >>> 3)) & l_w));');
  });
});

describe('masks a consumer makes unnecessary', () => {
  it('are left out of values stored in typed arrays, ANDed with a value of the type, or made unsigned after', () => {
    const vars = 'a : ARRAY[0..3] OF WORD; j : DINT; v : WORD := 16#FFF0; h : DWORD := 16#80000001; y : DWORD; z : WORD; n : ARRAY[0..1] OF BYTE;';
    const body = `FOR j := 0 TO 63 BY 5 DO
  a[j / 16] := a[j / 16] OR SHL(WORD#1, j MOD 16);
END_FOR;
z := v AND SHL(WORD#16#00FF, 4);
y := ROL(h, 5) XOR SHL(h, 3);
n[0] := NOT BYTE#16#0F;
n[1] := ROL(BYTE#16#C1, 2);`;
    const main = runOnce(vars, body);
    const words = [0, 0, 0, 0];
    for (let j = 0; j <= 63; j += 5) words[j >> 4]! |= 1 << (j % 16);
    expect(Array.from(main['a']!)).toEqual(words);
    expect(main['z']).toBe(0xfff0 & 0x0ff0);
    expect(main['y']).toBe((rol(0x80000001, 5, 32) ^ shl(0x80000001, 3, 32)) >>> 0);
    expect(Array.from(main['n']!)).toEqual([0xf0, rol(0xc1, 2, 8)]);
    const code = mainCode(vars, body);
    // j is 0..63: j / 16 and j MOD 16 are a shift and a mask; the store wraps the OR to 16 bits
    expect(code).toContain('l_j >>> 4');
    expect(code).toMatch(/\] \| \(1 << \(l_j & 15\)\)\);/);
    expect(code).toContain('l_z = (l_v & (255 << 4));');
    expect(code).toContain('l_y = ((((l_h << 5) | (l_h >>> 27)) ^ (l_h << 3)) >>> 0);');
    expect(code).toContain('r_n[(0)] = (~15);');
  });
});

describe('integer conversions of values the target type holds', () => {
  it('are the value itself, and wrap where the value may leave the type', () => {
    const vars = 'w : WORD := 16#FFFF; d : DINT := -70000; i : ARRAY[0..5] OF INT; t : ARRAY[0..15] OF INT;';
    const body = `i[0] := WORD_TO_INT(w AND 16#0FFF); i[1] := WORD_TO_INT(w); i[2] := DINT_TO_INT(d MOD 30000); i[3] := DINT_TO_INT(d);
i[4] := WORD_TO_INT(SHR(w, 4)); i[5] := WORD_TO_INT(SHR(w, 1));
t[WORD_TO_INT(w AND 16#F)] := 7;`;
    const main = runOnce(vars, body);
    const int16 = (x: number) => (x << 16) >> 16;
    expect(Array.from(main['i']!)).toEqual([0x0fff, int16(0xffff), -70000 % 30000, int16(-70000), 0x0fff, int16(0x7fff)]);
    expect(Array.from(main['t']!)[15]).toBe(7);
    const code = mainCode(vars, body);
    expect(code).toContain('r_i[(0)] = (l_w & 4095);');
    expect(code).toContain('r_i[(1)] = ((l_w) << 16 >> 16);');
    // the index is known to be inside 0..15: no check
    expect(code).toContain('r_t[((l_w & 15))] = 7;');
  });
});
