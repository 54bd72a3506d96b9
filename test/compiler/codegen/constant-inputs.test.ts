import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';
import { MAX_COPIES } from '../../../compiler/codegen/constant-inputs.js';

/** Compile `src` (POUs and a PROGRAM Main), run `scans` scans and return the code and Main's instance. */
function run(src: string, scans = 1) {
  const r = compileSources([new SourceFile('t.st', src)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const app = r.application;
  const runner = new ResourceRunner(app, app.resources[0]!.name);
  const outcome = runner.runCycles(scans);
  expect(outcome.fault).toBeUndefined();
  return { code: app.code, main: runner.instance.programs['Main'] as Record<string, never>, globals: runner.instance.globals as Record<string, never> };
}

/** The copies of FB `name`'s body: method name → the code of the copy. */
function copies(code: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`\\nP_${name}\\.prototype\\.(\\$k\\d+) = function \\(\\) \\{\\n([\\s\\S]*?)\\n\\};`, 'g');
  for (const m of code.matchAll(re)) out.set(m[1]!, m[2]!);
  return out;
}

/** The one copy of FB `name`'s body, and which of `inputs` it still reads from the instance. */
function onlyCopy(code: string, name: string, inputs: string[]): { method: string; reads: string[] } {
  const all = copies(code, name);
  expect(all.size).toBe(1);
  const [method, text] = [...all][0]!;
  return { method, reads: inputs.filter((i) => text.includes(`this.${i}`)) };
}

const SCALE = `FUNCTION_BLOCK Scale
VAR_INPUT x : REAL; k : REAL; b : REAL; END_VAR
VAR_OUTPUT y : REAL; END_VAR
y := k * x + b;
END_FUNCTION_BLOCK
`;

describe('copies of FB bodies reading the constant inputs of a call as constants', () => {
  it('are made once per set of constants, run where every input they fix was given that literal, and leave the inputs in the instance', () => {
    const { code, main } = run(
      `${SCALE}PROGRAM Main
VAR s : Scale; t : Scale; u : Scale; first : REAL; second : REAL; third : REAL; fourth : REAL; k : REAL; v : REAL := 7.0; END_VAR
s(x := 2.0, k := 3.0, b := 0.5);
first := s.y;
s(x := 5.0);
second := s.y;
k := s.k;
t(x := 2.0, k := 3.0, b := 0.5);
third := t.y;
u(x := v, k := 1.5, b := 0.25);
fourth := u.y;
END_PROGRAM
`,
    );
    const made = copies(code, 'Scale');
    expect(made.size).toBe(3);
    const [all, onlyX, kb] = [...made.values()];
    expect(all).not.toMatch(/this\.(x|k|b)\b/);
    expect(onlyX).not.toContain('this.x');
    expect(onlyX).toContain('this.k');
    expect(kb).toContain('this.x');
    expect(kb).toContain('1.5');
    // the same constants at another call run the same copy
    const [m1] = [...made.keys()];
    expect(code.split(`.${m1}();`).length - 1).toBe(2);
    expect(main.first).toBe(6.5);
    // an input not passed keeps the value of the last call, read from the instance
    expect(main.second).toBe(15.5);
    expect(main.k).toBe(3);
    expect(main.third).toBe(6.5);
    expect(main.fourth).toBe(10.75);
  });

  it('are made at most ' + MAX_COPIES + ' times for one FB: further calls run the body', () => {
    const calls = Array.from({ length: MAX_COPIES + 2 }, (_, i) => `s(x := ${i + 1}.0, k := 2.0, b := 0.0); sum := sum + s.y;`).join('\n');
    const { code, main } = run(`${SCALE}PROGRAM Main\nVAR s : Scale; sum : REAL; END_VAR\nsum := 0.0;\n${calls}\nEND_PROGRAM\n`);
    expect(copies(code, 'Scale').size).toBe(MAX_COPIES);
    expect(code.split('.$body();').length - 1).toBeGreaterThanOrEqual(2);
    expect(main.sum).toBe(2 * (((MAX_COPIES + 2) * (MAX_COPIES + 3)) / 2));
  });

  it('are read from the instance when the body assigns them', () => {
    const { code, main } = run(`FUNCTION_BLOCK Clamp
VAR_INPUT x : INT; lim : INT; END_VAR
VAR_OUTPUT y : INT; END_VAR
IF x > lim THEN x := lim; END_IF;
y := x;
END_FUNCTION_BLOCK
PROGRAM Main
VAR c : Clamp; y : INT; x : INT; END_VAR
c(x := 15, lim := 10);
y := c.y;
x := c.x;
END_PROGRAM
`);
    expect(onlyCopy(code, 'Clamp', ['x', 'lim']).reads).toEqual(['x']);
    expect(main.y).toBe(10);
    expect(main.x).toBe(10);
  });

  it('are read from the instance when a method of the FB assigns them', () => {
    const { code, main } = run(`FUNCTION_BLOCK Clamp
VAR_INPUT x : INT; lim : INT; END_VAR
VAR_OUTPUT y : INT; seen : INT; END_VAR
METHOD Limit
IF x > lim THEN x := lim; END_IF;
END_METHOD
THIS^.Limit();
y := x;
seen := lim;
END_FUNCTION_BLOCK
PROGRAM Main
VAR c : Clamp; y : INT; END_VAR
c(x := 15, lim := 10);
y := c.y;
END_PROGRAM
`);
    expect(onlyCopy(code, 'Clamp', ['x', 'lim']).reads).toEqual(['x']);
    expect(main.y).toBe(10);
  });

  it('are read from the instance when a reference to them is taken', () => {
    const { code, main } = run(`FUNCTION_BLOCK Box
VAR_INPUT x : INT; n : INT; END_VAR
VAR_OUTPUT y : INT; END_VAR
VAR r : REF_TO INT; END_VAR
r := REF(x);
r^ := r^ + n;
y := x;
END_FUNCTION_BLOCK
PROGRAM Main
VAR b : Box; y : INT; END_VAR
b(x := 1, n := 6);
y := b.y;
END_PROGRAM
`);
    expect(onlyCopy(code, 'Box', ['x', 'n']).reads).toEqual(['x']);
    expect(main.y).toBe(7);
  });

  it('are read from the instance when a call in the body binds them as an in-out argument', () => {
    const { code, main } = run(`FUNCTION_BLOCK Inc
VAR_IN_OUT io : INT; END_VAR
io := io + 100;
END_FUNCTION_BLOCK
FUNCTION_BLOCK Box
VAR_INPUT x : INT; n : INT; END_VAR
VAR_OUTPUT y : INT; END_VAR
VAR inc : Inc; END_VAR
inc(io := x);
y := x + n;
END_FUNCTION_BLOCK
PROGRAM Main
VAR b : Box; y : INT; END_VAR
b(x := 1, n := 2);
y := b.y;
END_PROGRAM
`);
    expect(onlyCopy(code, 'Box', ['x', 'n']).reads).toEqual(['x']);
    expect(main.y).toBe(103);
  });

  it('are read from the instance when a function the body calls writes them in a global instance', () => {
    const { code, globals } = run(`FUNCTION_BLOCK Box
VAR_INPUT x : INT; n : INT; END_VAR
VAR_OUTPUT before : INT; after : INT; END_VAR
before := x;
after := Bump(n) + x;
END_FUNCTION_BLOCK
FUNCTION Bump : INT
VAR_INPUT n : INT; END_VAR
VAR_EXTERNAL g : Box; END_VAR
g.x := g.x + 100;
Bump := n;
END_FUNCTION
PROGRAM Main
VAR_EXTERNAL g : Box; END_VAR
g(x := 1, n := 2);
END_PROGRAM
CONFIGURATION C
VAR_GLOBAL g : Box; END_VAR
RESOURCE R ON PLC
TASK T (INTERVAL := T#10ms, PRIORITY := 1);
PROGRAM Main WITH T : Main;
END_RESOURCE
END_CONFIGURATION
`);
    // n is written by nothing: the copy reads it as the constant
    expect(onlyCopy(code, 'Box', ['x', 'n']).reads).toEqual(['x']);
    const g = globals.g as { before: number; after: number };
    expect(g.before).toBe(1);
    expect(g.after).toBe(2 + 101);
  });

  it('are read from the instance when a call in the body may assign a whole instance of the FB', () => {
    const { code, globals } = run(`FUNCTION_BLOCK Box
VAR_INPUT x : INT; END_VAR
VAR_OUTPUT after : INT; END_VAR
Reset();
after := x;
END_FUNCTION_BLOCK
FUNCTION Reset : BOOL
VAR_EXTERNAL g : Box; spare : Box; END_VAR
g := spare;
Reset := TRUE;
END_FUNCTION
PROGRAM Main
VAR_EXTERNAL g : Box; spare : Box; END_VAR
spare.x := 42;
g(x := 1);
END_PROGRAM
CONFIGURATION C
VAR_GLOBAL g : Box; spare : Box; END_VAR
RESOURCE R ON PLC
TASK T (INTERVAL := T#10ms, PRIORITY := 1);
PROGRAM Main WITH T : Main;
END_RESOURCE
END_CONFIGURATION
`);
    expect(copies(code, 'Box').size).toBe(0);
    // the copy assigned g.after too (0), then the body went on with the copied x
    expect((globals.g as { after: number }).after).toBe(42);
  });

  it('leave out inputs with an edge qualifier or that the body does not read, FBs in an inheritance and bodies with loops', () => {
    const { code, main } = run(`FUNCTION_BLOCK Edge
VAR_INPUT go : BOOL R_EDGE; k : INT; END_VAR
VAR_OUTPUT n : INT; END_VAR
IF go THEN n := n + k; END_IF;
END_FUNCTION_BLOCK
FUNCTION_BLOCK Base
VAR_INPUT x : INT; END_VAR
VAR_OUTPUT y : INT; END_VAR
y := x;
END_FUNCTION_BLOCK
FUNCTION_BLOCK Derived EXTENDS Base
y := x * 2;
END_FUNCTION_BLOCK
FUNCTION_BLOCK Tagged
VAR_INPUT tag : INT; x : INT; END_VAR
VAR_OUTPUT y : INT; END_VAR
y := x + 1;
END_FUNCTION_BLOCK
FUNCTION_BLOCK Sum
VAR_INPUT n : INT; END_VAR
VAR_OUTPUT s : INT; END_VAR
VAR i : INT; END_VAR
s := 0;
FOR i := 1 TO n DO s := s + i; END_FOR;
END_FUNCTION_BLOCK
PROGRAM Main
VAR e : Edge; e2 : Edge; n2 : INT; tg : Tagged; d : Derived; sum : Sum; scan : INT; n : INT; y : INT; s : INT; END_VAR
scan := scan + 1;
e(go := scan MOD 2 = 1, k := 5);
e2(go := TRUE, k := 5);
n2 := e2.n;
d(x := 4);
sum(n := 4);
tg(tag := 3, x := scan);
n := e.n; y := d.y; s := sum.s;
END_PROGRAM
`, 4);
    // go := TRUE at every call: still an edge only in the first scan
    const edge = onlyCopy(code, 'Edge', ['go', 'k']);
    expect(edge.reads).toEqual(['go']);
    expect(main.n2).toBe(5);
    // the copy sees the edge, as the body does
    expect(copies(code, 'Edge').get(edge.method)).toContain('this.$edge_go');
    expect(copies(code, 'Base').size).toBe(0);
    expect(copies(code, 'Derived').size).toBe(0);
    expect(copies(code, 'Sum').size).toBe(0);
    // a constant the body never reads: a copy would be the body itself
    expect(copies(code, 'Tagged').size).toBe(0);
    // rising edges in scans 1 and 3
    expect(main.n).toBe(10);
    expect(main.y).toBe(8);
    expect(main.s).toBe(10);
  });
});
