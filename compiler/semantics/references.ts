/**
 * The operand of REF(), ADR() and REF=: it must denote a variable (IEC 61131-3 6.4.4.10), so that
 * the reference reaches that variable and not a copy. Function block instances, structures and
 * arrays are referenced as they are; a variable of elementary type (INT, REAL, STRING, an enum,
 * a reference, an element of an array or a field of a structure of such a type) is recorded in
 * `addressTaken` when it is a named variable, so that code generation keeps it reachable.
 */
import type { Expr } from '../st/ast.js';
import type { Type } from '../types/types.js';
import type { Annotations, VarSymbol } from './symbols.js';

/** Can a reference to a value of this type be taken as a cell (elementary), not as the object itself? */
export function isCellTarget(t: Type): boolean {
  return t.kind === 'elementary' || t.kind === 'string' || t.kind === 'enum' || t.kind === 'ref' || t.kind === 'interface';
}

/**
 * Why `e` (already typed) cannot be referenced, or undefined when it can; records the named
 * variable whose reference is taken.
 */
export function referenceOperand(e: Expr, ann: Annotations, operator: string): string | undefined {
  const t = ann.types.get(e.id);
  if (!t || t.kind === 'error') return undefined;
  const sym = (x: Expr): VarSymbol | undefined => {
    const s = ann.symbols.get(x.id);
    return s?.kind === 'var' ? s : undefined;
  };
  switch (e.kind) {
    case 'name': {
      const v = sym(e);
      if (!v) return `${operator} needs a variable, not '${e.name}'`;
      if (v.prop === '$result') return `${operator} cannot take the result of the function being executed`;
      if (v.constant) return `'${v.name}' is a constant: ${operator} would let it be written`;
      if (v.section === 'VAR_IN_OUT' && isCellTarget(v.type)) return `'${v.name}' is an in-out parameter: reference the caller's variable instead (pass a REF_TO as input)`;
      if (isCellTarget(v.type)) ann.addressTaken.add(v);
      return undefined;
    }
    case 'member': {
      const v = sym(e);
      if (v?.constant) return `'${v.name}' is a constant: ${operator} would let it be written`;
      if (v && v.section === 'VAR_IN_OUT' && isCellTarget(v.type)) return `'${v.name}' is an in-out parameter: reference the caller's variable instead`;
      if (v && isCellTarget(v.type)) ann.addressTaken.add(v);
      return containerProblem(e.object, ann, operator);
    }
    case 'index': {
      const ot = ann.types.get(e.object.id);
      if (ot?.kind === 'string') return `${operator} cannot reference one character of a STRING: a STRING is referenced as a whole`;
      return containerProblem(e.object, ann, operator);
    }
    case 'deref':
      return undefined;
    case 'bit':
      return `${operator} cannot reference one bit of a variable: bits have no address of their own`;
    case 'this':
    case 'super':
      return undefined;
    default:
      return `${operator} needs a variable, not an expression or a literal`;
  }
}

/** The structure, array or FB instance that holds a referenced element must itself be writable. */
function containerProblem(e: Expr, ann: Annotations, operator: string): string | undefined {
  let x = e;
  while (x.kind === 'member' || x.kind === 'index') {
    const s = ann.symbols.get(x.id);
    if (s?.kind === 'var' && s.constant) return `'${s.name}' is a constant: ${operator} would let it be written`;
    x = x.object;
  }
  const s = ann.symbols.get(x.id);
  if (s?.kind === 'var' && s.constant) return `'${s.name}' is a constant: ${operator} would let it be written`;
  if (x.kind === 'call') return `${operator} needs a variable, not the result of a call`;
  return undefined;
}
