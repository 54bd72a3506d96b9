/**
 * FOR loops run as WebAssembly (compiler/codegen/wasm) must leave every variable exactly as the
 * JavaScript path does: the same programs compiled with and without it (VPLC_NO_WASM=1) run the
 * same scans and their variables are compared value by value (Object.is: -0 and NaN included).
 * On the REAL kernels of test/bench/st and on generated programs (seeded) with REAL, LREAL and
 * integer arithmetic of every width, overflow to infinity, NaN, -0, conversions of huge REALs to
 * integers, integer division and MOD by constants, IF/ELSIF/ELSE and the standard functions the
 * WebAssembly path handles.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Application } from '../../../compiler/application.js';
import { compileCacheKey } from '../../../compiler/cache.js';
import { LoopBodyGenerator, rng, type LoopType } from '../../support/st-loop-generator.js';
import { compileOn, differences, runMain } from '../../support/wasm-paths.js';

const BENCH = fileURLToPath(new URL('../../bench/st/', import.meta.url));

afterEach(() => {
  delete process.env.VPLC_NO_WASM;
  delete process.env.VPLC_WASM_ALL;
});

function compile(text: string, wasm: boolean): Application {
  return compileOn(text, wasm ? 'wasm' : 'js');
}

const run = runMain;

function usesWasm(app: Application): boolean {
  return /\$wx\d+\(/.test(app.code);
}

describe('WebAssembly FOR loops give exactly what JavaScript gives', () => {
  for (const kernel of ['real-pid', 'real-pi-aw', 'real-biquad', 'real-interp', 'lreal-rk4', 'matrix-real']) {
    it(`bench kernel ${kernel}: identical variables after 400 scans`, () => {
      const text = readFileSync(`${BENCH}${kernel}.st`, 'utf8');
      const wasm = compile(text, true);
      const js = compile(text, false);
      expect(usesWasm(js)).toBe(false);
      if (kernel !== 'lreal-rk4') expect(usesWasm(wasm)).toBe(true);
      expect(differences(run(wasm, 400), run(js, 400))).toEqual([]);
    });
  }

  it('a REAL loop with an unsupported construct (a call, a variable divisor, EXIT) stays JavaScript', () => {
    const head = `FUNCTION Twice : REAL VAR_INPUT x : REAL; END_VAR Twice := x * 2.0; END_FUNCTION
PROGRAM Main
VAR a : ARRAY[0..63] OF REAL; b : ARRAY[0..63] OF REAL; k : INT; d : INT := 3; r : REAL; END_VAR
`;
    const core = 'r := a[k] * 0.5 + b[k] * 0.25 - a[k] / 3.0; a[k] := r * r + 1.0; b[k] := r - b[k] * 0.125;';
    const plain = compile(`${head}FOR k := 0 TO 63 DO ${core} END_FOR;\nEND_PROGRAM\n`, true);
    expect(usesWasm(plain)).toBe(true);
    for (const extra of ['r := Twice(r);', 'r := r + INT_TO_REAL(k / d);', 'IF r > 10.0 THEN EXIT; END_IF;', 'r := r + INT_TO_REAL(k MOD d);']) {
      const app = compile(`${head}FOR k := 0 TO 63 DO ${core} ${extra} END_FOR;\nEND_PROGRAM\n`, true);
      expect(usesWasm(app), extra).toBe(false);
    }
  });

  it('a loop whose REAL work does not pay for copying its arrays stays JavaScript', () => {
    const app = compile(`PROGRAM Main
VAR a : ARRAY[0..999] OF REAL; k : INT; END_VAR
FOR k := 0 TO 3 DO a[k] := a[k] * 0.5 + a[k + 1] * 0.25 - a[k + 2] * 2.0 + 1.0; END_FOR;
END_PROGRAM
`, true);
    expect(usesWasm(app)).toBe(false);
  });

  it('a loop without REAL work stays JavaScript unless every loop is asked for; REAL work reached through a conversion pays', () => {
    const ints = `PROGRAM Main
VAR a : ARRAY[0..63] OF DINT; k : INT; END_VAR
FOR k := 0 TO 63 DO a[k] := a[k] * 3 + k; END_FOR;
END_PROGRAM
`;
    expect(usesWasm(compile(ints, true))).toBe(false);
    process.env.VPLC_WASM_ALL = '1';
    const all = compile(ints, true);
    expect(usesWasm(all)).toBe(true);
    expect(differences(run(all, 3), run(compile(ints, false), 3))).toEqual([]);
    delete process.env.VPLC_WASM_ALL;
    // no REAL variable: the REAL work is only in the conversion's result and parameter types
    const converted = `PROGRAM Main
VAR a : ARRAY[0..63] OF DINT; k : INT; END_VAR
FOR k := 0 TO 63 DO a[k] := REAL_TO_DINT(DINT_TO_REAL(a[k]) * 1.5 + 2.5 * DINT_TO_REAL(k) - 0.5 * DINT_TO_REAL(a[k])); END_FOR;
END_PROGRAM
`;
    const app = compile(converted, true);
    expect(usesWasm(app)).toBe(true);
    expect(differences(run(app, 3), run(compile(converted, false), 3))).toEqual([]);
  });

  it('loops in FB instances, a FUNCTION and over global arrays: each instance its own arrays', () => {
    const text = `VAR_GLOBAL g : ARRAY[0..31] OF REAL; gs : REAL; END_VAR
FUNCTION_BLOCK Filter
VAR_INPUT gain : REAL; END_VAR
VAR z : ARRAY[0..31] OF REAL; k : INT; e : REAL; END_VAR
VAR_OUTPUT y : REAL; END_VAR
FOR k := 0 TO 31 DO
  e := gain * INT_TO_REAL(k) - z[k] * 0.5;
  z[k] := z[k] + e * 0.25 - z[k] / 7.0;
  y := y * 0.5 + z[k];
END_FOR;
END_FUNCTION_BLOCK
FUNCTION Energy : REAL
VAR_INPUT s : REAL; END_VAR
VAR buf : ARRAY[0..31] OF REAL; i : INT; acc : REAL; END_VAR
VAR_EXTERNAL g : ARRAY[0..31] OF REAL; END_VAR
FOR i := 0 TO 31 DO
  buf[i] := s * INT_TO_REAL(i) + g[i];
  acc := acc + buf[i] * buf[i] - 0.5 * g[i];
  g[i] := g[i] * 0.875 + acc / 1000.0;
END_FOR;
Energy := acc;
END_FUNCTION
PROGRAM Main
VAR f1, f2 : Filter; y1, y2, en : REAL; END_VAR
VAR_EXTERNAL gs : REAL; END_VAR
f1(gain := 1.5); f2(gain := -0.25);
y1 := f1.y; y2 := f2.y;
en := Energy(y1 + y2);
gs := en;
END_PROGRAM
`;
    const wasm = compile(text, true);
    expect((wasm.code.match(/\$wx\d+\(/g) ?? []).length).toBe(2);
    const w = run(wasm, 50);
    const j = run(compile(text, false), 50);
    expect(differences(w, j)).toEqual([]);
    expect(w.y1).not.toBe(w.y2);
    expect(typeof w.en).toBe('number');
  });

  it('arrays of instances made in the loops\' memory are used in place; instances beyond its pool are copied', () => {
    const text = `FUNCTION_BLOCK Stage
VAR_INPUT gain : REAL; END_VAR
VAR z : ARRAY[0..4095] OF REAL; w : ARRAY[0..4095] OF DINT; k : INT; e : REAL; END_VAR
VAR_OUTPUT y : REAL; END_VAR
FOR k := 0 TO 4095 DO
  e := gain * INT_TO_REAL(k MOD 64) - z[k] * 0.5;
  z[k] := z[k] + e * 0.25 - z[k] / 7.0 + DINT_TO_REAL(w[k]) * 0.001;
  w[k] := w[k] + 1;
END_FOR;
y := z[17] + z[4095];
END_FUNCTION_BLOCK
PROGRAM Main
VAR st : ARRAY[0..11] OF Stage; i : INT; ys : ARRAY[0..11] OF REAL; END_VAR
FOR i := 0 TO 11 DO st[i](gain := INT_TO_REAL(i) * 0.5 - 2.0); ys[i] := st[i].y; END_FOR;
END_PROGRAM
`;
    const wasm = compile(text, true);
    expect(wasm.code).toContain('this.z = $wnew(Float32Array, 4096);');
    const w = run(wasm, 5);
    expect(differences(w, run(compile(text, false), 5))).toEqual([]);
    // the first instances lie in the memory, the pool does not hold all twelve
    const st = w.st as { z: Float32Array }[];
    const buffers = new Set(st.map((x) => x.z.buffer));
    expect(buffers.size).toBeGreaterThan(1);
    expect(st[0]!.z.buffer).toBe(st[1]!.z.buffer);
    expect(st[11]!.z.byteLength).toBe(st[11]!.z.buffer.byteLength);
  });

  it('arrays of two and three dimensions, lower bounds other than 0 and 1, indices offset from the FOR variables', () => {
    const text = `PROGRAM Main
VAR
  m : ARRAY[-2..3, 1..5] OF REAL;
  t : ARRAY[0..2, 1..3, 2..4] OF REAL;
  cnt : ARRAY[0..4, 0..6] OF INT;
  i, j, k : INT; scanNo : DINT; s : REAL; l : REAL;
END_VAR
scanNo := scanNo + 1;
FOR i := -2 TO 3 DO
  FOR j := 1 TO 5 DO
    m[i, j] := m[i, j] * 0.75 + INT_TO_REAL(i * 7 - j) / 3.0 + DINT_TO_REAL(scanNo) * 0.125;
  END_FOR;
END_FOR;
s := 0.0;
FOR i := -1 TO 3 DO
  FOR j := 2 TO 5 DO
    s := s + m[i - 1, j - 1] * m[i, j] - m[i, 6 - j] / 7.0;
    cnt[i + 1, j + 1] := cnt[i + 1, j + 1] + REAL_TO_INT(s) MOD 5;
  END_FOR;
END_FOR;
FOR i := 0 TO 2 DO
  FOR j := 1 TO 3 DO
    FOR k := 2 TO 4 DO
      t[i, j, k] := t[i, j, k] * 0.5 + INT_TO_REAL(i * 100 + j * 10 + k) + s * 0.001;
      l := l + t[i, j, k] / 9.0 - t[2 - i, 4 - j, 6 - k] * 0.25;
    END_FOR;
  END_FOR;
END_FOR;
END_PROGRAM
`;
    const wasm = compile(text, true);
    expect((wasm.code.match(/\$wx\d+\(/g) ?? []).length).toBe(3);
    const w = run(wasm, 20);
    expect(differences(w, run(compile(text, false), 20))).toEqual([]);
    // the element the flattening puts last is reached: every dimension's offset and stride count
    expect((w.t as Float32Array)[26]).not.toBe(0);
    expect((w.cnt as Int16Array).some((v) => v !== 0)).toBe(true);
  });

  it('an index of a two-dimensional array not proven inside its dimension keeps the loop JavaScript', () => {
    const text = (second: string) => `PROGRAM Main
VAR m : ARRAY[0..7, 0..7] OF REAL; i, j : INT; n : INT := 7; s : REAL; END_VAR
FOR i := 0 TO 7 DO FOR j := 0 TO 7 DO s := s * 0.5 + m[i, ${second}] * 1.5 - m[j, i] / 3.0; m[i, j] := s; END_FOR; END_FOR;
END_PROGRAM
`;
    expect(usesWasm(compile(text('j'), true))).toBe(true);
    // n can change: m[i, n] may lie outside (a fault the JavaScript path reports at its line)
    expect(usesWasm(compile(text('n'), true))).toBe(false);
  });

  it('the compile cache keeps code made with and without WebAssembly loops apart', () => {
    const sources = [{ path: 'main.st', text: readFileSync(`${BENCH}real-pid.st`, 'utf8') }];
    const on = compileCacheKey(sources, {});
    process.env.VPLC_NO_WASM = '1';
    const off = compileCacheKey(sources, {});
    delete process.env.VPLC_NO_WASM;
    process.env.VPLC_WASM_ALL = '1';
    const all = compileCacheKey(sources, {});
    expect(new Set([on, off, all]).size).toBe(3);
  });

  it('the FOR variable ends past TO, also when the loop runs not at all or with a negative step', () => {
    const text = `PROGRAM Main
VAR a : ARRAY[0..15] OF REAL; k, j : INT; lo : INT := 3; hi : INT := 12; none : INT := 20; r : REAL; END_VAR
FOR k := lo TO hi DO r := a[k] * 1.5 + r * 0.5 - 0.25; a[k] := r * r - a[k] * 0.75; END_FOR;
FOR j := none TO 10 DO r := a[j] * 1.5 + r * 0.5 - 0.25; a[j] := r * r - a[j] * 0.75; END_FOR;
FOR k := 15 TO 0 BY -2 DO r := a[k] * 1.5 + r * 0.5 - 0.25; a[k] := r * r - a[k] * 0.75 + r / 3.0; END_FOR;
END_PROGRAM
`;
    const wasm = compile(text, true);
    expect(usesWasm(wasm)).toBe(true);
    const w = run(wasm, 3);
    expect(differences(w, run(compile(text, false), 3))).toEqual([]);
    expect(w.k).toBe(-1);
    expect(w.j).toBe(20);
  });

  it('a REAL#-0.0 or LREAL#-0.0 literal keeps its sign on both paths (1.0 / it is -Inf)', () => {
    const text = `PROGRAM Main
VAR r : REAL; l : LREAL; inv : REAL; linv : LREAL; k : INT; a : ARRAY[0..63] OF REAL; s : REAL; END_VAR
r := REAL#-0.0;
l := LREAL#-0.0;
inv := 1.0 / r;
linv := 1.0 / l;
s := 0.0;
FOR k := 0 TO 63 DO
  a[k] := REAL#-0.0 * 1.5 + REAL#-0.0;
  s := s + 1.0 / (a[k] * 2.0) * 0.5 * 0.25 + a[k] * 3.0;
END_FOR;
END_PROGRAM
`;
    process.env.VPLC_WASM_ALL = '1';
    const wasm = compile(text, true);
    expect(usesWasm(wasm)).toBe(true);
    const w = run(wasm, 1);
    expect(differences(w, run(compile(text, false), 1))).toEqual([]);
    expect(Object.is(w.r, -0)).toBe(true);
    expect(Object.is(w.l, -0)).toBe(true);
    expect(w.inv).toBe(-Infinity);
    expect(w.linv).toBe(-Infinity);
    expect(Object.is((w.a as Float32Array)[63], -0)).toBe(true);
    expect(w.s).toBe(-Infinity);
  });
});

// ------------------------------------------------------------ generated programs

const INTS: LoopType[] = ['DINT', 'INT', 'SINT', 'UDINT', 'UINT', 'USINT', 'WORD'];
const REALS = ['0.0', '-0.0', '1.0', '-1.5', '0.1', '3.4E38', '-3.4E38', '1.0E-40', '16777216.0', '2.5', '-2.5', '1.0E20', '-7.0E9', '0.5'];

/** Variables of each type and arrays indexed by the FOR variables (k + 0..4). */
class Gen extends LoopBodyGenerator {
  readonly vars = new Map<LoopType, string[]>();
  readonly arrays = new Map<LoopType, string[]>();
  constructor(r: () => number) {
    super(r, { floats: ['REAL', 'LREAL'], ints: INTS, ifChance: 0.2 });
  }
  /** An element of an array of `t`, indexed by the FOR variable k (0..15) plus 0..4. */
  elem(t: LoopType): string | undefined {
    const a = this.arrays.get(t);
    if (!a?.length) return undefined;
    const off = Math.floor(this.r() * 5);
    return `${this.pick(a)}[k${off ? ` + ${off}` : ''}]`;
  }
  variable(t: LoopType): string {
    return (this.chance(0.5) && this.elem(t)) || this.pick(this.vars.get(t)!);
  }
  leaf(t: LoopType): string {
    const e = this.chance(0.45) ? this.elem(t) : undefined;
    if (e) return e;
    if (this.chance(0.5)) return this.pick(this.vars.get(t)!);
    if (t === 'BOOL') return this.pick(['TRUE', 'FALSE']);
    if (t === 'REAL' || t === 'LREAL') return `${t}#${this.pick(REALS)}`;
    return this.int(t);
  }
  target(t: LoopType): string {
    return (this.chance(0.4) && this.elem(t)) || this.pick(this.vars.get(t)!);
  }
}

function program(seed: number): string {
  const g = new Gen(rng(seed));
  const decls: string[] = ['k : INT;', 'j : INT;', 'lo : INT := 0;', 'hi : INT := 15;'];
  for (const t of ['REAL', 'LREAL', 'BOOL', ...INTS] as LoopType[]) {
    const names = [0, 1, 2].map((i) => `${t.toLowerCase()}${i}`);
    g.vars.set(t, names);
    decls.push(...names.map((n) => `${n} : ${t}${t === 'REAL' || t === 'LREAL' ? ` := ${g.pick(REALS)}` : t === 'BOOL' ? '' : ` := ${g.int(t).split('#')[1]}`};`));
    if (t !== 'BOOL' || g.chance(0.5)) {
      const arrs = [0, 1].map((i) => `a${t.toLowerCase()}${i}`);
      g.arrays.set(t, arrs);
      const init = t === 'REAL' || t === 'LREAL' ? REALS : t === 'BOOL' ? ['TRUE', 'FALSE'] : [0, 1, 2].map(() => g.int(t).split('#')[1]);
      decls.push(...arrs.map((n) => `${n} : ARRAY[0..19] OF ${t} := [${Array.from({ length: 20 }, () => g.pick(init)).join(', ')}];`));
    }
  }
  const body: string[] = [];
  for (let l = 0; l < 2; l++) {
    const head = g.pick(['FOR k := 0 TO 15 DO', 'FOR k := lo TO hi DO', 'FOR k := 15 TO 0 BY -1 DO', 'FOR k := 1 TO 15 BY 3 DO']);
    body.push(head);
    // enough REAL work to make the loop WebAssembly
    body.push(`  ${g.target('REAL')} := ${g.leaf('REAL')} * ${g.leaf('REAL')} + ${g.leaf('REAL')} / ${g.leaf('REAL')} - ${g.leaf('REAL')};`);
    body.push(`  ${g.target('REAL')} := ${g.leaf('REAL')} * ${g.leaf('REAL')} + ${g.leaf('REAL')} - ${g.leaf('REAL')} * ${g.leaf('REAL')};`);
    g.stmts(6, 2, body, '  ');
    if (g.chance(0.5)) {
      // a FOR loop inside, its variable in the indexes too
      body.push(`  FOR j := ${g.pick(['0 TO 3', '3 TO 0 BY -1', '0 TO 4 BY 2'])} DO`);
      body.push(`    ${g.target('REAL')} := ${g.leaf('REAL')} * areal0[k + j] - ${g.leaf('REAL')};`);
      body.push(`    areal1[k + j] := areal1[k + j] * ${g.leaf('REAL')} + ${g.leaf('REAL')};`);
      g.stmts(2, 1, body, '    ');
      body.push('  END_FOR;');
    }
    body.push('END_FOR;');
  }
  return `PROGRAM Main\nVAR\n  ${decls.join('\n  ')}\nEND_VAR\n${body.join('\n')}\nEND_PROGRAM\n`;
}

describe('generated REAL/integer loop programs: WebAssembly and JavaScript agree', () => {
  const COUNT = 400;
  it(`${COUNT} seeded programs, 4 scans each (every loop the WebAssembly path can run, paying or not)`, () => {
    process.env.VPLC_WASM_ALL = '1';
    let wasmLoops = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= COUNT; seed++) {
      const text = program(seed);
      const wasm = compile(text, true);
      if (usesWasm(wasm)) wasmLoops++;
      const d = differences(run(wasm, 4), run(compile(text, false), 4));
      if (d.length) failures.push(`seed ${seed}: ${d.slice(0, 5).join('; ')}\n${text}`);
      if (failures.length >= 3) break;
    }
    expect(failures).toEqual([]);
    // the generator must exercise the WebAssembly path, not only the fallback
    expect(wasmLoops).toBeGreaterThan(COUNT * 0.8);
  }, 300_000);
});
