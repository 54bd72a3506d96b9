import type { FaultKind } from '../compiler/application.js';

/**
 * A runtime fault of the PLC program: it stops the task, never the process. Thrown by
 * generated code through RuntimeSupport.fault and caught by the task runner.
 */
export class PlcFault extends Error {
  constructor(
    readonly kind: FaultKind,
    readonly pou: string,
    readonly file: string,
    readonly line: number,
    readonly detail?: string,
  ) {
    super(`${kind} in ${pou} at ${file}:${line}${detail ? `: ${detail}` : ''}`);
    this.name = 'PlcFault';
  }
}

/** The fault as reported to users: kind, POU, file and line, and no stack trace. */
export interface FaultReport {
  kind: FaultKind;
  pou: string;
  file: string;
  line: number;
  detail?: string;
  task?: string;
  resource?: string;
}

export function toFaultReport(e: unknown, context: { task?: string; resource?: string } = {}): FaultReport {
  if (e instanceof PlcFault) {
    const r: FaultReport = { kind: e.kind, pou: e.pou, file: e.file, line: e.line, ...context };
    if (e.detail !== undefined) r.detail = e.detail;
    return r;
  }
  // A JavaScript error escaping generated code is a vPLC bug or a resource limit (stack overflow);
  // it is still contained as a fault of the task.
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'INTERNAL', pou: '?', file: '?', line: 0, detail: message, ...context };
}

export function formatFault(f: FaultReport): string {
  const where = f.task ? ` (task ${f.resource ? `${f.resource}.` : ''}${f.task})` : '';
  return `fault ${f.kind} in ${f.pou} at ${f.file}:${f.line}${where}${f.detail ? `: ${f.detail}` : ''}`;
}
