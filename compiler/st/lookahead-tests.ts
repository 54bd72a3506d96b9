/**
 * The decisions both ST parsers (compiler/st/parser.ts, compiler/st/ast-parser*.ts) make by
 * looking further ahead than LL(k) can: the same function for both, so they cannot disagree.
 */
import type { IToken, TokenType } from 'chevrotain';
import { EOF } from './chevrotain.js';
import * as T from './lexer.js';

const STATEMENT_START = new Set<TokenType>([T.IF, T.CASE, T.FOR, T.WHILE, T.REPEAT, T.EXIT, T.CONTINUE, T.RETURN]);

/** Is the text ahead a CASE label list (it reaches ':' before ':=' or ';')? `la(i)` is the i-th token ahead. */
export function atCaseLabel(la: (i: number) => IToken): boolean {
  const first = la(1).tokenType;
  if (STATEMENT_START.has(first) || first === T.Semicolon) return false;
  for (let i = 1; ; i++) {
    const t = la(i).tokenType;
    if (t === T.Colon) return true;
    if (t === T.Assign || t === T.Semicolon || t === EOF || t === T.OutputAssign) return false;
    if (i > 512) return false;
  }
}

/** `S=`, `R=` and `REF=` assignments are written with a name that is no keyword. */
export function isSetResetRef(tok: IToken): boolean {
  if (tok.tokenType !== T.Identifier) return false;
  const u = tok.image.toUpperCase();
  return u === 'S' || u === 'R' || u === 'REF';
}
