import type { DiagnosticCode } from './code.js';

export const CONFIG_CODES: readonly DiagnosticCode[] = [];
