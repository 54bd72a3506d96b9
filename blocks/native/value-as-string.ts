import type { TypeInfo } from '../../compiler/application.js';
import { valueText } from '../../compiler/contract/value-text.js';
import { NativeFb, type NativeBlock, type NativeContext } from './native-fb.js';

/**
 * FORTE's F_REAL_AS_STRING, F_LREAL_AS_STRING (and WSTRING) and F_ANY_AS_STRING: a value as
 * FORTE's own text. A REAL is printed as C's "%.9g" and an LREAL as "%.17g" (the digits that
 * read back to the same value, so 0.1 as REAL is 0.100000001), with ".0" added when neither a
 * point nor an exponent was written (1.0, not 1); a zero duration is T#0ns. Other types as
 * management READ writes them (dates and times of day as their number: not FORTE's D#/DT#/TOD# yet). They build a string, as any conversion to STRING does.
 */

/** x as C's printf("%.{p}g"): p significant digits, exponent form below 1e-4 or from 10^p. */
export function formatG(x: number, p: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = x.toExponential(p - 1);
  const e = Number(exp.slice(exp.indexOf('e') + 1));
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (e < -4 || e >= p) {
    const mantissa = strip(exp.slice(0, exp.indexOf('e')));
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return strip(x.toFixed(p - 1 - e));
}

/** FORTE's REAL/LREAL text: %.9g or %.17g, with ".0" when it shows neither point nor exponent. */
export function realText(x: number, digits: number): string {
  const s = formatG(x, digits);
  return /[.e]/i.test(s) ? s : `${s}.0`;
}

/** A value of type `t` as FORTE's ANY_AS_STRING writes it. */
export function forteValueText(t: TypeInfo | undefined, v: unknown): string {
  if (t?.kind === 'elementary') {
    if (t.name === 'REAL') return realText(Number(v), 9);
    if (t.name === 'LREAL') return realText(Number(v), 17);
    if ((t.name === 'TIME' || t.name === 'LTIME') && Number(v) === 0) return t.name === 'TIME' ? 'T#0ns' : 'LT#0ns';
    return valueText(t.name, v);
  }
  if (t?.kind === 'string') return valueText(t.wide ? 'WSTRING' : 'STRING', v);
  return valueText(undefined, v);
}

class RealAsText extends NativeFb {
  IN = 0;
  OUT = '';
  constructor(ctx: NativeContext, private readonly digits: number) {
    super(ctx);
  }
  $event(_ei: number): void {
    this.OUT = realText(this.IN, this.digits);
    this.$emit(0);
  }
}

/** F_ANY_AS_STRING: the type of IN is the type of the port connected to it. */
export class F_ANY_AS_STRING extends NativeFb {
  IN: unknown = 0;
  OUT = '';
  private type: TypeInfo | undefined;
  override $prepare(): void {
    this.type = this.$ctx.portType?.(this, 'IN');
  }
  $event(_ei: number): void {
    this.OUT = forteValueText(this.type, this.IN);
    this.$emit(0);
  }
}

const EVENTS = { inputs: ['REQ'], outputs: ['CNF'] };

export const VALUE_AS_STRING_BLOCKS: NativeBlock[] = [
  ...(['STRING', 'WSTRING'] as const).flatMap((s): NativeBlock[] => [
    { name: `F_REAL_AS_${s}`, events: EVENTS, create: (c) => new RealAsText(c, 9) },
    { name: `F_LREAL_AS_${s}`, events: EVENTS, create: (c) => new RealAsText(c, 17) },
  ]),
  { name: 'F_ANY_AS_STRING', events: EVENTS, create: (c) => new F_ANY_AS_STRING(c) },
];
