/**
 * An FB's variables (its own and inherited, by key) and a POU's parameters, made once per POU
 * for the checker: member accesses, calls, and the constants of CASE labels and indices ask
 * for them again and again, and making them anew each time was a scan of every variable.
 * Valid once the declarations are complete (the checker runs after them).
 */
import { key } from '../st/ast.js';
import { allVars } from './declarations.js';
import type { Pou, VarSymbol } from './symbols.js';

export interface Parameters {
  /** VAR_INPUT, VAR_IN_OUT and VAR_OUTPUT in declaration order */
  list: VarSymbol[];
  /** by key, the first of a name */
  byKey: Map<string, VarSymbol>;
}

export class PouScopes {
  private readonly vars = new Map<Pou, Map<string, VarSymbol>>();
  private readonly params = new Map<Pou, Parameters>();

  /** `allVars(pou)` */
  varsOf(pou: Pou): Map<string, VarSymbol> {
    let vars = this.vars.get(pou);
    if (!vars) this.vars.set(pou, (vars = allVars(pou)));
    return vars;
  }

  paramsOf(pou: Pou): Parameters {
    let params = this.params.get(pou);
    if (!params) {
      const vars = pou.kind === 'functionBlock' ? [...this.varsOf(pou).values()] : pou.vars;
      const list = vars.filter((v) => v.section === 'VAR_INPUT' || v.section === 'VAR_IN_OUT' || v.section === 'VAR_OUTPUT');
      const byKey = new Map<string, VarSymbol>();
      for (const v of list) if (!byKey.has(key(v.name))) byKey.set(key(v.name), v);
      this.params.set(pou, (params = { list, byKey }));
    }
    return params;
  }
}
