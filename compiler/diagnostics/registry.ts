import type { DiagnosticCode } from './code.js';
import type { Diagnostic } from './diagnostic.js';
import type { SourceRange } from '../source.js';
import { ST_CODES } from './st-codes.js';
import { IEC61499_CODES } from './iec61499-codes.js';
import { PLCOPEN_CODES } from './plcopen-codes.js';
import { CONFIG_CODES } from './config-codes.js';

/**
 * The registry of every diagnostic code vPLC emits, by range:
 * E1xxx lexical and syntax, E2xxx declarations and names, E3xxx types, E4xxx IEC 61499,
 * E5xxx PLCopen XML, E6xxx configuration and I/O, W… warnings.
 */
const ALL: readonly DiagnosticCode[] = [...ST_CODES, ...IEC61499_CODES, ...PLCOPEN_CODES, ...CONFIG_CODES];

const BY_CODE = new Map<string, DiagnosticCode>(ALL.map((c) => [c.code, c]));

export function lookupCode(code: string): DiagnosticCode | undefined {
  return BY_CODE.get(code.toUpperCase());
}

export function allCodes(): readonly DiagnosticCode[] {
  return ALL;
}

/** Build a diagnostic with the registered severity of its code. */
export function diagnostic(code: string, message: string, range: SourceRange): Diagnostic {
  const entry = BY_CODE.get(code);
  if (!entry) throw new Error(`unregistered diagnostic code ${code}`);
  return { code, severity: entry.severity, message, range };
}
