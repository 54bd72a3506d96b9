/**
 * Expressions and statements (IEC 61131-3 ed.3 7.3.2, 7.3.3) of the recovering CstParser.
 * Data types and variables are in compiler/st/parser-types.ts, POUs and configurations in
 * compiler/st/parser.ts, which extend this class.
 */
import type { IToken } from 'chevrotain';
import { CstParser } from './chevrotain.js';
import * as T from './lexer.js';
import { atCaseLabel, isSetResetRef } from './lookahead-tests.js';

export class BodyStParser extends CstParser {
  /** The i-th token ahead, for the look-ahead tests of lookahead-tests.ts. */
  protected readonly laFn = (i: number): IToken => this.LA(i);

  /**
   * OR alternatives and option objects built once and reused: building the arrays and objects
   * of closures on every invocation was a large share of parse time.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  protected readonly alternatives: Record<string, any> = {};

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
