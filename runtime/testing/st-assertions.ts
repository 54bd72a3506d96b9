/**
 * The functions ST test programs call (`vplc test`): ASSERT_TRUE, ASSERT_FALSE, ASSERT_EQ,
 * ASSERT_NE, ASSERT_NEAR and ADVANCE. They are ordinary function calls in standard ST syntax;
 * they exist only in compilations made with TEST_CONTEXT (the test runner's), never in the
 * standard library, so production programs cannot call them. The generated code reports to
 * `rt` (a TestSupport).
 */
import { STANDARD_FUNCTIONS, withFunctions, type Builtin } from '../../compiler/stdlib/functions.js';
import type { CompilerContext } from '../../compiler/context.js';
import { commonType, concrete } from '../../compiler/types/common-type.js';
import { BOOL, LREAL, TIME, isNumeric, typeName, type Type } from '../../compiler/types/types.js';
import { TaskSupport } from '../support.js';
import { formatValue } from '../values.js';

export interface AssertionFailure {
  pou: string;
  file: string;
  line: number;
  message: string;
}

type Site = [string, string, number];

/** A task's runtime support that also collects assertion results and lets the test move its clock. */
export class TestSupport extends TaskSupport {
  assertions = 0;
  readonly failures: AssertionFailure[] = [];

  private record(site: Site, ok: boolean, message: () => string): boolean {
    this.assertions++;
    if (!ok) this.failures.push({ pou: site[0], file: site[1], line: site[2], message: message() });
    return ok;
  }

  assertTrue(site: Site, v: boolean, expected: boolean): boolean {
    return this.record(site, v === expected, () => `${expected ? 'ASSERT_TRUE' : 'ASSERT_FALSE'}: the condition is ${v ? 'TRUE' : 'FALSE'}`);
  }

  assertEq(site: Site, actual: unknown, expected: unknown, type: string, equal: boolean): boolean {
    const same = actual === expected || (typeof actual === 'number' && typeof expected === 'number' && Number.isNaN(actual) && Number.isNaN(expected));
    return this.record(site, same === equal, () =>
      equal
        ? `ASSERT_EQ: got ${show(actual, type)}, expected ${show(expected, type)}`
        : `ASSERT_NE: both are ${show(actual, type)}`,
    );
  }

  assertNear(site: Site, actual: number, expected: number, tolerance: number): boolean {
    return this.record(site, Math.abs(actual - expected) <= Math.abs(tolerance), () => `ASSERT_NEAR: got ${actual}, expected ${expected} ± ${tolerance} (off by ${Math.abs(actual - expected)})`);
  }

  /** ADVANCE(T#5s): the rest of the test sees the task clock 5 s later (timers included). */
  advance(ns: number): number {
    if (ns > 0) this.timeNs += ns;
    return this.timeNs;
  }
}

function show(v: unknown, type: string): string {
  const e = /^(\w+)#(.*)$/.exec(type);
  if (e) {
    const hit = e[2]!.split(',').find((x) => x.endsWith(`=${String(v)}`));
    return hit ? `${e[1]}#${hit.slice(0, hit.lastIndexOf('='))}` : String(v);
  }
  if (type === 'STRING' || type === 'WSTRING') return JSON.stringify(v);
  const f = /^[A-Z]+$/.test(type) ? formatValue({ pouTypes: {} } as never, { kind: 'elementary', name: type as never }, v) : v;
  if (typeof f === 'boolean') return f ? 'TRUE' : 'FALSE';
  return String(f);
}

const site = (n: number) => `$sites[${n}]`;

function equality(equal: boolean): Builtin {
  return {
    type(args) {
      if (args.length !== 2) return 'takes two arguments: actual, expected';
      const t = commonType(args[0]!, args[1]!);
      if (!t || t.kind === 'error') return `cannot compare ${typeName(args[0]!)} with ${typeName(args[1]!)}`;
      const c = concrete(t);
      if (c.kind !== 'elementary' && c.kind !== 'string' && c.kind !== 'enum') return `compares elementary values, not ${typeName(c)}`;
      return { params: [c, c], result: BOOL };
    },
    emit: (a, sig, ctx) => {
      const p = sig.params[0]!;
      // enums are shown by name: the type is passed as 'Type#A=0,B=1'
      const tn = p.kind === 'elementary' ? p.name : p.kind === 'string' ? (p.wide ? 'WSTRING' : 'STRING') : p.kind === 'enum' ? `${p.name}#${p.values.map((v) => `${v.name}=${v.value}`).join(',')}` : '?';
      return `rt.assertEq(${site(ctx.site)}, ${a[0]}, ${a[1]}, '${tn}', ${equal})`;
    },
    paramNames: ['ACTUAL', 'EXPECTED'],
  };
}

function truth(expected: boolean): Builtin {
  return {
    type: (args) => (args.length === 1 ? { params: [BOOL], result: BOOL } : 'takes one BOOL'),
    emit: (a, _s, ctx) => `rt.assertTrue(${site(ctx.site)}, !!(${a[0]}), ${expected})`,
    paramNames: ['IN'],
  };
}

const NEAR: Builtin = {
  type(args) {
    if (args.length !== 3) return 'takes three arguments: actual, expected, tolerance';
    if (!args.every((t: Type) => isNumeric(t))) return 'takes numbers';
    return { params: [LREAL, LREAL, LREAL], result: BOOL };
  },
  emit: (a, _s, ctx) => `rt.assertNear(${site(ctx.site)}, Number(${a[0]}), Number(${a[1]}), Number(${a[2]}))`,
  paramNames: ['ACTUAL', 'EXPECTED', 'TOLERANCE'],
};

const ADVANCE: Builtin = {
  type: (args) => (args.length === 1 ? { params: [TIME], result: TIME } : 'takes one TIME (e.g. ADVANCE(T#5s))'),
  emit: (a) => `rt.advance(Number(${a[0]}))`,
  paramNames: ['IN'],
};

/** The compiler context of `vplc test`: the standard library plus the test functions. */
export const TEST_CONTEXT: CompilerContext = {
  functions: withFunctions(STANDARD_FUNCTIONS, {
    ASSERT_TRUE: truth(true),
    ASSERT_FALSE: truth(false),
    ASSERT_EQ: equality(true),
    ASSERT_NE: equality(false),
    ASSERT_NEAR: NEAR,
    ADVANCE,
  }),
};
