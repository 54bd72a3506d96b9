import { describe, expect, it } from 'vitest';
import { AggregateLiteralError, parseAggregate, type ValueShape } from '../../../compiler/iec61499/aggregate-literal.js';

const POINT: ValueShape = {
  kind: 'struct',
  name: 'POINT',
  fields: [
    { name: 'x', shape: { kind: 'elementary', type: 'INT' } },
    { name: 'label', shape: { kind: 'elementary', type: 'STRING' } },
    { name: 'hist', shape: { kind: 'array', length: 4, element: { kind: 'elementary', type: 'LINT' } } },
  ],
};
const PAIR: ValueShape = { kind: 'struct', name: 'PAIR', fields: [{ name: 'a', shape: POINT }, { name: 'b', shape: POINT }] };

describe('structured parameter literals', () => {
  it('parses fields in any order and case, nested structs, arrays with repetitions and quoted text', () => {
    expect(parseAggregate(PAIR, " ( B := (LABEL:='x, (y)', x:=-3), a:=(hist:=[2(7), 16#10]) ) ")).toEqual({
      kind: 'struct',
      fields: [
        { name: 'b', value: { kind: 'struct', fields: [
          { name: 'label', value: { kind: 'elementary', value: 'x, (y)' } },
          { name: 'x', value: { kind: 'elementary', value: -3 } },
        ] } },
        { name: 'a', value: { kind: 'struct', fields: [
          { name: 'hist', value: { kind: 'array', elements: [7n, 7n, 16n].map((value) => ({ kind: 'elementary', value })) } },
        ] } },
      ],
    });
    expect(parseAggregate(POINT, '()')).toEqual({ kind: 'struct', fields: [] });
  });

  it.each([
    ['(x:=1', "expected ',' or ')' in a POINT value, found the end at character 6", 5],
    ['(x=1)', "expected ':=' after x, found '=' at character 3", 2],
    ['(x:=1, x:=2)', 'field x is given twice (at character 8)', 7],
    ['(q:=1)', 'POINT has no field q (at character 2)', 1],
    ['(x:=40000)', '40000 is out of range for INT (at character 5)', 4],
    ['(x:=1 label:=\'a\')', "expected ',' between fields, found ' ' at character 6", 5],
    ['(hist:=[1,2,3,4,5])', 'more than 4 elements (at character 17)', 16],
    ['(x:=1) tail', "unexpected text after the value, found 't' at character 8", 7],
    ["(label:='open)", 'unterminated string', 8],
  ])('reports %s with its position', (text, message, offset) => {
    let error: unknown;
    try {
      parseAggregate(POINT, text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AggregateLiteralError);
    expect((error as AggregateLiteralError).message).toContain(message);
    expect((error as AggregateLiteralError).offset).toBe(offset);
  });
});
