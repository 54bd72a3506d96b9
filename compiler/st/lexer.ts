/**
 * The tokens of IEC 61131-3 Structured Text (3rd edition, chapter 6.1–6.3 common elements),
 * plus what CODESYS, Beremiz and 4diac sources commonly contain (`//` and `/* *\/` comments,
 * `{…}` pragmas, `S=`/`R=`/`REF=` which the parser reads from an identifier and `=`).
 *
 * Keywords are case-insensitive. The lexer reads every word as an Identifier and then gives
 * the words that are keywords their keyword's token type, from a map: one pattern instead of
 * ninety keyword patterns tried before it (that made the lexer about half again as slow). Order
 * matters: chevrotain takes the first pattern that matches, so literal forms with a `#` prefix
 * come before identifiers.
 */
import type { TokenType, CustomPatternMatcherReturn, ILexingResult, IToken, Lexer as ChevrotainLexer } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

/** Tokens the lexer recognises but the parser never sees: they become diagnostics. */
export const ERROR_GROUP = 'errors';

// ---------------------------------------------------------------- layout, comments, pragmas

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\r\n]*/, group: Lexer.SKIPPED });

/** `(* … *)` nests (ed.3 allows it, and commenting out code that holds comments needs it). */
function matchNestedComment(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text.charCodeAt(offset) !== 40 /* ( */ || text.charCodeAt(offset + 1) !== 42 /* * */) return null;
  let depth = 1;
  let i = offset + 2;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 42 && text.charCodeAt(i + 1) === 41) {
      i += 2;
      if (--depth === 0) return [text.substring(offset, i)];
    } else if (c === 40 && text.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else i++;
  }
  return null; // unterminated: left to UnterminatedComment
}
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: { exec: matchNestedComment },
  start_chars_hint: ['('],
  line_breaks: true,
  group: Lexer.SKIPPED,
});
export const CComment = createToken({ name: 'CComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\(\*[\s\S]*|\/\*[\s\S]*/, group: ERROR_GROUP, line_breaks: true });
/** `{attribute 'x'}`, `{IF defined(...)}`: vendor pragmas, ignored. */
export const Pragma = createToken({ name: 'Pragma', pattern: /\{[^}]*\}/, group: Lexer.SKIPPED, line_breaks: true });
export const UnterminatedPragma = createToken({ name: 'UnterminatedPragma', pattern: /\{[^}]*/, group: ERROR_GROUP, line_breaks: true });

// ---------------------------------------------------------------- literals (6.3)

/** Every literal token: an operand consumes any of them with one CONSUME. */
export const Literal = createToken({ name: 'Literal', pattern: Lexer.NA, label: 'a literal' });

const SSTR = String.raw`'(?:[^'$\r\n]|\$[^\r\n])*'`;
const DSTR = String.raw`"(?:[^"$\r\n]|\$[^\r\n])*"`;
const NUM = String.raw`[+-]?(?:\d[\d_]*#[0-9A-Za-z_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?)`;

export const SString = createToken({ name: 'SString', pattern: new RegExp(SSTR), label: 'a string', categories: [Literal] });
export const DString = createToken({ name: 'DString', pattern: new RegExp(DSTR), label: 'a string', categories: [Literal] });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'(?:[^'$\r\n]|\$[^\r\n]?)*|"(?:[^"$\r\n]|\$[^\r\n]?)*/, group: ERROR_GROUP });

// Date and time literals match loosely after their prefix so that a malformed one is one token
// with a precise E1005 rather than a cascade of syntax errors.
export const DateAndTimeLiteral = createToken({ name: 'DateAndTimeLiteral', pattern: /(?:LDATE_AND_TIME|DATE_AND_TIME|LDT|DT)#[0-9_:.\-]*/i, label: 'a date and time literal', categories: [Literal] });
export const TimeOfDayLiteral = createToken({ name: 'TimeOfDayLiteral', pattern: /(?:LTIME_OF_DAY|TIME_OF_DAY|LTOD|TOD)#[0-9_:.]*/i, label: 'a time of day literal', categories: [Literal] });
export const DateLiteral = createToken({ name: 'DateLiteral', pattern: /(?:LDATE|DATE|LD|D)#[0-9_\-]*/i, label: 'a date literal', categories: [Literal] });
export const DurationLiteral = createToken({ name: 'DurationLiteral', pattern: /(?:LTIME|TIME|LT|T)#[+-]?[0-9A-Za-z_.]*/i, label: 'a duration literal', categories: [Literal] });
/** `INT#5`, `SINT#-1`, `UDINT#16#FF`, `LREAL#2.5E-3`, `BOOL#TRUE`, `STRING#'x'`, `Color#Red` */
export const TypedLiteral = createToken({
  name: 'TypedLiteral',
  pattern: new RegExp(String.raw`[A-Za-z_][A-Za-z0-9_]*#(?:${NUM}|${SSTR}|${DSTR}|[A-Za-z_][A-Za-z0-9_]*)`),
  label: 'a typed literal',
  categories: [Literal],
});
export const BasedInteger = createToken({ name: 'BasedInteger', pattern: /\d[\d_]*#[0-9A-Za-z_]+/, label: 'a number', categories: [Literal] });
export const RealLiteral = createToken({ name: 'RealLiteral', pattern: /\d[\d_]*\.\d[\d_]*(?:[eE][+-]?\d[\d_]*)?|\d[\d_]*[eE][+-]?\d[\d_]*/, label: 'a number', categories: [Literal] });
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /\d[\d_]*/, label: 'a number', categories: [Literal] });

/** `%IX0.0`, `%QW3`, `%MD10`, `%I*` (6.5.5 directly represented variables) */
export const DirectVariable = createToken({ name: 'DirectVariable', pattern: /%[IQM](?:\*|[XBWDL]?\d+(?:\.\d+)*|[XBWDL]\*?)?/i, label: 'a direct address' });
/** `%X3` in `w.%X3` (partial access) */
export const PartialAccess = createToken({ name: 'PartialAccess', pattern: /%[XBWDL]\d+/i, label: 'a bit number' });

// ---------------------------------------------------------------- identifiers and keywords

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: 'a name' });

/** Every keyword: after '.', a keyword is read as a member name (`msg.TYPE`, `cfg.ON`). */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA, label: 'a keyword' });

const keywordList: TokenType[] = [];
/** A keyword: no pattern of its own, the lexer finds it among the identifiers (see `StLexer`). */
function kw(word: string, categories: TokenType[] = []): TokenType {
  const t = createToken({ name: word, pattern: Lexer.NA, label: `'${word}'`, categories: [...categories, Keyword] });
  keywordList.push(t);
  return t;
}

// program organisation units (6.6)
export const PROGRAM = kw('PROGRAM');
export const END_PROGRAM = kw('END_PROGRAM');
export const FUNCTION = kw('FUNCTION');
export const END_FUNCTION = kw('END_FUNCTION');
export const FUNCTION_BLOCK = kw('FUNCTION_BLOCK');
export const END_FUNCTION_BLOCK = kw('END_FUNCTION_BLOCK');
export const METHOD = kw('METHOD');
export const END_METHOD = kw('END_METHOD');
export const INTERFACE = kw('INTERFACE');
export const END_INTERFACE = kw('END_INTERFACE');
export const ACTION = kw('ACTION');
export const END_ACTION = kw('END_ACTION');
export const PROPERTY = kw('PROPERTY');
export const END_PROPERTY = kw('END_PROPERTY');
export const EXTENDS = kw('EXTENDS');
export const IMPLEMENTS = kw('IMPLEMENTS');
export const ABSTRACT = kw('ABSTRACT');
export const FINAL = kw('FINAL');
export const OVERRIDE = kw('OVERRIDE');
export const PUBLIC = kw('PUBLIC');
export const PRIVATE = kw('PRIVATE');
export const PROTECTED = kw('PROTECTED');
export const INTERNAL = kw('INTERNAL');
export const THIS = kw('THIS');
export const SUPER = kw('SUPER');
// data types (6.4)
export const TYPE = kw('TYPE');
export const END_TYPE = kw('END_TYPE');
export const STRUCT = kw('STRUCT');
export const END_STRUCT = kw('END_STRUCT');
export const ARRAY = kw('ARRAY');
export const OF = kw('OF');
export const STRING = kw('STRING');
export const WSTRING = kw('WSTRING');
export const REF_TO = kw('REF_TO');
export const POINTER = kw('POINTER');
// variables (6.5)
export const VAR = kw('VAR');
export const VAR_INPUT = kw('VAR_INPUT');
export const VAR_OUTPUT = kw('VAR_OUTPUT');
export const VAR_IN_OUT = kw('VAR_IN_OUT');
export const VAR_TEMP = kw('VAR_TEMP');
export const VAR_GLOBAL = kw('VAR_GLOBAL');
export const VAR_EXTERNAL = kw('VAR_EXTERNAL');
export const VAR_INST = kw('VAR_INST');
export const VAR_STAT = kw('VAR_STAT');
export const VAR_CONFIG = kw('VAR_CONFIG');
export const VAR_ACCESS = kw('VAR_ACCESS');
export const END_VAR = kw('END_VAR');
export const CONSTANT = kw('CONSTANT');
export const RETAIN = kw('RETAIN');
export const NON_RETAIN = kw('NON_RETAIN');
export const PERSISTENT = kw('PERSISTENT');
export const AT = kw('AT');
// configuration (6.8)
export const CONFIGURATION = kw('CONFIGURATION');
export const END_CONFIGURATION = kw('END_CONFIGURATION');
export const RESOURCE = kw('RESOURCE');
export const END_RESOURCE = kw('END_RESOURCE');
export const TASK = kw('TASK');
export const WITH = kw('WITH');
// statements (7.3.3)
export const IF = kw('IF');
export const THEN = kw('THEN');
export const ELSIF = kw('ELSIF');
export const ELSE = kw('ELSE');
export const END_IF = kw('END_IF');
export const CASE = kw('CASE');
export const END_CASE = kw('END_CASE');
export const FOR = kw('FOR');
export const TO = kw('TO');
export const BY = kw('BY');
export const DO = kw('DO');
export const END_FOR = kw('END_FOR');
export const WHILE = kw('WHILE');
export const END_WHILE = kw('END_WHILE');
export const REPEAT = kw('REPEAT');
export const UNTIL = kw('UNTIL');
export const END_REPEAT = kw('END_REPEAT');
export const EXIT = kw('EXIT');
export const CONTINUE = kw('CONTINUE');
export const RETURN = kw('RETURN');
// operators and values (7.3.2)
export const TRUE = kw('TRUE', [Literal]);
export const FALSE = kw('FALSE', [Literal]);

// Operator categories: the parser reads an expression as a flat list of operands and binary
// operators (one CST level instead of one per precedence level, which made the CST ten times
// deeper and the parse several times slower); compiler/st/to-ast.ts applies the precedence.
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });
export const PrefixOperator = createToken({ name: 'PrefixOperator', pattern: Lexer.NA, label: "'-', '+' or 'NOT'" });

export const OR = kw('OR', [BinaryOperator]);
export const XOR = kw('XOR', [BinaryOperator]);
export const AND = kw('AND', [BinaryOperator]);
// CODESYS's short-circuit forms of AND and OR (BOOL operands only)
export const AND_THEN = kw('AND_THEN', [BinaryOperator]);
export const OR_ELSE = kw('OR_ELSE', [BinaryOperator]);
export const MOD = kw('MOD', [BinaryOperator]);
export const NOT = kw('NOT', [PrefixOperator]);

// ---------------------------------------------------------------- punctuation

function punct(name: string, text: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: text, label: `'${text}'`, categories });
}
export const Assign = punct('Assign', ':=');
export const OutputAssign = punct('OutputAssign', '=>');
export const LessEqual = punct('LessEqual', '<=', [BinaryOperator]);
export const GreaterEqual = punct('GreaterEqual', '>=', [BinaryOperator]);
export const NotEqual = punct('NotEqual', '<>', [BinaryOperator]);
export const Power = punct('Power', '**', [BinaryOperator]);
export const DotDot = punct('DotDot', '..');
export const Colon = punct('Colon', ':');
export const Semicolon = punct('Semicolon', ';');
export const Comma = punct('Comma', ',');
export const LParen = punct('LParen', '(');
export const RParen = punct('RParen', ')');
export const LBracket = punct('LBracket', '[');
export const RBracket = punct('RBracket', ']');
export const Plus = punct('Plus', '+', [BinaryOperator, PrefixOperator]);
export const Minus = punct('Minus', '-', [BinaryOperator, PrefixOperator]);
export const Star = punct('Star', '*', [BinaryOperator]);
export const Slash = punct('Slash', '/', [BinaryOperator]);
export const Less = punct('Less', '<', [BinaryOperator]);
export const Greater = punct('Greater', '>', [BinaryOperator]);
export const Equal = punct('Equal', '=', [BinaryOperator]);
export const Ampersand = punct('Ampersand', '&', [BinaryOperator]);
export const Caret = punct('Caret', '^');
export const Dot = punct('Dot', '.');

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  CComment,
  UnterminatedComment,
  Pragma,
  UnterminatedPragma,
  SString,
  DString,
  UnterminatedString,
  DateAndTimeLiteral,
  TimeOfDayLiteral,
  DateLiteral,
  DurationLiteral,
  TypedLiteral,
  BasedInteger,
  RealLiteral,
  IntegerLiteral,
  DirectVariable,
  PartialAccess,
  ...keywordList,
  Identifier,
  Assign,
  OutputAssign,
  LessEqual,
  GreaterEqual,
  NotEqual,
  Power,
  DotDot,
  Colon,
  Semicolon,
  Comma,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Plus,
  Minus,
  Star,
  Slash,
  Less,
  Greater,
  Equal,
  Ampersand,
  Caret,
  Dot,
  BinaryOperator,
  PrefixOperator,
  Keyword,
  Literal,
];

/** Every keyword's token type (its name is its spelling). */
export const keywordTypes: readonly TokenType[] = keywordList;

/** Keyword token types by their upper-case spelling. */
const KEYWORDS = new Map<string, TokenType>(keywordList.map((t) => [String(t.name), t]));
/** Longest keyword: longer words need no look-up. */
const LONGEST_KEYWORD = Math.max(...keywordList.map((t) => String(t.name).length));

/** Length and first two characters, with letters' case folded: the same for every spelling of a word. */
function shape(word: string): number {
  const n = word.length;
  return (n << 16) | ((word.charCodeAt(0) | 0x20) << 8) | (n > 1 ? word.charCodeAt(1) | 0x20 : 0);
}
/** The shapes of the keywords: most names have none of them and are passed without an upper-case copy. */
const KEYWORD_SHAPES = new Set(keywordList.map((t) => shape(String(t.name))));

/** Chevrotain's lexer, then each identifier that is a keyword (whole word, any case) retyped as that keyword. */
class StLexer extends Lexer {
  override tokenize(text: string, initialMode?: string): ILexingResult {
    const result = super.tokenize(text, initialMode);
    const tokens = result.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.tokenType === Identifier && t.image.length <= LONGEST_KEYWORD && KEYWORD_SHAPES.has(shape(t.image))) retype(t);
    }
    return result;
  }
}

function retype(t: IToken): void {
  const k = KEYWORDS.get(t.image.toUpperCase());
  if (k !== undefined) {
    t.tokenType = k;
    t.tokenTypeIdx = k.tokenTypeIdx!;
  }
}

const OPTIONS = {
  ensureOptimizations: false,
  // the token definitions are checked by the lexer tests (test/compiler/st/lexer.test.ts):
  // validating them again at every start-up costs a tenth of a second
  skipValidations: true,
} as const;

/**
 * Tokens with their start offsets only (no end offset, line or column), for the one pass of the
 * AST parser over a clean file: a third of the lexer's time and of its tokens' memory.
 */
export const stOffsetLexer: Pick<ChevrotainLexer, 'tokenize'> = {
  // made on first use: a file the hand-written lexer reads (compiler/st/fast-lexer.ts) never needs it
  tokenize: (text: string) => (offsetLexer ??= new StLexer(allTokens, { ...OPTIONS, positionTracking: 'onlyOffset' })).tokenize(text),
};
let offsetLexer: StLexer | undefined;

let fullLexer: StLexer | undefined;
/**
 * Tokens with full positions, for the recovering CST parser (its node locations need end
 * offsets). Made on first use: a clean file never needs it.
 */
export const stLexer: Pick<ChevrotainLexer, 'tokenize'> = {
  tokenize: (text: string) => (fullLexer ??= new StLexer(allTokens, { ...OPTIONS, positionTracking: 'full' })).tokenize(text),
};
