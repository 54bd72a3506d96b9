/**
 * Expressions and statements (IEC 61131-3 ed.3 7.3.2, 7.3.3) for the parser that builds the
 * AST in its grammar actions, without a CST. The productions are those of compiler/st/parser-body.ts,
 * one for one and in the same order (so that chevrotain takes the same decisions); each returns
 * the AST node that compiler/st/to-ast.ts makes of the same text. Declarations are in
 * compiler/st/ast-parser.ts, which extends this class.
 *
 * This parser has no error recovery: compiler/st/parse.ts uses it for a file first and, on the
 * first syntax error or anything the CST builder reports, parses the file again with the
 * recovering CstParser, which makes every diagnostic.
 */
import type { IToken } from 'chevrotain';
import { EmbeddedActionsParser } from './chevrotain.js';
import * as T from './lexer.js';
import { atCaseLabel, isSetResetRef } from './lookahead-tests.js';
import type * as A from './ast.js';
import { NodeFactory, needFullParse, tokenEnd } from './ast-factory.js';


/** What rules return while chevrotain records the grammar (no action runs then). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RECORDING = undefined as any;

export class BodyAstParser extends EmbeddedActionsParser {
  /** The i-th token ahead, for the look-ahead tests of lookahead-tests.ts. */
  private readonly laFn = (i: number): IToken => this.LA(i);

  /** The nodes' maker for the file being parsed (set by `parse`). */
  protected f!: NodeFactory;

  /** OR alternatives built once: they capture nothing but the parser. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  protected readonly alternatives: Record<string, any> = {};

  /** Start offset of the rule being entered: the next token. */
  protected start(): number {
    return this.LA(1).startOffset;
  }

  /** End offset (exclusive) of the rule being left: the last token consumed. */
  protected end(): number {
    return tokenEnd(this.LA(0));
  }

  // ------------------------------------------------ 7.3.2 expressions

  /** operand (operator operand)*, precedence applied by the factory */
  expression = this.RULE('expression', (): A.Expr => {
    const first = this.SUBRULE(this.operand);
    let operands: A.Expr[] | undefined;
    let operators: IToken[] | undefined;
    this.MANY(() => {
      const op = this.CONSUME(T.BinaryOperator);
      const right = this.SUBRULE2(this.operand);
      (operators ??= []).push(op);
      (operands ??= [first]).push(right);
    });
    if (operands === undefined || this.RECORDING_PHASE) return first;
    return this.f.binary(operands, operators!);
  });

  operand = this.RULE('operand', (): A.Expr => {
    let prefixes: IToken[] | undefined;
    this.MANY(() => {
      (prefixes ??= []).push(this.CONSUME(T.PrefixOperator));
    });
    let e: A.Expr = this.OR((this.alternatives.operand ??= {
      DEF: [
        { ALT: () => this.literalOperand() },
        { ALT: () => this.parenthesised() },
        {
          // MOD(a, b), AND(a, b, c), OR(…), XOR(…): compiler/st/parser-body.ts has a GATE on the '(' here;
          // an OR with a GATE makes chevrotain map over its alternatives on every operand, so
          // the '(' is checked after the head instead: either way the text goes to the recovering parser
          ALT: () => {
            const head = this.OR3<IToken>((this.alternatives.operand3 ??= [
              { ALT: () => this.CONSUME(T.MOD) },
              { ALT: () => this.CONSUME(T.AND) },
              { ALT: () => this.CONSUME(T.OR) },
              { ALT: () => this.CONSUME(T.XOR) },
            ]));
            if (!this.RECORDING_PHASE && this.LA(1).tokenType !== T.LParen) needFullParse();
            let e = this.RECORDING_PHASE ? RECORDING : this.f.name(head);
            this.MANY3(() => {
              this.suffixObject = e;
              this.suffixFrom = head.startOffset;
              e = this.SUBRULE2(this.suffix);
            });
            return e;
          },
        },
        {
          ALT: () => {
            const head = this.OR2<IToken>((this.alternatives.operand2 ??= [
              { ALT: () => this.CONSUME(T.Identifier) },
              { ALT: () => this.CONSUME(T.THIS) },
              { ALT: () => this.CONSUME(T.SUPER) },
              { ALT: () => this.CONSUME(T.DirectVariable) },
            ]));
            let e = this.RECORDING_PHASE ? RECORDING : this.head(head);
            this.MANY2(() => {
              this.suffixObject = e;
              this.suffixFrom = head.startOffset;
              e = this.SUBRULE(this.suffix);
            });
            return e;
          },
        },
      ],
      ERR_MSG: 'an expression',
    }));
    if (prefixes === undefined || this.RECORDING_PHASE) return e;
    for (let i = prefixes.length - 1; i >= 0; i--) e = this.f.unary(prefixes[i]!, e);
    return e;
  });

  private literalOperand(): A.Expr {
    const t = this.CONSUME(T.Literal);
    return this.RECORDING_PHASE ? RECORDING : this.f.literal(t);
  }

  /** `( expression )`: the parentheses belong to the expression's range. */
  private parenthesised(): A.Expr {
    const open = this.CONSUME(T.LParen);
    const e = this.SUBRULE(this.expression);
    const close = this.CONSUME(T.RParen);
    if (!this.RECORDING_PHASE) e.range = this.f.range(open.startOffset, tokenEnd(close));
    return e;
  }

  private head(t: IToken): A.Expr {
    const s = t.startOffset;
    const e = tokenEnd(t);
    if (t.tokenType === T.THIS) return { kind: 'this' as const, id: this.f.id(), range: this.f.range(s, e) };
    if (t.tokenType === T.SUPER) return { kind: 'super' as const, id: this.f.id(), range: this.f.range(s, e) };
    return this.f.name(t, t.tokenType === T.DirectVariable ? t.image.toUpperCase() : t.image);
  }

  /**
   * `.member`, `.3` / `.%X3` (bit), `[i, j]`, `^`, `(args)` applied to `suffixObject`, which
   * starts at `suffixFrom` (fields, not arguments: the cached alternatives cannot capture them;
   * each alternative reads them before any nested rule sets them again).
   */
  suffix = this.RULE('suffix', (): A.Expr => {
    return this.OR((this.alternatives.suffix ??= [
      {
        ALT: () => {
          const object = this.suffixObject;
          const from = this.suffixFrom;
          this.CONSUME(T.Dot);
          const t = this.OR2<IToken>((this.alternatives.suffix3 ??= [
            { ALT: () => this.CONSUME(T.Identifier) },
            { ALT: () => this.CONSUME(T.Keyword) },
            { ALT: () => this.CONSUME(T.IntegerLiteral) },
            { ALT: () => this.CONSUME(T.PartialAccess) },
          ]));
          if (this.RECORDING_PHASE) return RECORDING;
          const isBit = t.tokenType === T.IntegerLiteral || t.tokenType === T.PartialAccess;
          return isBit ? this.f.bit(object, t, from, this.end()) : { kind: 'member' as const, object, member: t.image, id: this.f.id(), range: this.f.range(from, this.end()) };
        },
      },
      {
        ALT: () => {
          const object = this.suffixObject;
          const from = this.suffixFrom;
          this.CONSUME(T.LBracket);
          const indices: A.Expr[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => indices.push(this.SUBRULE(this.expression)) });
          this.CONSUME(T.RBracket);
          return this.RECORDING_PHASE ? RECORDING : { kind: 'index' as const, object, indices, id: this.f.id(), range: this.f.range(from, this.end()) };
        },
      },
      {
        ALT: () => {
          const object = this.suffixObject;
          const from = this.suffixFrom;
          this.CONSUME(T.Caret);
          return this.RECORDING_PHASE ? RECORDING : { kind: 'deref' as const, object, id: this.f.id(), range: this.f.range(from, this.end()) };
        },
      },
      {
        ALT: () => {
          const object = this.suffixObject;
          const from = this.suffixFrom;
          const args = this.SUBRULE(this.argumentList);
          return this.RECORDING_PHASE ? RECORDING : { kind: 'call' as const, callee: object, args, id: this.f.id(), range: this.f.range(from, this.end()) };
        },
      },
    ]));
  });
  private suffixObject: A.Expr = RECORDING;
  private suffixFrom = 0;

  argumentList = this.RULE('argumentList', (): A.Argument[] => {
    const args: A.Argument[] = [];
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.argument)) });
    this.CONSUME(T.RParen);
    return args;
  });

  /** `IN := x`, `Q => y`, `NOT Q => y`, `Q =>`, or a positional `x` */
  argument = this.RULE('argument', (): A.Argument => {
    this.argumentStart = this.start();
    return this.OR((this.alternatives.argument ??= [
      {
        ALT: () => {
          const start = this.argumentStart;
          const not = this.OPTION(() => this.CONSUME(T.NOT));
          const id = this.CONSUME(T.Identifier);
          this.CONSUME(T.OutputAssign);
          const value = this.OPTION2(() => this.SUBRULE(this.expression));
          if (this.RECORDING_PHASE) return RECORDING;
          const arg: A.Argument = { output: true, negated: not !== undefined, name: id.image, id: this.f.id(), range: this.f.range(start, this.end()) };
          if (value) arg.value = value;
          return arg;
        },
      },
      {
        ALT: () => {
          const start = this.argumentStart;
          const id = this.CONSUME2(T.Identifier);
          this.CONSUME(T.Assign);
          const value = this.SUBRULE2(this.expression);
          if (this.RECORDING_PHASE) return RECORDING;
          return ({ output: false, negated: false, name: id.image, value, id: this.f.id(), range: this.f.range(start, this.end()) } as A.Argument);
        },
      },
      {
        ALT: () => {
          const start = this.argumentStart;
          const value = this.SUBRULE3(this.expression);
          if (this.RECORDING_PHASE) return RECORDING;
          return ({ output: false, negated: false, value, id: this.f.id(), range: this.f.range(start, this.end()) } as A.Argument);
        },
      },
    ]));
  });
  /** start of the argument being read (the cached alternatives cannot capture it) */
  private argumentStart = 0;

  // ------------------------------------------------ 7.3.3 statements

  statement = this.RULE('statement', (): A.Stmt | undefined => {
    this.statementStart = this.start();
    return this.OR((this.alternatives.statement ??= {
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
            return this.simple('exit');
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.CONTINUE);
            this.CONSUME2(T.Semicolon);
            return this.simple('continue');
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.RETURN);
            this.CONSUME3(T.Semicolon);
            return this.simple('return');
          },
        },
        {
          ALT: () => {
            this.CONSUME4(T.Semicolon);
            return this.simple('empty');
          },
        },
        { ALT: () => this.SUBRULE(this.assignmentOrCall) },
      ],
      ERR_MSG: 'a statement',
    }));
  });
  private statementStart = 0;

  private simple(kind: 'exit' | 'continue' | 'return' | 'empty'): A.Stmt {
    if (this.RECORDING_PHASE) return RECORDING;
    return { kind, id: this.f.id(), range: this.f.range(this.statementStart, this.end()) } as A.Stmt;
  }

  /** `target := value;`, `q S= c;`, `q R= c;`, `p REF= x;`, a call `fb(...);`, a label `name:` or `JMP name;` */
  assignmentOrCall = this.RULE('assignmentOrCall', (): A.Stmt => {
    const start = this.start();
    // a prefix operator before the target is reported by the CST builder
    if (this.LA(1).tokenType === T.Minus || this.LA(1).tokenType === T.Plus || this.LA(1).tokenType === T.NOT) {
      if (!this.RECORDING_PHASE) needFullParse();
    }
    this.pendingTarget = this.SUBRULE(this.operand);
    this.pendingStart = start;
    return this.OR2((this.alternatives.assignmentOrCall2 ??= [
      {
        ALT: () => {
          const target = this.pendingTarget;
          const start = this.pendingStart;
          this.CONSUME(T.Colon);
          if (this.RECORDING_PHASE) return RECORDING;
          if (target.kind !== 'name') needFullParse();
          return { kind: 'label' as const, name: target.name, id: this.f.id(), range: this.f.range(start, this.end()) };
        },
      },
      {
        ALT: () => {
          const target = this.pendingTarget;
          const start = this.pendingStart;
          const jmp = this.OPTION3({
            GATE: () => this.LA(1).tokenType === T.Identifier && this.LA(2).tokenType === T.Semicolon && this.LA(0).image.toUpperCase() === 'JMP',
            DEF: () => this.CONSUME2(T.Identifier),
          });
          const assign = this.OPTION(() =>
            this.OR<readonly [A.AssignStmt['op'], A.Expr]>((this.alternatives.assignmentOrCall ??= [
              {
                ALT: () => {
                  this.CONSUME(T.Assign);
                  return [':=', this.SUBRULE(this.expression)] as const;
                },
              },
              {
                // S=, R=, REF=: the GATE of compiler/st/parser-body.ts, checked after the choice (see operand)
                ALT: () => {
                  if (!this.RECORDING_PHASE && !isSetResetRef(this.LA(1))) needFullParse();
                  const op = this.CONSUME(T.Identifier);
                  this.CONSUME(T.Equal);
                  const u = op.image.toUpperCase();
                  return [(u === 'S' ? 'S=' : u === 'R' ? 'R=' : 'REF=') as A.AssignStmt['op'], this.SUBRULE2(this.expression)] as const;
                },
              },
            ])),
          );
          this.CONSUME(T.Semicolon);
          if (this.RECORDING_PHASE) return RECORDING;
          if (jmp) {
            if (target.kind !== 'name' || target.name.toUpperCase() !== 'JMP') needFullParse();
            return { kind: 'jmp' as const, label: jmp.image, id: this.f.id(), range: this.f.range(start, this.end()) };
          }
          if (assign) return { kind: 'assign' as const, op: assign[0], target, value: assign[1], id: this.f.id(), range: this.f.range(start, this.end()) };
          if (target.kind === 'call') return { kind: 'callStmt' as const, call: target, id: this.f.id(), range: this.f.range(start, this.end()) };
          return needFullParse(); // an expression alone is not a statement
        },
      },
    ]));
  });
  private pendingTarget: A.Expr = RECORDING;
  private pendingStart = 0;

  statementList = this.RULE('statementList', (): A.Stmt[] => {
    const out: A.Stmt[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.statement);
      if (s) out.push(s);
    });
    return out;
  });

  ifStatement = this.RULE('ifStatement', (): A.IfStmt => {
    const start = this.start();
    this.CONSUME(T.IF);
    const cond = this.SUBRULE(this.expression);
    this.CONSUME(T.THEN);
    const body = this.SUBRULE(this.statementList);
    const branches = [{ cond, body }];
    this.MANY(() => branches.push(this.SUBRULE(this.elsifBranch)));
    const elseBody = this.OPTION(() => {
      this.CONSUME(T.ELSE);
      return this.SUBRULE2(this.statementList);
    });
    this.CONSUME(T.END_IF);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
    if (this.RECORDING_PHASE) return RECORDING;
    const s = ({ kind: 'if' as const, branches, id: this.f.id(), range: this.f.range(start, this.end()) } as A.IfStmt);
    if (elseBody) s.elseBody = elseBody;
    return s;
  });

  elsifBranch = this.RULE('elsifBranch', (): { cond: A.Expr; body: A.Stmt[] } => {
    this.CONSUME(T.ELSIF);
    const cond = this.SUBRULE(this.expression);
    this.CONSUME(T.THEN);
    const body = this.SUBRULE(this.statementList);
    return { cond, body };
  });

  caseStatement = this.RULE('caseStatement', (): A.CaseStmt => {
    const start = this.start();
    this.CONSUME(T.CASE);
    const selector = this.SUBRULE(this.expression);
    this.CONSUME(T.OF);
    const cases: A.CaseStmt['cases'] = [];
    this.MANY(() => cases.push(this.SUBRULE(this.caseElement)));
    const elseBody = this.OPTION(() => {
      this.CONSUME(T.ELSE);
      return this.SUBRULE(this.statementList);
    });
    this.CONSUME(T.END_CASE);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
    if (this.RECORDING_PHASE) return RECORDING;
    const s = ({ kind: 'case' as const, selector, cases, id: this.f.id(), range: this.f.range(start, this.end()) } as A.CaseStmt);
    if (elseBody) s.elseBody = elseBody;
    return s;
  });

  caseElement = this.RULE('caseElement', (): A.CaseStmt['cases'][number] => {
    const start = this.start();
    const labels: A.CaseLabel[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => labels.push(this.SUBRULE(this.caseLabel)) });
    this.CONSUME(T.Colon);
    const body: A.Stmt[] = [];
    // a statement list ends where the next label (something followed by ':') begins
    this.MANY({
      GATE: () => !atCaseLabel(this.laFn),
      DEF: () => {
        const s = this.SUBRULE(this.statement);
        if (s) body.push(s);
      },
    });
    if (this.RECORDING_PHASE) return RECORDING;
    return { labels, body, range: this.f.range(start, this.end()) };
  });

  caseLabel = this.RULE('caseLabel', (): A.CaseLabel => {
    const lo = this.SUBRULE(this.expression);
    const hi = this.OPTION(() => {
      this.CONSUME(T.DotDot);
      return this.SUBRULE2(this.expression);
    });
    return hi ? { kind: 'range', lo, hi } : { kind: 'value', expr: lo };
  });

  forStatement = this.RULE('forStatement', (): A.ForStmt => {
    const start = this.start();
    this.CONSUME(T.FOR);
    const v = this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    const from = this.SUBRULE(this.expression);
    this.CONSUME(T.TO);
    const to = this.SUBRULE2(this.expression);
    const by = this.OPTION(() => {
      this.CONSUME(T.BY);
      return this.SUBRULE3(this.expression);
    });
    this.CONSUME(T.DO);
    const body = this.SUBRULE(this.statementList);
    this.CONSUME(T.END_FOR);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
    if (this.RECORDING_PHASE) return RECORDING;
    const s = ({ kind: 'for' as const, variable: this.f.name(v), from, to, body, id: this.f.id(), range: this.f.range(start, this.end()) } as A.ForStmt);
    if (by) s.by = by;
    return s;
  });

  whileStatement = this.RULE('whileStatement', (): A.WhileStmt => {
    const start = this.start();
    this.CONSUME(T.WHILE);
    const cond = this.SUBRULE(this.expression);
    this.CONSUME(T.DO);
    const body = this.SUBRULE(this.statementList);
    this.CONSUME(T.END_WHILE);
    this.OPTION(() => this.CONSUME(T.Semicolon));
    return this.RECORDING_PHASE ? RECORDING : { kind: 'while' as const, cond, body, id: this.f.id(), range: this.f.range(start, this.end()) };
  });

  repeatStatement = this.RULE('repeatStatement', (): A.RepeatStmt => {
    const start = this.start();
    this.CONSUME(T.REPEAT);
    const body = this.SUBRULE(this.statementList);
    this.CONSUME(T.UNTIL);
    const until = this.SUBRULE(this.expression);
    this.CONSUME(T.END_REPEAT);
    this.OPTION(() => this.CONSUME(T.Semicolon));
    return this.RECORDING_PHASE ? RECORDING : { kind: 'repeat' as const, body, until, id: this.f.id(), range: this.f.range(start, this.end()) };
  });
}

