import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { mainCode } from '../../support/generated-code.js';

/** Runs `body` once in PROGRAM Main (one scan) and gives Main's variables and the fault, if any. */
function runOnce(vars: string, body: string, extra = '') {
  const r = compileSources([new SourceFile('t.st', `${extra}PROGRAM Main\nVAR\n${vars}\nEND_VAR\n${body}\nEND_PROGRAM\n`)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const runner = new ResourceRunner(r.application, r.application.resources[0]!.name);
  const outcome = runner.runCycles(1);
  return { main: runner.instance.programs['Main'] as Record<string, unknown>, fault: outcome.fault };
}

// the body's line k is line 4 + k of the file (PROGRAM, VAR, the variables and END_VAR come first)

/** Wraps like INT: what the ST program computes for a 16-bit variable. */
const int16 = (x: number) => (x << 16) >> 16;

describe('small counting loops (WHILE, FOR BY a run-time step) unrolled four times', () => {
  it('are emitted as four copies of the body, and loops with calls, EXIT or nested loops are not', () => {
    const vars = 'a : ARRAY[0..99] OF INT; j : DINT; n : DINT := 90; k : DINT := 3; t : TON;';
    const stores = (code: string) => code.split('r_a[(l_j)] = 7;').length - 1;
    // four copies and the loop as written for the last steps
    expect(stores(mainCode(vars, 'j := 0; WHILE j <= n DO a[j] := 7; j := j + k; END_WHILE;'))).toBe(5);
    expect(stores(mainCode(vars, 'FOR j := 0 TO 99 BY k DO a[j] := 7; END_FOR;'))).toBe(5);
    // a FOR loop with a constant step stays as it is
    expect(stores(mainCode(vars, 'FOR j := 0 TO 99 BY 3 DO a[j] := 7; END_FOR;'))).toBe(1);
    // an EXIT keeps it from the counting form: four copies with the test between them instead
    expect(stores(mainCode(vars, 'j := 0; WHILE j <= n DO a[j] := 7; IF a[j + 1] > 3 THEN EXIT; END_IF; j := j + k; END_WHILE;'))).toBe(4);
    expect(stores(mainCode(vars, 'j := 0; WHILE j <= n DO a[j] := 7; t(IN := TRUE, PT := T#1s); j := j + k; END_WHILE;'))).toBe(1);
  });

  it('compute what the loop as written computes: a sieve of WHILE loops and of FOR loops BY a variable', () => {
    const vars = 'f : ARRAY[0..999] OF BOOL; g : ARRAY[0..999] OF BOOL; i : DINT; j : DINT; n : DINT := 997; cw : DINT; cf : DINT;';
    const body = `
i := 2;
WHILE i * i <= n DO
  IF NOT f[i] THEN
    j := i * i;
    WHILE j <= n DO f[j] := TRUE; j := j + i; END_WHILE;
  END_IF;
  i := i + 1;
END_WHILE;
FOR i := 2 TO n DO
  IF NOT g[i] THEN
    FOR j := i * i TO n BY i DO g[j] := TRUE; END_FOR;
  END_IF;
END_FOR;
FOR i := 2 TO n DO
  IF NOT f[i] THEN cw := cw + 1; END_IF;
  IF NOT g[i] THEN cf := cf + 1; END_IF;
END_FOR;`;
    const { main, fault } = runOnce(vars, body);
    expect(fault).toBeUndefined();
    const sieve = new Array<boolean>(998).fill(true);
    for (let p = 2; p * p <= 997; p++) if (sieve[p]) for (let q = p * p; q <= 997; q += p) sieve[q] = false;
    const primes = sieve.slice(2).filter(Boolean).length;
    expect(main['cw']).toBe(primes);
    expect(main['cf']).toBe(primes);
    // FOR leaves its variable one step past TO, WHILE at the first value past the bound
    expect(main['i']).toBe(998);
  });

  it('run the steps a variable step gives, negative and wrapping ones too', () => {
    // j := j + c with c < 0 runs down until INT wraps it past n
    const vars = 'a : ARRAY[0..19] OF INT; j : INT; n : INT := 100; c : INT; cnt : INT; last : INT;';
    for (const c of [7, 1, -1000, 20000]) {
      const { main, fault } = runOnce(vars, `c := ${c}; j := 0; WHILE j <= n DO a[j MOD 10 + 10] := a[j MOD 10 + 10] + 1; cnt := cnt + 1; last := j; j := j + c; END_WHILE;`);
      expect(fault).toBeUndefined();
      const a = new Array<number>(20).fill(0);
      let j = 0;
      let cnt = 0;
      let last = 0;
      while (j <= 100) {
        const ix = (j % 10) + 10;
        a[ix] = int16(a[ix]! + 1);
        cnt = int16(cnt + 1);
        last = j;
        j = int16(j + c);
      }
      expect({ c, a: Array.from(main['a'] as ArrayLike<number>), cnt: main['cnt'], last: main['last'], j: main['j'] }).toEqual({ c, a, cnt, last, j });
    }
  });

  it('run a FOR loop BY a variable as written: up, down, and a last step past the type', () => {
    const vars = 'a : ARRAY[0..40] OF INT; i : INT; s : INT; e : INT; k : INT; sum : INT;';
    const cases: [number, number, number][] = [[0, 40, 3], [0, 40, 1], [40, 0, -3], [5, 5, 2], [30, 40, 32000], [10, 0, 2]];
    for (const [s, e, k] of cases) {
      const { main, fault } = runOnce(vars, `s := ${s}; e := ${e}; k := ${k}; FOR i := s TO e BY k DO a[i] := a[i] + i; sum := sum + 1; END_FOR;`);
      expect(fault).toBeUndefined();
      const a = new Array<number>(41).fill(0);
      let i = s;
      let sum = 0;
      while (k >= 0 ? i <= e : i >= e) {
        a[i] = int16(a[i]! + i);
        sum++;
        const next = int16(i + k);
        // IEC FOR: the variable steps past TO; a step that wraps ends the loop
        if (k >= 0 ? next < i : next > i) {
          i = next;
          break;
        }
        i = next;
      }
      expect({ s, e, k, a: Array.from(main['a'] as ArrayLike<number>), sum: main['sum'], i: main['i'] }).toEqual({ s, e, k, a, sum, i });
    }
  });

  it('fault at the access and iteration the loop as written faults at, after the same stores', () => {
    const vars = 'a : ARRAY[0..49] OF INT; j : DINT; n : DINT := 80; k : DINT := 3;';
    const w = runOnce(vars, 'j := 1;\nWHILE j <= n DO\n  a[j] := 5;\n  j := j + k;\nEND_WHILE;');
    expect(w.fault).toMatchObject({ kind: 'INDEX_OUT_OF_RANGE', line: 4 + 3 });
    expect(w.fault?.detail).toContain('index 52 ');
    expect(Array.from(w.main['a'] as ArrayLike<number>).filter((v) => v === 5).length).toBe(17); // 1, 4, …, 49
    const f = runOnce(vars, 'k := 4;\nFOR j := 2 TO n BY k DO\n  a[j] := 6;\nEND_FOR;');
    expect(f.fault).toMatchObject({ kind: 'INDEX_OUT_OF_RANGE', line: 4 + 3 });
    expect(f.fault?.detail).toContain('index 50 ');
    expect(Array.from(f.main['a'] as ArrayLike<number>).filter((v) => v === 6).length).toBe(12); // 2, 6, …, 46
  });
});

describe('a WHILE loop storing one value into each element from v up to a bound', () => {
  it('is one fill in the copy whose bounds are inside the array, with the values and the end of v the loop gives', () => {
    const vars = 'a : ARRAY[5..40] OF INT; f : ARRAY[0..9] OF BOOL; v : DINT; e : DINT; z : INT := 9;';
    const body = 'v := 8; WHILE v <= e DO a[v] := z * 2; v := v + 1; END_WHILE;';
    expect(mainCode(vars, body)).toContain('r_a.fill(');
    expect(mainCode(vars, 'v := 0; WHILE v < e DO f[v] := TRUE; v := v + 1; END_WHILE;')).toContain('r_f.fill(1, l_v, l_e);');
    // the value changes with v, or the step is not 1: the loop
    expect(mainCode(vars, 'v := 8; WHILE v <= e DO a[v] := z; v := v + 2; END_WHILE;')).not.toContain('.fill(');
    expect(mainCode(vars, 'v := 8; WHILE v <= e DO a[v] := z; z := z + 1; v := v + 1; END_WHILE;')).not.toContain('.fill(');
    for (const [e, strict] of [[30, false], [40, false], [7, false], [30, true], [8, true]] as const) {
      const { main, fault } = runOnce(vars, `e := ${e}; v := 8; WHILE v ${strict ? '<' : '<='} e DO a[v] := z * 2; v := v + 1; END_WHILE;`);
      expect(fault).toBeUndefined();
      const end = strict ? e - 1 : e;
      const a = Array.from({ length: 36 }, (_, k) => (k + 5 >= 8 && k + 5 <= end ? 18 : 0));
      expect({ e, strict, a: Array.from(main['a'] as ArrayLike<number>), v: main['v'] }).toEqual({ e, strict, a, v: Math.max(8, end + 1) });
    }
    // a bound past the array: the copy with checks, which faults at the first element outside
    const { main, fault } = runOnce(vars, 'e := 45;\nv := 8;\nWHILE v <= e DO\n  a[v] := 4;\n  v := v + 1;\nEND_WHILE;');
    expect(fault).toMatchObject({ kind: 'INDEX_OUT_OF_RANGE', line: 4 + 4 });
    expect(fault?.detail).toContain('index 41 ');
    expect(Array.from(main['a'] as ArrayLike<number>).filter((x) => x === 4).length).toBe(33);
  });
});
