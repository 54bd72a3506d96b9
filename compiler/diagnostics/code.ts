import type { Severity } from './diagnostic.js';

/**
 * One entry of the diagnostic registry: every code has a default severity, a one-line title
 * and a short explanation shown by `vplc explain CODE`.
 */
export interface DiagnosticCode {
  code: string;
  severity: Severity;
  title: string;
  explanation: string;
}
