import type { DiagnosticCode } from './code.js';

export const IEC61499_CODES: readonly DiagnosticCode[] = [];
