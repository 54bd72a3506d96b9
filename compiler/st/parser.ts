/**
 * The grammar of Structured Text as a chevrotain CstParser, rules grouped by the chapters of
 * IEC 61131-3 ed.3. The parser only recognises; compiler/st/to-ast.ts turns the CST into the AST.
 *
 * One instance serves the whole process: construct it once (`stParser()`), then set
 * `parser.input = tokens` and call `compilationUnit()` for each file.
 */
import type { IToken, TokenType, IParserErrorMessageProvider, CstNode } from 'chevrotain';
import { CstParser, EOF } from './chevrotain.js';
import * as T from './lexer.js';
import { atCaseLabel, isSetResetRef } from './lookahead-tests.js';
import { lookaheadOptions, storeLookahead } from './lazy-lookahead.js';

// ---------------------------------------------------------------- readable messages

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

const messages: IParserErrorMessageProvider = {
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

// ---------------------------------------------------------------- the grammar



export class StParser extends CstParser {
  /** The i-th token ahead, for the look-ahead tests of lookahead-tests.ts. */
  private readonly laFn = (i: number): IToken => this.LA(i);

  /**
   * OR alternatives and option objects built once and reused: building the arrays and objects
   * of closures on every invocation was a large share of parse time.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly alternatives: Record<string, any> = {};

  constructor(selfAnalysis = true) {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: messages,
      skipValidations: !selfAnalysis,
      ...lookaheadOptions(selfAnalysis, 4),
    });
    this.performSelfAnalysis();
  }

  /** Where chevrotain stores a production's lookahead function: a lazy one learns its key, to put the computed one there. */
  setLaFuncCache(key: number, fn: unknown): void {
    storeLookahead(this, key, fn);
  }

  // ------------------------------------------------ 6.6 program organisation units, top level

  compilationUnit = this.RULE('compilationUnit', () => {
    this.MANY(() =>
      this.OR((this.alternatives.compilationUnit ??= [
        { ALT: () => this.SUBRULE(this.programDecl) },
        { ALT: () => this.SUBRULE(this.functionDecl) },
        { ALT: () => this.SUBRULE(this.functionBlockDecl) },
        { ALT: () => this.SUBRULE(this.interfaceDecl) },
        { ALT: () => this.SUBRULE(this.typeBlock) },
        { ALT: () => this.SUBRULE(this.configurationDecl) },
        { ALT: () => this.SUBRULE(this.varSection) },
        { ALT: () => this.SUBRULE(this.varConfigSection) },
      ])),
    );
  });

  programDecl = this.RULE('programDecl', () => {
    this.CONSUME(T.PROGRAM);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.pouBody);
    this.CONSUME(T.END_PROGRAM);
  });

  functionDecl = this.RULE('functionDecl', () => {
    this.CONSUME(T.FUNCTION);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeSpec);
    });
    this.SUBRULE(this.pouBody);
    this.CONSUME(T.END_FUNCTION);
  });

  functionBlockDecl = this.RULE('functionBlockDecl', () => {
    this.CONSUME(T.FUNCTION_BLOCK);
    this.MANY(() => this.SUBRULE(this.pouModifier));
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      this.SUBRULE(this.qualifiedName, { LABEL: 'base' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.IMPLEMENTS);
      this.AT_LEAST_ONE_SEP((this.alternatives.functionBlockDecl ??= { SEP: T.Comma, DEF: () => this.SUBRULE2(this.qualifiedName, { LABEL: 'interfaces' }) }));
    });
    this.SUBRULE(this.pouBody);
    this.CONSUME(T.END_FUNCTION_BLOCK);
  });

  /** Variable sections, methods, actions and statements, in any order. */
  pouBody = this.RULE('pouBody', () => {
    this.MANY(() =>
      this.OR((this.alternatives.pouBody ??= {
        DEF: [
          { ALT: () => this.SUBRULE(this.varSection) },
          { ALT: () => this.SUBRULE(this.methodDecl) },
          { ALT: () => this.SUBRULE(this.actionDecl) },
          { ALT: () => this.SUBRULE(this.statement) },
        ],
        ERR_MSG: 'a variable section or a statement',
      })),
    );
  });

  pouModifier = this.RULE('pouModifier', () => {
    this.OR((this.alternatives.pouModifier ??= [
      { ALT: () => this.CONSUME(T.ABSTRACT) },
      { ALT: () => this.CONSUME(T.FINAL) },
      { ALT: () => this.CONSUME(T.OVERRIDE) },
      { ALT: () => this.CONSUME(T.PUBLIC) },
      { ALT: () => this.CONSUME(T.PRIVATE) },
      { ALT: () => this.CONSUME(T.PROTECTED) },
      { ALT: () => this.CONSUME(T.INTERNAL) },
    ]));
  });

  methodDecl = this.RULE('methodDecl', () => {
    this.CONSUME(T.METHOD);
    this.MANY(() => this.SUBRULE(this.pouModifier));
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeSpec);
    });
    this.MANY2(() =>
      this.OR((this.alternatives.methodDecl ??= {
        DEF: [{ ALT: () => this.SUBRULE(this.varSection) }, { ALT: () => this.SUBRULE(this.statement) }],
        ERR_MSG: 'a variable section or a statement',
      })),
    );
    this.CONSUME(T.END_METHOD);
  });

  actionDecl = this.RULE('actionDecl', () => {
    this.CONSUME(T.ACTION);
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.Colon));
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.END_ACTION);
  });

  interfaceDecl = this.RULE('interfaceDecl', () => {
    this.CONSUME(T.INTERFACE);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      this.AT_LEAST_ONE_SEP((this.alternatives.interfaceDecl ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.qualifiedName, { LABEL: 'bases' }) }));
    });
    this.MANY(() => this.SUBRULE(this.methodDecl));
    this.CONSUME(T.END_INTERFACE);
  });

  /** `name` or `ns.name` (namespaces are kept in the spelling). */
  qualifiedName = this.RULE('qualifiedName', () => {
    this.AT_LEAST_ONE_SEP((this.alternatives.qualifiedName ??= { SEP: T.Dot, DEF: () => this.CONSUME(T.Identifier) }));
  });

  // ------------------------------------------------ 6.4 data types

  typeBlock = this.RULE('typeBlock', () => {
    this.CONSUME(T.TYPE);
    this.MANY(() => this.SUBRULE(this.typeDeclaration));
    this.CONSUME(T.END_TYPE);
  });

  typeDeclaration = this.RULE('typeDeclaration', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      this.SUBRULE(this.qualifiedName, { LABEL: 'base' });
    });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeSpec);
    this.OPTION2(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE(this.initializer);
    });
    this.OPTION3(() => this.CONSUME(T.Semicolon));
  });

  typeSpec = this.RULE('typeSpec', () => {
    this.OR((this.alternatives.typeSpec ??= [
      { ALT: () => this.SUBRULE(this.arrayType) },
      { ALT: () => this.SUBRULE(this.refType) },
      { ALT: () => this.SUBRULE(this.stringType) },
      { ALT: () => this.SUBRULE(this.structType) },
      { ALT: () => this.SUBRULE(this.enumType) },
      { ALT: () => this.SUBRULE(this.namedType) },
    ]));
  });

  arrayType = this.RULE('arrayType', () => {
    this.CONSUME(T.ARRAY);
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP((this.alternatives.arrayType ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.arrayDimension) }));
    this.CONSUME(T.RBracket);
    this.CONSUME(T.OF);
    this.SUBRULE(this.typeSpec);
  });

  arrayDimension = this.RULE('arrayDimension', () => {
    this.OR((this.alternatives.arrayDimension ??= [
      { ALT: () => this.CONSUME(T.Star) },
      {
        ALT: () => {
          this.SUBRULE(this.expression, { LABEL: 'lo' });
          this.CONSUME(T.DotDot);
          this.SUBRULE2(this.expression, { LABEL: 'hi' });
        },
      },
    ]));
  });

  refType = this.RULE('refType', () => {
    this.OR((this.alternatives.refType ??= [
      { ALT: () => this.CONSUME(T.REF_TO) },
      {
        ALT: () => {
          this.CONSUME(T.POINTER);
          this.CONSUME(T.TO);
        },
      },
    ]));
    this.SUBRULE(this.typeSpec);
  });

  stringType = this.RULE('stringType', () => {
    this.OR((this.alternatives.stringType ??= [{ ALT: () => this.CONSUME(T.STRING) }, { ALT: () => this.CONSUME(T.WSTRING) }]));
    this.OPTION(() =>
      this.OR2((this.alternatives.stringType2 ??= [
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            this.SUBRULE(this.expression);
            this.CONSUME(T.RBracket);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE2(this.expression);
            this.CONSUME(T.RParen);
          },
        },
      ])),
    );
  });

  structType = this.RULE('structType', () => {
    this.CONSUME(T.STRUCT);
    this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      this.SUBRULE(this.qualifiedName, { LABEL: 'base' });
    });
    this.MANY(() => this.SUBRULE(this.varDecl));
    this.CONSUME(T.END_STRUCT);
  });

  /** `(Red, Green := 2)` optionally followed by a base type (CODESYS writes the base after). */
  enumType = this.RULE('enumType', () => {
    this.SUBRULE(this.enumValueList);
    this.OPTION(() => this.CONSUME(T.Identifier, { LABEL: 'base' }));
  });

  enumValueList = this.RULE('enumValueList', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP((this.alternatives.enumValueList ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.enumValue) }));
    this.CONSUME(T.RParen);
  });

  enumValue = this.RULE('enumValue', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE(this.expression);
    });
  });

  /** `INT`, `TON`, `INT(0..100)` (subrange), `INT (A := 1, B := 2)` (enum with a base type) */
  namedType = this.RULE('namedType', () => {
    this.SUBRULE(this.qualifiedName);
    this.OPTION(() =>
      this.OR((this.alternatives.namedType ??= [
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.expression, { LABEL: 'lo' });
            this.CONSUME(T.DotDot);
            this.SUBRULE2(this.expression, { LABEL: 'hi' });
            this.CONSUME(T.RParen);
          },
        },
        { ALT: () => this.SUBRULE(this.enumValueList) },
      ])),
    );
  });

  // ------------------------------------------------ 6.5 variables

  varSection = this.RULE('varSection', () => {
    this.OR((this.alternatives.varSection ??= [
      { ALT: () => this.CONSUME(T.VAR) },
      { ALT: () => this.CONSUME(T.VAR_INPUT) },
      { ALT: () => this.CONSUME(T.VAR_OUTPUT) },
      { ALT: () => this.CONSUME(T.VAR_IN_OUT) },
      { ALT: () => this.CONSUME(T.VAR_TEMP) },
      { ALT: () => this.CONSUME(T.VAR_GLOBAL) },
      { ALT: () => this.CONSUME(T.VAR_EXTERNAL) },
      { ALT: () => this.CONSUME(T.VAR_INST) },
      { ALT: () => this.CONSUME(T.VAR_STAT) },
    ]));
    this.MANY(() =>
      this.OR2((this.alternatives.varSection2 ??= [
        { ALT: () => this.CONSUME(T.CONSTANT) },
        { ALT: () => this.CONSUME(T.RETAIN) },
        { ALT: () => this.CONSUME(T.NON_RETAIN) },
        { ALT: () => this.CONSUME(T.PERSISTENT) },
      ])),
    );
    this.MANY2(() => this.SUBRULE(this.varDecl));
    this.CONSUME(T.END_VAR);
  });

  varDecl = this.RULE('varDecl', () => {
    this.AT_LEAST_ONE_SEP((this.alternatives.varDecl ??= { SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) }));
    this.OPTION(() => {
      this.CONSUME(T.AT);
      this.CONSUME(T.DirectVariable);
    });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.typeSpec);
    // `clk : BOOL R_EDGE;` (edge-detecting input): R_EDGE and F_EDGE are not keywords
    this.OPTION3({
      GATE: () => /^[RF]_EDGE$/i.test(this.LA(1).image),
      DEF: () => this.CONSUME2(T.Identifier, { LABEL: 'edge' }),
    });
    this.OPTION2(() => {
      this.CONSUME(T.Assign);
      this.SUBRULE(this.initializer);
    });
    this.CONSUME(T.Semicolon);
  });

  initializer = this.RULE('initializer', () => {
    this.OR((this.alternatives.initializer ??= [
      { ALT: () => this.SUBRULE(this.arrayInitializer) },
      { ALT: () => this.SUBRULE(this.structInitializer) },
      { ALT: () => this.SUBRULE(this.expression) },
    ]));
  });

  arrayInitializer = this.RULE('arrayInitializer', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP((this.alternatives.arrayInitializer ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.arrayInitialElement) }));
    this.CONSUME(T.RBracket);
  });

  /** `5`, `3(0)` (three times 0), `2()` (twice the default), `(x := 1)` */
  arrayInitialElement = this.RULE('arrayInitialElement', () => {
    this.OR((this.alternatives.arrayInitialElement ??= [
      {
        ALT: () => {
          this.CONSUME(T.IntegerLiteral, { LABEL: 'count' });
          this.CONSUME(T.LParen);
          this.OPTION(() => this.SUBRULE(this.initializer, { LABEL: 'repeated' }));
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE2(this.initializer) },
    ]));
  });

  structInitializer = this.RULE('structInitializer', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP((this.alternatives.structInitializer ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.structInitialField) }));
    this.CONSUME(T.RParen);
  });

  structInitialField = this.RULE('structInitialField', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.initializer);
  });

  // ------------------------------------------------ 6.8 configuration elements

  configurationDecl = this.RULE('configurationDecl', () => {
    this.CONSUME(T.CONFIGURATION);
    this.CONSUME(T.Identifier);
    this.MANY(() =>
      this.OR((this.alternatives.configurationDecl ??= [
        { ALT: () => this.SUBRULE(this.varSection) },
        { ALT: () => this.SUBRULE(this.resourceDecl) },
        { ALT: () => this.SUBRULE(this.taskDecl) },
        { ALT: () => this.SUBRULE(this.programConfig) },
        { ALT: () => this.SUBRULE(this.varConfigSection) },
        { ALT: () => this.SUBRULE(this.varAccessSection) },
      ])),
    );
    this.CONSUME(T.END_CONFIGURATION);
  });

  /** VAR_CONFIG `res.prog.fb.var AT %QX1.0 : BOOL := TRUE;` … END_VAR (instance-specific initialisations) */
  varConfigSection = this.RULE('varConfigSection', () => {
    this.CONSUME(T.VAR_CONFIG);
    this.MANY(() => {
      this.SUBRULE(this.qualifiedName, { LABEL: 'instanceInit' });
      this.OPTION(() => {
        this.CONSUME(T.AT);
        this.CONSUME(T.DirectVariable);
      });
      this.CONSUME(T.Colon);
      this.SUBRULE(this.typeSpec);
      this.OPTION2(() => {
        this.CONSUME(T.Assign);
        this.SUBRULE(this.initializer);
      });
      this.CONSUME(T.Semicolon);
    });
    this.CONSUME(T.END_VAR);
  });

  /** VAR_ACCESS `name : res.prog.var : INT READ_WRITE;` … END_VAR (access paths); the direction is read as a name */
  varAccessSection = this.RULE('varAccessSection', () => {
    this.CONSUME(T.VAR_ACCESS);
    this.MANY(() => {
      this.CONSUME(T.Identifier, { LABEL: 'accessName' });
      this.CONSUME(T.Colon);
      this.SUBRULE(this.qualifiedName, { LABEL: 'accessPath' });
      this.CONSUME2(T.Colon);
      this.SUBRULE(this.typeSpec);
      this.OPTION(() => this.CONSUME2(T.Identifier, { LABEL: 'direction' }));
      this.CONSUME(T.Semicolon);
    });
    this.CONSUME(T.END_VAR);
  });

  /** `RESOURCE r ON PLC`: ON is read as a name so that `lamp.On` stays a valid member. */
  resourceDecl = this.RULE('resourceDecl', () => {
    this.CONSUME(T.RESOURCE);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME2(T.Identifier, { LABEL: 'on' });
      this.CONSUME3(T.Identifier, { LABEL: 'processor' });
    });
    this.MANY(() =>
      this.OR((this.alternatives.resourceDecl ??= [
        { ALT: () => this.SUBRULE(this.varSection) },
        { ALT: () => this.SUBRULE(this.taskDecl) },
        { ALT: () => this.SUBRULE(this.programConfig) },
      ])),
    );
    this.CONSUME(T.END_RESOURCE);
  });

  taskDecl = this.RULE('taskDecl', () => {
    this.CONSUME(T.TASK);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP((this.alternatives.taskDecl ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.taskParameter) }));
    this.CONSUME(T.RParen);
    this.CONSUME(T.Semicolon);
  });

  taskParameter = this.RULE('taskParameter', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression);
  });

  programConfig = this.RULE('programConfig', () => {
    this.CONSUME(T.PROGRAM);
    this.OPTION(() => this.OR((this.alternatives.programConfig ??= [{ ALT: () => this.CONSUME(T.RETAIN) }, { ALT: () => this.CONSUME(T.NON_RETAIN) }])));
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION2(() => {
      this.CONSUME(T.WITH);
      this.CONSUME2(T.Identifier, { LABEL: 'task' });
    });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.qualifiedName, { LABEL: 'typeName' });
    this.OPTION3(() => this.SUBRULE(this.argumentList));
    this.CONSUME(T.Semicolon);
  });

  // ------------------------------------------------ 7.3.2 expressions

  /** operand (operator operand)*: precedence and associativity are applied by the AST builder */
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(T.BinaryOperator, { LABEL: 'operator' });
      this.SUBRULE2(this.operand);
    });
  });

  /**
   * `-x`, `NOT b`, `5`, `(a + b)`, `fb.q`, `a[i]^.m(1)`: prefix operators, then a literal, a
   * parenthesised expression or a name with its suffixes. One rule for all of it keeps the CST shallow.
   */
  operand = this.RULE('operand', () => {
    this.MANY(() => this.CONSUME(T.PrefixOperator, { LABEL: 'prefix' }));
    this.OR((this.alternatives.operand ??= {
      DEF: [
        { ALT: () => this.CONSUME(T.Literal, { LABEL: 'literal' }) },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.expression);
            this.CONSUME(T.RParen);
          },
        },
        {
          // MOD(a, b), AND(a, b, c), OR(…), XOR(…): the operators' function forms (NOT(x) is the prefix)
          GATE: () => this.LA(2).tokenType === T.LParen,
          ALT: () => {
            this.OR3((this.alternatives.operand3 ??= [
              { ALT: () => this.CONSUME(T.MOD, { LABEL: 'head' }) },
              { ALT: () => this.CONSUME(T.AND, { LABEL: 'head' }) },
              { ALT: () => this.CONSUME(T.OR, { LABEL: 'head' }) },
              { ALT: () => this.CONSUME(T.XOR, { LABEL: 'head' }) },
            ]));
            this.MANY3(() => this.SUBRULE2(this.suffix));
          },
        },
        {
          ALT: () => {
            this.OR2((this.alternatives.operand2 ??= [
              { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'head' }) },
              { ALT: () => this.CONSUME(T.THIS, { LABEL: 'head' }) },
              { ALT: () => this.CONSUME(T.SUPER, { LABEL: 'head' }) },
              { ALT: () => this.CONSUME(T.DirectVariable, { LABEL: 'head' }) },
            ]));
            this.MANY2(() => this.SUBRULE(this.suffix));
          },
        },
      ],
      ERR_MSG: 'an expression',
    }));
  });

  /** `.member`, `.3` / `.%X3` (bit), `[i, j]`, `^`, `(args)` */
  suffix = this.RULE('suffix', () => {
    this.OR((this.alternatives.suffix ??= [
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.OR2([
            { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'member' }) },
            { ALT: () => this.CONSUME(T.Keyword, { LABEL: 'member' }) },
            { ALT: () => this.CONSUME(T.IntegerLiteral, { LABEL: 'bit' }) },
            { ALT: () => this.CONSUME(T.PartialAccess, { LABEL: 'bit' }) },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.AT_LEAST_ONE_SEP((this.alternatives.suffix2 ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) }));
          this.CONSUME(T.RBracket);
        },
      },
      { ALT: () => this.CONSUME(T.Caret) },
      { ALT: () => this.SUBRULE(this.argumentList) },
    ]));
  });

  argumentList = this.RULE('argumentList', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP((this.alternatives.argumentList ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) }));
    this.CONSUME(T.RParen);
  });

  /** `IN := x`, `Q => y`, `NOT Q => y`, `Q =>`, or a positional `x` */
  argument = this.RULE('argument', () => {
    this.OR((this.alternatives.argument ??= [
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.NOT));
          this.CONSUME(T.Identifier);
          this.CONSUME(T.OutputAssign);
          this.OPTION2(() => this.SUBRULE(this.expression));
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Identifier);
          this.CONSUME(T.Assign);
          this.SUBRULE2(this.expression);
        },
      },
      { ALT: () => this.SUBRULE3(this.expression) },
    ]));
  });

  // ------------------------------------------------ 7.3.3 statements

  statement = this.RULE('statement', () => {
    this.OR((this.alternatives.statement ??= {
      DEF: [
        { ALT: () => this.SUBRULE(this.ifStatement) },
        { ALT: () => this.SUBRULE(this.caseStatement) },
        { ALT: () => this.SUBRULE(this.forStatement) },
        { ALT: () => this.SUBRULE(this.whileStatement) },
        { ALT: () => this.SUBRULE(this.repeatStatement) },
        {
          ALT: () => {
            this.CONSUME(T.EXIT);
            this.CONSUME(T.Semicolon);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.CONTINUE);
            this.CONSUME2(T.Semicolon);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.RETURN);
            this.CONSUME3(T.Semicolon);
          },
        },
        { ALT: () => this.CONSUME4(T.Semicolon, { LABEL: 'empty' }) },
        { ALT: () => this.SUBRULE(this.assignmentOrCall) },
      ],
      ERR_MSG: 'a statement',
    }));
  });

  /**
   * `target := value;`, `q S= c;`, `q R= c;`, `p REF= x;`, a call `fb(...);`, a label `name:`
   * or `JMP name;` (JMP is not a keyword, so that variables may still be named so).
   */
  assignmentOrCall = this.RULE('assignmentOrCall', () => {
    this.SUBRULE(this.operand, { LABEL: 'target' });
    this.OR2((this.alternatives.assignmentOrCall2 ??= [
      { ALT: () => this.CONSUME(T.Colon, { LABEL: 'labelColon' }) },
      {
        ALT: () => {
          this.OPTION3({
            GATE: () => this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType === T.Semicolon && this.LA(0).image.toUpperCase() === 'JMP',
            DEF: () => this.CONSUME2(T.Identifier, { LABEL: 'jmpTarget' }),
          });
          this.OPTION(() =>
            this.OR((this.alternatives.assignmentOrCall ??= [
              {
                ALT: () => {
                  this.CONSUME(T.Assign, { LABEL: 'operator' });
                  this.SUBRULE(this.expression);
                },
              },
              {
                GATE: () => isSetResetRef(this.LA(1)),
                ALT: () => {
                  this.CONSUME(T.Identifier, { LABEL: 'operator' });
                  this.CONSUME(T.Equal);
                  this.SUBRULE2(this.expression);
                },
              },
            ])),
          );
          this.CONSUME(T.Semicolon);
        },
      },
    ]));
  });

  statementList = this.RULE('statementList', () => {
    this.MANY(() => this.SUBRULE(this.statement));
  });

  ifStatement = this.RULE('ifStatement', () => {
    this.CONSUME(T.IF);
    this.SUBRULE(this.expression);
    this.CONSUME(T.THEN);
    this.SUBRULE(this.statementList);
    this.MANY(() => this.SUBRULE(this.elsifBranch));
    this.OPTION(() => {
      this.CONSUME(T.ELSE);
      this.SUBRULE2(this.statementList, { LABEL: 'elseBody' });
    });
    this.CONSUME(T.END_IF);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  elsifBranch = this.RULE('elsifBranch', () => {
    this.CONSUME(T.ELSIF);
    this.SUBRULE(this.expression);
    this.CONSUME(T.THEN);
    this.SUBRULE(this.statementList);
  });

  caseStatement = this.RULE('caseStatement', () => {
    this.CONSUME(T.CASE);
    this.SUBRULE(this.expression);
    this.CONSUME(T.OF);
    this.MANY(() => this.SUBRULE(this.caseElement));
    this.OPTION(() => {
      this.CONSUME(T.ELSE);
      this.SUBRULE(this.statementList, { LABEL: 'elseBody' });
    });
    this.CONSUME(T.END_CASE);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  caseElement = this.RULE('caseElement', () => {
    this.AT_LEAST_ONE_SEP((this.alternatives.caseElement ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.caseLabel) }));
    this.CONSUME(T.Colon);
    // a statement list ends where the next label (something followed by ':') begins
    this.MANY((this.alternatives.caseElement2 ??= { GATE: () => !atCaseLabel(this.laFn), DEF: () => this.SUBRULE(this.statement) }));
  });

  caseLabel = this.RULE('caseLabel', () => {
    this.SUBRULE(this.expression, { LABEL: 'lo' });
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.SUBRULE2(this.expression, { LABEL: 'hi' });
    });
  });

  forStatement = this.RULE('forStatement', () => {
    this.CONSUME(T.FOR);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    this.SUBRULE(this.expression, { LABEL: 'from' });
    this.CONSUME(T.TO);
    this.SUBRULE2(this.expression, { LABEL: 'to' });
    this.OPTION(() => {
      this.CONSUME(T.BY);
      this.SUBRULE3(this.expression, { LABEL: 'by' });
    });
    this.CONSUME(T.DO);
    this.SUBRULE(this.statementList);
    this.CONSUME(T.END_FOR);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  whileStatement = this.RULE('whileStatement', () => {
    this.CONSUME(T.WHILE);
    this.SUBRULE(this.expression);
    this.CONSUME(T.DO);
    this.SUBRULE(this.statementList);
    this.CONSUME(T.END_WHILE);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  repeatStatement = this.RULE('repeatStatement', () => {
    this.CONSUME(T.REPEAT);
    this.SUBRULE(this.statementList);
    this.CONSUME(T.UNTIL);
    this.SUBRULE(this.expression);
    this.CONSUME(T.END_REPEAT);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });
}

let instance: StParser | undefined;

/** The process's one parser (its grammar analysis runs on first use, not at import). */
export function stParser(): StParser {
  return (instance ??= new StParser(false));
}

export type { CstNode };
