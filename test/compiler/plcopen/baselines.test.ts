/**
 * Baselines: every `cases/*.xml` is imported and the result (diagnostics, then each generated
 * ST line with the XML line:col it maps to) is compared with `cases/<name>.baseline.txt`.
 * A new case is a new file. After a deliberate change, review the diff and accept it with
 * `UPDATE_BASELINES=1 npx vitest run --config test/vitest.config.ts test/compiler/plcopen`.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importPlcopen } from '../../../compiler/plcopen/import.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { parseSt } from '../../../compiler/st/parse.js';
import '../../../compiler/st/parse-fallback.js';
import { IdAllocator } from '../../../compiler/st/ast.js';

const dir = fileURLToPath(new URL('./cases/', import.meta.url));
const cases = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();

function render(name: string): string {
  const xml = readFileSync(dir + name, 'utf8');
  const result = importPlcopen(name, xml);
  const out: string[] = result.diagnostics.map(formatDiagnostic);
  for (const source of result.sources) {
    out.push(`--- ${source.path}`);
    source.text.split('\n').forEach((line, i) => {
      const o = source.origins?.[i];
      if (o) out.push(`${`${o.line}:${o.col}`.padEnd(7)} | ${line}`);
    });
  }
  return out.join('\n') + '\n';
}

describe('PLCopen import baselines', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(3);
  });
  for (const name of cases) {
    it(name, () => {
      const actual = render(name);
      const baseline = dir + name.replace(/\.xml$/, '.baseline.txt');
      if (process.env.UPDATE_BASELINES) writeFileSync(baseline, actual);
      expect(existsSync(baseline), `no baseline for ${name}: run with UPDATE_BASELINES=1 and review it`).toBe(true);
      expect(actual).toBe(readFileSync(baseline, 'utf8'));
    });
    it(`${name}: generated ST parses`, () => {
      const result = importPlcopen(name, readFileSync(dir + name, 'utf8'));
      expect(result.sources.length).toBe(1);
      const parsed = parseSt(result.sources[0]!, new IdAllocator());
      expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([]);
    });
  }
});
