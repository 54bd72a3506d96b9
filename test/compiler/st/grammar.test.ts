import { describe, it, expect } from 'vitest';
import { StParser } from '../../../compiler/st/parser.js';
import { allTokens } from '../../../compiler/st/lexer.js';
import { Lexer } from '../../../compiler/st/chevrotain.js';

describe('grammar self-check', () => {
  it('chevrotain finds no ambiguity or left recursion in the grammar', () => {
    // with validations on, performSelfAnalysis throws on any definition error
    // (ambiguous alternatives, left recursion, duplicate rules, unreachable alternatives)
    expect(() => new StParser(true)).not.toThrow();
  });

  it('the lexer definition has no errors', () => {
    // the lexer vPLC uses skips these checks at start-up; they run here
    const checked = new Lexer(allTokens, { positionTracking: 'full', ensureOptimizations: false, skipValidations: false });
    expect(checked.lexerDefinitionErrors).toEqual([]);
    expect(new Set(allTokens.map((t) => t.name)).size).toBe(allTokens.length);
  });
});
