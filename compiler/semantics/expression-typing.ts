/**
 * Expression typing: names, members, operators, literals and constants, assignability and
 * lvalues; records every type and symbol in the annotation tables for code generation.
 */
import { diagnostic, type Code } from '../diagnostics/registry.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceRange } from '../source.js';
import { key, writtenOp, type CallExpr, type Expr } from '../st/ast.js';
import { commonType, fitsInteger } from '../types/common-type.js';
import {
  BOOL, ELEMENTARY, ERROR, type Type, elementary, familyOf, isBits, isBool, isInteger, isNumeric, sameType,
  typeName, widensTo, isAnyString, LREAL, integerRange,
} from '../types/types.js';
import { STANDARD_FUNCTIONS, type Builtin, type FunctionLibrary } from '../stdlib/functions.js';
import { PROPERTY_GET } from '../st/parse.js';
import { evalConst, type ConstLookup } from './const-eval.js';
import type { Declarations } from './declarations.js';
import { PouScopes } from './pou-scopes.js';
import type { Annotations, Pou, VarSymbol } from './symbols.js';
import { OP_NAMES, NULL_REF, resultSymbol, isAssignable, literalType, timeArith, foldInt, rootOf, TIME_FAMILIES } from './type-rules.js';

/** Where a body is being checked. */
export interface Context {
  /** the POU whose body this is (program, FB, function, method) */
  pou: Pou;
  /** the FB or program whose instance `this` is (for FB bodies, methods and actions) */
  instance?: Pou;
  loopDepth: number;
}

/**
 * The checker's state and expression typing; calls and property accessors are typed by
 * call-binding.ts, statements and POUs by checker.ts, which extend this class.
 */
export abstract class ExpressionTyping {
  constructor(
    protected readonly decls: Declarations,
    protected readonly ann: Annotations,
    protected readonly diagnostics: Diagnostic[],
    protected readonly functions: FunctionLibrary = STANDARD_FUNCTIONS,
    /** 4diac algorithms: a narrowing assignment is converted with a warning (W4003), as FORTE accepts it */
    protected readonly options: { narrowingAsWarning?: boolean } = {},
  ) {}

  /** standard functions by upper-case name, looked up once each: a conversion (`REAL_TO_INT`) is built anew by every look-up */
  protected readonly builtins = new Map<string, Builtin | undefined>();

  protected builtin(k: string): Builtin | undefined {
    if (this.builtins.has(k)) return this.builtins.get(k);
    const b = this.functions.lookup(k);
    this.builtins.set(k, b);
    return b;
  }

  /** made once: typing a literal is frequent, its unknown type rare */
  protected readonly unknownType = (name: string, range: SourceRange): Type => this.error('E2003', `unknown type '${name}'`, range);

  /** values of integer constant subexpressions already checked, by expression id */
  protected readonly constInts = new Map<number, bigint>();

  protected error(code: Code, message: string, range: SourceRange): Type {
    this.diagnostics.push(diagnostic(code, message, range));
    return ERROR;
  }

  /** typed by call-binding.ts */
  abstract call(e: CallExpr, ctx: Context, asStatement: boolean, expected?: Type): Type;
  protected abstract propertyRead(e: Expr, callee: Expr, ctx: Context): Type;

  /** The type of an assignable expression; errors if it does not denote a writable variable. */
  protected lvalue(e: Expr, ctx: Context): Type {
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
  protected inheritsInterface(from: Type, to: Type): boolean {
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

  protected record(e: Expr, t: Type): Type {
    this.ann.types.set(e.id, t);
    return t;
  }

  /** Type an expression. `expected` only guides untyped literals and enum values. */
  expr(e: Expr, ctx: Context, expected?: Type): Type {
    return this.record(e, this.exprInner(e, ctx, expected));
  }

  protected exprInner(e: Expr, ctx: Context, expected?: Type): Type {
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

  protected binary(e: Extract<Expr, { kind: 'binary' }>, ctx: Context, expected?: Type): Type {
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
        // AND_THEN and OR_ELSE skip their second operand: only BOOL has such a result
        if (e.shortCircuit && !isBool(c)) return this.undefinedOperator(e, l, r);
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

  protected undefinedOperator(e: Extract<Expr, { kind: 'binary' }>, l: Type, r: Type): Type {
    return this.error('E3003', `'${writtenOp(e)}' is not defined for ${typeName(l)} and ${typeName(r)}`, e.range);
  }

  /**
   * Integer arithmetic on constants is done at compile time: a result outside the operands' type
   * (UINT#3 - UINT#5) or a division by zero (INT#7 / 0) is an error of the program (IEC 61131-3
   * 7.3.2), reported here rather than left to wrap or fault at run time. True when reported.
   */
  protected constantOverflow(e: Extract<Expr, { kind: 'binary' }>, t: Type): boolean {
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
  protected constInt(e: Expr): bigint | undefined {
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
  protected constLookupIn(ctx: Context): ConstLookup {
    // the same POU and instance ask for every index and CASE label of their body: made once for them
    const last = this.lastConstLookup;
    if (last && last.pou === ctx.pou && last.instance === ctx.instance) return last.lookup;
    const own = ctx.pou?.byName;
    const instance = ctx.instance ? this.scopes.varsOf(ctx.instance) : undefined;
    const lookup = this.decls.constLookup({ get: (k) => own?.get(k) ?? instance?.get(k) });
    this.lastConstLookup = { pou: ctx.pou, instance: ctx.instance, lookup };
    return lookup;
  }
  protected lastConstLookup: { pou: Pou; instance: Pou | undefined; lookup: ConstLookup } | undefined;

  /** An FB's variables and a POU's parameters, made once per POU. */
  protected readonly scopes = new PouScopes();

  /** Resolve a bare name: local, instance, function result, global, enum value. */
  protected name(e: Extract<Expr, { kind: 'name' }>, ctx: Context, expected?: Type): Type {
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

  protected used(v: VarSymbol | undefined, ctx: Context): VarSymbol | undefined {
    if (v?.storage === 'global' && ctx.pou) {
      const owner = ctx.instance ?? ctx.pou;
      let set = this.globalUses.get(owner);
      if (!set) this.globalUses.set(owner, (set = new Set()));
      set.add(v);
    }
    return v;
  }

  /** VAR_EXTERNAL names a global: use the global's storage. */
  protected external(v: VarSymbol): VarSymbol {
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

  protected member(e: Extract<Expr, { kind: 'member' }>, ctx: Context): Type {
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

  protected nextId = 2 ** 30;
  /** ids for expressions the checker makes (property accessor calls), beyond the parser's */
  protected freshId(): number {
    return this.nextId++;
  }

}
