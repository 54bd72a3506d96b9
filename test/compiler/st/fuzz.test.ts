import { describe, it, expect } from 'vitest';
import { parse } from './helpers.js';

const VALID = `TYPE Color : (Red, Green := 2, Blue); Pt : STRUCT x : REAL := 1.0; y : INT; END_STRUCT; END_TYPE
FUNCTION_BLOCK Motor EXTENDS Base IMPLEMENTS IRun
VAR_INPUT en : BOOL; speed : INT := 16#10; END_VAR
VAR_OUTPUT q : BOOL; END_VAR
VAR t : TON := (PT := T#1s500ms); a : ARRAY[1..3] OF Pt := [(x := 1.0), 2((y := 2))]; END_VAR
METHOD PUBLIC Run : BOOL VAR_INPUT s : INT; END_VAR Run := THIS^.en AND s > 0; END_METHOD
t(IN := en, Q => q, NOT ET => );
IF en AND NOT q THEN speed := speed ** 2 MOD 7; ELSIF speed.3 THEN q S= TRUE; ELSE q R= FALSE; END_IF;
CASE speed OF 1, 2: q := TRUE; 3..5: ; Color#Red: speed := -1; ELSE speed := 0; END_CASE;
FOR speed := 10 TO 0 BY -2 DO IF speed = 4 THEN EXIT; END_IF; END_FOR;
WHILE speed < 10 DO speed := speed + 1; END_WHILE; REPEAT speed := speed - 1; UNTIL speed <= 0 END_REPEAT;
a[1].x := REAL#2.5 + LREAL#1.0E-3; (* comment (* nested *) *) // line
END_FUNCTION_BLOCK
PROGRAM Main VAR m : Motor; s : STRING[10] := 'a$'b'; d : DT := DT#2024-01-31-12:30:15.5; END_VAR
m(en := TRUE); m.Run(3);
END_PROGRAM
CONFIGURATION C RESOURCE R ON PLC TASK t (INTERVAL := T#10ms, PRIORITY := 1); PROGRAM i WITH t : Main; END_RESOURCE END_CONFIGURATION`;

/** A small deterministic generator, so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SNIPPETS = ['(', ')', '[', ']', ';', ':=', 'END_IF', 'IF', 'THEN', '(*', '*)', "'", '"', '#', 'T#', '..', '.', ',', 'VAR', 'END_VAR', '=>', 'NOT', '\u0000', '\ufffd', '{', '16#', 'STRUCT', 'CASE', ':', '^', 'PROPERTY'];

function mutate(text: string, random: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (t.length + 1));
    const kind = random();
    if (kind < 0.25) t = t.slice(0, at); // truncate
    else if (kind < 0.5) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(random() * 20)); // delete a stretch
    else if (kind < 0.8) t = t.slice(0, at) + SNIPPETS[Math.floor(random() * SNIPPETS.length)] + t.slice(at); // insert a token
    else {
      // swap two stretches
      const b = Math.floor(random() * (t.length + 1));
      const [lo, hi] = at < b ? [at, b] : [b, at];
      const mid = Math.floor((lo + hi) / 2);
      t = t.slice(0, lo) + t.slice(mid, hi) + t.slice(lo, mid) + t.slice(hi);
    }
  }
  return t;
}

describe('robustness', () => {
  it('the unmutated program parses cleanly', () => {
    expect(parse(VALID).diagnostics).toEqual([]);
  });

  it('never throws on random mutations and truncations of a valid program', () => {
    const random = rng(61131);
    let withErrors = 0;
    for (let i = 0; i < 400; i++) {
      const text = mutate(VALID, random);
      let result: ReturnType<typeof parse> | undefined;
      expect(() => (result = parse(text)), `mutation ${i}:\n${text}`).not.toThrow();
      for (const d of result!.diagnostics) {
        expect(d.code).toMatch(/^E100[1-7]$/);
        expect(d.range.line).toBeGreaterThanOrEqual(1);
        expect(d.range.col).toBeGreaterThanOrEqual(1);
        expect(typeof d.message).toBe('string');
      }
      if (result!.diagnostics.length > 0) withErrors++;
    }
    expect(withErrors).toBeGreaterThan(100);
  });

  it('never throws on random token soup and random characters', () => {
    const random = rng(4242);
    for (let i = 0; i < 200; i++) {
      const n = Math.floor(random() * 60);
      const soup = Array.from({ length: n }, () => SNIPPETS[Math.floor(random() * SNIPPETS.length)]).join(random() < 0.5 ? ' ' : '');
      expect(() => parse(soup), soup).not.toThrow();
      const chars = Array.from({ length: n }, () => String.fromCharCode(Math.floor(random() * 0x3000))).join('');
      expect(() => parse(chars)).not.toThrow();
    }
  });
});
