/**
 * What parseSt (compiler/st/parse.ts) falls back to where the hand-written parser gives up: a
 * clean file it does not read is read by the chevrotain parser that builds the AST in its
 * actions (compiler/st/ast-parser.ts); a file with any problem is read again with error
 * recovery into a CST (compiler/st/parser.ts), which compiler/st/to-ast.ts turns into the AST
 * and the diagnostics. A module of its own, registered with parse.ts when imported, so that a
 * start whose files are all clean (`vplc run`) never loads these parsers.
 */
import type { ILexingError, IToken, TokenType } from 'chevrotain';
import type { CompilationUnit, IdAllocator } from './ast.js';
import type { Position, SourceFile } from '../source.js';
import { declared, MAX_NESTING, ordered, PROPERTY_GET, PROPERTY_SET, setStFallback, type ParseResult } from './parse.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import { stLexer, stOffsetLexer, ERROR_GROUP, UnterminatedComment, UnterminatedPragma, SString, DString, Identifier, Colon, Comma, AT, Semicolon, PROPERTY, END_PROPERTY, END_FUNCTION_BLOCK, END_INTERFACE, METHOD, END_METHOD, VAR_INPUT, END_VAR, LParen, RParen, LBracket, RBracket,
  IF, CASE, FOR, WHILE, REPEAT, END_IF, END_CASE, END_FOR, END_WHILE, END_REPEAT, allTokens } from './lexer.js';
import { stParser } from './parser.js';
import { astParser } from './ast-parser.js';
import { fastParse } from './fast-parser.js';
import { AstBuilder } from './to-ast.js';
import { sfcToSt, startsElement } from './sfc-text.js';

/** +1 for the token types that open a level, -1 for those that close one, by token type index. */
const NESTING = (() => {
  const openers = [LParen, LBracket, IF, CASE, FOR, WHILE, REPEAT];
  const closers = [RParen, RBracket, END_IF, END_CASE, END_FOR, END_WHILE, END_REPEAT];
  // one entry for every token type: a read past the end is slow in code not yet optimised
  const table = new Int8Array(Math.max(...allTokens.map((t) => t.tokenTypeIdx!)) + 1);
  for (const t of openers) table[t.tokenTypeIdx!] = 1;
  for (const t of closers) table[t.tokenTypeIdx!] = -1;
  return table;
})();

/** The first token that opens more than MAX_NESTING levels, if any. */
function nestingTooDeep(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    const n = NESTING[t.tokenTypeIdx] ?? 0;
    if (n > 0) {
      if (++depth > MAX_NESTING) return t;
    } else if (n < 0 && depth > 0) depth--;
  }
  return undefined;
}

/**
 * parseSt's whole path for `file`, from its text; `fastTried`: the hand-written parser has
 * already given up on it (it is not asked again).
 */
export function parseStFallback(file: SourceFile, ids: IdAllocator, diagnostics: Diagnostic[], fastTried = false): ParseResult {
  const text = file.text;
  const unit: CompilationUnit = { file: file.path, pous: [], types: [], configurations: [], globals: [] };

  // ---- not text at all
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    diagnostics.push(diagnostic('E1007', 'the file contains NUL bytes: it is not a text file', file.range(nul, nul + 1)));
    return { unit, diagnostics };
  }
  const replacement = text.indexOf('\ufffd');
  if (replacement >= 0) {
    diagnostics.push(diagnostic('E1007', 'the file is not valid UTF-8 (first invalid byte here): save it as UTF-8', file.range(replacement, replacement + 1)));
  }

  // ---- a clean file: one pass of the AST parser over tokens with offsets only
  if (diagnostics.length === 0) {
    const clean = fastTried ? parseCleanWithChevrotain(file, ids) : parseClean(file, ids);
    if (clean) return declared(file, clean, diagnostics);
  }

  // ---- lexical analysis
  const lexed = stLexer.tokenize(text);
  // a file with sequential function charts is parsed as the ST that runs them
  const charts = sfcToSt(file, lexed.tokens);
  if (charts) {
    diagnostics.push(...charts.diagnostics);
    return parseStFallback(charts.file, ids, diagnostics);
  }
  const echoes = new EchoWindows();
  const strays = strayCharacters(file, lexed.tokens, lexed.errors, echoes, diagnostics);
  const unclosed = unclosedTokens(file, (lexed.groups[ERROR_GROUP] ?? []) as IToken[], diagnostics);
  // After an unclosed comment the rest of the file is gone; "expected END_x at end of file" would only repeat that.
  const textCutShort = diagnostics.some((d) => d.code === 'E1002');
  let tokens = lexed.tokens;
  if (unclosed.length > 0 || strays.length > 0) tokens = [...tokens, ...unclosed, ...strays].sort((a, b) => a.startOffset - b.startOffset);
  tokens = dropProperties(tokens, file, diagnostics);

  // ---- nesting guard: recursion depth in the parser and builder follows it
  const tooDeep = nestingTooDeep(tokens);
  if (tooDeep) {
    diagnostics.push(diagnostic('E1004', `statements, parentheses and brackets nested more than ${MAX_NESTING} deep`, file.range(tooDeep.startOffset, tooDeep.startOffset + tooDeep.image.length)));
    return { unit, diagnostics: ordered(diagnostics) };
  }

  // ---- syntax, with error recovery
  const parser = stParser();
  parser.input = tokens;
  const cst = withoutStackTraces(() => parser.compilationUnit());
  const last = tokens[tokens.length - 1];
  const endOfText = last ? last.startOffset + last.image.length : 0;
  const seen = new Set<number>();
  for (const err of parser.errors) {
    const tok = err.token;
    const atEnd = !Number.isFinite(tok?.startOffset);
    const offset = atEnd ? endOfText : tok.startOffset;
    if (atEnd && textCutShort) continue;
    if (echoes.cover(offset)) continue;
    if (seen.has(offset)) continue; // one report per place: recovery may fail several times at one token
    seen.add(offset);
    diagnostics.push(diagnostic('E1004', err.message, file.range(offset, offset + (atEnd ? 0 : Math.max(1, tok.image.length)))));
  }

  // ---- abstract syntax
  const fromBuilder: Diagnostic[] = [];
  Object.assign(unit, new AstBuilder(file, ids, fromBuilder).compilationUnit(cst));
  // what the builder finds where the parser or lexer already complained is usually an echo of that
  const syntaxLines = new Set(diagnostics.filter((d) => d.code === 'E1004').map((d) => d.range.line));
  const echoRanges = echoes.positions(file);
  const isEcho = (d: Diagnostic) => echoRanges.some(([a, b]) => !before(d.range, a) && !before(b, d.range));
  diagnostics.push(...fromBuilder.filter((d) => d.code !== 'E1004' || (!syntaxLines.has(d.range.line) && !isEcho(d))));
  return declared(file, unit, diagnostics);
}

/**
 * chevrotain signals each syntax error with an exception; their stack traces are never shown
 * and capturing them made parsing a file full of errors several times slower.
 */
function withoutStackTraces<T>(parse: () => T): T {
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The AST of a file without anything to report, read in one pass without a CST; undefined
 * when the file has charts, properties, anything the lexer or the parser would report, or is
 * nested too deeply: the full path reads it then. The hand-written parser reads it first; where
 * it gives up (anything it does not read exactly as the chevrotain one), that one reads it.
 */
function parseClean(file: SourceFile, ids: IdAllocator): CompilationUnit | undefined {
  return fastParse(file, ids, MAX_NESTING) ?? parseCleanWithChevrotain(file, ids);
}

/** The chevrotain half of parseClean (exported for the tests that hold the two parsers against each other). */
export function parseCleanWithChevrotain(file: SourceFile, ids: IdAllocator): CompilationUnit | undefined {
  const lexed = stOffsetLexer.tokenize(file.text);
  if (lexed.errors.length > 0 || (lexed.groups[ERROR_GROUP]?.length ?? 0) > 0) return undefined;
  const tokens = lexed.tokens;
  if (needsFullPath(tokens)) return undefined;
  return withoutStackTraces(() => astParser().parse(file, ids, tokens));
}

/** A chart, a PROPERTY or nesting beyond MAX_NESTING: what the one pass leaves to the full path, found in one walk over the tokens. */
function needsFullPath(tokens: IToken[]): boolean {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType === PROPERTY || startsElement(tokens, i)) return true;
    const n = NESTING[t.tokenTypeIdx]!;
    if (n > 0) {
      if (++depth > MAX_NESTING) return true;
    } else if (n < 0 && depth > 0) depth--;
  }
  return false;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.col < b.col);
}

/**
 * Stretches of text, from a stray character to the end of its statement, in which syntax
 * errors are consequences of that character and not reported again.
 */
class EchoWindows {
  private readonly from: number[] = [];
  /** running maximum of the window ends, so that overlapping windows are handled */
  private readonly reach: number[] = [];
  private readonly to: number[] = [];

  /** windows must be added in text order */
  add(from: number, to: number): void {
    const prev = this.reach[this.reach.length - 1] ?? -1;
    this.from.push(from);
    this.to.push(to);
    this.reach.push(Math.max(prev, to));
  }

  cover(offset: number): boolean {
    let lo = 0;
    let hi = this.from.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.from[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.reach[lo - 1]! >= offset;
  }

  positions(file: SourceFile): [Position, Position][] {
    return this.from.map((f, i) => [file.position(f), file.position(this.to[i]!)]);
  }
}

/**
 * Lexer errors: a run of characters no token starts with. It is reported (E1001) and dropped,
 * except where a name is due (before ':' or ',' in a declaration): there it stands in as that
 * name so that the declaration still parses.
 */
function strayCharacters(file: SourceFile, tokens: IToken[], errors: ILexingError[], echoes: EchoWindows, diagnostics: Diagnostic[]): IToken[] {
  const strays: IToken[] = [];
  for (const err of errors) {
    const ch = file.text.charAt(err.offset);
    const next = tokens[indexAfter(tokens, err.offset)];
    if (next && (next.tokenType === Colon || next.tokenType === Comma || next.tokenType === AT)) {
      strays.push(strayToken(file.text.substr(err.offset, err.length), err.offset));
    }
    echoes.add(err.offset, firstSemicolonAfter(tokens, err.offset));
    if (ch === '\ufffd') continue; // already reported as E1007
    diagnostics.push(diagnostic('E1001', `unexpected character ${describeChar(ch)}`, file.range(err.offset, err.offset + err.length)));
  }
  return strays;
}

/**
 * Unclosed comments, pragmas (E1002) and strings (E1003). An unclosed string still stands for
 * a string in the token stream, so that the statement around it parses cleanly.
 */
function unclosedTokens(file: SourceFile, bad: IToken[], diagnostics: Diagnostic[]): IToken[] {
  const repaired: IToken[] = [];
  for (const t of bad) {
    const at = file.range(t.startOffset, t.startOffset + Math.min(2, t.image.length));
    const quote = t.image.charAt(0);
    switch (t.tokenType) {
      case UnterminatedComment:
        diagnostics.push(diagnostic('E1002', `comment is not closed: add '${t.image.startsWith('(*') ? '*)' : '*/'}'`, at));
        break;
      case UnterminatedPragma:
        diagnostics.push(diagnostic('E1002', "pragma '{' is not closed: add '}'", at));
        break;
      default: {
        diagnostics.push(diagnostic('E1003', `string is not closed on its line: add ${quote} (write $${quote} for a quote inside it)`, at));
        const type = quote === '"' ? DString : SString;
        repaired.push({ ...t, image: t.image + quote, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! });
      }
    }
  }
  return repaired;
}

/**
 * PROPERTY Name : T GET … END_GET SET … END_SET END_PROPERTY (in a function block or an
 * interface; either part may be missing) is read as two methods: `__get_Name : T`, in whose body
 * `Name` is the result, and `__set_Name` with the input `Name : T`. The checker turns reads of
 * `fb.Name` into calls of the getter and assignments to it into calls of the setter.
 */
function dropProperties(tokens: IToken[], file: SourceFile, diagnostics: Diagnostic[]): IToken[] {
  if (!tokens.some((t) => t.tokenType === PROPERTY)) return tokens;
  const out: IToken[] = [];
  const like = (t: IToken, type: TokenType, image: string): IToken => ({ ...t, tokenType: type, tokenTypeIdx: type.tokenTypeIdx!, image });
  const word = (t: IToken | undefined, w: string) => t !== undefined && t.tokenType === Identifier && t.image.toUpperCase() === w;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType !== PROPERTY) {
      out.push(t);
      continue;
    }
    let j = i + 1;
    const modifiers: IToken[] = [];
    while (j < tokens.length && tokens[j]!.tokenType !== Identifier && tokens[j]!.tokenType !== END_PROPERTY) modifiers.push(tokens[j++]!);
    const name = tokens[j];
    const colon = tokens[j + 1];
    let end = j;
    while (end < tokens.length && tokens[end]!.tokenType !== END_PROPERTY && tokens[end]!.tokenType !== END_FUNCTION_BLOCK && tokens[end]!.tokenType !== END_INTERFACE) end++;
    if (!name || name.tokenType !== Identifier || !colon || colon.tokenType !== Colon || tokens[end]?.tokenType !== END_PROPERTY) {
      diagnostics.push(diagnostic('E1004', 'expected PROPERTY Name : Type, GET … END_GET and/or SET … END_SET, END_PROPERTY', file.range(t.startOffset, t.startOffset + t.image.length)));
      i = tokens[end]?.tokenType === END_PROPERTY ? end : end - 1;
      continue;
    }
    // the type runs up to GET, SET or END_PROPERTY
    let k = j + 2;
    const type: IToken[] = [];
    while (k < end && !word(tokens[k], 'GET') && !word(tokens[k], 'SET')) type.push(tokens[k++]!);
    const parts = new Map<string, IToken[]>();
    while (k < end) {
      const part = tokens[k]!.image.toUpperCase();
      if (part !== 'GET' && part !== 'SET') {
        diagnostics.push(diagnostic('E1004', `expected GET or SET in PROPERTY ${name.image}, found '${tokens[k]!.image}'`, file.range(tokens[k]!.startOffset, tokens[k]!.startOffset + tokens[k]!.image.length)));
        break;
      }
      let m = k + 1;
      while (m < end && !word(tokens[m], `END_${part}`)) m++;
      parts.set(part, tokens.slice(k + 1, m));
      k = m + 1;
    }
    for (const [part, body] of parts) {
      const method = `${part === 'GET' ? PROPERTY_GET : PROPERTY_SET}${name.image}`;
      out.push(like(t, METHOD, 'METHOD'), ...modifiers, like(name, Identifier, method));
      if (part === 'GET') {
        out.push(colon, ...type);
        // inside GET the property's name is the method's result
        for (const b of body) out.push(b.tokenType === Identifier && b.image.toUpperCase() === name.image.toUpperCase() ? like(b, Identifier, method) : b);
      } else {
        out.push(like(t, VAR_INPUT, 'VAR_INPUT'), name, colon, ...type, like(colon, Semicolon, ';'), like(t, END_VAR, 'END_VAR'), ...body);
      }
      out.push(like(tokens[end]!, END_METHOD, 'END_METHOD'));
    }
    i = end;
  }
  return out;
}

/** Index of the first token starting after `offset` (tokens are in text order). */
function indexAfter(tokens: IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.startOffset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Offset of the first ';' after `offset` (looking a little way only), or `offset` itself. */
function firstSemicolonAfter(tokens: IToken[], offset: number): number {
  const start = indexAfter(tokens, offset);
  for (let i = start; i < tokens.length && i < start + 64; i++) {
    if (tokens[i]!.tokenType === Semicolon) return tokens[i]!.startOffset;
  }
  return offset;
}

function strayToken(image: string, offset: number): IToken {
  return {
    image,
    startOffset: offset,
    endOffset: offset + image.length - 1,
    startLine: NaN,
    startColumn: NaN,
    endLine: NaN,
    endColumn: NaN,
    tokenType: Identifier,
    tokenTypeIdx: Identifier.tokenTypeIdx!,
  };
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 32 || code === 127 || (code >= 0x80 && code < 0xa0)) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${ch}' (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

setStFallback(parseStFallback);
