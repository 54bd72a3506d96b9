import type { Application } from '../../compiler/application.js';

/** How often a TEST_CONDITION found its `check` TRUE and FALSE. */
export interface TestConditionVerdict {
  passed: number;
  failed: number;
}

/**
 * The test blocks of an IEC 61499 application: every TEST_CONDITION instance (also inside
 * flattened composites) by `Device.Resource.FB` (.sys) or `Resource.FB` (.fboot), and every
 * STEST_END, keyed the same way as `vars`.
 */
export function testBlocks(app: Application): { conditions: string[]; ends: string[] } {
  const model = app.iec61499;
  const conditions: string[] = [];
  const ends: string[] = [];
  if (!model) return { conditions, ends };
  for (const net of model.resources) {
    const key = model.origin === 'sys' && net.device ? `${net.device}.${net.name}` : net.name;
    for (const fb of net.fbs) {
      const impl = model.types[fb.concreteType]?.implementation;
      if (impl?.kind !== 'native') continue;
      if (impl.nativeType === 'TEST_CONDITION') conditions.push(`${key}.${fb.name}`);
      else if (impl.nativeType === 'STEST_END') ends.push(`${key}.${fb.name}`);
    }
  }
  return { conditions, ends };
}

/**
 * Verdicts of the TEST_CONDITION blocks read from a variable snapshot (`vplc run --json`
 * `vars`: TEST_CONDITION keeps its counts as internal variables `passed` and `failed`), so that
 * runs on the virtual and on the real clock report them alike. Empty without test blocks.
 */
export function testConditionVerdicts(app: Application, vars: Readonly<Record<string, unknown>>): Record<string, TestConditionVerdict> {
  const out: Record<string, TestConditionVerdict> = {};
  for (const fb of testBlocks(app).conditions) {
    out[fb] = { passed: Number(vars[`${fb}.passed`] ?? 0), failed: Number(vars[`${fb}.failed`] ?? 0) };
  }
  return out;
}

/** `N passed, M failed`: evaluations of every TEST_CONDITION together. */
export function verdictLine(verdicts: Readonly<Record<string, TestConditionVerdict>>): string {
  let passed = 0;
  let failed = 0;
  for (const v of Object.values(verdicts)) {
    passed += v.passed;
    failed += v.failed;
  }
  return `${passed} passed, ${failed} failed`;
}
