/**
 * What IL translation needs to know about names: the current result is typed (IEC 61131-3
 * 7.2.2), so every operand's type is looked up here, and non-formal CALs need the order of a
 * function block's inputs.
 */
import { key } from '../st/ast.js';

export interface IlEnvironment {
  pouType: 'program' | 'functionBlock' | 'function';
  /** type text of a variable of the POU or a global it sees */
  varType(name: string): string | undefined;
  /** type text of member `member` of type `type` (an FB's output, a structure's field) */
  memberType(type: string, member: string): string | undefined;
  /** result type of a user function */
  functionType(name: string): string | undefined;
  /** the inputs of FB type `type` in declaration order, for `CAL inst(a, b)` */
  fbInputs(type: string): string[] | undefined;
}

const LITERAL_TYPES: Readonly<Record<string, string>> = {
  T: 'TIME', TIME: 'TIME', LT: 'LTIME', LTIME: 'LTIME', D: 'DATE', DATE: 'DATE', LD: 'LDATE', LDATE: 'LDATE',
  TOD: 'TOD', TIME_OF_DAY: 'TOD', LTOD: 'LTOD', DT: 'DT', DATE_AND_TIME: 'DT', LDT: 'LDT',
};

/** Element type of an `ARRAY [..] OF T` type text. */
function elementType(type: string): string | undefined {
  const m = /^\s*ARRAY\s*\[[^\]]*\]\s*OF\s+(.+)$/i.exec(type);
  return m ? m[1]!.trim() : undefined;
}

/**
 * Type of an IL operand: a literal, `%IX…` (BOOL), or a path `a.b[i].c` through the
 * environment. undefined when it cannot be told, e.g. an untyped numeric literal, which takes
 * the type of what it meets.
 */
export function operandType(env: IlEnvironment, text: string): string | undefined {
  const e = text.trim();
  if (/^(TRUE|FALSE)$/i.test(e)) return 'BOOL';
  if (e.startsWith("'")) return 'STRING';
  if (e.startsWith('"')) return 'WSTRING';
  const typed = /^([A-Za-z_]+)#/.exec(e);
  if (typed) {
    const prefix = key(typed[1]!);
    if (LITERAL_TYPES[prefix]) return LITERAL_TYPES[prefix];
    return /^-?[\d.]|^16#|^8#|^2#|^TRUE|^FALSE/i.test(e.slice(typed[0].length)) ? prefix : undefined; // INT#5, not Color#Red
  }
  if (/^%[IQM]X?\d/i.test(e) && !/^%[IQM][BWDL]/i.test(e)) return 'BOOL';
  const root = /^[A-Za-z_]\w*/.exec(e);
  if (!root) return undefined;
  let type = env.varType(root[0]);
  let rest = e.slice(root[0].length);
  while (type !== undefined && rest.length > 0) {
    const member = /^\s*\.\s*([A-Za-z_]\w*)/.exec(rest);
    if (member) {
      type = env.memberType(type, member[1]!);
      rest = rest.slice(member[0].length);
      continue;
    }
    if (rest.startsWith('[')) {
      let depth = 0;
      let i = 0;
      for (; i < rest.length; i++) {
        if (rest[i] === '[') depth++;
        else if (rest[i] === ']' && --depth === 0) break;
      }
      type = elementType(type);
      rest = rest.slice(i + 1);
      continue;
    }
    return undefined;
  }
  return type;
}

/** Result type of a function called in IL, when it can be told. */
export function functionResultType(env: IlEnvironment, name: string, argTypes: (string | undefined)[]): string | undefined {
  const user = env.functionType(name);
  if (user) return user;
  const n = key(name);
  const conv = /_TO_([A-Z_]+)$/.exec(n) ?? /^TO_([A-Z_]+)$/.exec(n);
  if (conv) return conv[1];
  if (n === 'TRUNC') return 'DINT';
  if (n === 'LEN' || n === 'FIND') return 'INT';
  const firstArgType = argTypes[0];
  if (['CONCAT', 'LEFT', 'RIGHT', 'MID', 'INSERT', 'DELETE', 'REPLACE'].includes(n)) return firstArgType && /^WSTRING/i.test(firstArgType) ? 'WSTRING' : 'STRING';
  if (['GT', 'GE', 'EQ', 'NE', 'LE', 'LT'].includes(n)) return 'BOOL';
  // SEL and MUX select among their inputs after the first; the other generic functions (ABS,
  // SHL, LIMIT, MAX, MOVE, …) keep their inputs' type
  if (n === 'SEL' || n === 'MUX') return argTypes.slice(1).find((t) => t !== undefined);
  if (n === 'LIMIT') return argTypes[1] ?? argTypes.find((t) => t !== undefined);
  return argTypes.find((t) => t !== undefined);
}
