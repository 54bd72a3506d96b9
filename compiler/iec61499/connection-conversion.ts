import type { ElementaryTypeName } from '../application.js';
import { convertCode } from '../codegen/convert.js';
import { withoutPreludeConstants } from '../codegen/prelude.js';
import { elementaryByName, ELEMENTARY } from '../types/types.js';
import { widensImplicitly } from '../contract/implicit-conversion.js';

/**
 * What a data connection between ports of two different elementary types does. IEC 61131-3
 * (ed. 3, figure 11) lets a value widen implicitly; FORTE also connects the narrowing pairs of
 * numbers and bit strings (its downcasts), converting the value as the *_TO_* functions do.
 */
export type ConnectionConversion =
  | { kind: 'widening'; convert?: string }
  | { kind: 'narrowing'; convert?: string };

/** The placeholder for the source's value in a conversion expression (see Connection.convert). */
export const SOURCE_VALUE = '§';


/** Families whose values FORTE converts into each other on a connection (numbers and bit strings). */
const NUMERIC = new Set(['signed', 'unsigned', 'bits', 'real']);

/** Whether IEC 61131-3 converts `from` to `to` implicitly. */
export function iecWidens(from: ElementaryTypeName, to: ElementaryTypeName): boolean {
  return from === to || widensImplicitly(from, to);
}

/**
 * The conversion of a data connection from `from` to `to` (type names as declared), or
 * undefined when the two cannot be connected. `convert` is absent when the value's run-time
 * representation does not change (UINT to REAL: a number stays a number).
 */
export function connectionConversion(from: string, to: string): ConnectionConversion | undefined {
  const f = elementaryByName(from);
  const t = elementaryByName(to);
  if (!f || !t) return undefined;
  const code = withoutPreludeConstants(convertCode(SOURCE_VALUE, { kind: 'elementary', name: f }, { kind: 'elementary', name: t }));
  // conversions that need the compiled module's helpers (REAL to an integer rounds ties to even) are not connections
  if (code.includes('$')) return undefined;
  const convert = code === SOURCE_VALUE ? {} : { convert: code };
  if (iecWidens(f, t)) return { kind: 'widening', ...convert };
  if (NUMERIC.has(ELEMENTARY[f].family) && NUMERIC.has(ELEMENTARY[t].family)) return { kind: 'narrowing', ...convert };
  return undefined;
}
