/**
 * ST front-end speed: lines per second on a generated 20,000-line program.
 * Run: npx tsx test/bench/parse.ts
 *
 * Baselines measured in the same run: chevrotain's lexer alone on the same text, so the printed
 * ratio says how much parsing and AST building cost on top of tokenising; and the chevrotain
 * parser that builds the same AST (what parseSt ran before the hand-written parser, and runs
 * where that one gives up).
 */
import { SourceFile } from '../../compiler/source.js';
import { IdAllocator } from '../../compiler/st/ast.js';
import { MAX_NESTING, parseSt } from '../../compiler/st/parse.js';
import { parseCleanWithChevrotain } from '../../compiler/st/parse-fallback.js';
import { fastParse } from '../../compiler/st/fast-parser.js';
import { stLexer } from '../../compiler/st/lexer.js';
import { markdown, type BenchResult } from './report.js';

const TARGET_LINES = 20_000;

function generate(): string {
  const out: string[] = [];
  let fb = 0;
  while (out.length < TARGET_LINES) {
    fb++;
    out.push(
      `(* block ${fb} *)`,
      `FUNCTION_BLOCK Fb${fb}`,
      `VAR_INPUT en : BOOL; speed : INT := 16#10; setpoint : REAL := 1.5E2; END_VAR`,
      `VAR_OUTPUT q : BOOL; out : REAL; END_VAR`,
      `VAR t : TON := (PT := T#1s500ms); arr : ARRAY[1..10] OF INT := [10(0)]; i : INT; END_VAR`,
      `t(IN := en AND NOT q, PT := T#250ms);`,
      `IF t.Q AND speed > 10 THEN`,
      `  q := TRUE; // set`,
      `ELSIF speed.3 OR (speed MOD 4 = 0) THEN`,
      `  q := FALSE;`,
      `ELSE`,
      `  out := setpoint * 0.5 + INT_TO_REAL(speed) / 3.0 - 1.0;`,
      `END_IF;`,
      `CASE speed OF`,
      `  1, 2: out := 1.0;`,
      `  3..9: out := 2.0;`,
      `ELSE out := 0.0;`,
      `END_CASE;`,
      `FOR i := 1 TO 10 BY 1 DO`,
      `  arr[i] := arr[i] + i * 2;`,
      `END_FOR;`,
      `WHILE speed > 0 DO speed := speed - 1; END_WHILE;`,
      `END_FUNCTION_BLOCK`,
      '',
    );
  }
  return out.join('\n');
}

function time(fn: () => void, rounds: number): number {
  fn(); // warm-up (and parser construction)
  fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9 / rounds;
}

export function main(): BenchResult {
  const text = generate();
  const lines = text.split('\n').length;
  const file = new SourceFile('bench.st', text);
  const check = parseSt(file, new IdAllocator());
  if (check.diagnostics.length > 0) {
    throw new Error(`generated program does not parse cleanly: ${JSON.stringify(check.diagnostics.slice(0, 3))}`);
  }
  if (!fastParse(file, new IdAllocator(), MAX_NESTING)) throw new Error('the hand-written parser gave up on the generated program');
  const lexSeconds = time(() => void stLexer.tokenize(text), 5);
  const parseSeconds = time(() => void parseSt(file, new IdAllocator()), 5);
  const chevrotainSeconds = time(() => void parseCleanWithChevrotain(file, new IdAllocator()), 5);

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`program: ${fmt(lines)} lines, ${fmt(text.length)} characters, ${check.unit.pous.length} POUs`);
  console.log(`lexer only (baseline): ${(lexSeconds * 1000).toFixed(1)} ms  ${fmt(lines / lexSeconds)} lines/s`);
  console.log(`parseSt (lex+parse+AST): ${(parseSeconds * 1000).toFixed(1)} ms  ${fmt(lines / parseSeconds)} lines/s`);
  console.log(`ratio parseSt / lexer: ${(parseSeconds / lexSeconds).toFixed(2)}x`);
  console.log(`chevrotain parser building the same AST: ${(chevrotainSeconds * 1000).toFixed(1)} ms  ${fmt(lines / chevrotainSeconds)} lines/s`);
  return {
    bench: 'parse',
    title: 'ST front end: parser speed',
    figures: [
      {
        name: `parseSt (lex + parse + AST), ${fmt(lines)} lines`,
        value: lines / parseSeconds,
        unit: 'lines/s',
        baseline: { name: 'lexer alone, same text', value: lines / lexSeconds },
        ratio: lexSeconds / parseSeconds,
        note: `${(parseSeconds * 1000).toFixed(1)} ms per parse, ${check.unit.pous.length} POUs`,
      },
      {
        name: `parseSt (hand-written lexer and parser), ${fmt(lines)} lines`,
        value: lines / parseSeconds,
        unit: 'lines/s',
        baseline: { name: 'chevrotain parser building the same AST (lexer included)', value: lines / chevrotainSeconds },
        ratio: chevrotainSeconds / parseSeconds,
        note: `${(chevrotainSeconds * 1000).toFixed(1)} ms per parse with chevrotain`,
      },
    ],
    notes: [
      'Mean of 5 rounds after 2 of warm-up. A ratio below 1 is the share of the lexer\'s speed kept once parsing and AST building are added; the second ratio is how many times faster parseSt is than the chevrotain parser on the same text.',
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log('\n' + markdown([main()]));
