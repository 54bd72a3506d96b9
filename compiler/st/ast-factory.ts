/**
 * AST nodes made directly from tokens, for the parser that builds the AST in its grammar
 * actions (compiler/st/ast-parser.ts). It serves only clean files: wherever the CST builder
 * (compiler/st/to-ast.ts) would report a problem, this throws `FullParseNeeded` and the file
 * is parsed again with recovery, so that every diagnostic comes from one place.
 */
import type { IToken, TokenType } from 'chevrotain';
import type * as A from './ast.js';
import { binaryNodeOp, PRECEDENCE, type IdAllocator, type WrittenOp } from './ast.js';
import type { SourceFile, SourceRange } from '../source.js';
import { decodeLiteralToken, signedLiteral } from './literals.js';
import * as T from './lexer.js';

/** Thrown where the text needs the recovering parser: a syntax error or anything the CST builder would report. */
export class FullParseNeeded extends Error {
  constructor() {
    super('the file needs the recovering parser');
  }
}

export function needFullParse(): never {
  throw new FullParseNeeded();
}

/** End offset (exclusive) of a token. */
export function tokenEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

/** The operator of each binary operator token ('&' is AND). */
const OPERATOR = new Map<TokenType, WrittenOp>([
  [T.OR, 'OR'], [T.XOR, 'XOR'], [T.AND, 'AND'], [T.Ampersand, 'AND'], [T.AND_THEN, 'AND_THEN'], [T.OR_ELSE, 'OR_ELSE'],
  [T.Equal, '='], [T.NotEqual, '<>'], [T.Less, '<'], [T.Greater, '>'], [T.LessEqual, '<='], [T.GreaterEqual, '>='],
  [T.Plus, '+'], [T.Minus, '-'], [T.Star, '*'], [T.Slash, '/'], [T.MOD, 'MOD'], [T.Power, '**'],
]);

/** The operator a binary operator token stands for; undefined for any other token. */
export function binaryOperatorOf(t: TokenType): WrittenOp | undefined {
  return OPERATOR.get(t);
}

function binaryOp(t: IToken): WrittenOp {
  return OPERATOR.get(t.tokenType)!;
}

/** What a POU body holds, in the order written (both one-pass parsers collect it). */
export interface PouBody {
  varSections: A.VarSection[];
  methods: A.MethodDecl[];
  actions: A.ActionDecl[];
  body: A.Stmt[];
}

/** ABSTRACT, FINAL, OVERRIDE and an access specifier read before a POU's or method's name. */
export interface Modifiers {
  abstract: boolean;
  final: boolean;
  override: boolean;
  access?: A.AccessSpecifier;
}

export class NodeFactory {
  /** state of one precedence climb (operands and operators of one expression) */
  private operands: A.Expr[] = [];
  private operators: WrittenOp[] = [];
  private next = 0;

  /** offsets at which lines start, and the line of the last offset looked up */
  private readonly lineStarts: number[] = [0];
  private line = 0;

  constructor(
    readonly file: SourceFile,
    private readonly ids: IdAllocator,
  ) {
    const text = file.text;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /**
   * `file.range(start, end)`, without its two binary searches and two position objects: nodes
   * are made in text order, so the line is nearly always the last one's or a little after it.
   */
  range(start: number, end: number): SourceRange {
    if (this.file.origins) return this.file.range(start, end);
    const to = Math.max(start, end);
    const first = this.lineOf(start);
    const last = this.lineOf(to);
    const starts = this.lineStarts;
    return { file: this.file.path, line: first + 1, col: start - starts[first]! + 1, endLine: last + 1, endCol: to - starts[last]! + 1 };
  }

  /** Index of the last line starting at or before `offset`. */
  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    let i = this.line;
    if (starts[i]! <= offset) {
      for (let steps = 0; steps < 8; steps++) {
        if (i + 1 >= starts.length || starts[i + 1]! > offset) return (this.line = i);
        i++;
      }
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return (this.line = lo);
  }

  /** The next node id. (Nodes are object literals with their id and range, not objects given them afterwards: V8 then keeps all their fields in the object.) */
  id(): number {
    return this.ids.next();
  }

  /** From the start of `first` to the end of `last`. */
  span(first: SourceRange, last: SourceRange): SourceRange {
    return { file: first.file, line: first.line, col: first.col, endLine: last.endLine, endCol: last.endCol };
  }

  /** Give `fields` (taken over, not copied) an id and the range [start, end). */
  make<N extends object>(fields: N, start: number, end: number): N & { id: number; range: SourceRange } {
    const node = fields as N & { id: number; range: SourceRange };
    node.id = this.ids.next();
    node.range = this.range(start, end);
    return node;
  }

  /** A FUNCTION_BLOCK declaration from [start, end), its modifiers, base, interfaces and body. */
  functionBlock(name: string, mods: Modifiers, base: string | undefined, implemented: string[], b: PouBody, start: number, end: number): A.FunctionBlockDecl {
    const decl = this.make(
      {
        kind: 'functionBlock' as const,
        name,
        abstract: mods.abstract,
        final: mods.final,
        implements: implemented,
        varSections: b.varSections,
        methods: b.methods,
        actions: b.actions,
        body: b.body,
      } as Omit<A.FunctionBlockDecl, 'id' | 'range'>,
      start,
      end,
    );
    if (base !== undefined) decl.extends = base;
    return decl;
  }

  name(t: IToken, name: string = t.image): A.NameExpr {
    return this.nameAt(name, t.startOffset, tokenEnd(t));
  }

  /** A name spelt `name` over [start, end). */
  nameAt(name: string, start: number, end: number): A.NameExpr {
    return { kind: 'name' as const, name, id: this.id(), range: this.range(start, end) };
  }

  /** Precedence climbing over an expression's operands and operators; equal precedence associates to the left. */
  binary(operands: A.Expr[], operators: IToken[]): A.Expr {
    if (operators.length === 0) return operands[0]!;
    return this.binaryOps(operands, operators.map(binaryOp));
  }

  /** `binary` with the operators given as what they stand for. */
  binaryOps(operands: A.Expr[], operators: WrittenOp[]): A.Expr {
    if (operators.length === 0) return operands[0]!;
    // the operands are made already: a climb never starts another one
    this.operands = operands;
    this.operators = operators;
    this.next = 0;
    return this.climb(0);
  }

  private climb(minPrecedence: number): A.Expr {
    let left = this.operandWithPower();
    for (;;) {
      const op = this.operators[this.next - 1];
      if (op === undefined || this.next >= this.operands.length) return left;
      const p = PRECEDENCE[op];
      if (p < minPrecedence) return left;
      const right = this.climb(p + 1);
      left = { kind: 'binary' as const, ...binaryNodeOp(op), left, right, id: this.id(), range: this.span(left.range, right.range) };
    }
  }

  /** Unary minus and NOT bind tighter than `**` (power_expression ::= unary_expression {'**' unary_expression}). */
  private operandWithPower(): A.Expr {
    let e = this.operands[this.next++]!;
    while (this.next < this.operands.length && this.operators[this.next - 1] === '**') {
      const right = this.operands[this.next++]!;
      e = { kind: 'binary' as const, op: '**' as const, left: e, right, id: this.id(), range: this.span(e.range, right.range) };
    }
    return e;
  }

  /** `-` on a number or duration literal is folded into the literal (6.3.2 signed literals). */
  unary(opTok: IToken, operand: A.Expr): A.Expr {
    return this.unaryAt(opTok.image.toUpperCase() as A.UnaryOp, opTok.startOffset, tokenEnd(opTok), operand);
  }

  /** `unary` with the operator written over [start, end). */
  unaryAt(op: A.UnaryOp, start: number, end: number, operand: A.Expr): A.Expr {
    const opRange = this.range(start, end);
    const folded = operand.kind === 'literal' ? signedLiteral(op, operand.value) : undefined;
    if (folded) return { kind: 'literal' as const, value: folded, id: this.id(), range: this.span(opRange, operand.range) };
    return { kind: 'unary' as const, op, operand, id: this.id(), range: this.span(opRange, operand.range) };
  }

  /** `.3` or `.%X3`; anything else the CST builder reports. */
  bit(object: A.Expr, bit: IToken, start: number, end: number): A.Expr {
    return this.bitOf(object, bit.image, start, end);
  }

  /** `bit` with the bit number as written (`3` or `%X3`). */
  bitOf(object: A.Expr, written: string, start: number, end: number): A.Expr {
    let text = written;
    if (text.startsWith('%')) {
      if (text[1]!.toUpperCase() !== 'X') needFullParse();
      text = text.slice(2);
    }
    const n = Number(text.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n > 63) needFullParse();
    return { kind: 'bit' as const, object, bit: n, id: this.id(), range: this.range(start, end) };
  }

  literal(tok: IToken): A.Expr {
    return this.literalOf(tok.tokenType.name, tok.image, tok.startOffset, tokenEnd(tok));
  }

  /** The literal `image`, a token of the type named `tokenType` (compiler/st/lexer.ts), over [start, end). */
  literalOf(tokenType: string, image: string, start: number, end: number): A.Expr {
    const d = decodeLiteralToken(tokenType, image);
    if (d === undefined) return needFullParse();
    if ('enumType' in d) return { kind: 'enumValue' as const, typeName: d.enumType, value: d.value, id: this.id(), range: this.range(start, end) };
    if (!d.ok) return needFullParse();
    return { kind: 'literal' as const, value: d.value, id: this.id(), range: this.range(start, end) };
  }
}
