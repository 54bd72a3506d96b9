import { describe, it, expect } from 'vitest';
import { body, sx } from './helpers.js';
import type { Stmt } from '../../../compiler/st/ast.js';

function only<K extends Stmt['kind']>(text: string, kind: K): Extract<Stmt, { kind: K }> {
  const stmts = body(text);
  expect(stmts).toHaveLength(1);
  expect(stmts[0]!.kind).toBe(kind);
  return stmts[0] as Extract<Stmt, { kind: K }>;
}

describe('assignments', () => {
  it.each([
    ['x := 1;', ':='],
    ['q S= TRUE;', 'S='],
    ['q R= c AND d;', 'R='],
    ['p REF= x;', 'REF='],
  ] as const)('%s', (text, op) => {
    const s = only(text, 'assign');
    expect(s.op).toBe(op);
    expect(s.target).toMatchObject({ kind: 'name' });
  });

  it('targets can be members, indices, bits and dereferences', () => {
    expect(sx(only('a.b[i, 2].c := 1;', 'assign').target)).toBe('a.b[i,2].c');
    expect(sx(only('w.3 := TRUE;', 'assign').target)).toBe('w.%X3');
    expect(sx(only('p^ := 5;', 'assign').target)).toBe('p^');
    expect(sx(only('THIS^.x := 5;', 'assign').target)).toBe('THIS^.x');
  });

  it('S and R remain ordinary names elsewhere', () => {
    const s = only('x := S = R;', 'assign');
    expect(sx(s.value)).toBe('(= S R)');
    expect(sx(only('S := 1;', 'assign').target)).toBe('S');
  });
});

describe('calls as statements', () => {
  it.each([
    ['t(IN := x, PT := T#5s);', 't(IN := x, PT := time(5000000000))'],
    ['fb(IN := x, Q => y, NOT Q => z);', 'fb(IN := x, Q => y, NOT Q => z)'],
    ['f(1, 2);', 'f(1, 2)'],
    ['obj.m(1);', 'obj.m(1)'],
    ['THIS^.m();', 'THIS^.m()'],
    ['SUPER^.m();', 'SUPER^.m()'],
    ['act();', 'act()'],
    ['inst.act();', 'inst.act()'],
    ['arr[2](IN := TRUE);', 'arr[2](IN := true)'],
  ])('%s', (text, tree) => {
    expect(sx(only(text, 'callStmt').call)).toBe(tree);
  });
});

describe('IF', () => {
  it('IF / ELSIF / ELSE', () => {
    const s = only('IF a THEN x := 1; ELSIF b THEN x := 2; y := 3; ELSIF c THEN ; ELSE x := 4; END_IF;', 'if');
    expect(s.branches.map((b) => sx(b.cond))).toEqual(['a', 'b', 'c']);
    expect(s.branches.map((b) => b.body.length)).toEqual([1, 2, 1]);
    expect(s.branches[2]!.body[0]!.kind).toBe('empty');
    expect(s.elseBody).toHaveLength(1);
  });

  it('without ELSE, and without the optional ; after END_IF', () => {
    const stmts = body('IF a THEN x := 1; END_IF\nx := 2;');
    expect(stmts.map((s) => s.kind)).toEqual(['if', 'assign']);
    expect((stmts[0] as Extract<Stmt, { kind: 'if' }>).elseBody).toBeUndefined();
  });

  it('an empty ELSE is present but empty', () => {
    expect(only('IF a THEN x := 1; ELSE END_IF;', 'if').elseBody).toEqual([]);
  });

  it('nests', () => {
    const s = only('IF a THEN IF b THEN x := 1; END_IF; END_IF;', 'if');
    expect(s.branches[0]!.body[0]!.kind).toBe('if');
  });
});

describe('CASE', () => {
  it('lists, ranges, enum labels and ELSE', () => {
    const s = only(
      `CASE x OF
        1, 2: y := 1;
        3..5, 7: y := 2; z := 3;
        -1: y := 0;
        Red: y := 4;
        Color#Green: y := 5;
        10..20: ;
      ELSE
        y := 9;
      END_CASE;`,
      'case',
    );
    expect(sx(s.selector)).toBe('x');
    expect(s.cases).toHaveLength(6);
    expect(s.cases[0]!.labels).toMatchObject([{ kind: 'value', expr: { value: { value: 1n } } }, { kind: 'value', expr: { value: { value: 2n } } }]);
    expect(s.cases[1]!.labels[0]).toMatchObject({ kind: 'range', lo: { value: { value: 3n } }, hi: { value: { value: 5n } } });
    expect(s.cases[1]!.body).toHaveLength(2);
    expect(s.cases[2]!.labels[0]).toMatchObject({ kind: 'value', expr: { kind: 'literal', value: { value: -1n } } });
    expect(s.cases[3]!.labels[0]).toMatchObject({ kind: 'value', expr: { kind: 'name', name: 'Red' } });
    expect(s.cases[4]!.labels[0]).toMatchObject({ kind: 'value', expr: { kind: 'enumValue', typeName: 'Color', value: 'Green' } });
    expect(s.cases[5]!.body[0]!.kind).toBe('empty');
    expect(s.elseBody).toHaveLength(1);
    expect(s.cases[1]!.range.line).toBe(4);
  });

  it('statements after a label that start with a name are not taken for labels', () => {
    const s = only('CASE x OF 1: a := 1; fb(); b.c := 2; 2: d := 3; END_CASE', 'case');
    expect(s.cases.map((c) => c.body.length)).toEqual([3, 1]);
  });
});

describe('loops and jumps', () => {
  it('FOR with and without BY (negative too)', () => {
    const f = only('FOR i := 1 TO 10 BY 2 DO x := x + i; END_FOR;', 'for');
    expect(f.variable).toMatchObject({ kind: 'name', name: 'i' });
    expect([sx(f.from), sx(f.to), sx(f.by)]).toEqual(['1', '10', '2']);
    expect(f.body).toHaveLength(1);
    const g = only('FOR i := n TO 0 BY -1 DO EXIT; END_FOR', 'for');
    expect(sx(g.by)).toBe('-1');
    expect(g.body[0]!.kind).toBe('exit');
    expect(only('FOR i := 0 TO 3 DO END_FOR;', 'for').by).toBeUndefined();
  });

  it('WHILE and REPEAT', () => {
    const w = only('WHILE i < 10 DO i := i + 1; CONTINUE; END_WHILE;', 'while');
    expect(sx(w.cond)).toBe('(< i 10)');
    expect(w.body.map((s) => s.kind)).toEqual(['assign', 'continue']);
    const r = only('REPEAT i := i - 1; UNTIL i <= 0 END_REPEAT;', 'repeat');
    expect(sx(r.until)).toBe('(<= i 0)');
    expect(r.body).toHaveLength(1);
  });

  it('EXIT, CONTINUE, RETURN and the empty statement', () => {
    expect(body('EXIT; CONTINUE; RETURN; ;').map((s) => s.kind)).toEqual(['exit', 'continue', 'return', 'empty']);
  });

  it('keywords are case-insensitive', () => {
    const s = body('if A then b := 1; elsif c then d := 2; end_if; For i := 1 to 2 Do end_for;');
    expect(s.map((x) => x.kind)).toEqual(['if', 'for']);
  });
});
