import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { ResourceRunner } from '../../../runtime/engine/resource-runner.js';

const SRC = `TYPE Sample :
STRUCT
  taken : TIME;
  level : REAL := 1.5;
  count : INT;
END_STRUCT;
END_TYPE
FUNCTION_BLOCK Hold
VAR_INPUT
  IN : BOOL;
  PT : TIME;
END_VAR
VAR_OUTPUT
  Q : BOOL;
  ET : TIME;
END_VAR
VAR
  start : TIME;
  since : DT := DT#2024-01-02-03:04:05;
  gain : LREAL;
  last : Sample;
  running : BOOL;
END_VAR
IF IN THEN
  IF NOT running THEN running := TRUE; start := TASK_TIME(); END_IF;
  ET := TASK_TIME() - start;
  Q := ET >= PT;
ELSE
  ET := T#0s;
  Q := FALSE;
  running := FALSE;
END_IF;
END_FUNCTION_BLOCK
PROGRAM Main
VAR
  h : Hold;
  limit : TIME := T#2s;
  done : BOOL;
END_VAR
h(IN := TRUE, PT := T#2s);
limit := h.ET;
done := h.Q;
END_PROGRAM
`;

function compile() {
  const r = compileSources([new SourceFile('t.st', SRC)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.application;
}

function classOf(code: string, name: string): string {
  const start = code.indexOf(`class ${name} `);
  return code.slice(start, code.indexOf('\n  }', start));
}

describe('fields of types held as doubles (REAL, LREAL, durations, dates)', () => {
  it('are given a fraction before their initial value, so V8 holds them as doubles from construction', () => {
    const code = compile().code;
    const hold = classOf(code, 'P_Hold');
    // variables and outputs: a timer's start and elapsed time hold clock readings past 2^31 ns
    expect(hold).toContain('this.ET = 0.5;\n    this.ET = 0;');
    expect(hold).toContain('this.start = 0.5;\n    this.start = 0;');
    expect(hold).toContain('this.gain = 0.5;\n    this.gain = 0;');
    expect(hold).toMatch(/this\.since = 0\.5;\n {4}this\.since = \d+;/);
    // inputs keep the representation of what callers pass; BOOL and integers are not touched
    expect(hold).not.toContain('this.PT = 0.5');
    expect(hold).not.toContain('this.Q = 0.5');
    const sample = classOf(code, 'S_Sample');
    expect(sample).toContain('this.taken = 0.5;\n    this.taken = 0;');
    expect(sample).toContain('this.level = 0.5;\n    this.level = 1.5;');
    expect(sample).not.toContain('this.count = 0.5');
    expect(classOf(code, 'P_Main')).toContain('this.limit = 0.5;\n    this.limit = 2000000000;');
  });

  it('hold their initial values after construction and time as before past 2^31 ns of task clock', () => {
    const app = compile();
    const runner = new ResourceRunner(app, app.resources[0]!.name);
    const main = runner.instance.programs['Main'] as Record<string, unknown> & { h: Record<string, unknown> };
    const h = main.h;
    expect(Object.is(h['ET'], 0)).toBe(true);
    expect(Object.is(h['start'], 0)).toBe(true);
    expect(h['gain']).toBe(0);
    expect(h['since']).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect((h['last'] as Record<string, unknown>)['level']).toBe(1.5);
    expect(main['limit']).toBe(2e9);
    // 10 ms a scan from 1 s: the timer starts at the first scan and reaches T#2s at 3 s
    const task = runner.instance.tasks[0]!;
    for (let s = 0; s <= 500; s++) {
      runner.support.timeNs = 1e9 + s * 1e7;
      task();
      expect(h['ET']).toBe(s * 1e7);
      expect(main['done']).toBe(s * 1e7 >= 2e9);
    }
    expect(h['ET']).toBe(5e9);
    expect(h['start']).toBe(1e9);
  });

  it('keep one map through a run past 2^31 ns: an instance never called has the map of one that ran', () => {
    // V8's own view (--allow-natives-syntax): a field that changed representation would have
    // left the untouched instance on a deprecated map (an input still does when a caller first
    // passes it a double, such as a preset of T#5s: inputs are not given a fraction first)
    const script = `
      const rt = { timeNs: 0, trace: new Int32Array(2), now() { return this.timeNs; }, fault() { throw new Error('fault'); } };
      const mod = new Function('rt', ${JSON.stringify(compile().code)})(rt);
      const idle = new mod.pous.HOLD();
      const res = mod.resources[Object.keys(mod.resources)[0]]();
      for (let s = 0; s < 600; s++) { rt.timeNs = 1e9 + s * 1e7; res.tasks[0](); }
      console.log(%HaveSameMap(idle, res.programs.Main.h) ? 'same' : 'different');
    `;
    const out = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('same');
  });
});
