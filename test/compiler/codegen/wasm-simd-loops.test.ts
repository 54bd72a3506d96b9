/**
 * FOR loops with independent iterations run four at a time (WebAssembly SIMD,
 * compiler/codegen/wasm/vector-loop.ts) must leave every variable exactly as the JavaScript path
 * does (VPLC_NO_WASM=1) and as the scalar WebAssembly loop does (VPLC_NO_SIMD=1): the arrays,
 * the private scalars' values after the loop (the last iteration's, whether it ran in the
 * four-lane loop or in the scalar remainder), the FOR variable, IF branches as selects, MIN,
 * MAX, LIMIT and comparisons on NaN and -0, integers of every width, conversions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LoopBodyGenerator, rng, type LoopType } from '../../support/st-loop-generator.js';
import { compileOn, differences, runMain } from '../../support/wasm-paths.js';

const BENCH = fileURLToPath(new URL('../../bench/st/', import.meta.url));

afterEach(() => {
  delete process.env.VPLC_NO_WASM;
  delete process.env.VPLC_NO_SIMD;
  delete process.env.VPLC_WASM_ALL;
});

/** Compiles `text` three ways; whether the four-lane loop was used (its code differs from the scalar one's). */
function threeWays(text: string, scans: number): { simd: boolean; vsJs: string[]; vsScalar: string[]; values: Record<string, unknown> } {
  const simd = compileOn(text, 'wasm');
  const scalar = compileOn(text, 'scalar');
  const js = compileOn(text, 'js');
  const s = runMain(simd, scans);
  return { simd: simd.code !== scalar.code, vsJs: differences(s, runMain(js, scans)), vsScalar: differences(s, runMain(scalar, scans)), values: s };
}

describe('four-lane (SIMD) FOR loops give exactly what JavaScript gives', () => {
  for (const kernel of ['real-pi-aw', 'real-pid']) {
    it(`bench kernel ${kernel} runs four lanes: identical variables after 300 scans`, () => {
      const r = threeWays(readFileSync(`${BENCH}${kernel}.st`, 'utf8'), 300);
      expect(r.simd).toBe(true);
      expect(r.vsJs).toEqual([]);
      expect(r.vsScalar).toEqual([]);
    });
  }

  it('every iteration count from 0 to 19: the remainder, private scalars and the FOR variable after the loop', () => {
    const text = `PROGRAM Main
VAR a : ARRAY[0..19] OF REAL; b : ARRAY[0..19] OF DINT; k : INT; lo : INT := 0; hi : INT := -1;
  e : REAL := 7.5; m : DINT := 99; f : BOOL; s : SINT := 5; ks : ARRAY[0..40] OF INT; ps : ARRAY[0..40] OF REAL; fs : ARRAY[0..40] OF BOOL; n : INT; END_VAR
hi := hi + 1;
IF hi > 19 THEN hi := -1; lo := lo + 1; END_IF;
FOR k := lo TO hi DO
  e := a[k] * 0.5 + INT_TO_REAL(k MOD 16) * 2.5;
  m := b[k] * 3 + k;
  f := e > 4.0;
  s := DINT_TO_SINT(m) + 100;
  a[k] := e + SINT_TO_REAL(s) * 0.125;
  b[k] := m MOD 1000 - BOOL_TO_DINT(f);
END_FOR;
ks[n] := k; ps[n] := e; fs[n] := f; n := (n + 1) MOD 41;
END_PROGRAM
`;
    const r = threeWays(text, 45);
    expect(r.simd).toBe(true);
    expect(r.vsJs).toEqual([]);
    expect(r.vsScalar).toEqual([]);
    // scan 20 ran k from 0 to 19
    expect((r.values.ks as Int16Array)[19]).toBe(20);
  });

  it('IF/ELSIF/ELSE as selects: private scalars and array elements assigned in branches', () => {
    const text = `PROGRAM Main
VAR y, xi : ARRAY[0..31] OF REAL; c : ARRAY[0..31] OF DINT; k : INT; u, us : REAL; w : DINT; umax : REAL := 3.0; umin : REAL := -3.0; END_VAR
FOR k := 0 TO 30 DO
  u := y[k] * 1.5 + INT_TO_REAL(k) * 0.25 - 4.0;
  IF u > umax THEN
    us := umax; w := 1;
  ELSIF u < umin THEN
    us := umin; w := 2; xi[k] := xi[k] - 1.0;
  ELSE
    us := u; w := 3;
    IF c[k] > 5 THEN c[k] := 0; ELSE c[k] := c[k] + w; END_IF;
  END_IF;
  xi[k] := xi[k] + 0.1 * (us - u);
  y[k] := y[k] + 0.5 * us + DINT_TO_REAL(w);
END_FOR;
END_PROGRAM
`;
    const r = threeWays(text, 7);
    expect(r.simd).toBe(true);
    expect(r.vsJs).toEqual([]);
    expect(r.vsScalar).toEqual([]);
  });

  it('MIN, MAX, LIMIT, ABS and comparisons on NaN, -0 and infinities keep the JavaScript helpers\' results', () => {
    const text = `PROGRAM Main
VAR a, b, mn, mx, lm, ab : ARRAY[0..11] OF REAL; eq, lt, ge : ARRAY[0..11] OF DINT; k : INT; z : REAL; init : BOOL; END_VAR
IF NOT init THEN
  init := TRUE;
  z := 0.0;
  a[0] := z / z; b[0] := 1.0;
  a[1] := 1.0; b[1] := z / z;
  a[2] := REAL#-0.0; b[2] := 0.0;
  a[3] := 0.0; b[3] := REAL#-0.0;
  a[4] := 1.0 / z; b[4] := -1.0 / z;
  a[5] := z / z; b[5] := z / z;
  a[6] := REAL#-0.0; b[6] := REAL#-0.0;
  a[7] := -2.5; b[7] := 2.5;
  a[8] := SQRT(-1.0); b[8] := REAL#-0.0;
  a[9] := 3.0; b[9] := 3.0;
  a[10] := 1.0E-40; b[10] := -1.0E-40;
  a[11] := -1.0 / z; b[11] := z / z;
END_IF;
FOR k := 0 TO 11 DO
  mn[k] := MIN(a[k], b[k]);
  mx[k] := MAX(a[k], b[k], REAL#-0.0);
  lm[k] := LIMIT(b[k], a[k], 2.0);
  ab[k] := ABS(a[k]) - b[k];
  eq[k] := BOOL_TO_DINT(a[k] = b[k]) + 2 * BOOL_TO_DINT(a[k] <> b[k]);
  lt[k] := BOOL_TO_DINT(a[k] < b[k]) + 2 * BOOL_TO_DINT(a[k] <= b[k]);
  ge[k] := BOOL_TO_DINT(a[k] > b[k]) + 2 * BOOL_TO_DINT(a[k] >= b[k]) + 4 * BOOL_TO_DINT(NOT (a[k] = a[k]));
END_FOR;
END_PROGRAM
`;
    process.env.VPLC_WASM_ALL = '1';
    const r = threeWays(text, 2);
    expect(r.simd).toBe(true);
    expect(r.vsJs).toEqual([]);
    expect(r.vsScalar).toEqual([]);
    expect(Object.is((r.values.mn as Float32Array)[2], 0)).toBe(true);
    expect(Number.isNaN((r.values.mn as Float32Array)[1])).toBe(true);
  });

  it('sums (t := t + e, t := t - e) add the lanes in iteration order: REAL with NaN, -0 and rounding, wrapping integers', () => {
    const text = `PROGRAM Main
VAR a : ARRAY[0..40] OF REAL; b : ARRAY[0..40] OF DINT; k : INT; lo : INT := 0; hi : INT := -1; e : REAL;
  acc : REAL; neg : REAL; big : DINT; small : SINT; n : INT; accs : ARRAY[0..45] OF REAL; bigs : ARRAY[0..45] OF DINT; smalls : ARRAY[0..45] OF SINT; END_VAR
IF n = 0 THEN
  FOR k := 0 TO 40 DO a[k] := 1.0E7 / INT_TO_REAL(k + 1) - 0.1 * INT_TO_REAL(k); b[k] := 2000000000 - k * 12345; END_FOR;
END_IF;
hi := hi + 1;
IF hi > 40 THEN hi := -1; lo := lo + 3; END_IF;
acc := REAL#-0.0; neg := 0.0; big := 0; small := 0;
IF n = 7 THEN a[5] := neg / neg; END_IF;
FOR k := lo TO hi DO
  e := a[k] * 1.5;
  acc := acc + e * 0.25 + 1.0E-3;
  neg := neg - a[k];
  big := big + b[k];
  small := small + DINT_TO_SINT(b[k]);
END_FOR;
accs[n] := acc; bigs[n] := big; smalls[n] := small; n := (n + 1) MOD 46;
END_PROGRAM
`;
    const r = threeWays(text, 50);
    expect(r.simd).toBe(true);
    expect(r.vsJs).toEqual([]);
    expect(r.vsScalar).toEqual([]);
    // scan 42 ran no iteration: -0.0 stays; NaN from scan 8 on while a[5] is summed
    expect(Object.is((r.values.accs as Float32Array)[41], -0)).toBe(true);
    expect(Number.isNaN((r.values.accs as Float32Array)[10])).toBe(true);
  });

  it('a loop whose iterations depend on each other keeps the scalar loop', () => {
    const head = `PROGRAM Main
VAR a, b : ARRAY[0..63] OF REAL; k : INT; r : REAL; acc : REAL; END_VAR
`;
    const own = 'r := a[k] * 0.5 + b[k] * 0.25; a[k] := r * r + 1.0; b[k] := r - b[k] * 0.125;';
    expect(threeWays(`${head}FOR k := 0 TO 63 DO ${own} END_FOR;\nEND_PROGRAM\n`, 1).simd).toBe(true);
    expect(threeWays(`${head}FOR k := 0 TO 63 DO ${own} acc := acc + r; END_FOR;\nEND_PROGRAM\n`, 1).simd).toBe(true);
    for (const carried of [
      'acc := acc + a[k] * 2.0; b[k] := acc;',
      'acc := acc * 0.5 + a[k];',
      'IF a[k] > 0.0 THEN acc := acc + a[k]; END_IF;',
      'b[k] := a[k + 1] * 0.5;',
      'IF a[k] > 1.0 THEN acc := a[k]; END_IF; b[k] := acc;',
      'b[k] := acc; acc := a[k];',
      'a[k] := b[3] * r;',
    ]) {
      const text = `${head}FOR k := 0 TO 62 DO ${own} ${carried} END_FOR;\nEND_PROGRAM\n`;
      const r = threeWays(text, 3);
      expect(r.simd, carried).toBe(false);
      expect(r.vsJs, carried).toEqual([]);
    }
  });

  it('arrays of INT, UINT, SINT, USINT, WORD and BOOL in four lanes: raw analog values scaled, limits flagged, counts kept', () => {
    const text = `PROGRAM Main
VAR
  raw : ARRAY[1..30] OF INT; eng : ARRAY[1..30] OF REAL; hiAlarm : ARRAY[1..30] OF BOOL; loAlarm : ARRAY[1..30] OF BOOL;
  trips : ARRAY[1..30] OF UINT; step : ARRAY[1..30] OF SINT; bytes : ARRAY[1..30] OF USINT; bits : ARRAY[1..30] OF WORD;
  k : INT; scanNo : DINT; scale : REAL := 0.0030517578; offset : REAL := -12.5; total : REAL;
END_VAR
scanNo := scanNo + 1;
FOR k := 1 TO 30 DO raw[k] := DINT_TO_INT(scanNo * 977 + k * 2131); step[k] := DINT_TO_SINT(scanNo * 7 - k * 13); END_FOR;
total := 0.0;
FOR k := 1 TO 30 DO
  eng[k] := INT_TO_REAL(raw[k]) * scale + offset;
  hiAlarm[k] := eng[k] > 80.0;
  loAlarm[k] := NOT hiAlarm[k] AND eng[k] < -80.0;
  IF hiAlarm[k] OR loAlarm[k] THEN trips[k] := trips[k] + 1; END_IF;
  bytes[k] := bytes[k] + SINT_TO_USINT(step[k]);
  bits[k] := bits[k] XOR INT_TO_WORD(raw[k]);
  total := total + eng[k] * 0.5;
END_FOR;
END_PROGRAM
`;
    const r = threeWays(text, 40);
    expect(r.simd).toBe(true);
    expect(r.vsJs).toEqual([]);
    expect(r.vsScalar).toEqual([]);
    expect((r.values.trips as Uint16Array).some((v) => v !== 0)).toBe(true);
    expect((r.values.hiAlarm as Uint8Array).some((v) => v === 1)).toBe(true);
  });

  it('an inner loop over the columns of two-dimensional arrays runs four lanes: matrix products of REAL and DINT, any column count', () => {
    const text = `PROGRAM Main
VAR
  a : ARRAY[-1..5, 0..6] OF REAL; b : ARRAY[0..6, 2..12] OF REAL; c : ARRAY[-1..5, 2..12] OF REAL;
  p : ARRAY[1..3, 1..7] OF DINT; q : ARRAY[1..7, 1..7] OF DINT; r : ARRAY[1..3, 1..7] OF DINT;
  i, j, k : INT; n : INT; scanNo : DINT; s : REAL; t : DINT; big : REAL;
END_VAR
scanNo := scanNo + 1;
n := 2 + DINT_TO_INT(scanNo MOD 11);
FOR i := -1 TO 5 DO FOR k := 0 TO 6 DO a[i, k] := INT_TO_REAL(i * 7 - k) * 0.37 + DINT_TO_REAL(scanNo) * 0.01; END_FOR; END_FOR;
FOR k := 0 TO 6 DO FOR j := 2 TO 12 DO b[k, j] := INT_TO_REAL(k + j * 3) / 7.0 - 1.5; END_FOR; END_FOR;
FOR i := -1 TO 5 DO
  FOR j := 2 TO 12 DO
    s := 0.0;
    FOR k := 0 TO 6 DO s := s + a[i, k] * b[k, j]; END_FOR;
    IF s > big THEN big := s; END_IF;
    c[i, j] := s - c[i, j] * 0.5;
  END_FOR;
END_FOR;
FOR i := 1 TO 3 DO FOR j := 1 TO 7 DO p[i, j] := i * 1000 + j * 77 + DINT_TO_INT(scanNo); q[j, i] := j - i * 3; END_FOR; END_FOR;
FOR i := 1 TO 3 DO
  FOR j := 1 TO 7 DO
    t := 0;
    FOR k := 1 TO 7 DO t := t * 3 + p[i, k] * q[k, j]; END_FOR;
    r[i, j] := t;
  END_FOR;
END_FOR;
END_PROGRAM
`;
    const r = threeWays(text, 12);
    expect(r.simd).toBe(true);
    expect(r.vsJs).toEqual([]);
    expect(r.vsScalar).toEqual([]);
    // the last column (11 columns: eight in lanes, three in the scalar remainder) was computed
    expect((r.values.c as Float32Array)[6 * 11 + 10]).not.toBe(0);
    expect((r.values.r as Int32Array).some((v) => v !== 0)).toBe(true);
  });

  it('a column loop that reads what another column writes, or gives its inner loop a start of its own, keeps the scalar loop', () => {
    const program = (body: string) => `PROGRAM Main
VAR a, b, c : ARRAY[0..7, 0..7] OF REAL; i, j, k : INT; s : REAL; END_VAR
FOR i := 0 TO 7 DO FOR j := 0 TO 7 DO a[i, j] := INT_TO_REAL(i - j) * 0.5; b[j, i] := INT_TO_REAL(i + j) * 0.25; END_FOR; END_FOR;
FOR i := 0 TO 7 DO
  FOR j := 0 TO 7 DO
    ${body}
  END_FOR;
END_FOR;
END_PROGRAM
`;
    // s * 0.5 + …: the inner loop alone has no independent iterations, only the column loop does
    const plain = 's := 0.0; FOR k := 0 TO 7 DO s := s * 0.5 + a[i, k] * b[k, j]; END_FOR; c[i, j] := s;';
    expect(threeWays(program(plain), 2).simd).toBe(true);
    for (const body of [
      // c[i, k] is another column's element, written by another lane
      's := 0.0; FOR k := 0 TO 7 DO s := s * 0.5 + a[i, k] * c[i, k]; END_FOR; c[i, j] := s;',
      // the column one to the right
      's := 0.0; FOR k := 0 TO 7 DO s := s * 0.5 + a[i, k] * b[k, j]; END_FOR; c[i, j] := s + c[i, (j + 1) MOD 8];',
      // k read before its loop: the value the previous column's loop left
      's := INT_TO_REAL(k); FOR k := 0 TO 7 DO s := s * 0.5 + a[i, k] * b[k, j]; END_FOR; c[i, j] := s;',
      // an inner loop in an IF, and one starting where the lane's own value says
      's := 0.0; IF a[i, j] > 0.0 THEN FOR k := 0 TO 7 DO s := s * 0.5 + b[k, j]; END_FOR; END_IF; c[i, j] := s;',
      's := 0.0; FOR k := j TO 7 DO s := s * 0.5 + b[k, j]; END_FOR; c[i, j] := s;',
    ]) {
      const r = threeWays(program(body), 2);
      expect(r.simd, body).toBe(false); // (the refill loop writes b by rows: never four lanes)
      expect(r.vsJs, body).toEqual([]);
      expect(r.vsScalar, body).toEqual([]);
    }
  });
});

// ------------------------------------------------------------ generated programs

const INTS: LoopType[] = ['DINT', 'INT', 'SINT', 'UDINT', 'UINT', 'USINT', 'WORD', 'DWORD'];
/** types of which the program has arrays (4-, 2- and 1-byte elements, BOOL among them) */
const ARRAYS = new Set<LoopType>(['REAL', 'DINT', 'UDINT', 'DWORD', 'INT', 'UINT', 'WORD', 'SINT', 'USINT', 'BOOL']);
const REALS = ['0.0', '-0.0', '1.0', '-1.5', '0.1', '3.4E38', '-3.4E38', '1.0E-40', '16777216.0', '2.5', '-2.5', '1.0E20', '0.5'];

/** Loop invariants, private scalars assigned first in each iteration and arrays indexed by k alone. */
class Gen extends LoopBodyGenerator {
  /** private scalars assigned so far in the iteration, by type */
  readonly defined = new Map<LoopType, string[]>();
  readonly invariants = new Map<LoopType, string[]>();
  constructor(r: () => number) {
    super(r, { floats: ['REAL'], ints: INTS, ifChance: 0.25 });
  }
  variable(t: LoopType): string {
    if (ARRAYS.has(t) && this.chance(0.4)) return `a${t.toLowerCase()}${this.pick([0, 1])}[k]`;
    if (t === 'INT' && this.chance(0.2)) return 'k';
    return this.pick([...(this.defined.get(t) ?? []), ...this.invariants.get(t)!]);
  }
  leaf(t: LoopType): string {
    if (this.chance(0.6)) return this.variable(t);
    if (t === 'BOOL') return this.pick(['TRUE', 'FALSE']);
    if (t === 'REAL') return this.chance(0.1) ? 'SQRT(REAL#-1.0)' : `REAL#${this.pick(REALS)}`;
    return this.int(t);
  }
  /** INT_TO_REAL(k MOD n) now and then: the FOR variable's lanes converted */
  protected override toFloat(t: LoopType, depth: number): string {
    const from = this.pick<LoopType>([...INTS, 'BOOL']);
    return `${from}_TO_${t}(${from === 'INT' && this.chance(0.5) ? `k MOD ${this.pick([3, 4, 16])}` : this.expr(from, depth)})`;
  }
  /** a private scalar defined already or an array element */
  target(t: LoopType): string | undefined {
    if (ARRAYS.has(t) && this.chance(0.5)) return `a${t.toLowerCase()}${this.pick([0, 1])}[k]`;
    const d = this.defined.get(t);
    return d?.length ? this.pick(d) : undefined;
  }
}

const ALL: LoopType[] = ['REAL', 'BOOL', ...INTS];

/**
 * A generated program. `nested`: the loop inside `FOR o := 0 TO 1` with constant bounds of its
 * own (an inner loop, whose four lanes run between its outer loop's steps), else its bounds
 * change every scan.
 */
function program(seed: number, nested = false): string {
  const g = new Gen(rng(seed));
  const decls: string[] = ['k : INT;', 'o : INT;', 'lo : INT := 0;', 'hi : INT := 5;', 'sr : REAL;', 'si : DINT;'];
  for (const t of ALL) {
    const init = () => (t === 'REAL' ? g.pick(REALS) : t === 'BOOL' ? g.pick(['TRUE', 'FALSE']) : g.int(t).split('#')[1]);
    const inv = [0, 1].map((i) => `c${t.toLowerCase()}${i}`);
    g.invariants.set(t, inv);
    decls.push(...inv.map((n) => `${n} : ${t} := ${init()};`));
    decls.push(...[0, 1].map((i) => `p${t.toLowerCase()}${i} : ${t};`));
    if (ARRAYS.has(t)) decls.push(...[0, 1].map((i) => `a${t.toLowerCase()}${i} : ARRAY[0..19] OF ${t} := [${Array.from({ length: 20 }, init).join(', ')}];`));
  }
  const from = seed % 5;
  const body: string[] = nested
    ? ['FOR o := 0 TO 1 DO', `FOR k := ${from} TO ${Math.min(19, from + (seed % 17) - 1)} DO`]
    : [
        // every scan another iteration count (0 to 16) and start
        'hi := (hi + 7) MOD 20;',
        'lo := (lo + 3) MOD 5;',
        'FOR k := lo TO hi DO',
      ];
  // the private scalars: each assigned from what is defined before it, first thing in the iteration
  for (const i of [0, 1])
    for (const t of ALL) {
      body.push(`  p${t.toLowerCase()}${i} := ${g.expr(t, 2)};`);
      g.defined.set(t, [...(g.defined.get(t) ?? []), `p${t.toLowerCase()}${i}`]);
    }
  g.stmts(8, 2, body, '  ');
  // sums: lanes added in iteration order
  if (g.chance(0.5)) body.push(`  sr := sr + ${g.expr('REAL', 2)} - ${g.expr('REAL', 1)};`);
  if (g.chance(0.5)) body.push(`  si := si - ${g.expr('DINT', 2)};`);
  body.push('END_FOR;');
  if (nested) body.push('END_FOR;');
  return `PROGRAM Main\nVAR\n  ${decls.join('\n  ')}\nEND_VAR\n${body.join('\n')}\nEND_PROGRAM\n`;
}

describe('generated loops with independent iterations: four lanes, scalar WebAssembly and JavaScript agree', () => {
  for (const [COUNT, nested] of [[250, false], [120, true]] as const) {
    it(`${COUNT} seeded programs, 6 scans each${nested ? ', the loop inside an outer FOR' : ''}`, () => {
      process.env.VPLC_WASM_ALL = '1';
      let simdLoops = 0;
      const failures: string[] = [];
      for (let seed = 1; seed <= COUNT; seed++) {
        const text = program(seed, nested);
        process.env.VPLC_WASM_ALL = '1';
        const r = threeWays(text, 6);
        if (r.simd) simdLoops++;
        const d = [...r.vsJs, ...r.vsScalar];
        if (d.length) failures.push(`seed ${seed}: ${d.slice(0, 5).join('; ')}\n${text}`);
        if (failures.length >= 3) break;
      }
      expect(failures).toEqual([]);
      // the generator must exercise the four-lane loop, not only the fallback
      expect(simdLoops).toBeGreaterThan(COUNT * (nested ? 0.6 : 0.8));
    }, 300_000);
  }
});
