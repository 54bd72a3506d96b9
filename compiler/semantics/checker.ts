/**
 * Type checking of POU bodies: resolves every name, types every expression, binds call
 * arguments, and records what it finds in the annotation side tables for code generation.
 * Errors are collected; an expression in error gets the ERROR type so that one mistake
 * produces one message.
 */
import { diagnostic, type Code } from '../diagnostics/registry.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRange } from '../source.js';
import {
  key, type Argument, type CallExpr, type Expr, type Initializer, type PouDecl, type Stmt,
} from '../st/ast.js';
import { commonType, fitsInteger } from '../types/common-type.js';
import {
  BOOL, ELEMENTARY, ERROR, TIME, VOID, type Type, elementary, elementaryByName, familyOf, isBits,
  isBool, isInteger, isNumeric, isReal, sameType, typeName, widensTo, isAnyString, LREAL, integerRange,
} from '../types/types.js';
import { STANDARD_FUNCTIONS, type Builtin, type FunctionLibrary } from '../stdlib/functions.js';
import { PROPERTY_GET, PROPERTY_SET } from '../st/parse.js';
import { evalConst, type ConstLookup } from './const-eval.js';
import type { Declarations } from './declarations.js';
import { PouScopes } from './pou-scopes.js';
import type { Annotations, BoundArgument, Pou, VarSymbol } from './symbols.js';
import { referenceOperand } from './references.js';

/** Where a body is being checked. */
interface Context {
  /** the POU whose body this is (program, FB, function, method) */
  pou: Pou;
  /** the FB or program whose instance `this` is (for FB bodies, methods and actions) */
  instance?: Pou;
  loopDepth: number;
}

/** Families whose + and - are time arithmetic. */
const TIME_FAMILIES = new Set<string>(['duration', 'date', 'tod', 'dt']);

export class Checker {
  constructor(
    private readonly decls: Declarations,
    private readonly ann: Annotations,
    private readonly diagnostics: Diagnostic[],
    private readonly functions: FunctionLibrary = STANDARD_FUNCTIONS,
    /** 4diac algorithms: a narrowing assignment is converted with a warning (W4003), as FORTE accepts it */
    private readonly options: { narrowingAsWarning?: boolean } = {},
  ) {}

  /** standard functions by upper-case name, looked up once each: a conversion (`REAL_TO_INT`) is built anew by every look-up */
  private readonly builtins = new Map<string, Builtin | undefined>();

  private builtin(k: string): Builtin | undefined {
    if (this.builtins.has(k)) return this.builtins.get(k);
    const b = this.functions.lookup(k);
    this.builtins.set(k, b);
    return b;
  }

  /** made once: typing a literal is frequent, its unknown type rare */
  private readonly unknownType = (name: string, range: SourceRange): Type => this.error('E2003', `unknown type '${name}'`, range);

  /** values of integer constant subexpressions already checked, by expression id */
  private readonly constInts = new Map<number, bigint>();

  private error(code: Code, message: string, range: SourceRange): Type {
    this.diagnostics.push(diagnostic(code, message, range));
    return ERROR;
  }

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

  /** The type of an assignable expression; errors if it does not denote a writable variable. */
  private lvalue(e: Expr, ctx: Context): Type {
    const t = this.expr(e, ctx);
    if (t.kind === 'error') return t;
    const base = rootOf(e);
    if (e.kind === 'deref' || base.kind === 'deref') return t;
    if (e.kind !== 'name' && e.kind !== 'member' && e.kind !== 'index' && e.kind !== 'bit') {
      return this.error('E2006', 'the left side of an assignment must be a variable', e.range);
    }
    const sym = this.ann.symbols.get(e.kind === 'bit' ? (e.object.id) : e.id) ?? this.ann.symbols.get(base.id);
    if (!sym || sym.kind !== 'var') {
      if (sym?.kind === 'enumValue') return this.error('E2006', `'${sym.name}' is an enum value, not a variable`, e.range);
      return t;
    }
    if (sym.constant) return this.error('E2006', `'${sym.name}' is a constant`, e.range);
    return t;
  }

  /** Report when a value of type `from` cannot be stored in `to`. */
  assignable(from: Type, to: Type, range: SourceRange, e?: Expr): boolean {
    if (from.kind === 'error' || to.kind === 'error') return true;
    if (isAssignable(from, to) || this.inheritsInterface(from, to)) {
      if (from.kind === 'literalInt' && to.kind === 'elementary' && to.subrange) {
        if (from.value < BigInt(to.subrange.lo) || from.value > BigInt(to.subrange.hi)) {
          this.error('E3007', `${from.value} is outside ${typeName(to)}`, range);
          return false;
        }
      }
      return true;
    }
    if (from.kind === 'literalInt' && to.kind === 'elementary' && isInteger(to)) {
      this.error('E3007', `${from.value} does not fit ${to.name}`, range);
      return false;
    }
    // 4diac algorithms: FORTE's generated C++ converts between any numbers and bit strings (UINT to INT too)
    const fourDiacConversion = this.options.narrowingAsWarning === true && from.kind === 'elementary' && to.kind === 'elementary' &&
      (isNumeric(from) || isBits(from)) && (isNumeric(to) || isBits(to)) && !isBool(from) && !isBool(to);
    if (from.kind === 'elementary' && to.kind === 'elementary' && (widensTo(to.name, from.name) || fourDiacConversion)) {
      if (this.options.narrowingAsWarning) {
        this.diagnostics.push(diagnostic('W4003', `${from.name} to ${to.name} loses range or precision: converted as ${from.name}_TO_${to.name} would`, range));
        return true;
      }
      this.error('E3002', `${from.name} to ${to.name} loses range or precision: use ${from.name}_TO_${to.name}`, range);
      return false;
    }
    void e;
    this.error('E3001', `cannot assign ${typeName(from)} to ${typeName(to)}`, range);
    return false;
  }

  /** An FB implements an interface also through its ancestors, and an interface through the ones it extends. */
  private inheritsInterface(from: Type, to: Type): boolean {
    if ((from.kind !== 'fb' && from.kind !== 'interface') || to.kind !== 'interface') return false;
    const target = key(to.name);
    const seen = new Set<Pou>();
    const visit = (p: Pou | undefined): boolean => {
      if (!p || seen.has(p)) return false;
      seen.add(p);
      if (p.kind === 'interface' && key(p.name) === target) return true;
      return visit(p.base) || p.interfaces.some(visit);
    };
    return visit(this.decls.pou(key(from.name)));
  }

  // ------------------------------------------------------------ expressions

  private record(e: Expr, t: Type): Type {
    this.ann.types.set(e.id, t);
    return t;
  }

  /** Type an expression. `expected` only guides untyped literals and enum values. */
  expr(e: Expr, ctx: Context, expected?: Type): Type {
    return this.record(e, this.exprInner(e, ctx, expected));
  }

  private exprInner(e: Expr, ctx: Context, expected?: Type): Type {
    switch (e.kind) {
      case 'literal':
        return literalType(e.value, this.unknownType, e.range);
      case 'name':
        return this.name(e, ctx, expected);
      case 'enumValue': {
        const t = this.decls.resolveNamedType(e.typeName, e.range);
        if (t.kind === 'error') return t;
        if (t.kind !== 'enum') return this.error('E3001', `'${e.typeName}' is not an enum type`, e.range);
        const v = t.values.find((x) => key(x.name) === key(e.value));
        if (!v) return this.error('E2007', `${t.name} has no value '${e.value}'`, e.range);
        this.ann.symbols.set(e.id, { kind: 'enumValue', type: t, name: v.name, value: v.value });
        return t;
      }
      case 'member':
        return this.member(e, ctx);
      case 'bit': {
        const t = this.expr(e.object, ctx);
        if (t.kind === 'error') return t;
        if (!(isBits(t) || isInteger(t)) || isBool(t)) return this.error('E3003', `bit access needs a bit string or integer, not ${typeName(t)}`, e.range);
        const bits = t.kind === 'elementary' ? ELEMENTARY[t.name].bits : 32;
        if (e.bit >= bits) return this.error('E3007', `bit ${e.bit} is outside ${typeName(t)}`, e.range);
        return BOOL;
      }
      case 'index': {
        const t = this.expr(e.object, ctx);
        for (const i of e.indices) {
          const it = this.expr(i, ctx);
          if (it.kind !== 'error' && !isInteger(it)) this.error('E3005', `array index must be an integer, not ${typeName(it)}`, i.range);
        }
        if (t.kind === 'error') return t;
        if (t.kind === 'string' && e.indices.length === 1) return elementary(t.wide ? 'WCHAR' : 'CHAR');
        if (t.kind !== 'array') return this.error('E3005', `${typeName(t)} is not an array`, e.range);
        if (t.dims.length !== e.indices.length) {
          return this.error('E3005', `array has ${t.dims.length} dimension(s), ${e.indices.length} index(es) given`, e.range);
        }
        // indexed: forEach made a closure per index expression
        for (let n = 0; n < e.indices.length; n++) {
          const ix = e.indices[n]!;
          const c = evalConst(ix, this.constLookupIn(ctx));
          const d = t.dims[n]!;
          if (typeof c === 'bigint' && d.hi >= d.lo && (c < BigInt(d.lo) || c > BigInt(d.hi))) {
            this.error('E3007', `index ${c} is outside ${d.lo}..${d.hi}`, ix.range);
          }
        }
        return t.element;
      }
      case 'deref': {
        if (e.object.kind === 'this') {
          if (!ctx.instance || ctx.instance.kind !== 'functionBlock') return this.error('E2012', 'THIS is only allowed inside a function block', e.range);
          return { kind: 'fb', name: ctx.instance.name, decl: ctx.instance.decl as never };
        }
        if (e.object.kind === 'super') {
          if (!ctx.instance?.base) return this.error('E2012', 'SUPER needs a function block that EXTENDS another', e.range);
          return { kind: 'fb', name: ctx.instance.base.name, decl: ctx.instance.base.decl as never };
        }
        const t = this.expr(e.object, ctx);
        if (t.kind === 'error') return t;
        if (t.kind !== 'ref') return this.error('E3003', `^ needs a reference, not ${typeName(t)}`, e.range);
        return t.target;
      }
      case 'call':
        return this.call(e, ctx, false, expected);
      case 'unary': {
        const t = this.expr(e.operand, ctx, expected);
        if (t.kind === 'error') return t;
        if (e.op === 'NOT') {
          if (isBool(t) || isBits(t) || isInteger(t)) return t.kind === 'literalInt' ? t : t;
          return this.error('E3003', `NOT is not defined for ${typeName(t)}`, e.range);
        }
        if (t.kind === 'literalInt') return { kind: 'literalInt', value: e.op === '-' ? -t.value : t.value };
        if (isNumeric(t) || familyOf(t) === 'duration') {
          if (e.op === '-' && t.kind === 'elementary' && (ELEMENTARY[t.name].family === 'unsigned' || ELEMENTARY[t.name].family === 'bits')) {
            return this.error('E3003', `unary minus is not defined for unsigned ${t.name}`, e.range);
          }
          return t;
        }
        return this.error('E3003', `unary ${e.op} is not defined for ${typeName(t)}`, e.range);
      }
      case 'binary':
        return this.binary(e, ctx, expected);
      case 'this':
      case 'super':
        return this.error('E1004', `${e.kind.toUpperCase()} must be followed by ^`, e.range);
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, ctx: Context, expected?: Type): Type {
    const l = this.expr(e.left, ctx, expected);
    const r = this.expr(e.right, ctx, l.kind === 'literalInt' || l.kind === 'literalReal' ? expected : l);
    if (l.kind === 'error' || r.kind === 'error') return ERROR;
    const fl = familyOf(l);
    const fr = familyOf(r);
    switch (e.op) {
      case 'AND':
      case 'OR':
      case 'XOR': {
        const c = commonType(l, r);
        if (!c || !(isBool(c) || isBits(c) || isInteger(c))) return this.undefinedOperator(e, l, r);
        this.ann.operandTypes.set(e.id, c);
        return c;
      }
      case '=':
      case '<>':
      case '<':
      case '>':
      case '<=':
      case '>=': {
        let c = commonType(l, r);
        if (!c && l.kind === 'enum' && r.kind === 'enum' && sameType(l, r)) c = l;
        if (!c && l.kind === 'ref' && r.kind === 'ref' && (e.op === '=' || e.op === '<>') && isAssignable(r, l)) c = l;
        if (!c && isAnyString(l) && isAnyString(r)) c = l;
        if (!c) return this.undefinedOperator(e, l, r);
        if (c.kind === 'fb' || c.kind === 'array' || c.kind === 'struct') return this.undefinedOperator(e, l, r);
        this.ann.operandTypes.set(e.id, c);
        return BOOL;
      }
      case '+':
      case '-': {
        if (fl && TIME_FAMILIES.has(fl) || fr && TIME_FAMILIES.has(fr)) {
          const t = timeArith(e.op, l, r);
          if (!t) return this.undefinedOperator(e, l, r);
          this.ann.operandTypes.set(e.id, l);
          return t;
        }
        break;
      }
      case '*':
      case '/':
        if (fl === 'duration' && isNumeric(r)) {
          this.ann.operandTypes.set(e.id, l);
          return l;
        }
        if (e.op === '*' && fr === 'duration' && isNumeric(l)) {
          this.ann.operandTypes.set(e.id, r);
          return r;
        }
        break;
      case 'MOD': {
        const c = commonType(l, r);
        if (!c || !isInteger(c)) return this.undefinedOperator(e, l, r);
        this.ann.operandTypes.set(e.id, c);
        if (this.constantOverflow(e, c)) return ERROR;
        return c.kind === 'literalInt' ? foldInt(e.op, l, r) ?? c : c;
      }
      case '**': {
        if (!isNumeric(l) || !isNumeric(r)) return this.undefinedOperator(e, l, r);
        const c: Type = l.kind === 'elementary' && l.name === 'REAL' ? l : l.kind === 'literalReal' || l.kind === 'literalInt' ? { kind: 'literalReal' } : LREAL;
        this.ann.operandTypes.set(e.id, c);
        return c;
      }
    }
    const c = commonType(l, r);
    if (!c || !isNumeric(c)) return this.undefinedOperator(e, l, r);
    this.ann.operandTypes.set(e.id, c);
    if (this.constantOverflow(e, c)) return ERROR;
    if (c.kind === 'literalInt') {
      if (e.op === '/') {
        const folded = foldInt(e.op, l, r);
        return folded ?? c;
      }
      return foldInt(e.op, l, r) ?? c;
    }
    return c;
  }

  private undefinedOperator(e: Extract<Expr, { kind: 'binary' }>, l: Type, r: Type): Type {
    return this.error('E3003', `'${e.op}' is not defined for ${typeName(l)} and ${typeName(r)}`, e.range);
  }

  /**
   * Integer arithmetic on constants is done at compile time: a result outside the operands' type
   * (UINT#3 - UINT#5) or a division by zero (INT#7 / 0) is an error of the program (IEC 61131-3
   * 7.3.2), reported here rather than left to wrap or fault at run time. True when reported.
   */
  private constantOverflow(e: Extract<Expr, { kind: 'binary' }>, t: Type): boolean {
    const a = this.constInt(e.left);
    const b = this.constInt(e.right);
    if ((e.op === '/' || e.op === 'MOD') && b === 0n && isInteger(t)) {
      this.error('E3009', `${e.op === '/' ? 'division' : 'MOD'} by a constant zero`, e.range);
      return true;
    }
    if (a === undefined || b === undefined) return false;
    let v: bigint;
    switch (e.op) {
      case '+': v = a + b; break;
      case '-': v = a - b; break;
      case '*': v = a * b; break;
      case '/':
      case 'MOD':
        v = e.op === '/' ? a / b : a % b;
        break;
      default: return false;
    }
    if (t.kind === 'elementary' && isInteger(t)) {
      if (!fitsInteger(v, t.name)) {
        const r = integerRange(t.name)!;
        this.error('E3008', `this constant ${OP_NAMES[e.op] ?? e.op} gives ${v}, outside ${t.name} (${r.lo}..${r.hi})`, e.range);
        return true;
      }
    }
    this.constInts.set(e.id, v);
    return false;
  }

  /** The integer value of an expression the checker has typed, when it is a constant. */
  private constInt(e: Expr): bigint | undefined {
    switch (e.kind) {
      case 'literal':
        return e.value.type === 'int' ? e.value.value : undefined;
      case 'unary': {
        const v = e.op === 'NOT' ? undefined : this.constInt(e.operand);
        return v === undefined ? undefined : e.op === '-' ? -v : v;
      }
      case 'name': {
        const sym = this.ann.symbols.get(e.id);
        return sym?.kind === 'var' && sym.constant && typeof sym.constValue === 'bigint' ? sym.constValue : undefined;
      }
      case 'binary':
        return this.constInts.get(e.id);
      default:
        return undefined;
    }
  }

  /** Constants in scope: the POU's own names, then its instance's (looked up, not copied into one map per CASE label or index). */
  private constLookupIn(ctx: Context): ConstLookup {
    // the same POU and instance ask for every index and CASE label of their body: made once for them
    const last = this.lastConstLookup;
    if (last && last.pou === ctx.pou && last.instance === ctx.instance) return last.lookup;
    const own = ctx.pou?.byName;
    const instance = ctx.instance ? this.scopes.varsOf(ctx.instance) : undefined;
    const lookup = this.decls.constLookup({ get: (k) => own?.get(k) ?? instance?.get(k) });
    this.lastConstLookup = { pou: ctx.pou, instance: ctx.instance, lookup };
    return lookup;
  }
  private lastConstLookup: { pou: Pou; instance: Pou | undefined; lookup: ConstLookup } | undefined;

  /** An FB's variables and a POU's parameters, made once per POU. */
  private readonly scopes = new PouScopes();

  /** Resolve a bare name: local, instance, function result, global, enum value. */
  private name(e: Extract<Expr, { kind: 'name' }>, ctx: Context, expected?: Type): Type {
    const k = key(e.name);
    const sym = this.lookupVar(k, ctx);
    if (sym) {
      this.ann.symbols.set(e.id, sym);
      return sym.type;
    }
    // the function or method name inside its body is its result
    if (ctx.pou && (ctx.pou.kind === 'function' || ctx.pou.kind === 'method') && ctx.pou.key === k && ctx.pou.returnType) {
      const result = resultSymbol(ctx.pou);
      this.ann.symbols.set(e.id, result);
      return result.type;
    }
    const ev = this.decls.enumValues.get(k);
    if (ev && ev.length > 0) {
      const pick = (expected?.kind === 'enum' && ev.find((v) => v.type === expected)) || (ev.length === 1 ? ev[0] : undefined);
      if (pick) {
        this.ann.symbols.set(e.id, pick);
        return pick.type;
      }
      return this.error('E2001', `'${e.name}' is a value of several enum types; write Type#${e.name}`, e.range);
    }
    // a PROPERTY of this function block read by its bare name: a call of its getter
    const getter = ctx.instance?.kind === 'functionBlock' ? this.decls.findMethod(ctx.instance, PROPERTY_GET + e.name) : undefined;
    if (getter) return this.propertyRead(e, { kind: 'name', id: this.freshId(), range: e.range, name: getter.name }, ctx);
    if (this.decls.pou(k) || this.builtin(k)) return this.error('E2001', `'${e.name}' is a POU, not a variable`, e.range);
    // NULL: the reference to nothing, assignable to and comparable with every REF_TO
    if (k === 'NULL') return NULL_REF;
    return this.error('E2001', `unknown name '${e.name}'`, e.range);
  }

  lookupVar(k: string, ctx: Context): VarSymbol | undefined {
    const own = ctx.pou?.byName.get(k);
    if (own) return this.used(this.external(own), ctx);
    if (ctx.instance && ctx.instance !== ctx.pou) {
      const v = this.scopes.varsOf(ctx.instance).get(k);
      if (v) return this.used(this.external(v), ctx);
    }
    return this.used(this.decls.globals.get(k), ctx);
  }

  /** Globals each POU (with its methods and actions) uses, so that resources can be checked. */
  readonly globalUses = new Map<Pou, Set<VarSymbol>>();
  /** The POU of an FB type name. */
  pouOf(name: string): Pou | undefined {
    return this.decls.pou(key(name));
  }

  /** Functions each POU calls. */
  readonly calledFunctions = new Map<Pou, Set<Pou>>();

  private used(v: VarSymbol | undefined, ctx: Context): VarSymbol | undefined {
    if (v?.storage === 'global' && ctx.pou) {
      const owner = ctx.instance ?? ctx.pou;
      let set = this.globalUses.get(owner);
      if (!set) this.globalUses.set(owner, (set = new Set()));
      set.add(v);
    }
    return v;
  }

  /** VAR_EXTERNAL names a global: use the global's storage. */
  private external(v: VarSymbol): VarSymbol {
    if (v.section !== 'VAR_EXTERNAL') return v;
    const g = this.decls.globals.get(key(v.name));
    if (!g) {
      this.error('E2001', `VAR_EXTERNAL '${v.name}' has no matching VAR_GLOBAL`, v.decl.nameRange);
      return v;
    }
    if (!sameType(g.type, v.type) && v.type.kind !== 'error') {
      this.error('E3001', `VAR_EXTERNAL '${v.name}' is ${typeName(v.type)} but the global is ${typeName(g.type)}`, v.decl.nameRange);
    }
    return g;
  }

  private member(e: Extract<Expr, { kind: 'member' }>, ctx: Context): Type {
    // `Type.Value` is not ST, but qualified enum access through a struct is: type the object first
    const t = this.expr(e.object, ctx);
    if (t.kind === 'error') return t;
    if (t.kind === 'struct') {
      const f = t.fields.find((x) => key(x.name) === key(e.member));
      if (!f) return this.error('E2007', `${t.name} has no member '${e.member}'`, e.range);
      return f.type;
    }
    if (t.kind === 'fb' || t.kind === 'interface') {
      const pou = this.decls.pou(key(t.name));
      const v = pou && t.kind === 'fb' ? this.scopes.varsOf(pou).get(key(e.member)) : undefined;
      const getter = !v && pou ? this.decls.findMethod(pou, PROPERTY_GET + e.member) : undefined;
      if (getter) return this.propertyRead(e, { kind: 'member', id: this.freshId(), range: e.range, object: e.object, member: getter.name }, ctx);
      if (!v) return this.error('E2007', `${t.name} has no ${t.kind === 'fb' ? 'variable' : 'property'} '${e.member}'`, e.range);
      if (v.section === 'VAR_TEMP') return this.error('E2007', `'${e.member}' is a temporary of ${t.name}`, e.range);
      this.ann.symbols.set(e.id, v);
      return v.type;
    }
    return this.error('E2007', `${typeName(t)} has no members`, e.range);
  }

  // ------------------------------------------------------------ properties

  private nextId = 2 ** 30;
  /** ids for expressions the checker makes (property accessor calls), beyond the parser's */
  private freshId(): number {
    return this.nextId++;
  }

  /** Turn the read of a property (`fb.P`, `P`) into a call of its getter, in place. */
  private propertyRead(e: Expr, callee: Expr, ctx: Context): Type {
    const call = e as unknown as CallExpr;
    for (const k of Object.keys(e)) if (k !== 'id' && k !== 'range') delete (e as unknown as Record<string, unknown>)[k];
    Object.assign(call, { kind: 'call', callee, args: [] });
    return this.callInner(call, ctx, false);
  }

  /** `fb.P := v` or `P := v` for a PROPERTY with a setter: a call of the setter, in place. */
  private propertyWrite(s: Extract<Stmt, { kind: 'assign' }>, ctx: Context): boolean {
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

  private callInner(e: CallExpr, ctx: Context, asStatement: boolean, expected?: Type): Type {
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

  private callInstance(e: CallExpr, instance: Expr, t: Type, ctx: Context, asStatement: boolean): Type {
    if (t.kind !== 'fb') return this.error('E2004', `'${exprText(instance)}' is ${typeName(t)}, not a function block instance`, instance.range);
    const pou = this.decls.pou(key(t.name))!;
    if (pou.kind === 'program') return this.error('E2004', 'programs are called by tasks, not from code', instance.range);
    if (!asStatement) return this.error('E2004', 'a function block call is a statement, not a value; read its outputs as inst.Q', e.range);
    this.ann.calls.set(e.id, { kind: 'fbInstance', pou, instance });
    this.bindArgs(e, pou, ctx);
    return VOID;
  }

  /** Bind formal or positional arguments to the callee's parameters and type-check them. */
  private bindArgs(e: CallExpr, pou: Pou, ctx: Context): void {
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

  private checkArg(a: Argument, p: VarSymbol, ctx: Context): void {
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

  private callBuiltin(e: CallExpr, name: string, b: Builtin, ctx: Context, expected?: Type): Type {
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

// ------------------------------------------------------------------ helpers

const OP_NAMES: Record<string, string> = { '+': 'addition', '-': 'subtraction', '*': 'multiplication', '/': 'division', MOD: 'MOD' };

/** Operators whose operand must denote a variable. */
const REFERENCE_OPERATORS = new Set(['REF', 'ADR']);

/** The type of NULL: a reference that matches every REF_TO. */
const NULL_REF: Type = { kind: 'ref', target: ERROR };

function isUntyped(t: Type): boolean {
  return t.kind === 'literalInt' || t.kind === 'literalReal';
}

/** The type an expected result gives generic arguments: a number or bit string, not BOOL. */
function genericTarget(expected: Type | undefined): Type | undefined {
  if (!expected || expected.kind !== 'elementary') return undefined;
  const f = ELEMENTARY[expected.name].family;
  if (f !== 'signed' && f !== 'unsigned' && f !== 'bits' && f !== 'real') return undefined;
  return elementary(expected.name);
}

/** Whether an FB or one of its ancestors has methods (a PROPERTY's setter is one): most have none, and an assignment need not look for a setter. */
function hasMethods(pou: Pou): boolean {
  for (let p: Pou | undefined = pou; p; p = p.base) if (p.methods.size > 0) return true;
  return false;
}

/** Standard functions whose result has the type of their arguments. */
const GENERIC_NUMERIC = new Set(['ABS', 'MAX', 'MIN', 'LIMIT', 'ADD', 'MUL', 'SUB', 'DIV', 'MOD', 'MOVE', 'SEL', 'MUX', 'EXPT']);

/** The value of a generic function of integer literals, for range checks where it is stored. */
function constantResult(name: string, args: { value: bigint }[]): bigint {
  const v = args.map((a) => a.value);
  switch (name) {
    case 'ABS': return v[0]! < 0n ? -v[0]! : v[0]!;
    case 'MAX': return v.reduce((a, b) => (a > b ? a : b));
    case 'MIN': return v.reduce((a, b) => (a < b ? a : b));
    case 'LIMIT': { const lo = v[1]! < v[0]! ? v[0]! : v[1]!; return lo > v[2]! ? v[2]! : lo; }
    case 'ADD': return v.reduce((a, b) => a + b);
    case 'MUL': return v.reduce((a, b) => a * b);
    case 'SUB': return v[0]! - v[1]!;
    case 'DIV': return v[1] === 0n ? 0n : v[0]! / v[1]!;
    case 'MOD': return v[1] === 0n ? 0n : v[0]! % v[1]!;
    case 'MOVE': return v[0]!;
    case 'SEL': return v[0] ? v[2]! : v[1]!;
    case 'MUX': return v[Number(v[0]!) + 1] ?? 0n;
    default: return 0n;
  }
}

/** The result variable of a function or method (its name used inside its body). */
const RESULTS = new WeakMap<Pou, VarSymbol>();
export function resultSymbol(pou: Pou): VarSymbol {
  let r = RESULTS.get(pou);
  if (!r) {
    r = {
      kind: 'var',
      name: pou.name,
      prop: '$result',
      type: pou.returnType ?? VOID,
      section: 'VAR',
      constant: false,
      decl: { id: -1, range: pou.decl.range, name: pou.name, nameRange: pou.decl.range, type: { id: -1, range: pou.decl.range, kind: 'named', name: 'VOID' } },
      storage: 'local',
    };
    RESULTS.set(pou, r);
  }
  return r;
}

export function isAssignable(from: Type, to: Type): boolean {
  if (from.kind === 'error' || to.kind === 'error') return true;
  if (from.kind === 'literalInt') {
    if (to.kind !== 'elementary') return false;
    const f = ELEMENTARY[to.name].family;
    if (f === 'real') return true;
    if (f === 'signed' || f === 'unsigned' || f === 'bits' || f === 'char') return fitsInteger(from.value, to.name);
    // the standard allows 0 and 1 for BOOL
    if (f === 'bool') return from.value === 0n || from.value === 1n;
    return false;
  }
  if (from.kind === 'literalReal') return to.kind === 'elementary' && ELEMENTARY[to.name].family === 'real';
  if (from.kind === 'elementary' && to.kind === 'elementary') return from.name === to.name || widensTo(from.name, to.name);
  if (from.kind === 'string' && to.kind === 'string') return from.wide === to.wide;
  if (from.kind === 'elementary' && to.kind === 'string') return (from.name === 'CHAR' && !to.wide) || (from.name === 'WCHAR' && to.wide);
  if (from.kind === 'fb' && to.kind === 'interface') return implementsInterface(from, to.name);
  if (from.kind === 'interface' && to.kind === 'interface') return from.name.toUpperCase() === to.name.toUpperCase();
  if (from.kind === 'ref' && to.kind === 'ref') return from === NULL_REF || to === NULL_REF || sameType(from.target, to.target);
  return sameType(from, to);
}

function implementsInterface(fb: Extract<Type, { kind: 'fb' }>, itf: string): boolean {
  const decl = fb.decl;
  if (decl.kind !== 'functionBlock') return false;
  return decl.implements.some((i) => i.toUpperCase() === itf.toUpperCase());
}

function literalType(
  v: Extract<Expr, { kind: 'literal' }>['value'],
  unknown: (name: string, range: SourceRange) => Type,
  range: SourceRange,
): Type {
  switch (v.type) {
    case 'int': {
      if (!v.typeName) return { kind: 'literalInt', value: v.value };
      const el = elementaryByName(v.typeName);
      if (!el) return unknown(v.typeName, range);
      return elementary(el);
    }
    case 'real': {
      if (!v.typeName) return { kind: 'literalReal' };
      const el = elementaryByName(v.typeName);
      return el ? elementary(el) : unknown(v.typeName, range);
    }
    case 'bool':
      return BOOL;
    case 'time':
      return v.long ? elementary('LTIME') : TIME;
    case 'date':
      return elementary(v.long ? 'LDATE' : 'DATE');
    case 'tod':
      return elementary(v.long ? 'LTOD' : 'TOD');
    case 'dt':
      return elementary(v.long ? 'LDT' : 'DT');
    case 'string':
      return { kind: 'string', wide: v.wide, length: Math.max(1, v.value.length) };
  }
}

function timeArith(op: '+' | '-', l: Type, r: Type): Type | undefined {
  const fl = familyOf(l);
  const fr = familyOf(r);
  if (fl === 'duration' && fr === 'duration') return commonType(l, r);
  if ((fl === 'date' || fl === 'tod' || fl === 'dt') && fr === 'duration') return fl === 'date' ? undefined : l;
  if (op === '+' && fl === 'duration' && (fr === 'tod' || fr === 'dt')) return r;
  if (op === '-' && fl && fl === fr && fl !== 'duration') return elementary((l as { name: string }).name.startsWith('L') ? 'LTIME' : 'TIME');
  return undefined;
}

function foldInt(op: string, l: Type, r: Type): Type | undefined {
  if (l.kind !== 'literalInt' || r.kind !== 'literalInt') return undefined;
  const a = l.value;
  const b = r.value;
  switch (op) {
    case '+': return { kind: 'literalInt', value: a + b };
    case '-': return { kind: 'literalInt', value: a - b };
    case '*': return { kind: 'literalInt', value: a * b };
    case '/': return b === 0n ? undefined : { kind: 'literalInt', value: a / b };
    case 'MOD': return b === 0n ? undefined : { kind: 'literalInt', value: a % b };
  }
  return undefined;
}

function rootOf(e: Expr): Expr {
  let x = e;
  while (x.kind === 'member' || x.kind === 'index' || x.kind === 'bit') x = x.object;
  return x;
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'name': return e.name;
    case 'member': return `${exprText(e.object)}.${e.member}`;
    case 'index': return `${exprText(e.object)}[…]`;
    default: return 'expression';
  }
}

