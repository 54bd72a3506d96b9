import { describe, it, expect } from 'vitest';
import { StParser } from '../../../compiler/st/parser.js';
import { stLexer, allTokens } from '../../../compiler/st/lexer.js';

describe('grammar self-check', () => {
  it('chevrotain finds no ambiguity or left recursion in the grammar', () => {
    // construction with validations throws on any definition error
    const parser = new StParser(true);
    expect(parser.definitionErrors).toEqual([]);
  });

  it('the lexer definition has no errors', () => {
    expect(stLexer.lexerDefinitionErrors).toEqual([]);
    expect(new Set(allTokens.map((t) => t.name)).size).toBe(allTokens.length);
  });
});
