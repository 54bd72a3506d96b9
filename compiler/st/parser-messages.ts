/**
 * Syntax error messages of the recovering ST parser (compiler/st/parser.ts): what each rule
 * is in words, and what was expected where, for "expected …" diagnostics.
 */
import type { IToken, TokenType, IParserErrorMessageProvider } from 'chevrotain';
import { EOF } from './chevrotain.js';
import * as T from './lexer.js';

/** What each rule is, in words, for "expected …" messages. */
const RULE_WORDS: Record<string, string> = {
  compilationUnit: 'a declaration (PROGRAM, FUNCTION_BLOCK, FUNCTION, INTERFACE, TYPE, CONFIGURATION or VAR_GLOBAL)',
  statement: 'a statement',
  expression: 'an expression',
  operand: 'an expression',
  typeSpec: 'a type',
  initializer: 'an initial value',
  varSection: 'a variable section',
  argument: 'an argument',
  suffix: "a member name or bit number after '.'",
  caseLabel: 'a CASE label',
  pouModifier: 'a modifier',
};

/** Where a missing token belongs, said after "expected X". */
function contextOf(expected: TokenType, ruleName: string): string {
  if (expected === T.Semicolon) {
    if (STATEMENT_RULES.has(ruleName)) return ' after the statement';
    if (ruleName === 'varDecl') return ' after the variable declaration';
    if (ruleName === 'typeDeclaration') return ' after the type declaration';
    if (ruleName === 'taskDecl') return ' after the TASK';
    if (ruleName === 'programConfig') return ' after the PROGRAM';
  }
  if (ruleName === 'ifStatement' && (expected === T.THEN || expected === T.END_IF)) return expected === T.THEN ? ' after the IF condition' : ' to close the IF';
  if (ruleName === 'caseStatement' && expected === T.END_CASE) return ' to close the CASE';
  if (ruleName === 'forStatement' && expected === T.END_FOR) return ' to close the FOR';
  if (ruleName === 'whileStatement' && expected === T.END_WHILE) return ' to close the WHILE';
  if (ruleName === 'repeatStatement' && expected === T.END_REPEAT) return ' to close the REPEAT';
  if (ruleName === 'varSection' && expected === T.END_VAR) return ' to close the variable section';
  return '';
}

/** Tokens that continue a statement after its first name: seen where a declaration was due, END_VAR is missing. */
const STATEMENT_CONTINUATION = new Set<TokenType>([T.Assign, T.LParen, T.Dot, T.LBracket, T.Caret]);

const STATEMENT_RULES = new Set([
  'statement', 'assignmentOrCall', 'ifStatement', 'caseStatement', 'forStatement', 'whileStatement', 'repeatStatement',
]);

export function describeToken(tok: IToken | undefined): string {
  if (!tok || tok.tokenType === EOF) return 'the end of the file';
  const image = tok.image.length > 24 ? tok.image.slice(0, 21) + '...' : tok.image;
  return `'${image}'`;
}

function describeType(t: TokenType): string {
  return typeof t.LABEL === 'string' ? t.LABEL : String(t.name);
}

/** "expected a or b" from the first tokens of the paths chevrotain could have taken. */
function describePaths(paths: TokenType[][][]): string {
  const words = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0]) words.add(describeType(path[0]));
  const list = [...words];
  if (list.length === 0) return 'something else';
  if (list.length > 6) return list.slice(0, 6).join(', ') + ' or …';
  return list.length === 1 ? list[0]! : list.slice(0, -1).join(', ') + ' or ' + list[list.length - 1];
}

export const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (expected === T.Semicolon && actual.tokenType === T.Equal && ruleName === 'assignmentOrCall') {
      return "expected ':=' to assign, found '=' (a comparison is not a statement)";
    }
    if (ruleName === 'varDecl' && expected === T.Colon && STATEMENT_CONTINUATION.has(actual.tokenType)) {
      return `expected ':' and a type, found ${describeToken(actual)}: is END_VAR missing before the statements?`;
    }
    if (expected === EOF) return `expected ${RULE_WORDS.compilationUnit}, found ${describeToken(actual)}`;
    return `expected ${describeType(expected)}${contextOf(expected, ruleName)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${RULE_WORDS.compilationUnit}, found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, customUserDescription, ruleName }) {
    if (ruleName === 'assignmentOrCall' && actual[0]?.tokenType === T.Equal) {
      return "expected ':=' to assign, found '=' (a comparison is not a statement)";
    }
    const what = customUserDescription ?? RULE_WORDS[ruleName] ?? describePaths(expectedPathsPerAlt);
    return `expected ${what}, found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, customUserDescription, ruleName }) {
    const what = customUserDescription ?? RULE_WORDS[ruleName] ?? describePaths([expectedIterationPaths]);
    return `expected ${what}, found ${describeToken(actual[0])}`;
  },
};
