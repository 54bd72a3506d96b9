/**
 * The standard functions of IEC 61131-3 (conversions, numeric, bit string, selection,
 * comparison, character string, time) and vPLC's TASK_TIME(): how each is typed and the
 * JavaScript it becomes. Overloaded and extensible functions are typed from their arguments.
 */
import {
  BOOL, ELEMENTARY, ERROR, LREAL, TIME, type Type, elementary, elementaryByName, isBits, isInteger,
  isNumeric, isReal, typeName, isAnyString, familyOf, type StringType,
} from '../types/types.js';
import type { ElementaryTypeName } from '../application.js';
import { commonType, concrete } from '../types/common-type.js';
import { textLength, wrapInt } from '../codegen/convert.js';
import { fround, isSingle, roundSingle } from '../codegen/real-rounding.js';

export interface BuiltinSignature {
  /** types the arguments are converted to before the call */
  params: Type[];
  result: Type;
}

/** Emits JS: `args` are the arguments already converted to `params`. */
export interface BuiltinEmitContext {
  convert(code: string, from: Type, to: Type): string;
  /** fault site index for this call (division by zero etc.) */
  site: number;
}

interface Builtin {
  /** a message when not applicable to these arguments; `expected` is the type the context wants */
  type(args: Type[], expected?: Type): BuiltinSignature | string;
  emit(args: string[], sig: BuiltinSignature, ctx: BuiltinEmitContext): string;
  /** names of parameters for formal calls (IN, IN1, IN2, …, G, K, MN, MX, L, P, N) */
  paramNames?: string[];
  extensible?: boolean;
  /**
   * Which arguments are of the generic type the result has (ANY_NUM, ANY_BIT…): untyped
   * literals there take the type the context expects (`r : REAL := SQRT(9.0)`).
   */
  generic?: (index: number) => boolean;
}

const ALL = (): boolean => true;
const FIRST = (i: number): boolean => i === 0;
const AFTER_FIRST = (i: number): boolean => i > 0;

const STR: StringType = { kind: 'string', wide: false, length: 254 };

function fixedNumeric(fn: (x: string) => string, realOnly = true): Builtin {
  return {
    type(args, expected) {
      if (args.length !== 1) return 'takes one argument';
      const a = args[0]!;
      if (!isNumeric(a)) return `needs a number, not ${typeName(a)}`;
      // an integer argument is computed in the REAL type the context expects (LREAL by default)
      const t = realOnly ? (isReal(a) ? concrete(a, LREAL) : realFor(expected)) : concrete(a);
      return { params: [t], result: t };
    },
    emit: (a, sig) => roundSingle(fn(a[0]!), sig.result),
    paramNames: ['IN'],
    generic: ALL,
  };
}

/** The common type of every argument of an extensible function, undefined when there is none. */
function commonOfAll(args: Type[]): Type | undefined {
  let t: Type | undefined = args[0];
  for (const a of args.slice(1)) t = t && commonType(t, a);
  return t && t.kind !== 'error' ? t : undefined;
}

/** REAL when the context expects a REAL, else LREAL. */
function realFor(expected: Type | undefined): Type {
  return expected && isSingle(expected) ? expected : LREAL;
}

function extensibleArith(op: '+' | '*' | 'AND' | 'OR' | 'XOR'): Builtin {
  return {
    type(args) {
      if (args.length < 2) return 'takes at least two arguments';
      const common = commonOfAll(args);
      if (!common) return 'arguments have no common type';
      const t = concrete(common);
      const logical = op === 'AND' || op === 'OR' || op === 'XOR';
      if (logical ? !(isBits(t) || isInteger(t)) : !(isNumeric(t) || (op === '+' && familyOf(t) === 'duration'))) return `not defined for ${typeName(t)}`;
      return { params: args.map(() => t), result: t };
    },
    // REAL rounds after every operation, as single-precision hardware does
    emit: (a, sig) => (isSingle(sig.result) && (op === '+' || op === '*') ? a.reduce((acc, x) => fround(`${acc} ${op} ${x}`)) : a.map((x) => `(${x})`).join(jsOp(op, sig.result))),
    extensible: true,
    generic: ALL,
  };
}

/** MUL and DIV of a duration by a number (TIME * ANY_NUM), beside their numeric forms. */
function withTime(numeric: Builtin, emit: (a: string, b: string, site: number) => string): Builtin {
  return {
    ...numeric,
    type(args) {
      if (args.length === 2 && familyOf(args[0]!) === 'duration' && isNumeric(args[1]!)) {
        return { params: [args[0]!, concrete(args[1]!)], result: args[0]! };
      }
      return numeric.type(args);
    },
    emit(a, sig, ctx) {
      if (familyOf(sig.result) === 'duration') return emit(a[0]!, a[1]!, ctx.site);
      return numeric.emit(a, sig, ctx);
    },
  };
}

function jsOp(op: string, t: Type): string {
  if (op === 'AND') return t.kind === 'elementary' && t.name === 'BOOL' ? ' && ' : ' & ';
  if (op === 'OR') return t.kind === 'elementary' && t.name === 'BOOL' ? ' || ' : ' | ';
  if (op === 'XOR') return t.kind === 'elementary' && t.name === 'BOOL' ? ' !== ' : ' ^ ';
  return ` ${op} `;
}

/** GT, GE, EQ, LE, LT are extensible: GT(a, b, c) is (a > b) AND (b > c); NE takes two. */
function compare(op: string, extensible = true): Builtin {
  return {
    type(args) {
      if (extensible ? args.length < 2 : args.length !== 2) return extensible ? 'takes at least two arguments' : 'takes two arguments';
      let t: Type | undefined = args[0]!;
      for (const a of args.slice(1)) t = t && commonType(t, a);
      if (!t) return `cannot compare ${args.map(typeName).join(' with ')}`;
      const c = concrete(t);
      return { params: args.map(() => c), result: BOOL };
    },
    emit: (a) => a.slice(1).map((x, i) => `((${a[i]}) ${op} (${x}))`).join(' && '),
    paramNames: ['IN1', 'IN2'],
    extensible,
  };
}

function shift(kind: 'SHL' | 'SHR' | 'ROL' | 'ROR'): Builtin {
  return {
    type(args) {
      if (args.length !== 2) return 'takes IN and N';
      const t = concrete(args[0]!, elementary('DWORD'));
      if (!isBits(t) && !isInteger(t)) return `needs a bit string, not ${typeName(t)}`;
      if (!isInteger(args[1]!)) return 'N must be an integer';
      return { params: [t, concrete(args[1]!)], result: t };
    },
    emit(a, sig) {
      const name = (sig.result as { name: ElementaryTypeName }).name;
      const bits = ELEMENTARY[name].bits;
      const n = sig.params[1]!.kind === 'elementary' && ELEMENTARY[(sig.params[1] as { name: ElementaryTypeName }).name].bits === 64 ? `Number(${a[1]})` : `(${a[1]})`;
      if (bits === 64) {
        const fn = kind === 'SHL' ? '$shl64' : kind === 'SHR' ? '$shr64' : kind === 'ROL' ? '$rol64' : '$ror64';
        return `${fn}(${a[0]}, ${n})`;
      }
      const mask = bits === 32 ? '' : ` & ${(2 ** bits) - 1}`;
      switch (kind) {
        case 'SHL':
          return `(${n} >= ${bits} ? 0 : ((${a[0]} << ${n})${mask || ' >>> 0'}))`;
        case 'SHR':
          return `(${n} >= ${bits} ? 0 : ((${a[0]}${bits === 32 ? ' >>> 0' : ''}) >>> ${n}))`;
        case 'ROL':
          return `$rol(${a[0]}, ${n}, ${bits})`;
        case 'ROR':
          return `$ror(${a[0]}, ${n}, ${bits})`;
      }
    },
    paramNames: ['IN', 'N'],
    generic: FIRST,
  };
}

const TABLE: Record<string, Builtin> = {
  ABS: {
    type(args) {
      if (args.length !== 1 || !isNumeric(args[0]!)) return 'needs one number';
      const t = concrete(args[0]!);
      return { params: [t], result: t };
    },
    emit(a, sig) {
      const name = (sig.result as { name: ElementaryTypeName }).name;
      if (!isInteger(sig.result)) return `Math.abs(${a[0]})`;
      if (ELEMENTARY[name].bits === 64) return `$abs64(${a[0]})`;
      // the type's minimum has no positive twin: it wraps to itself (ABS(SINT#-128) = -128)
      return ELEMENTARY[name].family === 'signed' ? wrapInt(`Math.abs(${a[0]})`, name) : a[0]!;
    },
    paramNames: ['IN'],
    generic: ALL,
  },
  SQRT: fixedNumeric((x) => `Math.sqrt(${x})`),
  LN: fixedNumeric((x) => `Math.log(${x})`),
  LOG: fixedNumeric((x) => `Math.log10(${x})`),
  EXP: fixedNumeric((x) => `Math.exp(${x})`),
  SIN: fixedNumeric((x) => `Math.sin(${x})`),
  COS: fixedNumeric((x) => `Math.cos(${x})`),
  TAN: fixedNumeric((x) => `Math.tan(${x})`),
  ASIN: fixedNumeric((x) => `Math.asin(${x})`),
  ACOS: fixedNumeric((x) => `Math.acos(${x})`),
  ATAN: fixedNumeric((x) => `Math.atan(${x})`),
  ATAN2: {
    type(args) {
      if (args.length !== 2 || !args.every(isNumeric)) return 'needs two numbers';
      const t = isReal(args[0]!) && args[0]!.kind === 'elementary' ? args[0]! : LREAL;
      return { params: [t, t], result: t };
    },
    emit: (a, sig) => roundSingle(`Math.atan2(${a[0]}, ${a[1]})`, sig.result),
    paramNames: ['Y', 'X'],
    generic: ALL,
  },
  EXPT: {
    type(args, expected) {
      if (args.length !== 2 || !args.every(isNumeric)) return 'needs two numbers';
      const base = isReal(args[0]!) ? concrete(args[0]!, LREAL) : realFor(expected);
      return { params: [base, concrete(args[1]!, LREAL)], result: base };
    },
    emit: (a, sig) => roundSingle(`((${a[0]}) ** Number(${a[1]}))`, sig.result),
    paramNames: ['IN1', 'IN2'],
    generic: FIRST,
  },
  ADD: extensibleArith('+'),
  MUL: withTime(extensibleArith('*'), (a, b) => `Math.round((${a}) * Number(${b}))`),
  SUB: {
    type(args) {
      if (args.length !== 2) return 'takes two arguments';
      const t = commonType(args[0]!, args[1]!);
      if (!t || !(isNumeric(t) || familyOf(t) === 'duration')) return `not defined for ${typeName(args[0]!)} and ${typeName(args[1]!)}`;
      const c = concrete(t);
      return { params: [c, c], result: c };
    },
    emit: (a, sig) => roundSingle(`(${a[0]}) - (${a[1]})`, sig.result),
    paramNames: ['IN1', 'IN2'],
    generic: ALL,
  },
  DIV: withTime({
    type(args) {
      if (args.length !== 2) return 'takes two arguments';
      const t = commonType(args[0]!, args[1]!);
      if (!t || !isNumeric(t)) return `not defined for ${typeName(args[0]!)} and ${typeName(args[1]!)}`;
      const c = concrete(t);
      return { params: [c, c], result: c };
    },
    emit: (a, sig, ctx) => (isInteger(sig.result) ? divCode(a[0]!, a[1]!, sig.result, ctx.site) : roundSingle(`(${a[0]}) / (${a[1]})`, sig.result)),
    paramNames: ['IN1', 'IN2'],
    generic: ALL,
  }, (a, b, site) => `$tdiv(${a}, Number(${b}), ${site})`),
  MOD: {
    type(args) {
      if (args.length !== 2) return 'takes two arguments';
      const t = commonType(args[0]!, args[1]!);
      if (!t || !isInteger(t)) return 'needs two integers';
      const c = concrete(t);
      return { params: [c, c], result: c };
    },
    emit: (a, sig, ctx) => modCode(a[0]!, a[1]!, sig.result, ctx.site),
    paramNames: ['IN1', 'IN2'],
    generic: ALL,
  },
  MOVE: {
    type(args) {
      if (args.length !== 1) return 'takes one argument';
      const t = concrete(args[0]!);
      return { params: [t], result: t };
    },
    emit: (a) => a[0]!,
    paramNames: ['IN'],
    generic: ALL,
  },
  AND: extensibleArith('AND'),
  OR: extensibleArith('OR'),
  XOR: extensibleArith('XOR'),
  NOT: {
    type(args) {
      if (args.length !== 1 || !(isBits(args[0]!) || isInteger(args[0]!))) return 'needs one BOOL or bit string';
      const t = concrete(args[0]!);
      return { params: [t], result: t };
    },
    emit: (a, sig) => notCode(a[0]!, sig.result),
    paramNames: ['IN'],
    generic: ALL,
  },
  SHL: shift('SHL'),
  SHR: shift('SHR'),
  ROL: shift('ROL'),
  ROR: shift('ROR'),
  SEL: {
    type(args) {
      if (args.length !== 3) return 'takes G, IN0 and IN1';
      const t = commonType(args[1]!, args[2]!);
      if (!t) return `IN0 and IN1 have different types (${typeName(args[1]!)}, ${typeName(args[2]!)})`;
      const c = concrete(t);
      return { params: [BOOL, c, c], result: c };
    },
    emit: (a) => `((${a[0]}) ? (${a[2]}) : (${a[1]}))`,
    paramNames: ['G', 'IN0', 'IN1'],
    generic: AFTER_FIRST,
  },
  MAX: minMax('max'),
  MIN: minMax('min'),
  LIMIT: {
    type(args) {
      if (args.length !== 3) return 'takes MN, IN and MX';
      let t = commonType(args[0]!, args[1]!);
      if (t) t = commonType(t, args[2]!);
      if (!t) return 'arguments have no common type';
      const c = concrete(t);
      return { params: [c, c, c], result: c };
    },
    emit: (a) => `$limit(${a[0]}, ${a[1]}, ${a[2]})`,
    paramNames: ['MN', 'IN', 'MX'],
    generic: ALL,
  },
  MUX: {
    type(args) {
      if (args.length < 2) return 'takes K and at least one input';
      if (!isInteger(args[0]!)) return 'K must be an integer';
      const common = commonOfAll(args.slice(1));
      if (!common) return 'inputs have no common type';
      const c = concrete(common);
      return { params: [concrete(args[0]!, elementary('DINT')), ...args.slice(1).map(() => c)], result: c };
    },
    emit(a, _sig, ctx) {
      const k = a[0]!;
      const inputs = a.slice(1);
      return `$mux(${k}, ${ctx.site}, ${inputs.map((x) => `() => (${x})`).join(', ')})`;
    },
    extensible: true,
    generic: AFTER_FIRST,
  },
  GT: compare('>'),
  GE: compare('>='),
  EQ: compare('==='),
  LE: compare('<='),
  LT: compare('<'),
  NE: compare('!==', false),
  LEN: {
    type(args) {
      if (args.length !== 1 || !isAnyString(args[0]!)) return 'needs one string';
      return { params: [args[0]!], result: elementary('INT') };
    },
    emit: (a) => `(${a[0]}).length`,
    paramNames: ['IN'],
  },
  // with literal L and P, the JavaScript string methods V8 inlines instead of the helpers' checks
  LEFT: stringFn(['IN', 'L'], (a) => (positive(a[1]!) ? `(${a[0]}).slice(0, ${a[1]})` : `$left(${a[0]}, ${a[1]})`), 'L'),
  RIGHT: stringFn(['IN', 'L'], (a) => (positive(a[1]!) ? `(${a[0]}).slice(-${a[1]})` : `$right(${a[0]}, ${a[1]})`), 'L'),
  MID: stringFn(['IN', 'L', 'P'], (a) => midCode(a[0]!, a[1]!, a[2]!), 'L'),
  INSERT: stringFn(['IN1', 'IN2', 'P'], (a) => `$insert(${a[0]}, ${a[1]}, ${a[2]})`),
  DELETE: stringFn(['IN', 'L', 'P'], (a) => `$delete(${a[0]}, ${a[1]}, ${a[2]})`, 'IN'),
  REPLACE: stringFn(['IN1', 'IN2', 'L', 'P'], (a) => `$replace(${a[0]}, ${a[1]}, ${a[2]}, ${a[3]})`),
  FIND: {
    type(args) {
      if (args.length !== 2 || !args.every(isAnyString)) return 'needs two strings';
      return { params: args, result: elementary('INT') };
    },
    emit: (a) => `((${a[0]}).indexOf(${a[1]}) + 1)`,
    paramNames: ['IN1', 'IN2'],
  },
  CONCAT: {
    type(args) {
      if (args.length < 2) return 'takes at least two arguments';
      if (args.every(isAnyString)) return { params: args, result: STR };
      if (args.length === 2 && familyOf(args[0]!) === 'date' && familyOf(args[1]!) === 'tod') {
        return { params: args, result: elementary('DT') };
      }
      return 'needs strings';
    },
    emit: (a, sig) => (sig.result.kind === 'string' ? a.map((x) => `(${x})`).join(' + ') : `((${a[0]}) + (${a[1]}) / 1e6)`),
    extensible: true,
  },
  TRUNC: {
    // ANY_REAL to ANY_INT: the integer type is the one the context expects, DINT by default
    type(args, expected) {
      if (args.length !== 1 || !isReal(args[0]!)) return 'needs one REAL or LREAL';
      const result = expected && expected.kind === 'elementary' && !expected.subrange && isInteger(expected) && !isBits(expected) ? expected : elementary('DINT');
      return { params: [concrete(args[0]!, LREAL)], result };
    },
    emit: (a, sig, ctx) => (sig.result === elementary('DINT') ? `(Math.trunc(${a[0]}) | 0)` : ctx.convert(`Math.trunc(${a[0]})`, LREAL, sig.result)),
    paramNames: ['IN'],
  },
  // REF(x): a reference to a variable. A function block instance, structure or array is held as
  // the object itself; the checker makes sure x is a variable and code generation gives an
  // elementary one a cell (this emit is only for the objects)
  REF: {
    type(args) {
      if (args.length !== 1) return 'takes one variable';
      const t = args[0]!;
      if (t.kind === 'void') return 'needs a variable';
      return { params: [t], result: { kind: 'ref', target: t } };
    },
    emit: (a) => a[0]!,
    paramNames: ['IN'],
  },
  TASK_TIME: {
    type(args) {
      if (args.length !== 0) return 'takes no arguments';
      return { params: [], result: TIME };
    },
    emit: () => 'rt.timeNs',
  },
};

// time arithmetic functions of the standard (table 30): typed variants of + - * /
const TIME_FNS: Record<string, [ElementaryTypeName, ElementaryTypeName | 'ANY_NUM', ElementaryTypeName, string]> = {
  ADD_TIME: ['TIME', 'TIME', 'TIME', '+'],
  SUB_TIME: ['TIME', 'TIME', 'TIME', '-'],
  MUL_TIME: ['TIME', 'ANY_NUM', 'TIME', '*'],
  DIV_TIME: ['TIME', 'ANY_NUM', 'TIME', '/'],
  ADD_TOD_TIME: ['TOD', 'TIME', 'TOD', '+'],
  ADD_DT_TIME: ['DT', 'TIME', 'DT', '+dt'],
  SUB_TOD_TIME: ['TOD', 'TIME', 'TOD', '-'],
  SUB_DT_TIME: ['DT', 'TIME', 'DT', '-dt'],
  SUB_DATE_DATE: ['DATE', 'DATE', 'TIME', '-dd'],
  SUB_TOD_TOD: ['TOD', 'TOD', 'TIME', '-'],
  SUB_DT_DT: ['DT', 'DT', 'TIME', '-dd'],
};
for (const [name, [a, b, r, op]] of Object.entries(TIME_FNS)) {
  TABLE[name] = {
    type(args) {
      if (args.length !== 2) return 'takes two arguments';
      const second = b === 'ANY_NUM' ? (isNumeric(args[1]!) ? concrete(args[1]!, LREAL) : undefined) : elementary(b);
      if (!second) return 'IN2 must be a number';
      return { params: [elementary(a), second], result: elementary(r) };
    },
    emit(x, sig) {
      switch (op) {
        case '+dt': return `(${x[0]}) + (${x[1]}) / 1e6`;
        case '-dt': return `(${x[0]}) - (${x[1]}) / 1e6`;
        case '-dd': return `((${x[0]}) - (${x[1]})) * 1e6`;
        case '*': return `Math.round((${x[0]}) * Number(${x[1]}))`;
        case '/': return `Math.trunc((${x[0]}) / Number(${x[1]}))`;
        default: return sig.result ? `(${x[0]}) ${op} (${x[1]})` : '';
      }
    },
    paramNames: ['IN1', 'IN2'],
  };
}
// CODESYS's ADR(x) for POINTER TO: the same reference as REF(x), with the same checks
TABLE.ADR = TABLE.REF!;
TABLE.DT_TO_TOD = {
  type: (args) => (args.length === 1 && familyOf(args[0]!) === 'dt' ? { params: [args[0]!], result: elementary('TOD') } : 'needs a DT'),
  emit: (a) => `$dtToTod(${a[0]})`,
  paramNames: ['IN'],
};
TABLE.DT_TO_DATE = {
  type: (args) => (args.length === 1 && familyOf(args[0]!) === 'dt' ? { params: [args[0]!], result: elementary('DATE') } : 'needs a DT'),
  emit: (a) => `$dtToDate(${a[0]})`,
  paramNames: ['IN'],
};
TABLE.CONCAT_DATE_TOD = {
  type: (args) => (args.length === 2 ? { params: [elementary('DATE'), elementary('TOD')], result: elementary('DT') } : 'takes a DATE and a TOD'),
  emit: (a) => `((${a[0]}) + (${a[1]}) / 1e6)`,
  paramNames: ['IN1', 'IN2'],
};

function minMax(which: 'max' | 'min'): Builtin {
  return {
    type(args) {
      if (args.length < 2) return 'takes at least two arguments';
      const common = commonOfAll(args);
      if (!common) return 'arguments have no common type';
      const c = concrete(common);
      return { params: args.map(() => c), result: c };
    },
    emit: (a) => a.reduce((acc, x) => `$${which}(${acc}, ${x})`),
    extensible: true,
    generic: ALL,
  };
}

/**
 * A character string function; `part` marks those whose result is a part of IN, never longer
 * than IN (DELETE) nor than a literal L (LEFT, RIGHT, MID): storing it in a STRING at least that
 * long needs no truncation.
 */
function stringFn(params: string[], emit: (a: string[]) => string, part?: 'IN' | 'L'): Builtin {
  return {
    type(args) {
      if (args.length !== params.length) return `takes ${params.join(', ')}`;
      const types: Type[] = params.map((p, i) => (p.startsWith('IN') ? (isAnyString(args[i]!) ? args[i]! : ERROR) : isInteger(args[i]!) ? concrete(args[i]!, elementary('INT')) : ERROR));
      if (types.some((t) => t.kind === 'error')) return `takes ${params.map((p) => (p.startsWith('IN') ? `${p}: STRING` : `${p}: INT`)).join(', ')}`;
      if (!part) return { params: types, result: STR };
      const input = args[0] as StringType;
      const l = part === 'L' ? args[1]! : undefined;
      const most = l?.kind === 'literalInt' && l.value >= 0n && l.value < BigInt(input.length) ? Math.max(1, Number(l.value)) : input.length;
      return { params: types, result: { ...STR, length: Math.min(STR.length, most) } };
    },
    emit,
    paramNames: params,
  };
}

/** Is this argument's code a positive integer literal? */
function positive(code: string): boolean {
  return /^[1-9][0-9]*$/.test(code);
}

/** MID(IN, L, P): characters P … P + L - 1 (1-based), '' when L < 1 or P < 1, fewer past the end. */
function midCode(s: string, l: string, p: string): string {
  if (!positive(l) || !positive(p)) return `$mid(${s}, ${l}, ${p})`;
  const from = Number(p) - 1;
  return l === '1' ? `(${s}).charAt(${from})` : `(${s}).slice(${from}, ${from + Number(l)})`;
}

export function divCode(a: string, b: string, t: Type, site: number): string {
  const name = (t as { name: ElementaryTypeName }).name;
  const info = ELEMENTARY[name];
  if (info.bits === 64) return `$div64(${a}, ${b}, ${site}, ${info.family === 'signed'})`;
  return info.family === 'signed' ? `$idiv(${a}, ${b}, ${site})` : `$udiv(${a}, ${b}, ${site})`;
}

export function modCode(a: string, b: string, t: Type, site: number): string {
  const name = (t as { name: ElementaryTypeName }).name;
  if (ELEMENTARY[name].bits === 64) return `$mod64(${a}, ${b}, ${site})`;
  return `$imod(${a}, ${b}, ${site})`;
}

export function notCode(a: string, t: Type): string {
  if (t.kind !== 'elementary' || t.name === 'BOOL') return `!(${a})`;
  const info = ELEMENTARY[t.name];
  if (info.bits === 64) return info.family === 'signed' ? `BigInt.asIntN(64, ~(${a}))` : `BigInt.asUintN(64, ~(${a}))`;
  if (info.family === 'signed') return `~(${a})`;
  return info.bits === 32 ? `(~(${a}) >>> 0)` : `(~(${a}) & ${(2 ** info.bits) - 1})`;
}

// ------------------------------------------------------------------ conversions

/** `X_TO_Y`, `TO_Y`, `BCD_TO_Y`, `Y_TO_BCD`, `TRUNC_Y` */
function conversion(name: string): Builtin | undefined {
  const upper = name.toUpperCase();
  const m = /^(?:(.+)_)?TO_(.+)$/.exec(upper);
  if (m) {
    const fromName = m[1];
    const toName = m[2]!;
    if (fromName === 'BCD') {
      const to = elementaryByName(toName);
      if (!to || !isInteger(elementary(to))) return undefined;
      return {
        type: (args) => (args.length === 1 && (isBits(args[0]!) || isInteger(args[0]!)) ? { params: [concrete(args[0]!, elementary('DWORD'))], result: elementary(to) } : 'needs a bit string'),
        emit: (a, sig, ctx) => ctx.convert(`$fromBcd(${a[0]}, ${ctx.site})`, LREAL, sig.result),
        paramNames: ['IN'],
      };
    }
    if (toName === 'BCD') {
      const from = fromName ? elementaryByName(fromName) : undefined;
      return {
        type: (args) => (args.length === 1 && isInteger(args[0]!) ? { params: [from ? elementary(from) : concrete(args[0]!)], result: elementary('DWORD') } : 'needs an integer'),
        emit: (a, _s, ctx) => `$toBcd(${a[0]}, ${ctx.site})`,
        paramNames: ['IN'],
      };
    }
    const to = typeByName(toName);
    const from = fromName ? typeByName(fromName) : undefined;
    if (!to || (fromName && !from)) return undefined;
    return {
      type(args) {
        if (args.length !== 1) return 'takes one argument';
        const src = from ?? concrete(args[0]!);
        return { params: [src], result: to.kind === 'string' ? textOf(src, to) : to };
      },
      emit: (a, sig, ctx) => ctx.convert(a[0]!, sig.params[0]!, sig.result),
      paramNames: ['IN'],
    };
  }
  const t = /^TRUNC_(.+)$/.exec(upper);
  if (t) {
    const to = elementaryByName(t[1]!);
    if (!to || !isInteger(elementary(to))) return undefined;
    return {
      type: (args) => (args.length === 1 && isReal(args[0]!) ? { params: [concrete(args[0]!, LREAL)], result: elementary(to) } : 'needs a REAL or LREAL'),
      emit: (a, sig, ctx) => ctx.convert(`Math.trunc(${a[0]})`, LREAL, sig.result),
      paramNames: ['IN'],
    };
  }
  return undefined;
}

/** The text of an integer, bit string or BOOL of type `src`: no longer than its longest decimal text. */
function textOf(src: Type, to: StringType): StringType {
  const most = src.kind === 'elementary' ? textLength(src.name) : undefined;
  return most !== undefined && most < to.length ? { ...to, length: most } : to;
}

function typeByName(n: string): Type | undefined {
  const e = elementaryByName(n);
  if (e) return elementary(e);
  if (n === 'STRING') return STR;
  if (n === 'WSTRING') return { kind: 'string', wide: true, length: 254 };
  return undefined;
}

function lookupStandard(name: string): Builtin | undefined {
  const upper = name.toUpperCase();
  return TABLE[upper] ?? conversion(upper);
}

export type { Builtin };

/**
 * The functions one compilation knows, by name (any case). Passed explicitly to the checker
 * and the code generator, so a caller that adds functions (the assertions of `vplc test`)
 * changes only its own compilations, never the standard library of the process.
 */
export interface FunctionLibrary {
  lookup(name: string): Builtin | undefined;
}

/** IEC 61131-3's standard functions and conversions. */
export const STANDARD_FUNCTIONS: FunctionLibrary = { lookup: lookupStandard };

/**
 * `base` plus `extra` (names from outside the standard): their emitted JS may call methods of
 * `rt` that the caller's RuntimeSupport has. `extra` wins over `base` for a name in both.
 */
export function withFunctions(base: FunctionLibrary, extra: Readonly<Record<string, Builtin>>): FunctionLibrary {
  const added = new Map(Object.entries(extra).map(([n, b]) => [n.toUpperCase(), b]));
  return { lookup: (name) => added.get(name.toUpperCase()) ?? base.lookup(name) };
}
