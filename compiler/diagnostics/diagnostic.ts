import type { SourceRange } from '../source.js';

export type Severity = 'error' | 'warning' | 'info';

/** A diagnostic is data: collected, never thrown, so that one run reports every error it can. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: SourceRange;
}

/** `path:line:col: error CODE: message`, the form editors and CI logs understand. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.range.file}:${d.range.line}:${d.range.col}: ${d.severity} ${d.code}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by file, line, column so that output is stable and reads top to bottom. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.range.file.localeCompare(b.range.file) ||
      a.range.line - b.range.line ||
      a.range.col - b.range.col,
  );
}
