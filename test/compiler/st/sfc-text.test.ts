/**
 * The textual SFC of a `.st` file becomes ST before parsing: sfc/<case>.st is turned into ST and
 * compared, line by line with the position each line maps to, with sfc/<case>.baseline.txt.
 * Accept a deliberate change with `UPDATE_BASELINES=1 npx vitest run --config test/vitest.config.ts test/compiler/st/sfc-text.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SourceFile } from '../../../compiler/source.js';
import { stLexer } from '../../../compiler/st/lexer.js';
import { sfcToSt } from '../../../compiler/st/sfc-text.js';
import { parseSt } from '../../../compiler/st/parse.js';
import '../../../compiler/st/parse-fallback.js';
import { IdAllocator } from '../../../compiler/st/ast.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

const dir = fileURLToPath(new URL('./sfc/', import.meta.url));
const cases = readdirSync(dir).filter((f) => f.endsWith('.st')).sort();

function render(name: string): string {
  const file = new SourceFile(name, readFileSync(dir + name, 'utf8'));
  const result = sfcToSt(file, stLexer.tokenize(file.text).tokens);
  if (!result) return 'no chart\n';
  const out = result.diagnostics.map(formatDiagnostic);
  result.file.text.split('\n').forEach((line, i) => {
    const o = result.file.origins![i]!;
    out.push(`${`${o.line}:${o.col}`.padEnd(7)} | ${line}`);
  });
  return out.join('\n') + '\n';
}

describe('SFC text → ST baselines', () => {
  for (const name of cases) {
    it(name, () => {
      const actual = render(name);
      const baseline = dir + name.replace(/\.st$/, '.baseline.txt');
      if (process.env.UPDATE_BASELINES) writeFileSync(baseline, actual);
      expect(existsSync(baseline), `no baseline for ${name}: run with UPDATE_BASELINES=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(baseline, 'utf8'));
    });
    it(`${name}: the ST parses`, () => {
      const parsed = parseSt(new SourceFile(name, readFileSync(dir + name, 'utf8')), new IdAllocator());
      expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(parsed.unit.pous.map((p) => p.name)).toEqual(['Mixer']);
    });
  }

  it('a file without a chart is left alone', () => {
    const file = new SourceFile('plain.st', 'PROGRAM P\nVAR step : INT; END_VAR\nstep := step + 1;\nEND_PROGRAM\n');
    expect(sfcToSt(file, stLexer.tokenize(file.text).tokens)).toBeUndefined();
  });
});
