/**
 * Type checking of POU bodies: resolves every name, types every expression, binds call
 * arguments, and records what it finds in the annotation side tables for code generation.
 * Errors are collected; an expression in error gets the ERROR type so that one mistake
 * produces one message. This file holds the entry points (POUs, initial values, located
 * variables, jumps, IMPLEMENTS) and the statements; expressions are typed in
 * expression-typing.ts, calls in call-binding.ts, the stateless rules are type-rules.ts.
 */
import { diagnostic } from '../diagnostics/registry.js';
import type { SourceRange } from '../source.js';
import { key, type Expr, type Initializer, type PouDecl, type Stmt } from '../st/ast.js';
import {
  BOOL, ELEMENTARY, type Type, familyOf, isBits, isBool, isInteger, sameType, typeName,
} from '../types/types.js';
import { evalConst } from './const-eval.js';
import type { Pou, VarSymbol } from './symbols.js';
import { referenceOperand } from './references.js';
import { NULL_REF } from './type-rules.js';
import { CallBinding } from './call-binding.js';
import type { Context } from './expression-typing.js';

export { exprText, isAssignable, resultSymbol } from './type-rules.js';

export class Checker extends CallBinding {
  // ------------------------------------------------------------ entry points

  checkPou(pou: Pou): void {
    const d = pou.decl as PouDecl;
    if (d.kind === 'interface') return;
    const instance = pou.kind === 'program' || pou.kind === 'functionBlock' ? pou : undefined;
    const ctx: Context = { pou, loopDepth: 0 };
    if (instance) ctx.instance = instance;
    this.checkInitializers(pou, ctx);
    this.checkJumps(d.body);
    this.checkBody(d.body, ctx);
    if (d.kind === 'functionBlock' || d.kind === 'program') {
      for (const a of d.actions) {
        this.checkJumps(a.body);
        this.checkBody(a.body, ctx);
      }
    }
    if (d.kind === 'functionBlock') {
      for (const m of pou.methods.values()) {
        const mctx: Context = { pou: m, instance: pou, loopDepth: 0 };
        this.checkInitializers(m, mctx);
        this.checkJumps((m.decl as { body: Stmt[] }).body);
        this.checkBody((m.decl as { body: Stmt[] }).body, mctx);
      }
      this.checkImplements(pou);
    }
  }

  /**
   * Labels stand in the body's own statement list (not inside IF, CASE or loops), once each;
   * every JMP names one of them. A JMP may leave nested statements, never enter them.
   */
  private checkJumps(body: Stmt[]): void {
    const labels = new Set<string>();
    for (const s of body) {
      if (s.kind !== 'label') continue;
      if (labels.has(key(s.name))) this.error('E2002', `label '${s.name}' is already declared`, s.range);
      labels.add(key(s.name));
    }
    const visit = (list: Stmt[], top: boolean): void => {
      // indexed: a for-of makes an iterator result per statement in code not yet optimised
      for (let i = 0; i < list.length; i++) {
        const s = list[i]!;
        switch (s.kind) {
          case 'label':
            if (!top) this.error('E2008', `label '${s.name}' must stand in the body itself, not inside IF, CASE or a loop`, s.range);
            break;
          case 'jmp':
            if (!labels.has(key(s.label))) this.error('E2001', `unknown label '${s.label}'`, s.range);
            break;
          case 'if':
            for (const b of s.branches) visit(b.body, false);
            if (s.elseBody) visit(s.elseBody, false);
            break;
          case 'case':
            for (const c of s.cases) visit(c.body, false);
            if (s.elseBody) visit(s.elseBody, false);
            break;
          case 'for':
          case 'while':
          case 'repeat':
            visit(s.body, false);
            break;
          default:
            break;
        }
      }
    };
    visit(body, true);
  }

  private checkImplements(fb: Pou): void {
    const seen = new Set<Pou>();
    const visit = (itf: Pou) => {
      if (seen.has(itf)) return;
      seen.add(itf);
      for (const m of itf.methods.values()) {
        let impl: Pou | undefined;
        for (let p: Pou | undefined = fb; p && !impl; p = p.base) impl = p.methods.get(m.key);
        if (!impl) {
          this.error('E2012', `${fb.name} does not implement method '${m.name}' of interface ${itf.name}`, fb.decl.range);
        }
      }
      itf.interfaces.forEach(visit);
    };
    for (let p: Pou | undefined = fb; p; p = p.base) p.interfaces.forEach(visit);
  }

  private checkInitializers(pou: Pou, ctx: Context): void {
    const vars = pou.vars;
    for (let i = 0; i < vars.length; i++) {
      const v = vars[i]!;
      if (v.init) this.checkInit(v.init, v.type, ctx);
      if (v.location) this.checkLocation(v);
    }
  }

  /** Initial values of TYPE declarations, checked against their type. */
  checkTypeDefaults(): void {
    for (const [, entry] of this.decls.types) {
      if (entry.decl.init && entry.resolved) this.checkInit(entry.decl.init, entry.resolved, undefined);
    }
  }

  checkGlobals(globals: Iterable<VarSymbol>): void {
    for (const v of globals) {
      if (v.init) this.checkInit(v.init, v.type, undefined);
      if (v.location) this.checkLocation(v);
    }
  }

  checkLocation(v: VarSymbol): void {
    if (/^%[IQM][XBWDL]?\*$/i.test(v.location ?? '')) return;
    this.checkAddress(v.location ?? '', v.type, v.name, v.decl.range);
  }

  /** An initial value for a variable of type `type` (VAR_CONFIG). */
  checkInitializer(init: Initializer, type: Type): void {
    this.checkInit(init, type, undefined);
  }

  /** A complete address for a variable `name` of type `t` (a declaration's AT, or VAR_CONFIG's). */
  checkAddress(location: string, t: Type, name: string, range: SourceRange): void {
    const v = { location, type: t, name, decl: { range } };
    const m = /^%([IQM])([XBWDL]?)(\d+)(?:\.(\d+))?$/i.exec(v.location ?? '');
    if (!m) {
      this.error('E2010', `unsupported address '${v.location}'`, v.decl.range);
      return;
    }
    const size = (m[2] || 'X').toUpperCase();
    const bit = m[4];
    if (size === 'X' && (bit === undefined || Number(bit) > 7)) {
      this.error('E2010', `bit address '${v.location}' needs a byte and a bit number 0..7 (e.g. %IX0.3)`, v.decl.range);
      return;
    }
    if (t.kind !== 'elementary') {
      this.error('E2010', `a located variable must have an elementary type, not ${typeName(t)}`, v.decl.range);
      return;
    }
    const bits = t.name === 'BOOL' ? 1 : ELEMENTARY[t.name].bits;
    const want = { X: 1, B: 8, W: 16, D: 32, L: 64 }[size]!;
    if (bits !== want || familyOf(t) === 'duration' && want !== 32 && want !== 64) {
      this.error('E2010', `address '${v.location}' holds ${want === 1 ? 'a BOOL' : `${want} bits`}, but ${v.name} is ${t.name}`, v.decl.range);
    }
  }

  private checkInit(init: Initializer, type: Type, ctx: Context | undefined): void {
    switch (init.kind) {
      case 'expr': {
        const c = ctx ?? { pou: undefined as unknown as Pou, loopDepth: 0 };
        const t = this.expr(init.expr, c, type);
        this.assignable(t, type, init.expr.range, init.expr);
        return;
      }
      case 'array': {
        if (type.kind !== 'array') {
          this.error('E3001', `an array initialiser cannot initialise ${typeName(type)}`, init.range);
          return;
        }
        const total = type.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
        let count = 0;
        for (const el of init.elements) {
          const n = el.count ? Number(evalConst(el.count, this.decls.constLookup()) ?? 1) : 1;
          count += n;
          if (el.value) this.checkInit(el.value, type.element, ctx);
        }
        if (count > total) this.error('E3007', `${count} initial values for an array of ${total} elements`, init.range);
        return;
      }
      case 'struct': {
        if (type.kind === 'struct') {
          for (const f of init.fields) {
            const field = type.fields.find((x) => key(x.name) === key(f.name));
            if (!field) this.error('E2007', `${type.name} has no member '${f.name}'`, f.range);
            else this.checkInit(f.value, field.type, ctx);
          }
        } else if (type.kind === 'fb') {
          const pou = this.decls.pou(key(type.name))!;
          const vars = this.scopes.varsOf(pou);
          for (const f of init.fields) {
            const v = vars.get(key(f.name));
            if (!v) this.error('E2007', `${type.name} has no variable '${f.name}'`, f.range);
            else this.checkInit(f.value, v.type, ctx);
          }
        } else {
          this.error('E3001', `a structure initialiser cannot initialise ${typeName(type)}`, init.range);
        }
      }
    }
  }

  // ------------------------------------------------------------ statements

  checkBody(body: Stmt[], ctx: Context): void {
    for (let i = 0; i < body.length; i++) this.stmt(body[i]!, ctx);
  }

  private stmt(s: Stmt, ctx: Context): void {
    switch (s.kind) {
      case 'assign': {
        if (this.propertyWrite(s, ctx)) return;
        const target = this.lvalue(s.target, ctx);
        if (s.op === 'S=' || s.op === 'R=') {
          if (target.kind !== 'error' && !isBool(target)) this.error('E3001', `${s.op} needs a BOOL target, not ${typeName(target)}`, s.target.range);
          const v = this.expr(s.value, ctx, BOOL);
          this.assignable(v, BOOL, s.value.range, s.value);
          return;
        }
        const v = this.expr(s.value, ctx, target);
        if (s.op === 'REF=') {
          if (target.kind !== 'ref' && target.kind !== 'error') this.error('E3001', 'REF= needs a REF_TO target', s.target.range);
          else if (target.kind === 'ref' && v !== NULL_REF && v.kind !== 'error') {
            const why = referenceOperand(s.value, this.ann, 'REF=');
            if (why) this.error('E3010', why, s.value.range);
            else if (!sameType(v, target.target)) this.error('E3001', `REF= needs a variable of ${typeName(target.target)}, not ${typeName(v)}`, s.value.range);
          }
          return;
        }
        this.assignable(v, target, s.value.range, s.value);
        return;
      }
      case 'callStmt':
        this.call(s.call, ctx, true);
        return;
      case 'if':
        for (const b of s.branches) {
          this.condition(b.cond, ctx);
          this.checkBody(b.body, ctx);
        }
        if (s.elseBody) this.checkBody(s.elseBody, ctx);
        return;
      case 'case': {
        const sel = this.expr(s.selector, ctx);
        if (sel.kind !== 'error' && !isInteger(sel) && !isBits(sel) && sel.kind !== 'enum') {
          this.error('E3001', `CASE selector must be an integer, bit string or enum, not ${typeName(sel)}`, s.selector.range);
        }
        const seen = new Set<string>();
        for (const c of s.cases) {
          for (const l of c.labels) {
            const exprs = l.kind === 'value' ? [l.expr] : [l.lo, l.hi];
            for (const e of exprs) {
              const t = this.expr(e, ctx, sel);
              this.assignable(t, sel, e.range, e);
              const v = evalConst(e, this.constLookupIn(ctx));
              if (v === undefined) this.error('E3006', 'CASE labels must be constant', e.range);
              else this.ann.constants.set(e.id, v);
            }
            if (l.kind === 'value') {
              const v = this.ann.constants.get(l.expr.id);
              if (v !== undefined) {
                const k = String(v);
                if (seen.has(k)) this.diagnostics.push(diagnostic('W3001', `CASE label ${k} is already handled above`, l.expr.range));
                seen.add(k);
              }
            }
          }
          this.checkBody(c.body, ctx);
        }
        if (s.elseBody) this.checkBody(s.elseBody, ctx);
        return;
      }
      case 'for': {
        const v = this.lvalue(s.variable, ctx);
        if (v.kind !== 'error' && !isInteger(v)) this.error('E3001', `FOR needs an integer control variable, not ${typeName(v)}`, s.variable.range);
        for (const e of [s.from, s.to, s.by]) {
          if (!e) continue;
          const t = this.expr(e, ctx, v);
          this.assignable(t, v, e.range, e);
        }
        ctx.loopDepth++;
        this.checkBody(s.body, ctx);
        ctx.loopDepth--;
        return;
      }
      case 'while':
        this.condition(s.cond, ctx);
        ctx.loopDepth++;
        this.checkBody(s.body, ctx);
        ctx.loopDepth--;
        return;
      case 'repeat':
        ctx.loopDepth++;
        this.checkBody(s.body, ctx);
        ctx.loopDepth--;
        this.condition(s.until, ctx);
        return;
      case 'exit':
      case 'continue':
        if (ctx.loopDepth === 0) this.error('E2008', `${s.kind.toUpperCase()} outside a loop`, s.range);
        return;
      case 'return':
      case 'empty':
      case 'label':
      case 'jmp':
        return;
    }
  }

  private condition(e: Expr, ctx: Context): void {
    const t = this.expr(e, ctx, BOOL);
    if (t.kind !== 'error' && !isBool(t)) this.error('E3004', `condition must be BOOL, not ${typeName(t)}`, e.range);
  }
}
