import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { bigProgram } from './footprint.js';
import { cyclictest, cyclictestFigures } from './jitter.js';
import { markdown } from './report.js';

describe('benchmark support', () => {
  it('reads percentiles from a cyclictest histogram, counting overflows', () => {
    // 1000 samples: 900 at 5 µs, 95 at 7 µs, 4 at 40 µs, 1 beyond the histogram (max 12000 µs)
    const stdout = ['# /dev/cpu_dma_latency set to 0us', '000005 000900', '000007 000095', '000040 000004',
      '# Total: 000000999', '# Min Latencies: 00003', '# Avg Latencies: 00005', '# Max Latencies: 12000',
      '# Histogram Overflows: 00001', ''].join('\n');
    expect(cyclictestFigures({ stdout })).toEqual({ p50: 5, p99: 7, p999: 40, max: 12000 });
    expect(cyclictestFigures('not installed')).toBe('not installed');
    expect(cyclictestFigures({ stdout: '# nothing\n' })).toBe('cyclictest printed no histogram');
  });

  it.skipIf(!existsSync('/usr/bin/cyclictest'))('parses a real cyclictest run into ordered percentiles', async () => {
    const f = cyclictestFigures(await cyclictest(1000, 200));
    if (typeof f === 'string') throw new Error(f);
    expect(f.p50).toBeLessThanOrEqual(f.p99);
    expect(f.p99).toBeLessThanOrEqual(f.p999);
    expect(f.p999).toBeLessThanOrEqual(f.max);
  });

  it('generates a footprint program of 1,000 variables that compiles cleanly', () => {
    const r = compileSources([new SourceFile('big.st', bigProgram(1000))]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const big = r.application!.pouTypes['BIG'] ?? r.application!.pouTypes['Big'];
    expect(big!.vars.filter((v) => /^v\d+$/.test(v.name))).toHaveLength(1000);
    expect(r.application!.resources[0]!.programs.map((p) => p.name)).toEqual(['Main']);
  });

  it('prints small ratios with significant digits', () => {
    const md = markdown([{ bench: 'x', title: 'X', notes: [], figures: [{ name: 'p50', value: 0.25, unit: 'µs', baseline: { name: 'b', value: 66 }, ratio: 0.25 / 66 }] }]);
    expect(md).toContain('| 0.0038× |');
  });
});
