/**
 * The grammar of Structured Text as a chevrotain CstParser, rules grouped by the chapters of
 * IEC 61131-3 ed.3. The parser only recognises; compiler/st/to-ast.ts turns the CST into the AST.
 * This file holds program organisation units (6.6) and configurations (6.8); data types and
 * variables are in parser-types.ts, expressions and statements in parser-body.ts, the syntax
 * error messages in parser-messages.ts.
 *
 * One instance serves the whole process: construct it once (`stParser()`), then set
 * `parser.input = tokens` and call `compilationUnit()` for each file.
 */
import type { CstNode } from 'chevrotain';
import * as T from './lexer.js';
import { lookaheadOptions, storeLookahead } from './lazy-lookahead.js';
import { messages } from './parser-messages.js';
import { TypeStParser } from './parser-types.js';

export { describeToken } from './parser-messages.js';

export class StParser extends TypeStParser {
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
}

let instance: StParser | undefined;

/** The process's one parser (its grammar analysis runs on first use, not at import). */
export function stParser(): StParser {
  return (instance ??= new StParser(false));
}

export type { CstNode };