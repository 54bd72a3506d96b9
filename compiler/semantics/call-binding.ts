/**
 * Calls: functions, FB instances, methods and actions, standard functions (generic typing,
 * constant results), argument binding, and property accessors turned into calls.
 */
import { key, type Argument, type CallExpr, type Expr, type Stmt } from '../st/ast.js';
import {
  ERROR, VOID, type Type, isBool, isInteger, isReal, sameType, typeName,
} from '../types/types.js';
import type { Builtin } from '../stdlib/functions.js';
import { PROPERTY_GET, PROPERTY_SET } from '../st/parse.js';
import type { BoundArgument, Pou, VarSymbol } from './symbols.js';
import { referenceOperand } from './references.js';
import { REFERENCE_OPERATORS, isUntyped, genericTarget, hasMethods, GENERIC_NUMERIC, constantResult, isAssignable, exprText } from './type-rules.js';
import { ExpressionTyping, type Context } from './expression-typing.js';

export abstract class CallBinding extends ExpressionTyping {
  // ------------------------------------------------------------ properties

  /** Turn the read of a property (`fb.P`, `P`) into a call of its getter, in place. */
  protected propertyRead(e: Expr, callee: Expr, ctx: Context): Type {
    const call = e as unknown as CallExpr;
    for (const k of Object.keys(e)) if (k !== 'id' && k !== 'range') delete (e as unknown as Record<string, unknown>)[k];
    Object.assign(call, { kind: 'call', callee, args: [] });
    return this.callInner(call, ctx, false);
  }

  /** `fb.P := v` or `P := v` for a PROPERTY with a setter: a call of the setter, in place. */
  protected propertyWrite(s: Extract<Stmt, { kind: 'assign' }>, ctx: Context): boolean {
    if (s.op !== ':=') return false;
    const target = s.target;
    let callee: Expr | undefined;
    if (target.kind === 'member') {
      // typed again as an lvalue when it is no property: report its errors once, there
      const reported = this.diagnostics.length;
      const t = this.expr(target.object, ctx);
      const pou = t.kind === 'fb' || t.kind === 'interface' ? this.decls.pou(key(t.name)) : undefined;
      const setter = pou && !(t.kind === 'fb' && this.scopes.varsOf(pou).has(key(target.member))) ? this.decls.findMethod(pou, PROPERTY_SET + target.member) : undefined;
      if (!setter) {
        const getter = pou && !(t.kind === 'fb' && this.scopes.varsOf(pou).has(key(target.member))) ? this.decls.findMethod(pou, PROPERTY_GET + target.member) : undefined;
        if (getter) {
          this.error('E2006', `property '${target.member}' has no SET`, target.range);
          return true;
        }
        this.diagnostics.length = reported;
        return false;
      }
      callee = { kind: 'member', id: this.freshId(), range: target.range, object: target.object, member: setter.name };
    } else if (target.kind === 'name' && ctx.instance?.kind === 'functionBlock' && hasMethods(ctx.instance) && !this.lookupVar(key(target.name), ctx)) {
      const setter = this.decls.findMethod(ctx.instance, PROPERTY_SET + target.name);
      if (!setter) return false;
      callee = { kind: 'name', id: this.freshId(), range: target.range, name: setter.name };
    }
    if (!callee) return false;
    const call: CallExpr = { kind: 'call', id: this.freshId(), range: s.range, callee, args: [{ id: this.freshId(), range: s.value.range, output: false, negated: false, value: s.value }] };
    const stmt = s as unknown as Extract<Stmt, { kind: 'callStmt' }>;
    for (const k of Object.keys(s)) if (k !== 'id' && k !== 'range') delete (s as unknown as Record<string, unknown>)[k];
    Object.assign(stmt, { kind: 'callStmt', call });
    this.call(call, ctx, true);
    return true;
  }

  // ------------------------------------------------------------ calls

  call(e: CallExpr, ctx: Context, asStatement: boolean, expected?: Type): Type {
    const t = this.callInner(e, ctx, asStatement, expected);
    return this.record(e, t);
  }

  protected callInner(e: CallExpr, ctx: Context, asStatement: boolean, expected?: Type): Type {
    const callee = e.callee;
    // plain name: function, builtin, FB instance, action, method of this FB
    if (callee.kind === 'name') {
      const k = key(callee.name);
      const v = this.lookupVar(k, ctx);
      if (v) {
        this.ann.symbols.set(callee.id, v);
        this.record(callee, v.type);
        return this.callInstance(e, callee, v.type, ctx, asStatement);
      }
      if (ctx.instance) {
        const act = this.decls.findAction(ctx.instance, callee.name);
        if (act) {
          if (e.args.length) this.error('E2005', `action '${callee.name}' takes no arguments`, e.range);
          this.ann.calls.set(e.id, { kind: 'action', owner: act.owner, action: act.action, instance: 'this' });
          return VOID;
        }
        const m = ctx.instance.kind === 'functionBlock' ? this.decls.findMethod(ctx.instance, callee.name) : undefined;
        if (m) {
          this.ann.calls.set(e.id, { kind: 'method', pou: m, instance: 'this', owner: m.owner! });
          this.bindArgs(e, m, ctx);
          return m.returnType ?? VOID;
        }
      }
      const pou = this.decls.pou(k);
      if (pou && pou.kind === 'function') {
        this.ann.calls.set(e.id, { kind: 'function', pou });
        const caller = ctx.instance ?? ctx.pou;
        let called = this.calledFunctions.get(caller);
        if (!called) this.calledFunctions.set(caller, (called = new Set()));
        called.add(pou);
        this.bindArgs(e, pou, ctx);
        return pou.returnType ?? VOID;
      }
      if (pou && (pou.kind === 'functionBlock' || pou.kind === 'program')) {
        return this.error('E2004', `'${callee.name}' is a ${pou.kind === 'program' ? 'program' : 'function block type'}; call an instance of it`, callee.range);
      }
      const b = this.builtin(k);
      if (b) return this.callBuiltin(e, callee.name, b, ctx, expected);
      if (k === '__NEW' || k === '__DELETE') {
        return this.error('E2013', `${k} is not supported: a PLC has no heap at run time; declare the instance statically (a VAR of the type, or an ARRAY of the largest number needed)`, callee.range);
      }
      return this.error('E2001', `unknown function '${callee.name}'`, callee.range);
    }
    // obj.method(), obj.action(), THIS^.m(), SUPER^.m(), a.b.fb()
    if (callee.kind === 'member') {
      const objType = this.expr(callee.object, ctx);
      if (objType.kind === 'error') return ERROR;
      if (objType.kind === 'fb' || objType.kind === 'interface') {
        const pou = this.decls.pou(key(objType.name))!;
        const instance: Expr | 'this' | 'super' = callee.object.kind === 'deref' && callee.object.object.kind === 'this' ? 'this' : callee.object.kind === 'deref' && callee.object.object.kind === 'super' ? 'super' : callee.object;
        const m = this.decls.findMethod(pou, callee.member);
        if (m) {
          this.ann.calls.set(e.id, { kind: 'method', pou: m, instance, owner: m.owner! });
          this.bindArgs(e, m, ctx);
          return m.returnType ?? VOID;
        }
        const act = objType.kind === 'fb' ? this.decls.findAction(pou, callee.member) : undefined;
        if (act) {
          this.ann.calls.set(e.id, { kind: 'action', owner: act.owner, action: act.action, instance: instance === 'super' ? 'this' : instance });
          return VOID;
        }
      }
      const memberType = this.expr(callee, ctx);
      if (memberType.kind === 'error') return ERROR;
      return this.callInstance(e, callee, memberType, ctx, asStatement);
    }
    if (callee.kind === 'index' || callee.kind === 'deref') {
      const t = this.expr(callee, ctx);
      if (t.kind === 'error') return t;
      return this.callInstance(e, callee, t, ctx, asStatement);
    }
    return this.error('E2004', 'this expression cannot be called', callee.range);
  }

  protected callInstance(e: CallExpr, instance: Expr, t: Type, ctx: Context, asStatement: boolean): Type {
    if (t.kind !== 'fb') return this.error('E2004', `'${exprText(instance)}' is ${typeName(t)}, not a function block instance`, instance.range);
    const pou = this.decls.pou(key(t.name))!;
    if (pou.kind === 'program') return this.error('E2004', 'programs are called by tasks, not from code', instance.range);
    if (!asStatement) return this.error('E2004', 'a function block call is a statement, not a value; read its outputs as inst.Q', e.range);
    this.ann.calls.set(e.id, { kind: 'fbInstance', pou, instance });
    this.bindArgs(e, pou, ctx);
    return VOID;
  }

  /** Bind formal or positional arguments to the callee's parameters and type-check them. */
  protected bindArgs(e: CallExpr, pou: Pou, ctx: Context): void {
    const { list: params, byKey: paramsByKey } = this.scopes.paramsOf(pou);
    const bound: BoundArgument[] = [];
    const formal = e.args.some((a) => a.name !== undefined);
    const positional = e.args.some((a) => a.name === undefined);
    if (formal && positional) {
      this.error('E2005', 'do not mix formal (name := value) and positional arguments', e.range);
      return;
    }
    if (positional) {
      const inputs = params.filter((p) => p.section !== 'VAR_OUTPUT');
      if (e.args.length > inputs.length || (pou.kind !== 'functionBlock' && e.args.length < inputs.length)) {
        this.error('E2005', `${pou.name} takes ${inputs.length} argument(s), ${e.args.length} given`, e.range);
        e.args.forEach((a) => a.value && this.expr(a.value, ctx));
        return;
      }
      e.args.forEach((a, i) => {
        const p = inputs[i]!;
        this.checkArg(a, p, ctx);
        bound.push({ param: p, value: a.value! });
      });
    } else {
      for (const a of e.args) {
        const p = paramsByKey.get(key(a.name!));
        if (!p) {
          this.error('E2005', `${pou.name} has no parameter '${a.name}'`, a.range);
          if (a.value) this.expr(a.value, ctx);
          continue;
        }
        if (bound.some((b) => b.param === p)) {
          this.error('E2005', `parameter '${a.name}' is given twice`, a.range);
          continue;
        }
        if (a.output !== (p.section === 'VAR_OUTPUT')) {
          this.error('E2005', p.section === 'VAR_OUTPUT' ? `output '${p.name}' is bound with =>` : `input '${p.name}' is passed with :=`, a.range);
          continue;
        }
        this.checkArg(a, p, ctx);
        const b: BoundArgument = { param: p };
        if (a.value) b.value = a.value;
        if (a.negated) b.negated = true;
        bound.push(b);
      }
      if (pou.kind === 'function' || pou.kind === 'method') {
        for (const p of params) {
          if (p.section === 'VAR_IN_OUT' && !bound.some((b) => b.param === p)) {
            this.error('E2005', `in-out parameter '${p.name}' of ${pou.name} must be given`, e.range);
          }
        }
      }
    }
    this.ann.boundArgs.set(e.id, bound);
  }

  protected checkArg(a: Argument, p: VarSymbol, ctx: Context): void {
    if (!a.value) return;
    if (p.section === 'VAR_OUTPUT') {
      const t = this.lvalue(a.value, ctx);
      if (a.negated) {
        if (!isBool(p.type)) this.error('E3001', `NOT => needs a BOOL output`, a.range);
      }
      this.assignable(p.type, t, a.value.range);
      return;
    }
    if (p.section === 'VAR_IN_OUT') {
      const t = this.lvalue(a.value, ctx);
      if (t.kind !== 'error' && p.type.kind !== 'error' && !sameType(t, p.type) && !(p.type.kind === 'array' && t.kind === 'array')) {
        this.error('E3001', `in-out parameter '${p.name}' needs ${typeName(p.type)}, not ${typeName(t)}`, a.value.range);
      }
      return;
    }
    const t = this.expr(a.value, ctx, p.type);
    this.assignable(t, p.type, a.value.range, a.value);
  }

  protected callBuiltin(e: CallExpr, name: string, b: Builtin, ctx: Context, expected?: Type): Type {
    // folded once: the name is compared and recorded several times below
    const upper = name.toUpperCase();
    const args: Expr[] = [];
    const names = b.paramNames;
    const formal = e.args.some((a) => a.name !== undefined);
    if (formal) {
      if (!names) return this.error('E2005', `${upper} takes positional arguments`, e.range);
      const byName = new Map(e.args.map((a) => [key(a.name ?? ''), a]));
      for (const [i, n] of names.entries()) {
        const a = byName.get(n) ?? (i === 0 ? byName.get('IN1') ?? byName.get('IN') : undefined);
        if (!a?.value) return this.error('E2005', `${upper} needs parameter ${n}`, e.range);
        args.push(a.value);
      }
      for (const a of e.args) if (!names.includes(key(a.name ?? '')) && !['IN', 'IN1'].includes(key(a.name ?? ''))) this.error('E2005', `${upper} has no parameter '${a.name}'`, a.range);
      // a standard function has inputs only: `=>` would read the variable as an input
      const arrow = e.args.find((a) => a.output);
      if (arrow) return this.error('E2005', `${upper}: input '${arrow.name}' is passed with :=`, arrow.range);
    } else {
      for (const a of e.args) if (a.value) args.push(a.value);
    }
    const want = genericTarget(expected);
    const generic = (i: number) => !!b.generic?.(i);
    const types = args.map((a, i) => this.expr(a, ctx, want && generic(i) ? want : undefined));
    if (types.some((t) => t.kind === 'error')) return ERROR;
    // generic arguments that are all untyped literals take the type the context expects,
    // as MatIEC and CODESYS type them: `w : WORD := SHR(16#6714, 6)`, `r : REAL := SQRT(9.0)`
    const genericIdx = types.map((_, i) => i).filter(generic);
    if (want && genericIdx.length > 0 && genericIdx.every((i) => isUntyped(types[i]!) && isAssignable(types[i]!, want))) {
      for (const i of genericIdx) types[i] = want;
    }
    const sig = b.type(types, want);
    if (typeof sig === 'string') return this.error(e.args.length === 0 && upper !== 'TASK_TIME' ? 'E2005' : 'E3003', `${upper}: ${sig}`, e.range);
    if (REFERENCE_OPERATORS.has(upper)) {
      const why = referenceOperand(args[0]!, this.ann, `${upper}()`);
      if (why) return this.error('E3010', why, args[0]!.range);
    }
    args.forEach((a, i) => this.assignable(types[i]!, sig.params[i]!, a.range, a));
    this.ann.calls.set(e.id, { kind: 'builtin', name: upper, argTypes: sig.params, resultType: sig.result });
    this.ann.boundArgs.set(e.id, args.map((a, i) => ({ param: { name: names?.[i] ?? `IN${i}`, type: sig.params[i]!, section: 'VAR_INPUT' }, value: a })));
    // a generic function of untyped literals (MAX(3, 9), ABS(-5)) is as flexible as a literal
    if (GENERIC_NUMERIC.has(upper) && types.length > 0) {
      if (types.every((t) => t.kind === 'literalInt') && sig.result.kind === 'elementary' && isInteger(sig.result)) {
        return { kind: 'literalInt', value: constantResult(upper, types as { value: bigint }[]) };
      }
      if (types.every((t) => t.kind === 'literalInt' || t.kind === 'literalReal') && isReal(sig.result)) return { kind: 'literalReal' };
    }
    return sig.result;
  }
}
