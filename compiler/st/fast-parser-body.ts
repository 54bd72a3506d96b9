/**
 * Expressions and statements (IEC 61131-3 ed.3 7.3.2, 7.3.3) for the hand-written parser of
 * clean files (compiler/st/fast-parser.ts extends this class with declarations). Each method is
 * the production of the same name in compiler/st/ast-parser-body.ts, deciding as chevrotain
 * decides there (the same alternatives, tried in the same order, on the same tokens ahead) and
 * making the same nodes in the same order through the same NodeFactory, so that node ids match
 * too. Wherever that parser fails or gives up, this one gives up (`giveUp`), and parse.ts reads
 * the file as before.
 */
import type { TokenType } from 'chevrotain';
import * as T from './lexer.js';
import type * as A from './ast.js';
import { binaryOperatorOf, type NodeFactory } from './ast-factory.js';
import { isWord, K_EOF, type FastTokens } from './fast-lexer.js';

const kind = (t: TokenType): number => t.tokenTypeIdx!;
const KINDS = Math.max(K_EOF, ...T.allTokens.map(kind)) + 1;

/** A table by kind, true for the given token types and for those in the given categories. */
function table(types: TokenType[], categories: TokenType[] = []): Uint8Array {
  const t = new Uint8Array(KINDS + 1);
  for (const x of types) t[kind(x)] = 1;
  for (const x of T.allTokens) if ((x.CATEGORIES ?? []).some((c) => categories.includes(c))) t[kind(x)] = 1;
  return t;
}

export const K = {
  Identifier: kind(T.Identifier), DirectVariable: kind(T.DirectVariable), PartialAccess: kind(T.PartialAccess),
  IntegerLiteral: kind(T.IntegerLiteral),
  Assign: kind(T.Assign), OutputAssign: kind(T.OutputAssign), DotDot: kind(T.DotDot), Colon: kind(T.Colon),
  Semicolon: kind(T.Semicolon), Comma: kind(T.Comma), LParen: kind(T.LParen), RParen: kind(T.RParen),
  LBracket: kind(T.LBracket), RBracket: kind(T.RBracket), Plus: kind(T.Plus), Minus: kind(T.Minus), Star: kind(T.Star),
  Equal: kind(T.Equal), Caret: kind(T.Caret), Dot: kind(T.Dot),
  NOT: kind(T.NOT), MOD: kind(T.MOD), AND: kind(T.AND), OR: kind(T.OR), XOR: kind(T.XOR), THIS: kind(T.THIS), SUPER: kind(T.SUPER),
  IF: kind(T.IF), THEN: kind(T.THEN), ELSIF: kind(T.ELSIF), ELSE: kind(T.ELSE), END_IF: kind(T.END_IF),
  CASE: kind(T.CASE), OF: kind(T.OF), END_CASE: kind(T.END_CASE),
  FOR: kind(T.FOR), TO: kind(T.TO), BY: kind(T.BY), DO: kind(T.DO), END_FOR: kind(T.END_FOR),
  WHILE: kind(T.WHILE), END_WHILE: kind(T.END_WHILE), REPEAT: kind(T.REPEAT), UNTIL: kind(T.UNTIL), END_REPEAT: kind(T.END_REPEAT),
  EXIT: kind(T.EXIT), CONTINUE: kind(T.CONTINUE), RETURN: kind(T.RETURN),
} as const;

const LITERAL = table([], [T.Literal]);
const PREFIX_OPERATOR = table([], [T.PrefixOperator]);
/** What a binary operator token stands for, by kind. */
const BINARY: (A.WrittenOp | undefined)[] = [];
for (const x of T.allTokens) if ((x.CATEGORIES ?? []).includes(T.BinaryOperator)) BINARY[kind(x)] = binaryOperatorOf(x);
/** The chevrotain token type name by kind, for the literal decoder. */
const NAME: string[] = [];
for (const x of T.allTokens) NAME[kind(x)] = String(x.name);
/** Heads of operands: names, THIS, SUPER, direct addresses. */
const HEAD = table([T.Identifier, T.THIS, T.SUPER, T.DirectVariable]);
/** The operators that are also functions: `MOD(a, b)`, `AND(…)`. */
const OPERATOR_FUNCTION = table([T.MOD, T.AND, T.OR, T.XOR]);
/** First tokens of an expression (operand: prefix operators, literals, '(', operator functions, heads). */
export const EXPRESSION_START = table([T.LParen, T.MOD, T.AND, T.OR, T.XOR, T.Identifier, T.THIS, T.SUPER, T.DirectVariable], [T.Literal, T.PrefixOperator]);
/** First tokens of a statement. */
export const STATEMENT_START = table([T.IF, T.CASE, T.FOR, T.WHILE, T.REPEAT, T.EXIT, T.CONTINUE, T.RETURN, T.Semicolon, T.LParen, T.MOD, T.AND, T.OR, T.XOR, T.Identifier, T.THIS, T.SUPER, T.DirectVariable], [T.Literal, T.PrefixOperator]);
/** Statements that atCaseLabel (compiler/st/lookahead-tests.ts) never takes for a label. */
const NOT_A_LABEL = table([T.IF, T.CASE, T.FOR, T.WHILE, T.REPEAT, T.EXIT, T.CONTINUE, T.RETURN, T.Semicolon]);
/** What a member name after '.' may be: a name or any keyword. */
const MEMBER = table([T.Identifier], [T.Keyword]);

/** Thrown (one object, never a new one) where the parser gives up. */
export const GIVE_UP = { giveUp: true };

export function giveUp(): never {
  throw GIVE_UP;
}

export class FastBodyParser {
  protected kinds!: Uint16Array;
  protected starts!: Int32Array;
  protected ends!: Int32Array;
  protected text = '';
  /** index of the next token */
  protected pos = 0;
  protected f!: NodeFactory;
  /** start of the statement being read (for EXIT, CONTINUE, RETURN and ';') */
  private statementStart = 0;

  protected begin(text: string, tokens: FastTokens, f: NodeFactory): void {
    this.text = text;
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.pos = 0;
    this.f = f;
  }

  /** The kind of the i-th token ahead (1: the next). */
  protected la(i: number): number {
    return this.kinds[this.pos + i - 1]!;
  }

  /**
   * `item`, then `item` again after each comma: a comma-separated list of at least one. `item`
   * is a method of this parser, called on it (no closure made per list).
   */
  protected commaList<T>(item: (this: this) => T): T[] {
    const out = [item.call(this)];
    while (this.next === K.Comma) {
      this.pos++;
      out.push(item.call(this));
    }
    return out;
  }

  protected get next(): number {
    return this.kinds[this.pos]!;
  }

  /** Start offset of the next token. */
  protected start(): number {
    return this.starts[this.pos]!;
  }

  /** End offset of the last token read. */
  protected end(): number {
    return this.ends[this.pos - 1]!;
  }

  /** Reads a token of kind `k` and returns its index; gives up on any other. */
  protected expect(k: number): number {
    if (this.kinds[this.pos] !== k) giveUp();
    return this.pos++;
  }

  protected image(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!);
  }

  // ------------------------------------------------ 7.3.2 expressions

  /** operand (operator operand)*, precedence applied by the factory */
  protected expression(): A.Expr {
    const first = this.operand();
    if (BINARY[this.next] === undefined) return first;
    const operands: A.Expr[] = [first];
    const operators: A.WrittenOp[] = [];
    let op: A.WrittenOp | undefined;
    while ((op = BINARY[this.next]) !== undefined) {
      this.pos++;
      operators.push(op);
      operands.push(this.operand());
    }
    return this.f.binaryOps(operands, operators);
  }

  protected operand(): A.Expr {
    const firstPrefix = this.pos;
    while (PREFIX_OPERATOR[this.next]) this.pos++;
    const lastPrefix = this.pos;
    const k = this.next;
    let e: A.Expr;
    if (LITERAL[k]) {
      const t = this.pos++;
      e = this.f.literalOf(NAME[k]!, this.image(t), this.starts[t]!, this.ends[t]!);
    } else if (k === K.LParen) {
      const open = this.pos++;
      e = this.expression();
      this.expect(K.RParen);
      e.range = this.f.range(this.starts[open]!, this.end());
    } else if (OPERATOR_FUNCTION[k]) {
      const head = this.pos++;
      if (this.next !== K.LParen) giveUp();
      e = this.suffixes(this.f.nameAt(this.image(head), this.starts[head]!, this.ends[head]!), this.starts[head]!);
    } else if (HEAD[k]) {
      e = this.suffixes(this.head(this.pos++), this.starts[this.pos - 1]!);
    } else return giveUp();
    for (let i = lastPrefix - 1; i >= firstPrefix; i--) {
      const s = this.starts[i]!;
      const op = this.kinds[i] === K.NOT ? 'NOT' : this.kinds[i] === K.Minus ? '-' : '+';
      e = this.f.unaryAt(op, s, this.ends[i]!, e);
    }
    return e;
  }

  private head(t: number): A.Expr {
    const s = this.starts[t]!;
    const e = this.ends[t]!;
    const k = this.kinds[t]!;
    if (k === K.THIS) return { kind: 'this' as const, id: this.f.id(), range: this.f.range(s, e) };
    if (k === K.SUPER) return { kind: 'super' as const, id: this.f.id(), range: this.f.range(s, e) };
    const name = this.image(t);
    return this.f.nameAt(k === K.DirectVariable ? name.toUpperCase() : name, s, e);
  }

  /** `.member`, `.3` / `.%X3` (bit), `[i, j]`, `^`, `(args)` after `object`, which starts at `from` */
  private suffixes(object: A.Expr, from: number): A.Expr {
    for (;;) {
      const k = this.next;
      if (k === K.Dot) {
        this.pos++;
        const t = this.pos;
        const m = this.next;
        if (m === K.IntegerLiteral || m === K.PartialAccess) {
          this.pos++;
          object = this.f.bitOf(object, this.image(t), from, this.end());
        } else if (MEMBER[m]) {
          this.pos++;
          object = { kind: 'member' as const, object, member: this.image(t), id: this.f.id(), range: this.f.range(from, this.end()) };
        } else giveUp();
      } else if (k === K.LBracket) {
        this.pos++;
        const indices: A.Expr[] = this.commaList(this.expression);
        this.expect(K.RBracket);
        object = { kind: 'index' as const, object, indices, id: this.f.id(), range: this.f.range(from, this.end()) };
      } else if (k === K.Caret) {
        this.pos++;
        object = { kind: 'deref' as const, object, id: this.f.id(), range: this.f.range(from, this.end()) };
      } else if (k === K.LParen) {
        const args = this.argumentList();
        object = { kind: 'call' as const, callee: object, args, id: this.f.id(), range: this.f.range(from, this.end()) };
      } else return object;
    }
  }

  protected argumentList(): A.Argument[] {
    this.expect(K.LParen);
    const args: A.Argument[] = EXPRESSION_START[this.next] ? this.commaList(this.argument) : [];
    this.expect(K.RParen);
    return args;
  }

  /** `IN := x`, `Q => y`, `NOT Q => y`, `Q =>`, or a positional `x` */
  private argument(): A.Argument {
    const start = this.start();
    const k = this.next;
    const k2 = this.la(2);
    if ((k === K.NOT && k2 === K.Identifier && this.la(3) === K.OutputAssign) || (k === K.Identifier && k2 === K.OutputAssign)) {
      const negated = k === K.NOT;
      if (negated) this.pos++;
      const id = this.pos;
      this.pos += 2;
      const value = EXPRESSION_START[this.next] ? this.expression() : undefined;
      const arg: A.Argument = { output: true, negated, name: this.image(id), id: this.f.id(), range: this.f.range(start, this.end()) };
      if (value) arg.value = value;
      return arg;
    }
    if (k === K.Identifier && k2 === K.Assign) {
      const id = this.pos;
      this.pos += 2;
      const value = this.expression();
      return { output: false, negated: false, name: this.image(id), value, id: this.f.id(), range: this.f.range(start, this.end()) } as A.Argument;
    }
    const value = this.expression();
    return { output: false, negated: false, value, id: this.f.id(), range: this.f.range(start, this.end()) } as A.Argument;
  }

  // ------------------------------------------------ 7.3.3 statements

  protected statement(): A.Stmt {
    this.statementStart = this.start();
    switch (this.next) {
      case K.IF: return this.ifStatement();
      case K.CASE: return this.caseStatement();
      case K.FOR: return this.forStatement();
      case K.WHILE: return this.whileStatement();
      case K.REPEAT: return this.repeatStatement();
      case K.EXIT: return this.simple('exit');
      case K.CONTINUE: return this.simple('continue');
      case K.RETURN: return this.simple('return');
      case K.Semicolon:
        this.pos++;
        return { kind: 'empty', id: this.f.id(), range: this.f.range(this.statementStart, this.end()) };
      default:
        return this.assignmentOrCall();
    }
  }

  private simple(kind: 'exit' | 'continue' | 'return'): A.Stmt {
    this.pos++;
    this.expect(K.Semicolon);
    return { kind, id: this.f.id(), range: this.f.range(this.statementStart, this.end()) } as A.Stmt;
  }

  /** `target := value;`, `q S= c;`, `q R= c;`, `p REF= x;`, a call `fb(...);`, a label `name:` or `JMP name;` */
  private assignmentOrCall(): A.Stmt {
    const start = this.start();
    const first = this.next;
    // a prefix operator before the target is reported by the CST builder
    if (first === K.Minus || first === K.Plus || first === K.NOT) giveUp();
    const target = this.operand();
    const k = this.next;
    if (k === K.Colon) {
      this.pos++;
      if (target.kind !== 'name') giveUp();
      return { kind: 'label' as const, name: target.name, id: this.f.id(), range: this.f.range(start, this.end()) };
    }
    if (k !== K.Identifier && k !== K.Assign && k !== K.Semicolon) giveUp();
    let jmp: number | undefined;
    if (k === K.Identifier && this.la(2) === K.Semicolon && isWord(this.text, this.starts[this.pos - 1]!, this.ends[this.pos - 1]!, 'JMP')) jmp = this.pos++;
    let op: A.AssignStmt['op'] | undefined;
    let value: A.Expr | undefined;
    if (this.next === K.Assign) {
      this.pos++;
      op = ':=';
      value = this.expression();
    } else if (this.next === K.Identifier) {
      // S=, R=, REF=
      const t = this.pos++;
      const s = this.starts[t]!;
      const e = this.ends[t]!;
      op = isWord(this.text, s, e, 'S') ? 'S=' : isWord(this.text, s, e, 'R') ? 'R=' : isWord(this.text, s, e, 'REF') ? 'REF=' : giveUp();
      this.expect(K.Equal);
      value = this.expression();
    }
    this.expect(K.Semicolon);
    if (jmp !== undefined) {
      if (target.kind !== 'name' || target.name.toUpperCase() !== 'JMP') giveUp();
      return { kind: 'jmp' as const, label: this.image(jmp), id: this.f.id(), range: this.f.range(start, this.end()) };
    }
    if (op !== undefined) return { kind: 'assign' as const, op, target, value: value!, id: this.f.id(), range: this.f.range(start, this.end()) };
    if (target.kind === 'call') return { kind: 'callStmt' as const, call: target, id: this.f.id(), range: this.f.range(start, this.end()) };
    return giveUp(); // an expression alone is not a statement
  }

  protected statementList(): A.Stmt[] {
    const out: A.Stmt[] = [];
    while (STATEMENT_START[this.next]) out.push(this.statement());
    return out;
  }

  private ifStatement(): A.IfStmt {
    const start = this.start();
    this.pos++;
    const cond = this.expression();
    this.expect(K.THEN);
    const body = this.statementList();
    const branches = [{ cond, body }];
    while (this.next === K.ELSIF) {
      this.pos++;
      const cond = this.expression();
      this.expect(K.THEN);
      const body = this.statementList();
      branches.push({ cond, body });
    }
    let elseBody: A.Stmt[] | undefined;
    if (this.next === K.ELSE) {
      this.pos++;
      elseBody = this.statementList();
    }
    this.expect(K.END_IF);
    if (this.next === K.Semicolon) this.pos++;
    const s = { kind: 'if' as const, branches, id: this.f.id(), range: this.f.range(start, this.end()) } as A.IfStmt;
    if (elseBody) s.elseBody = elseBody;
    return s;
  }

  private caseStatement(): A.CaseStmt {
    const start = this.start();
    this.pos++;
    const selector = this.expression();
    this.expect(K.OF);
    const cases: A.CaseStmt['cases'] = [];
    while (EXPRESSION_START[this.next]) cases.push(this.caseElement());
    let elseBody: A.Stmt[] | undefined;
    if (this.next === K.ELSE) {
      this.pos++;
      elseBody = this.statementList();
    }
    this.expect(K.END_CASE);
    if (this.next === K.Semicolon) this.pos++;
    const s = { kind: 'case' as const, selector, cases, id: this.f.id(), range: this.f.range(start, this.end()) } as A.CaseStmt;
    if (elseBody) s.elseBody = elseBody;
    return s;
  }

  private caseElement(): A.CaseStmt['cases'][number] {
    const start = this.start();
    const labels: A.CaseLabel[] = this.commaList(this.caseLabel);
    this.expect(K.Colon);
    const body: A.Stmt[] = [];
    // a statement list ends where the next label (something followed by ':') begins
    while (STATEMENT_START[this.next] && !this.atCaseLabel()) body.push(this.statement());
    return { labels, body, range: this.f.range(start, this.end()) };
  }

  /** atCaseLabel of compiler/st/lookahead-tests.ts: the text ahead reaches ':' before ':=', '=>', ';' or the end. */
  private atCaseLabel(): boolean {
    if (NOT_A_LABEL[this.next]) return false;
    for (let i = 1; ; i++) {
      const t = this.la(i);
      if (t === K.Colon) return true;
      if (t === K.Assign || t === K.Semicolon || t === K_EOF || t === K.OutputAssign) return false;
      if (i > 512) return false;
    }
  }

  private caseLabel(): A.CaseLabel {
    const lo = this.expression();
    if (this.next !== K.DotDot) return { kind: 'value', expr: lo };
    this.pos++;
    const hi = this.expression();
    return { kind: 'range', lo, hi };
  }

  private forStatement(): A.ForStmt {
    const start = this.start();
    this.pos++;
    const v = this.expect(K.Identifier);
    this.expect(K.Assign);
    const from = this.expression();
    this.expect(K.TO);
    const to = this.expression();
    let by: A.Expr | undefined;
    if (this.next === K.BY) {
      this.pos++;
      by = this.expression();
    }
    this.expect(K.DO);
    const body = this.statementList();
    this.expect(K.END_FOR);
    if (this.next === K.Semicolon) this.pos++;
    const s = {
      kind: 'for' as const,
      variable: this.f.nameAt(this.image(v), this.starts[v]!, this.ends[v]!),
      from,
      to,
      body,
      id: this.f.id(),
      range: this.f.range(start, this.end()),
    } as A.ForStmt;
    if (by) s.by = by;
    return s;
  }

  private whileStatement(): A.WhileStmt {
    const start = this.start();
    this.pos++;
    const cond = this.expression();
    this.expect(K.DO);
    const body = this.statementList();
    this.expect(K.END_WHILE);
    if (this.next === K.Semicolon) this.pos++;
    return { kind: 'while' as const, cond, body, id: this.f.id(), range: this.f.range(start, this.end()) };
  }

  private repeatStatement(): A.RepeatStmt {
    const start = this.start();
    this.pos++;
    const body = this.statementList();
    this.expect(K.UNTIL);
    const until = this.expression();
    this.expect(K.END_REPEAT);
    if (this.next === K.Semicolon) this.pos++;
    return { kind: 'repeat' as const, body, until, id: this.f.id(), range: this.f.range(start, this.end()) };
  }
}
