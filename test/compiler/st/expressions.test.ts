import { describe, it, expect } from 'vitest';
import { expr, sx, body } from './helpers.js';

describe('operator precedence (IEC 61131-3 table 71)', () => {
  it.each([
    ['a + b * c', '(+ a (* b c))'],
    ['a * b + c', '(+ (* a b) c)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b * c', '(* (/ a b) c)'],
    ['a MOD b + c', '(+ (MOD a b) c)'],
    ['(a + b) * c', '(* (+ a b) c)'],
    ['a ** b * c', '(* (** a b) c)'],
    ['a ** b ** c', '(** (** a b) c)'],
    // unary operators bind tighter than ** (the standard's power_expression grammar rule)
    ['-a ** 2', '(** (- a) 2)'],
    ['-2 ** 2', '(** -2 2)'],
    ['2 ** -1', '(** 2 -1)'],
    ['NOT a AND b', '(AND (NOT a) b)'],
    ['NOT (a AND b)', '(NOT (AND a b))'],
    ['a OR b AND c', '(OR a (AND b c))'],
    ['a XOR b OR c', '(OR (XOR a b) c)'],
    ['a OR b XOR c AND d', '(OR a (XOR b (AND c d)))'],
    ['a & b', '(AND a b)'],
    ['a < b = c > d', '(= (< a b) (> c d))'],
    ['a <> b AND c >= d', '(AND (<> a b) (>= c d))'],
    ['a <= b + 1', '(<= a (+ b 1))'],
    ['a = b XOR c', '(XOR (= a b) c)'],
    ['- - a', '(- (- a))'],
    ['+a', '(+ a)'],
    ['-(5)', '-5'],
    ['-(a)', '(- a)'],
    ['-x.y[2]^', '(- x.y[2]^)'],
    ['a and b or not c', '(OR (AND a b) (NOT c))'],
  ])('%s → %s', (text, tree) => {
    expect(sx(expr(text))).toBe(tree);
  });

  it('binary nodes carry operator and operands', () => {
    const e = expr('a + 1');
    expect(e).toMatchObject({ kind: 'binary', op: '+', left: { kind: 'name', name: 'a' }, right: { kind: 'literal', value: { type: 'int', value: 1n } } });
  });
});

describe('postfix forms', () => {
  it.each([
    ['a.b.c', 'a.b.c'],
    ['w.3', 'w.%X3'],
    ['w.%X3', 'w.%X3'],
    ['s.flags.7', 's.flags.%X7'],
    ['a[1, j + 1]', 'a[1,(+ j 1)]'],
    ['a[i].x', 'a[i].x'],
    ['p^', 'p^'],
    ['p^.x^', 'p^.x^'],
    ['f(1, 2)', 'f(1, 2)'],
    ['f()', 'f()'],
    ['f(IN1 := a, IN2 := b)', 'f(IN1 := a, IN2 := b)'],
    ['obj.m(1)', 'obj.m(1)'],
    ['THIS^.m()', 'THIS^.m()'],
    ['SUPER^.m(x)', 'SUPER^.m(x)'],
    ['THIS^.x', 'THIS^.x'],
    ['arr[2].f(a := 1).y', 'arr[2].f(a := 1).y'],
  ])('%s', (text, tree) => {
    expect(sx(expr(text))).toBe(tree);
  });

  it('x.1 after a name is a bit, 1.5 alone is a real', () => {
    expect(expr('x.1')).toMatchObject({ kind: 'bit', object: { kind: 'name', name: 'x' }, bit: 1 });
    expect(expr('1.5')).toMatchObject({ kind: 'literal', value: { type: 'real', value: 1.5 } });
  });

  it('THIS and SUPER are their own nodes', () => {
    expect(expr('THIS^')).toMatchObject({ kind: 'deref', object: { kind: 'this' } });
    expect(expr('super^')).toMatchObject({ kind: 'deref', object: { kind: 'super' } });
  });

  it('call arguments: formal, output, negated output, empty output, positional', () => {
    const s = body('fb(IN := x, Q => y, NOT Q2 => z, ET =>, 5);')[0]!;
    expect(s.kind).toBe('callStmt');
    if (s.kind !== 'callStmt') return;
    const [a, b, c, d, e] = s.call.args;
    expect(a).toMatchObject({ name: 'IN', output: false, negated: false, value: { kind: 'name', name: 'x' } });
    expect(b).toMatchObject({ name: 'Q', output: true, negated: false, value: { kind: 'name', name: 'y' } });
    expect(c).toMatchObject({ name: 'Q2', output: true, negated: true, value: { kind: 'name', name: 'z' } });
    expect(d).toMatchObject({ name: 'ET', output: true, negated: false });
    expect(d!.value).toBeUndefined();
    expect(e).toMatchObject({ output: false, negated: false, value: { kind: 'literal' } });
    expect(e!.name).toBeUndefined();
  });

  it('after a dot, keywords are member names', () => {
    expect(sx(expr('msg.TYPE + cfg.on + a.END_IF'))).toBe('(+ (+ msg.TYPE cfg.on) a.END_IF)');
  });

  it('a direct address in an expression is a name with the address', () => {
    expect(expr('%IX0.1')).toMatchObject({ kind: 'name', name: '%IX0.1' });
  });
});

describe('ranges', () => {
  it('each node spans its source text', () => {
    const s = body('x := a + foo(b, 2) * 3;')[0]!;
    // PROGRAM p on line 1, statement on line 2
    expect(s.range).toMatchObject({ line: 2, col: 1, endLine: 2, endCol: 24 });
    if (s.kind !== 'assign') throw new Error();
    expect(s.value.range).toMatchObject({ line: 2, col: 6, endCol: 23 });
    if (s.value.kind !== 'binary') throw new Error();
    expect(s.value.right.range).toMatchObject({ col: 10, endCol: 23 });
    if (s.value.right.kind !== 'binary') throw new Error();
    expect(s.value.right.left.range).toMatchObject({ col: 10, endCol: 19 });
  });

  it('parenthesised expressions include their parentheses, negative literals their sign', () => {
    const s = body('x := (a) + -5;')[0]!;
    if (s.kind !== 'assign' || s.value.kind !== 'binary') throw new Error();
    expect(s.value.left.range).toMatchObject({ col: 6, endCol: 9 });
    expect(s.value.right).toMatchObject({ kind: 'literal', value: { value: -5n }, range: { col: 12, endCol: 14 } });
  });

  it('a prefix operator is not part of the parenthesised operand it applies to', () => {
    const s = body('x := -(a + b);')[0]!;
    if (s.kind !== 'assign' || s.value.kind !== 'unary') throw new Error();
    expect(s.value.range).toMatchObject({ col: 6, endCol: 14 });
    expect(s.value.operand.range).toMatchObject({ col: 7, endCol: 14 });
  });

  it('every node id is unique', () => {
    const stmts = body('x := a + b * f(c, d.e[1]); IF x THEN y := -z; END_IF;');
    const ids: number[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        if ('id' in v && typeof (v as { id: unknown }).id === 'number') ids.push((v as { id: number }).id);
        for (const [k, c] of Object.entries(v)) if (k !== 'range') walk(c);
      }
    };
    walk(stmts);
    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
