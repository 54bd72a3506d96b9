import { describe, it, expect } from 'vitest';
import { StParser } from '../../../compiler/st/parser.js';
import { stLexer, allTokens } from '../../../compiler/st/lexer.js';

describe('grammar self-check', () => {
  it('chevrotain finds no ambiguity or left recursion in the grammar', () => {
    // with validations on, performSelfAnalysis throws on any definition error
    // (ambiguous alternatives, left recursion, duplicate rules, unreachable alternatives)
    expect(() => new StParser(true)).not.toThrow();
  });

  it('the lexer definition has no errors', () => {
    expect(stLexer.lexerDefinitionErrors).toEqual([]);
    expect(new Set(allTokens.map((t) => t.name)).size).toBe(allTokens.length);
  });
});
