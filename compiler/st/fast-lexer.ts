/**
 * The tokens of a clean Structured Text file, read over char codes into typed arrays, for the
 * hand-written parser (compiler/st/fast-parser.ts). It finds exactly the tokens chevrotain's
 * lexer (compiler/st/lexer.ts) finds, kind for kind: a token's kind is its chevrotain token
 * type's `tokenTypeIdx`, keywords come from the lexer's list, and the rare forms (literals with
 * a `#` after a word, direct addresses) are matched with the lexer's own patterns. On anything
 * the lexer would report (a stray character, an unclosed comment, pragma or string), on a chart
 * (SFC text) or on nesting deeper than parse.ts allows, it gives up: undefined, and parse.ts
 * reads the file as before.
 */
import type { TokenType } from 'chevrotain';
import { EOF } from './chevrotain.js';
import * as T from './lexer.js';

/** Tokens in text order: kind (chevrotain tokenTypeIdx), start and end offsets (end exclusive); the last is EOF. */
export interface FastTokens {
  readonly kinds: Uint16Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** the number of tokens, EOF included */
  readonly count: number;
}

const kind = (t: TokenType): number => t.tokenTypeIdx!;

export const K_EOF = kind(EOF);
const IDENT = kind(T.Identifier);

/** Kinds of the punctuation, by first character. */
const ASSIGN = kind(T.Assign);
const OUTPUT_ASSIGN = kind(T.OutputAssign);
const LESS_EQUAL = kind(T.LessEqual);
const GREATER_EQUAL = kind(T.GreaterEqual);
const NOT_EQUAL = kind(T.NotEqual);
const POWER = kind(T.Power);
const DOT_DOT = kind(T.DotDot);
const COLON = kind(T.Colon);
const SEMICOLON = kind(T.Semicolon);
const COMMA = kind(T.Comma);
const LPAREN = kind(T.LParen);
const RPAREN = kind(T.RParen);
const LBRACKET = kind(T.LBracket);
const RBRACKET = kind(T.RBracket);
const PLUS = kind(T.Plus);
const MINUS = kind(T.Minus);
const STAR = kind(T.Star);
const SLASH = kind(T.Slash);
const LESS = kind(T.Less);
const GREATER = kind(T.Greater);
const EQUAL = kind(T.Equal);
const AMPERSAND = kind(T.Ampersand);
const CARET = kind(T.Caret);
const DOT = kind(T.Dot);
const SSTRING = kind(T.SString);
const DSTRING = kind(T.DString);
const BASED_INTEGER = kind(T.BasedInteger);
const REAL_LITERAL = kind(T.RealLiteral);
const INTEGER_LITERAL = kind(T.IntegerLiteral);

/** The lexer's own patterns for the rare tokens, tried in the lexer's order at the same place. */
function sticky(t: TokenType): [RegExp, number] {
  const p = t.PATTERN as RegExp;
  return [new RegExp(p.source, p.flags.replace(/[gy]/g, '') + 'y'), kind(t)];
}
/** A word followed by `#`: the first of these that matches, else the word is a name. */
const HASH_FORMS = [T.DateAndTimeLiteral, T.TimeOfDayLiteral, T.DateLiteral, T.DurationLiteral, T.TypedLiteral].map(sticky);
/** `%`: a direct address, else a partial access. */
const PERCENT_FORMS = [T.DirectVariable, T.PartialAccess].map(sticky);

/** +1 for the kinds that open a nesting level, -1 for those that close one (as parse.ts counts). */
const NESTING = new Int8Array(Math.max(...T.allTokens.map(kind)) + 1);
for (const t of [T.LParen, T.LBracket, T.IF, T.CASE, T.FOR, T.WHILE, T.REPEAT]) NESTING[kind(t)] = 1;
for (const t of [T.RParen, T.RBracket, T.END_IF, T.END_CASE, T.END_FOR, T.END_WHILE, T.END_REPEAT]) NESTING[kind(t)] = -1;

// ---------------------------------------------------------------- keywords

/** Keywords by length and first two letters (case folded); each candidate compared letter by letter, without an upper-case copy. */
const KEYWORD_CANDIDATES = new Map<number, { spelling: string; kind: number }[]>();
let longestKeyword = 0;
function shapeOf(text: string, start: number, end: number): number {
  const n = end - start;
  return (n << 16) | ((text.charCodeAt(start) | 0x20) << 8) | (n > 1 ? text.charCodeAt(start + 1) | 0x20 : 0);
}
for (const t of T.keywordTypes) {
  const spelling = String(t.name);
  longestKeyword = Math.max(longestKeyword, spelling.length);
  const s = shapeOf(spelling, 0, spelling.length);
  const list = KEYWORD_CANDIDATES.get(s) ?? [];
  list.push({ spelling, kind: kind(t) });
  KEYWORD_CANDIDATES.set(s, list);
}

/** The keyword kind of the word [start, end), or the name kind. */
function wordKind(text: string, start: number, end: number): number {
  if (end - start > longestKeyword) return IDENT;
  const candidates = KEYWORD_CANDIDATES.get(shapeOf(text, start, end));
  if (candidates === undefined) return IDENT;
  next: for (const c of candidates) {
    const s = c.spelling;
    for (let i = 2; i < s.length; i++) {
      let ch = text.charCodeAt(start + i);
      if (ch >= 97 && ch <= 122) ch -= 32;
      if (ch !== s.charCodeAt(i)) continue next;
    }
    return c.kind;
  }
  return IDENT;
}

/** Is [start, end) the word `upper` (given in upper case), in any case? */
export function isWord(text: string, start: number, end: number, upper: string): boolean {
  if (end - start !== upper.length) return false;
  for (let i = 0; i < upper.length; i++) {
    let ch = text.charCodeAt(start + i);
    if (ch >= 97 && ch <= 122) ch -= 32;
    if (ch !== upper.charCodeAt(i)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- characters

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isDigitOr_(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 95;
}
/** The lexer's white space: [ \t\r\n\f\v\u00a0\ufeff] */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff;
}

/** Thrown (one object, never a new one) where the lexer would report something. */
const GIVE_UP = { giveUp: true };

/** End of the `(* … *)` comment (nesting) at `i`. */
function blockCommentEnd(text: string, i: number): number {
  let depth = 1;
  const n = text.length;
  i += 2;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 42 && text.charCodeAt(i + 1) === 41) {
      i += 2;
      if (--depth === 0) return i;
    } else if (c === 40 && text.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else i++;
  }
  throw GIVE_UP;
}

/** End of the string at `i` quoted with `quote`: no line break inside, `$` escapes the next character. */
function stringEnd(text: string, i: number, quote: number): number {
  const n = text.length;
  for (i++; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 10 || c === 13) break;
    if (c === 36) {
      const e = text.charCodeAt(i + 1);
      if (i + 1 >= n || e === 10 || e === 13) break;
      i++;
    }
  }
  throw GIVE_UP;
}

/** End of the number at `i` and its kind: `16#FF`, `1.5E3`, `2e-3`, `1_000` (the lexer's BasedInteger, RealLiteral, IntegerLiteral). */
function numberEnd(text: string, i: number, out: { kind: number }): number {
  const n = text.length;
  let j = i + 1;
  while (j < n && isDigitOr_(text.charCodeAt(j))) j++;
  const c = text.charCodeAt(j);
  if (c === 35 /* # */ && isIdentPart(text.charCodeAt(j + 1))) {
    j += 2;
    while (j < n && isIdentPart(text.charCodeAt(j))) j++;
    out.kind = BASED_INTEGER;
    return j;
  }
  if (c === 46 /* . */ && isDigit(text.charCodeAt(j + 1))) {
    j += 2;
    while (j < n && isDigitOr_(text.charCodeAt(j))) j++;
    out.kind = REAL_LITERAL;
    return exponentEnd(text, j);
  }
  const e = exponentEnd(text, j);
  out.kind = e > j ? REAL_LITERAL : INTEGER_LITERAL;
  return e;
}

/** `[eE][+-]?\d[\d_]*` at `j`, or `j` when there is none. */
function exponentEnd(text: string, j: number): number {
  const c = text.charCodeAt(j);
  if (c !== 101 && c !== 69) return j;
  let k = j + 1;
  const s = text.charCodeAt(k);
  if (s === 43 || s === 45) k++;
  if (!isDigit(text.charCodeAt(k))) return j;
  k++;
  while (k < text.length && isDigitOr_(text.charCodeAt(k))) k++;
  return k;
}

/** The first of `forms` that matches at `i`: [end, kind], or undefined. */
function firstForm(text: string, i: number, forms: [RegExp, number][]): [number, number] | undefined {
  for (const [re, k] of forms) {
    re.lastIndex = i;
    if (re.test(text)) return [re.lastIndex, k];
  }
  return undefined;
}

// ---------------------------------------------------------------- the lexer

/** Where tokens are written: kept for the next file, made larger when a file needs it. */
let kinds = new Uint16Array(0);
let starts = new Int32Array(0);
let ends = new Int32Array(0);

/** Room for `n` tokens, before the loop: a call first made inside it would cost the optimised loop a deoptimisation. */
function reserve(n: number): void {
  if (kinds.length >= n) return;
  kinds = new Uint16Array(n);
  starts = new Int32Array(n);
  ends = new Int32Array(n);
}

/** Lets go of arrays grown for a large file (a long-running `vplc serve` keeps no megabytes for its next, smaller compile). */
export function releaseTokens(): void {
  if (kinds.length <= 1 << 16) return;
  kinds = new Uint16Array(0);
  starts = new Int32Array(0);
  ends = new Int32Array(0);
}

function grow(): void {
  const n = kinds.length * 2;
  const k = new Uint16Array(n);
  k.set(kinds);
  const s = new Int32Array(n);
  s.set(starts);
  const e = new Int32Array(n);
  e.set(ends);
  kinds = k;
  starts = s;
  ends = e;
}

const numberKind = { kind: 0 };

/**
 * The tokens of `text`, or undefined where the lexer would report something, where the text
 * holds a chart, or where it nests deeper than `maxNesting`. The arrays are reused by the next
 * call: read them before tokenizing another text.
 */
export function fastTokenize(text: string, maxNesting: number): FastTokens | undefined {
  try {
    return tokenize(text, maxNesting);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

function tokenize(text: string, maxNesting: number): FastTokens {
  const n = text.length;
  // ST has a token every 4 to 8 characters; a text with more grows the arrays
  reserve((n >> 2) + 64);
  chartWord = false;
  let count = scan(text, maxNesting);
  if (count + 1 >= kinds.length) grow();
  kinds[count] = K_EOF;
  starts[count] = n;
  ends[count] = n;
  count++;
  if (chartWord && holdsChart(text, count)) throw GIVE_UP;
  return { kinds, starts, ends, count };
}

/** a name spelt like INITIAL_STEP, STEP or TRANSITION was seen: look for a chart at the end */
let chartWord = false;

/**
 * The tokens of `text` into the arrays; returns their number. Only the loop: code after it, never
 * run while the loop is being optimised, would cost the optimised loop a deoptimisation.
 */
function scan(text: string, maxNesting: number): number {
  const n = text.length;
  let count = 0;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let k: number;
    let end: number;
    if (isIdentStart(c)) {
      end = i + 1;
      while (end < n && isIdentPart(text.charCodeAt(end))) end++;
      k = IDENT;
      if (text.charCodeAt(end) === 35 /* # */) {
        const form = firstForm(text, i, HASH_FORMS);
        if (form) [end, k] = form;
      }
      if (k === IDENT) {
        k = wordKind(text, i, end);
        const len = end - i;
        if (k === IDENT && (len === 4 || len === 10 || len === 12) && isChartWord(text, i, end)) chartWord = true;
      }
    } else if (isSpace(c)) {
      i++;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      continue;
    } else if (isDigit(c)) {
      end = numberEnd(text, i, numberKind);
      k = numberKind.kind;
    } else {
      const d = text.charCodeAt(i + 1);
      end = i + 1;
      switch (c) {
        case 40: // (
          if (d === 42) {
            i = blockCommentEnd(text, i);
            continue;
          }
          k = LPAREN;
          break;
        case 47: // /
          if (d === 47) {
            i += 2;
            while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
            continue;
          }
          if (d === 42) {
            const close = text.indexOf('*/', i + 2);
            if (close < 0) throw GIVE_UP;
            i = close + 2;
            continue;
          }
          k = SLASH;
          break;
        case 123: { // {
          const close = text.indexOf('}', i + 1);
          if (close < 0) throw GIVE_UP;
          i = close + 1;
          continue;
        }
        case 39: // '
          end = stringEnd(text, i, 39);
          k = SSTRING;
          break;
        case 34: // "
          end = stringEnd(text, i, 34);
          k = DSTRING;
          break;
        case 37: { // %
          const form = firstForm(text, i, PERCENT_FORMS);
          if (!form) throw GIVE_UP;
          [end, k] = form;
          break;
        }
        case 58: // :
          if (d === 61) (k = ASSIGN), (end = i + 2);
          else k = COLON;
          break;
        case 61: // =
          if (d === 62) (k = OUTPUT_ASSIGN), (end = i + 2);
          else k = EQUAL;
          break;
        case 60: // <
          if (d === 61) (k = LESS_EQUAL), (end = i + 2);
          else if (d === 62) (k = NOT_EQUAL), (end = i + 2);
          else k = LESS;
          break;
        case 62: // >
          if (d === 61) (k = GREATER_EQUAL), (end = i + 2);
          else k = GREATER;
          break;
        case 42: // *
          if (d === 42) (k = POWER), (end = i + 2);
          else k = STAR;
          break;
        case 46: // .
          if (d === 46) (k = DOT_DOT), (end = i + 2);
          else k = DOT;
          break;
        case 59: k = SEMICOLON; break;
        case 44: k = COMMA; break;
        case 41: k = RPAREN; break;
        case 91: k = LBRACKET; break;
        case 93: k = RBRACKET; break;
        case 43: k = PLUS; break;
        case 45: k = MINUS; break;
        case 38: k = AMPERSAND; break;
        case 94: k = CARET; break;
        default:
          throw GIVE_UP; // a character no token starts with
      }
    }
    const nest = NESTING[k]!;
    if (nest > 0) {
      if (++depth > maxNesting) throw GIVE_UP;
    } else if (nest < 0 && depth > 0) depth--;
    if (count + 1 >= kinds.length) grow();
    kinds[count] = k;
    starts[count] = i;
    ends[count] = end;
    count++;
    i = end;
  }
  return count;
}

function isChartWord(text: string, s: number, e: number): boolean {
  return isWord(text, s, e, 'STEP') || isWord(text, s, e, 'TRANSITION') || isWord(text, s, e, 'INITIAL_STEP');
}

/**
 * Does a token start an SFC element (compiler/st/sfc-text.ts, startsElement): INITIAL_STEP, STEP
 * name ':', TRANSITION name or '('? parse.ts turns those into ST before parsing.
 */
function holdsChart(text: string, count: number): boolean {
  for (let i = 0; i < count; i++) {
    if (kinds[i] !== IDENT) continue;
    const s = starts[i]!;
    const e = ends[i]!;
    const len = e - s;
    if (len !== 4 && len !== 10 && len !== 12) continue;
    if (isWord(text, s, e, 'INITIAL_STEP')) return true;
    if (isWord(text, s, e, 'STEP') && kinds[i + 1] === IDENT && kinds[i + 2] === COLON) return true;
    if (isWord(text, s, e, 'TRANSITION') && (kinds[i + 1] === IDENT || kinds[i + 1] === LPAREN)) return true;
  }
  return false;
}
