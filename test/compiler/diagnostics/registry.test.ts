/**
 * The diagnostic registry: codes are a union type (a misspelt code fails in tsc, which checks
 * this file too), each registered once, with the severity its letter says.
 */
import { describe, expect, it } from 'vitest';
import { allCodes, diagnostic, lookupCode, type Code } from '../../../compiler/diagnostics/registry.js';

const at = { file: 'x.st', line: 3, col: 4, endLine: 3, endCol: 5 };

describe('diagnostic registry', () => {
  it('builds a diagnostic with the registered severity of its code', () => {
    expect(diagnostic('E4012', 'bad', at)).toEqual({ code: 'E4012', severity: 'error', message: 'bad', range: at });
    expect(diagnostic('W3001', 'dup', at).severity).toBe('warning');
  });

  it('rejects an unregistered code at compile time', () => {
    // @ts-expect-error E9999 is not a registered code: tsc fails if this line stops being an error
    const misspelt: Code = 'E9999';
    expect(lookupCode(misspelt)).toBeUndefined();
  });

  it('registers each code once, E codes as errors and W codes as warnings', () => {
    const codes = allCodes().map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of allCodes()) expect(c.severity, c.code).toBe(c.code.startsWith('W') ? 'warning' : 'error');
  });
});
