import type { DiagnosticCode } from './code.js';

export const PLCOPEN_CODES: readonly DiagnosticCode[] = [];
