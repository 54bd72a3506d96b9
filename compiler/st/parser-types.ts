/**
 * Data types (IEC 61131-3 ed.3 6.4) and variable declarations with their initial values (6.5)
 * of the recovering CstParser.
 */
import * as T from './lexer.js';
import { BodyStParser } from './parser-body.js';

export class TypeStParser extends BodyStParser {
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
}
