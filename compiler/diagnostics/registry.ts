import type { DiagnosticCode } from './code.js';
import type { Diagnostic } from './diagnostic.js';
import type { SourceRange } from '../source.js';
import { ST_CODES } from './st-codes.js';
import { IEC61499_CODES } from './iec61499-codes.js';
import { PLCOPEN_CODES } from './plcopen-codes.js';
import { CONFIG_CODES } from './config-codes.js';
import { IL_CODES } from './il-codes.js';
import { SFC_CODES } from './sfc-codes.js';

/**
 * The registry of every diagnostic code vPLC emits, by range:
 * E1xxx lexical and syntax, E2xxx declarations and names, E3xxx types, E4xxx IEC 61499,
 * E21xx SFC, E5xxx PLCopen XML, E6xxx configuration and I/O, W… warnings.
 */
const ALL = [...ST_CODES, ...IL_CODES, ...SFC_CODES, ...IEC61499_CODES, ...PLCOPEN_CODES, ...CONFIG_CODES] as const;

/** Every registered code as a type: a misspelt or unregistered code fails to compile. */
export type Code = (typeof ALL)[number]['code'];

const BY_CODE = new Map<string, DiagnosticCode>(ALL.map((c): [string, DiagnosticCode] => [c.code, c]));

export function lookupCode(code: string): DiagnosticCode | undefined {
  return BY_CODE.get(code.toUpperCase());
}

export function allCodes(): readonly DiagnosticCode[] {
  return ALL;
}

/** Build a diagnostic with the registered severity of its code. */
export function diagnostic(code: Code, message: string, range: SourceRange): Diagnostic {
  // the Code type makes this lookup total; the registry is still the one source of severities
  const entry = BY_CODE.get(code)!;
  return { code, severity: entry.severity, message, range };
}
