/**
 * IL (IEC 61131-3 instruction list, ed. 2 and 3) text → instructions. One instruction a line:
 * `[label:] operator[N|C|CN][(] [operand]`, `)` alone, comments `(* … *)` (over several lines)
 * and `// …`. A CAL or formal function call whose argument list is not closed on its line
 * goes on over the next lines until it is.
 */
import type { Position } from '../source.js';

/** One line of IL with where its first character stands in the file. */
export interface IlLine {
  text: string;
  line: number;
  col: number;
}

export interface IlArgument {
  /** formal name (`IN := …`, `Q => …`); undefined for a positional argument */
  formal?: string;
  /** `=>`: the argument receives an output */
  output: boolean;
  /** `NOT Q => x` (ed. 3): the output is negated */
  negated: boolean;
  value: string;
}

export type IlInstruction =
  | { kind: 'label'; name: string; at: Position }
  | { kind: 'close'; at: Position }
  /**
   * an operator (LD, ST, AND, ADD, JMP, CAL, …, upper case) with its modifiers, or a function
   * called by name (`kind: 'call'`, the name as written)
   */
  | {
      kind: 'op' | 'call';
      op: string;
      negated: boolean;
      conditional: boolean;
      /** `AND(`: the operand opens a parenthesised expression */
      open: boolean;
      operand: string;
      /** position of the operand (of the operator when there is none) */
      operandAt: Position;
      /** CAL and function calls: the argument list, when there is one */
      args?: IlArgument[];
      /** `f(…)` with an argument list: the formal form, which does not take the current result */
      formalCall: boolean;
      at: Position;
    };

export interface IlSyntaxError {
  message: string;
  at: Position;
  length: number;
}

/** Operators of the standard; any other name in operator position is a function. */
export const IL_OPERATORS = new Set([
  'LD', 'ST', 'S', 'R', 'AND', 'OR', 'XOR', 'NOT', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD',
  'GT', 'GE', 'EQ', 'NE', 'LE', 'LT', 'JMP', 'CAL', 'RET',
  // ed. 2 function block input operators: `PT T1` is `T1.PT := current result`
  'S1', 'R1', 'CLK', 'CU', 'CD', 'PV', 'IN', 'PT',
]);
const TAKES_N = new Set(['LD', 'ST', 'AND', 'OR', 'XOR']);
const TAKES_C = new Set(['JMP', 'CAL', 'RET']);
const TAKES_PAREN = new Set(['AND', 'OR', 'XOR', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'GT', 'GE', 'EQ', 'NE', 'LE', 'LT']);

/** Blank out comments (keeping columns), across lines; strings are left alone. */
function stripComments(lines: IlLine[]): { lines: IlLine[]; unterminated?: Position } {
  let depth = 0;
  let opened: Position | undefined;
  const out = lines.map((l) => {
    let s = '';
    const t = l.text;
    for (let i = 0; i < t.length; i++) {
      const c = t[i]!;
      if (depth > 0) {
        if (c === '*' && t[i + 1] === ')') {
          depth = 0;
          s += '  ';
          i++;
        } else s += ' ';
        continue;
      }
      if (c === '(' && t[i + 1] === '*') {
        depth = 1;
        opened = { line: l.line, col: l.col + i };
        s += '  ';
        i++;
        continue;
      }
      if (c === '/' && t[i + 1] === '/') break;
      if (c === "'" || c === '"') {
        const end = t.indexOf(c, i + 1);
        const stop = end < 0 ? t.length - 1 : end;
        s += t.slice(i, stop + 1);
        i = stop;
        continue;
      }
      s += c;
    }
    return { ...l, text: s };
  });
  return { lines: out, unterminated: depth > 0 ? opened : undefined };
}

/** Split at top-level commas (outside parentheses, brackets and strings). */
export function splitTopLevel(text: string, sep = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end;
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Parenthesis balance of a text, strings skipped. */
function balance(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
  }
  return depth;
}

function parseArgs(text: string, at: Position, errors: IlSyntaxError[]): IlArgument[] {
  if (text.trim() === '') return [];
  return splitTopLevel(text).flatMap((raw): IlArgument[] => {
    const a = raw.trim();
    const formal = /^(NOT\s+)?([A-Za-z_]\w*)\s*(:=|=>)\s*([\s\S]*)$/i.exec(a);
    if (formal) {
      const output = formal[3] === '=>';
      if (formal[1] && !output) errors.push({ message: `NOT applies to an output argument (NOT ${formal[2]} => variable)`, at, length: 1 });
      if (formal[4]!.trim() === '') {
        if (output) return []; // `Q =>` leaves the output unread
        errors.push({ message: `argument ${formal[2]} has no value`, at, length: 1 });
        return [];
      }
      return [{ formal: formal[2]!, output, negated: !!formal[1], value: formal[4]!.trim() }];
    }
    if (a === '') {
      errors.push({ message: 'an empty argument in the list', at, length: 1 });
      return [];
    }
    return [{ output: false, negated: false, value: a }];
  });
}

/** Parse IL lines; syntax errors are collected, the instructions that could be read returned. */
export function parseIl(input: IlLine[]): { instructions: IlInstruction[]; errors: IlSyntaxError[] } {
  const errors: IlSyntaxError[] = [];
  const stripped = stripComments(input);
  if (stripped.unterminated) errors.push({ message: 'comment (* is not closed', at: stripped.unterminated, length: 2 });
  const lines = stripped.lines;
  const instructions: IlInstruction[] = [];
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n]!;
    let text = l.text;
    let offset = 0;
    const pos = (i: number): Position => ({ line: l.line, col: l.col + i });
    const skip = () => {
      while (offset < text.length && /\s/.test(text[offset]!)) offset++;
    };
    skip();
    if (offset >= text.length) continue;
    const label = /^([A-Za-z_]\w*)\s*:(?!=)/.exec(text.slice(offset));
    if (label) {
      instructions.push({ kind: 'label', name: label[1]!, at: pos(offset) });
      offset += label[0].length;
      skip();
      if (offset >= text.length) continue;
    }
    if (text[offset] === ')') {
      instructions.push({ kind: 'close', at: pos(offset) });
      offset++;
      skip();
      if (offset < text.length) errors.push({ message: `unexpected '${text.slice(offset).trim()}' after ')'`, at: pos(offset), length: 1 });
      continue;
    }
    const word = /^(&N?|[A-Za-z_]\w*)/i.exec(text.slice(offset));
    if (!word) {
      errors.push({ message: `expected an operator, found '${text.slice(offset).trim()}'`, at: pos(offset), length: 1 });
      continue;
    }
    const at = pos(offset);
    offset += word[0].length;
    const w = word[0].toUpperCase();
    let op = w === '&' ? 'AND' : w === '&N' ? 'ANDN' : w;
    let negated = false;
    let conditional = false;
    let kind: 'op' | 'call' = 'op';
    if (!IL_OPERATORS.has(op)) {
      if (op.endsWith('CN') && TAKES_C.has(op.slice(0, -2))) {
        op = op.slice(0, -2);
        conditional = negated = true;
      } else if (op.endsWith('C') && TAKES_C.has(op.slice(0, -1))) {
        op = op.slice(0, -1);
        conditional = true;
      } else if (op.endsWith('N') && TAKES_N.has(op.slice(0, -1))) {
        op = op.slice(0, -1);
        negated = true;
      } else if (op.endsWith('N') && TAKES_C.has(op.slice(0, -1))) {
        errors.push({ message: `${w}: N applies to ${op.slice(0, -1)} only with C (${op.slice(0, -1)}CN)`, at, length: w.length });
        continue;
      } else {
        kind = 'call';
        op = word[0];
      }
    }
    // a call whose argument list goes on over the next lines
    if ((op === 'CAL' || kind === 'call') && balance(text) > 0) {
      while (balance(text) > 0 && n + 1 < lines.length) text += ' ' + lines[++n]!.text;
    }
    skip();
    let open = false;
    if (kind === 'op' && text[offset] === '(') {
      if (!TAKES_PAREN.has(op)) {
        errors.push({ message: `${w} cannot open a parenthesised expression`, at: pos(offset), length: 1 });
        continue;
      }
      open = true;
      offset++;
      skip();
    }
    const operandAt = offset < text.length ? pos(offset) : at;
    let operand = text.slice(offset).trim();
    let args: IlArgument[] | undefined;
    let formalCall = false;
    if (op === 'CAL' || kind === 'call') {
      const paren = kind === 'call' ? (operand.startsWith('(') ? 0 : -1) : operand.indexOf('(');
      if (paren >= 0) {
        if (!operand.endsWith(')') || balance(operand) !== 0) {
          errors.push({ message: 'the argument list is not closed with )', at: operandAt, length: 1 });
          continue;
        }
        args = parseArgs(operand.slice(paren + 1, -1), operandAt, errors);
        operand = operand.slice(0, paren).trim();
        formalCall = kind === 'call';
      } else if (kind === 'call') {
        args = parseArgs(operand, operandAt, errors);
        operand = '';
      }
      if (op === 'CAL' && !/^[A-Za-z_][\w.]*(\[[^\]]*\])?$/.test(operand)) {
        errors.push({ message: operand === '' ? 'CAL needs a function block instance' : `CAL needs a function block instance, found '${operand}'`, at: operandAt, length: 1 });
        continue;
      }
    } else if (negated && !conditional && !TAKES_N.has(op)) {
      errors.push({ message: `the modifier N does not apply to ${op}`, at, length: w.length });
      continue;
    } else if (operand === '' && !open && !['NOT', 'RET', 'JMP'].includes(op)) {
      errors.push({ message: `${w} needs an operand`, at, length: w.length });
      continue;
    } else if (op === 'NOT' && operand !== '') {
      errors.push({ message: 'NOT takes no operand: it inverts the current result', at: operandAt, length: operand.length });
      continue;
    } else if (op === 'RET' && operand !== '') {
      errors.push({ message: 'RET takes no operand', at: operandAt, length: operand.length });
      continue;
    } else if (op === 'JMP' && !/^[A-Za-z_]\w*$/.test(operand)) {
      errors.push({ message: operand === '' ? `${w} needs a label` : `${w} needs a label, found '${operand}'`, at: operandAt, length: Math.max(1, operand.length) });
      continue;
    }
    instructions.push({ kind, op, negated, conditional, open, operand, operandAt, args, formalCall, at });
  }
  return { instructions, errors };
}
