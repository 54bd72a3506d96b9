/**
 * JavaScript for calls: functions, methods, FB instances and standard functions, with their
 * inputs, outputs and VAR_IN_OUT bound as the checker bound them.
 */
import type { CallExpr, Expr } from '../st/ast.js';
import { key } from '../st/ast.js';
import { isBig } from '../types/types.js';
import type { BoundArgument, Pou, VarSymbol } from '../semantics/symbols.js';
import { allVars } from '../semantics/declarations.js';
import { convertCode } from './convert.js';
import { copyValue, isScalar, zeroValue } from './values.js';
import { bitCode } from './bit-code.js';
import { cellCode, isCellTarget } from './references.js';
import { isSingle, storedValue } from './real-rounding.js';
import { isLiteralCode } from './constant-inputs.js';
import { ExpressionCode } from './expression-code.js';

/** Calls of one body (see variable-code.ts for the emitter's state). */
export abstract class CallCode extends ExpressionCode {
  // ------------------------------------------------------------ calls

  /** JS for a call. As a statement, may emit setup lines and return the final expression. */
  call(e: CallExpr, asStatement: boolean): string {
    const target = this.o.ann.calls.get(e.id);
    const bound = this.o.ann.boundArgs.get(e.id) ?? [];
    if (!target) return 'undefined';
    switch (target.kind) {
      case 'builtin': {
        const b = this.o.functions.lookup(target.name)!;
        // REF(x), ADR(x) of an elementary variable: its cell
        if ((target.name === 'REF' || target.name === 'ADR') && isCellTarget(target.argTypes[0]!)) return cellCode(bound[0]!.value!, this.cellHost);
        const unmasked = this.unmasked === e;
        const args = bound.map((a, i) => this.expr(a.value!, target.argTypes[i]));
        if (target.name === 'MUX') {
          const k = args[0]!;
          const site = this.site(e.range.line);
          const kk = isBig(target.argTypes[0]!) ? `Number(${k})` : k;
          const tk = this.tmp();
          const chain = args.slice(1).reduceRight((acc, x, i) => `${tk} === ${i} ? ${x} : ${acc}`, `$fault('INDEX_OUT_OF_RANGE', ${site}, 'MUX selector ' + ${tk})`);
          return `(${tk} = ${kk}, ${chain})`;
        }
        if (bound.length === 1 && /_TO_REAL$|^TO_REAL$/.test(target.name) && this.exactInSingle(bound[0]!.value!, target.argTypes[0]!)) return args[0]!;
        const fast = bitCode(target.name, bound, args, target.argTypes, target.resultType, { ann: this.o.ann, facts: this.loopFacts, tmp: () => this.tmp(), unmasked });
        if (fast) return fast;
        return b.emit(args, { params: target.argTypes, result: target.resultType }, {
          convert: (c, f, t) => convertCode(c, f, t),
          site: this.site(e.range.line),
        });
      }
      case 'function':
        return this.callFunction(target.pou, bound, `${target.pou.jsName}`, asStatement);
      case 'method': {
        const inst = target.instance === 'this' ? 'this' : target.instance === 'super' ? 'this' : this.lref(target.instance);
        const fn = target.instance === 'super' ? `${this.o.methodOwnerClass(target.owner)}.prototype.${target.pou.jsName}.call` : `${inst}.${target.pou.jsName}`;
        const selfArg = target.instance === 'super' ? ['this'] : [];
        const onThis = target.instance === 'this' || target.instance === 'super';
        if (onThis && this.cached.size && asStatement) {
          this.flushCache();
          const code = this.callFunction(target.pou, bound, fn, asStatement, selfArg);
          if (code) this.emit(`${code};`);
          this.reloadCache();
          return '';
        }
        if (onThis && this.cached.size) {
          // in an expression (`seen[i] := Peek()`): the same write-back before the call and
          // reload after it, one comma expression around the call, its result last
          const code = this.callFunction(target.pou, bound, fn, asStatement, selfArg);
          const r = this.tmp();
          return `(${[...this.cacheWriteBack(), `${r} = ${code}`, ...this.cacheReload(), r].join(', ')})`;
        }
        return this.callFunction(target.pou, bound, fn, asStatement, selfArg);
      }
      case 'action': {
        const inst = target.instance === 'this' ? 'this' : this.lref(target.instance);
        const code = `${inst}.$a_${key(target.action.name)}()`;
        if (target.instance === 'this' && this.cached.size) {
          this.flushCache();
          this.emit(`${code};`);
          this.reloadCache();
          return '';
        }
        return code;
      }
      case 'fbInstance':
        this.callFb(target.pou, target.instance, bound);
        return '';
    }
  }

  protected callFunction(pou: Pou, bound: BoundArgument[], fn: string, asStatement: boolean, leading: string[] = []): string {
    const params = pou.vars.filter((v) => v.section === 'VAR_INPUT' || v.section === 'VAR_IN_OUT');
    const args = params.map((p) => {
      const b = bound.find((x) => x.param === p);
      if (!b?.value) return p.init?.kind === 'expr' ? this.o.values.initExpr(p.init, p.type) : zeroValue(p.type);
      if (p.section === 'VAR_IN_OUT' && !isScalar(p.type)) return this.lref(b.value);
      return this.expr(b.value, p.type);
    });
    const call = `${fn}(${[...leading, ...args].join(', ')})`;
    const writeBacks: string[] = [];
    const outObj = this.o.outputObject(pou);
    for (const b of bound) {
      const p = b.param as VarSymbol;
      if (!b.value || p.kind !== 'var') continue;
      if (p.section === 'VAR_OUTPUT') {
        const v = b.negated ? `!${outObj}.${p.prop}` : convertCode(`${outObj}.${p.prop}`, p.type, this.typeOf(b.value));
        writeBacks.push(this.storeCode(b.value, v, isSingle(p.type)).replace(/;$/, ''));
      } else if (p.section === 'VAR_IN_OUT' && isScalar(p.type)) {
        writeBacks.push(this.storeCode(b.value, `${outObj}.${p.prop}`, isSingle(p.type)).replace(/;$/, ''));
      }
    }
    if (!writeBacks.length) return call;
    if (asStatement) {
      this.emit(`${call};`);
      for (const w of writeBacks) this.emit(`${w};`);
      return '';
    }
    const r = this.tmp();
    return `(${r} = ${call}, ${writeBacks.join(', ')}, ${r})`;
  }

  protected callFb(pou: Pou, instance: Expr, bound: BoundArgument[]): void {
    const inst = this.tmp();
    this.emit(`${inst} = ${this.lref(instance)};`);
    const vars = allVars(pou);
    const after: string[] = [];
    // inputs given a literal: a copy of the body may read them as constants (constant-inputs.ts)
    const given = new Map<VarSymbol, string>();
    for (const b of bound) {
      const p = b.param as VarSymbol;
      if (p.kind !== 'var' || !b.value) continue;
      const sym = vars.get(key(p.name)) ?? p;
      if (p.section === 'VAR_INPUT') {
        if (isScalar(p.type)) {
          const value = storedValue(this.expr(b.value, p.type), p.type, isSingle(this.typeOf(b.value)));
          this.emit(`${inst}.${sym.prop} = ${value};`);
          if (isLiteralCode(value)) given.set(sym, value);
        } else this.emit(copyValue(`${inst}.${sym.prop}`, this.expr(b.value, p.type), p.type, this.o.values));
      } else if (p.section === 'VAR_IN_OUT') {
        // aggregates are passed by reference; scalars are copied in and back out
        this.emit(`${inst}.${sym.prop} = ${isScalar(p.type) ? this.expr(b.value, p.type) : this.lref(b.value)};`);
        if (isScalar(p.type)) after.push(this.storeCode(b.value, `${inst}.${sym.prop}`, isSingle(p.type)));
      } else {
        const v = b.negated ? `!${inst}.${sym.prop}` : convertCode(`${inst}.${sym.prop}`, p.type, this.typeOf(b.value));
        if (isScalar(p.type)) after.push(this.storeCode(b.value, v, isSingle(p.type)));
        else after.push(copyValue(this.lref(b.value), `${inst}.${sym.prop}`, p.type, this.o.values));
      }
    }
    this.emit(`${inst}.${(given.size && this.o.bodyCopy?.(pou, given)) || '$body'}();`);
    for (const a of after) this.emit(a);
  }
}
