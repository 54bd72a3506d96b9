/**
 * The st-vs-c kernels as a differential test: each ST kernel and its C twin (gcc -O2) run the
 * same 300 scans on the same task clock and must end with the same checksum. This holds the
 * code generator's output to C's integer wrap-around and single-precision REAL arithmetic on
 * programs written for speed, not for the conformance suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileKernel, freshRunner, haveGcc, KERNELS, runC, runSt, type Plan } from './st-vs-c.js';

const PLAN: Plan = { warmup: 200, batches: 1, batchSize: 100 };
const gcc = haveGcc();
const dir = mkdtempSync(join(tmpdir(), 'vplc-kernels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('st-vs-c kernels', () => {
  for (const k of KERNELS) {
    it.skipIf(!gcc)(`${k.name}: ST and C agree after 300 scans (needs gcc)`, () => {
      const app = compileKernel(k.name);
      const st = runSt(app, PLAN, freshRunner(app));
      const c = runC(k.name, PLAN, dir);
      expect(st.checksum).toBe(c.checksum);
    });
  }
});
