import type { DiagnosticCode } from './code.js';

/** IL (instruction list) bodies, in PLCopen XML and `.il` files (E102x). */
export const IL_CODES = [
  { code: 'E1020', severity: 'error', title: 'IL syntax error', explanation: 'An instruction list line is not `[label:] operator[modifiers] [operand]`: an unknown modifier (N applies to LD, ST, AND, OR, XOR; C and CN to JMP, CAL, RET), a missing operand, an unbalanced parenthesis, an argument that is neither `name := value`, `name => variable` nor a plain value, or a jump or label inside a parenthesised expression.' },
  { code: 'E1021', severity: 'error', title: 'invalid IL program', explanation: 'The instruction list is well formed but cannot run: a jump to a label that does not exist, a label defined twice, an instruction that needs a current result where there is none (at the start, after CAL, or after a label nothing jumps to with a value), a current result of different types reaching one label, or a current result whose type vPLC cannot tell where it must be kept (declare the variable, or use a typed literal such as INT#5).' },
] as const satisfies readonly DiagnosticCode[];
