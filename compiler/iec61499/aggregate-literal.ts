import { LiteralError, parseLiteral, type LiteralValue } from './literal.js';

/**
 * Structured literals as 4diac writes them in parameters and WRITE requests:
 * `(a:=1,b:=TRUE)` for a STRUCT (nested structs and arrays allowed, fields may be left out)
 * and `[1,2,3]` or `[2(0),1]` for an ARRAY. Parsed against the value's shape so that a bad
 * field, a bad element or a malformed literal is reported at compile time with its position.
 */

/** The shape of a value, from a .dtp declaration (compile time) or the ST compiler's type info (run time). */
export type ValueShape =
  | { kind: 'elementary'; type: string }
  /** `prop`: the JS property of the field on the runtime object (the ST compiler's), when known */
  | { kind: 'struct'; name: string; fields: { name: string; prop?: string; shape: ValueShape }[] }
  | { kind: 'array'; length: number; element: ValueShape };

/** A parsed, typed value: elementary values as parseLiteral returns them. */
export type AggregateValue =
  | { kind: 'elementary'; value: LiteralValue }
  | { kind: 'struct'; fields: { name: string; prop?: string; value: AggregateValue }[] }
  | { kind: 'array'; elements: AggregateValue[] };

/** A malformed structured literal; `offset` is the 0-based position in the literal text. */
export class AggregateLiteralError extends LiteralError {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export const isAggregateLiteral = (text: string): boolean => /^\s*[([]/.test(text);

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  peek(): string {
    this.skip();
    return this.text[this.pos] ?? '';
  }
  expect(ch: string, what: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}' ${what}`);
    this.pos++;
  }
  fail(message: string, at = this.pos): never {
    const found = this.text[at] === undefined ? 'the end' : `'${this.text[at]}'`;
    throw new AggregateLiteralError(`${message}, found ${found} at character ${at + 1} of ${this.text.trim()}`, at);
  }
  /** Text of an elementary literal: up to a ',', ')' or ']' outside quotes and parentheses. */
  scalar(): { text: string; at: number } {
    this.skip();
    const at = this.pos;
    let depth = 0;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === "'" || c === '"') {
        const end = this.text.indexOf(c, this.pos + 1);
        if (end < 0) this.fail('unterminated string');
        this.pos = end + 1;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')' && depth > 0) depth--;
      else if ((c === ',' || c === ')' || c === ']') && depth === 0) break;
      this.pos++;
    }
    const text = this.text.slice(at, this.pos).trim();
    if (text === '') this.fail('expected a value', at);
    // '(a:=1 b:=2)': the next field swallowed for want of a comma
    const run = /\s+[A-Za-z_]\w*\s*:=/.exec(this.text.slice(at, this.pos));
    if (run) this.fail("expected ',' between fields", at + run.index);
    return { text, at };
  }
}

function value(c: Cursor, shape: ValueShape): AggregateValue {
  if (shape.kind === 'struct') return struct(c, shape);
  if (shape.kind === 'array') return array(c, shape);
  const { text, at } = c.scalar();
  try {
    return { kind: 'elementary', value: parseLiteral(shape.type, text) };
  } catch (e) {
    if (e instanceof LiteralError) throw new AggregateLiteralError(`${e.message} (at character ${at + 1})`, at);
    throw e;
  }
}

function struct(c: Cursor, shape: Extract<ValueShape, { kind: 'struct' }>): AggregateValue {
  c.expect('(', `to open a ${shape.name} value`);
  const fields: { name: string; prop?: string; value: AggregateValue }[] = [];
  if (c.peek() === ')') { c.pos++; return { kind: 'struct', fields }; }
  for (;;) {
    c.skip();
    const at = c.pos;
    const m = /^[A-Za-z_]\w*/.exec(c.text.slice(c.pos));
    if (!m) c.fail(`expected a field name of ${shape.name}`);
    c.pos += m[0].length;
    const field = shape.fields.find((f) => f.name.toUpperCase() === m[0].toUpperCase());
    if (!field) throw new AggregateLiteralError(`${shape.name} has no field ${m[0]} (at character ${at + 1})`, at);
    if (fields.some((f) => f.name === field.name)) throw new AggregateLiteralError(`field ${field.name} is given twice (at character ${at + 1})`, at);
    c.skip();
    if (c.text.startsWith(':=', c.pos)) c.pos += 2;
    else c.fail(`expected ':=' after ${m[0]}`);
    const f: { name: string; prop?: string; value: AggregateValue } = { name: field.name, value: value(c, field.shape) };
    if (field.prop !== undefined) f.prop = field.prop;
    fields.push(f);
    const next = c.peek();
    c.pos++;
    if (next === ')') return { kind: 'struct', fields };
    if (next !== ',') c.fail(`expected ',' or ')' in a ${shape.name} value`, c.pos - 1);
  }
}

function array(c: Cursor, shape: Extract<ValueShape, { kind: 'array' }>): AggregateValue {
  c.expect('[', 'to open an array value');
  const elements: AggregateValue[] = [];
  if (c.peek() === ']') { c.pos++; return { kind: 'array', elements }; }
  for (;;) {
    c.skip();
    const at = c.pos;
    // n(v): v repeated n times
    const rep = /^(\d+)\s*\(/.exec(c.text.slice(c.pos));
    if (rep) {
      c.pos += rep[0].length;
      const v = value(c, shape.element);
      c.expect(')', 'to close a repetition');
      for (let k = 0; k < Number(rep[1]); k++) elements.push(v);
    } else elements.push(value(c, shape.element));
    if (elements.length > shape.length) throw new AggregateLiteralError(`more than ${shape.length} elements (at character ${at + 1})`, at);
    const next = c.peek();
    c.pos++;
    if (next === ']') return { kind: 'array', elements };
    if (next !== ',') c.fail("expected ',' or ']' in an array value", c.pos - 1);
  }
}

/** Parse `text` as a value of `shape`; throws AggregateLiteralError or LiteralError. */
export function parseAggregate(shape: ValueShape, text: string): AggregateValue {
  const c = new Cursor(text);
  const v = value(c, shape);
  c.skip();
  if (c.pos < text.length) c.fail('unexpected text after the value');
  return v;
}
