/**
 * The project's declarations: types, POUs and globals of every file, resolved into checker
 * types. Type references are resolved on demand (a type may be used before it is declared).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic, type Code } from '../diagnostics/registry.js';
import type { SourceRange } from '../source.js';
import type {
  CompilationUnit, Expr, MethodDecl, PouDecl, TypeDecl, TypeRef,
  VarSection,
} from '../st/ast.js';
import { key } from '../st/ast.js';
import {
  ERROR, ELEMENTARY, type EnumType, type Type, elementary, elementaryByName, integerRange, setTypeDefault,
} from '../types/types.js';
import { constToInt, evalConst, type ConstLookup } from './const-eval.js';
import type { ConstValue, EnumValueSymbol, Pou, Storage, VarSymbol } from './symbols.js';
import type { VarSectionName } from '../application.js';

const JS_RESERVED = new Set(['CONSTRUCTOR', '__PROTO__', 'PROTOTYPE', 'TOSTRING', 'VALUEOF', 'HASOWNPROPERTY']);

export interface TypeEntry {
  decl: TypeDecl;
  file: string;
  resolved?: Type;
  resolving?: boolean;
}

export class Declarations {
  readonly types = new Map<string, TypeEntry>();
  readonly pous = new Map<string, Pou>();
  readonly globals = new Map<string, VarSymbol>();
  readonly enumValues = new Map<string, EnumValueSymbol[]>();
  /** globals of the configuration and of global variable lists: every resource has them */
  private readonly sharedGlobals = new Set<string>();
  /** globals a RESOURCE declares: only that resource has them */
  private readonly resourceGlobals = new Map<string, Set<string>>();
  private readonly pouDecls = new Map<string, { decl: PouDecl; file: string }>();

  constructor(readonly units: readonly CompilationUnit[], readonly diagnostics: Diagnostic[]) {
    for (const unit of units) {
      for (const t of unit.types) this.declareType(t, unit.file);
      for (const p of unit.pous) this.declarePouName(p, unit.file);
    }
    // Enum types first, so that enum values are known when constants are evaluated.
    for (const [, entry] of this.types) this.resolveNamedType(entry.decl.name, entry.decl.range);
    for (const unit of units) {
      for (const g of unit.globals) this.addGlobals(g, this.sharedGlobals);
      for (const c of unit.configurations) {
        for (const g of c.globals) this.addGlobals(g, this.sharedGlobals);
        for (const r of c.resources) {
          const names = this.resourceGlobals.get(key(r.name)) ?? new Set<string>();
          this.resourceGlobals.set(key(r.name), names);
          for (const g of r.globals) this.addGlobals(g, names);
        }
      }
    }
    for (const [k] of this.pouDecls) this.pou(k);
  }

  error(code: Code, message: string, range: SourceRange): void {
    this.diagnostics.push(diagnostic(code, message, range));
  }

  // ------------------------------------------------------------ types

  private declareType(t: TypeDecl, file: string): void {
    const k = key(t.name);
    if (this.types.has(k) || elementaryByName(t.name)) {
      this.error('E2002', `type '${t.name}' is already declared`, t.range);
      return;
    }
    this.types.set(k, { decl: t, file });
  }

  /** Resolve a named type: elementary, TYPE, FB/PROGRAM, INTERFACE. */
  resolveNamedType(name: string, range: SourceRange): Type {
    const el = elementaryByName(name);
    if (el) return elementary(el);
    const k = key(name);
    if (k === 'STRING') return { kind: 'string', wide: false, length: 254 };
    if (k === 'WSTRING') return { kind: 'string', wide: true, length: 254 };
    const entry = this.types.get(k);
    if (entry) {
      if (entry.resolved) return entry.resolved;
      if (entry.resolving) {
        this.error('E2011', `type '${name}' contains itself`, range);
        return ERROR;
      }
      entry.resolving = true;
      let t = this.resolveTypeRef(entry.decl.type, this.constLookup(), entry.decl.name);
      entry.resolving = false;
      if (entry.decl.init && t.kind !== 'error') {
        // an alias with its own initial value is a type of its own (INT stays INT elsewhere)
        if (t.kind === 'elementary' || t.kind === 'string') t = { ...t };
        setTypeDefault(t, entry.decl.init);
      }
      entry.resolved = t;
      return t;
    }
    const p = this.pouDecls.get(k);
    if (p) {
      if (p.decl.kind === 'functionBlock' || p.decl.kind === 'program') return { kind: 'fb', name: p.decl.name, decl: p.decl };
      if (p.decl.kind === 'interface') return { kind: 'interface', name: p.decl.name, decl: p.decl };
    }
    this.error('E2003', `unknown type '${name}'`, range);
    return ERROR;
  }

  /** Resolve a written type. `name` names the type when it is the body of a TYPE declaration. */
  resolveTypeRef(ref: TypeRef, lookup: ConstLookup, name?: string): Type {
    switch (ref.kind) {
      case 'named':
        return this.resolveNamedType(ref.name, ref.range);
      case 'string': {
        let length = 254;
        if (ref.length) {
          const n = this.constInt(ref.length, lookup);
          if (n === undefined) return ERROR;
          if (n < 1) {
            this.error('E3007', `string length must be at least 1, not ${n}`, ref.length.range);
            return ERROR;
          }
          length = n;
        }
        return { kind: 'string', wide: ref.wide, length };
      }
      case 'array': {
        const dims: { lo: number; hi: number }[] = [];
        for (const d of ref.dims) {
          if (!d.lo || !d.hi) {
            // ARRAY[*]: bounds come from the argument; only allowed for VAR_IN_OUT, treated as 0..-1 here
            dims.push({ lo: 0, hi: -1 });
            continue;
          }
          const lo = this.constInt(d.lo, lookup);
          const hi = this.constInt(d.hi, lookup);
          if (lo === undefined || hi === undefined) return ERROR;
          if (hi < lo) {
            this.error('E3007', `array upper bound ${hi} is below lower bound ${lo}`, d.hi.range);
            return ERROR;
          }
          dims.push({ lo, hi });
        }
        const element = this.resolveTypeRef(ref.element, lookup);
        if (element.kind === 'error') return ERROR;
        return { kind: 'array', dims, element };
      }
      case 'subrange': {
        const base = elementaryByName(ref.base);
        if (!base || !integerRange(base) || ELEMENTARY[base].family === 'bool') {
          this.error('E2003', `subrange base '${ref.base}' must be an integer type`, ref.range);
          return ERROR;
        }
        const lo = this.constInt(ref.lo, lookup);
        const hi = this.constInt(ref.hi, lookup);
        if (lo === undefined || hi === undefined) return ERROR;
        return { kind: 'elementary', name: base, subrange: { lo, hi } };
      }
      case 'enum': {
        const base = ref.base ? elementaryByName(ref.base) : 'INT';
        if (!base) {
          this.error('E2003', `unknown enum base type '${ref.base}'`, ref.range);
          return ERROR;
        }
        const t: EnumType = { kind: 'enum', name: name ?? 'enum', values: [], base };
        let next = 0;
        for (const v of ref.values) {
          if (v.value) {
            const n = this.constInt(v.value, lookup);
            if (n !== undefined) next = n;
          }
          if (t.values.some((x) => key(x.name) === key(v.name))) {
            this.error('E2002', `enum value '${v.name}' is declared twice`, v.range);
            continue;
          }
          t.values.push({ name: v.name, value: next });
          const list = this.enumValues.get(key(v.name)) ?? [];
          list.push({ kind: 'enumValue', type: t, name: v.name, value: next });
          this.enumValues.set(key(v.name), list);
          next++;
        }
        return t;
      }
      case 'struct': {
        const fields: { name: string; type: Type }[] = [];
        if (ref.extends) {
          const base = this.resolveNamedType(ref.extends, ref.range);
          if (base.kind === 'struct') fields.push(...base.fields);
          else if (base.kind !== 'error') this.error('E2012', `'${ref.extends}' is not a structure`, ref.range);
        }
        for (const m of ref.members) {
          if (fields.some((f) => key(f.name) === key(m.name))) {
            this.error('E2002', `structure member '${m.name}' is declared twice`, m.nameRange);
            continue;
          }
          fields.push({ name: m.name, type: this.resolveTypeRef(m.type, lookup) });
        }
        return { kind: 'struct', name: name ?? 'struct', fields, decl: ref };
      }
      case 'ref':
        return { kind: 'ref', target: this.resolveTypeRef(ref.target, lookup) };
    }
  }

  constInt(e: Expr, lookup: ConstLookup): number | undefined {
    const v = constToInt(evalConst(e, lookup));
    if (v === undefined) this.error('E3006', 'a constant integer expression is required here', e.range);
    return v;
  }

  /** Constants visible everywhere: global CONSTANTs and qualified enum values. */
  constLookup(local?: Pick<Map<string, VarSymbol>, 'get'>): ConstLookup {
    return (name: string) => {
      const hash = name.indexOf('#');
      if (hash > 0) {
        const typeKey = key(name.slice(0, hash));
        const valueKey = key(name.slice(hash + 1));
        const t = this.types.get(typeKey)?.resolved;
        if (t && t.kind === 'enum') {
          const v = t.values.find((x) => key(x.name) === valueKey);
          return v ? BigInt(v.value) : undefined;
        }
        return undefined;
      }
      const k = key(name);
      const sym = local?.get(k) ?? this.globals.get(k);
      if (sym?.constValue !== undefined) return sym.constValue;
      const ev = this.enumValues.get(k);
      if (ev && ev.length === 1) return BigInt(ev[0]!.value);
      return undefined;
    };
  }

  // ------------------------------------------------------------ variables

  /** The globals one resource sees: shared ones and its own. */
  globalsOf(resource: string): VarSymbol[] {
    const own = this.resourceGlobals.get(key(resource));
    return [...this.globals.entries()].filter(([k]) => this.sharedGlobals.has(k) || own?.has(k)).map(([, v]) => v);
  }

  private addGlobals(section: VarSection, scope: Set<string>): void {
    for (const sym of this.varSymbols(section, 'global', this.globals)) {
      const k = key(sym.name);
      scope.add(k);
      const prev = this.globals.get(k);
      if (prev) {
        // the same global declared in two resources of a configuration is fine if it has the same type
        if (prev.decl !== sym.decl && JSON.stringify(prev.type) !== JSON.stringify(sym.type)) {
          this.error('E2002', `global '${sym.name}' is already declared with another type`, sym.decl.nameRange);
        }
        continue;
      }
      this.globals.set(k, sym);
    }
  }

  /** Variables of one section, with their types resolved and constants evaluated. */
  varSymbols(section: VarSection, storage: Storage, scope: Map<string, VarSymbol>): VarSymbol[] {
    const out: VarSymbol[] = [];
    const kind = (section.section === 'VAR_STAT' || section.section === 'VAR_INST' ? 'VAR' : section.section) as VarSectionName;
    // one look-up for the section: it reads `scope` when asked, so it sees the declarations before each
    const lookup = this.constLookup(scope);
    for (const d of section.decls) {
      const type = this.resolveTypeRef(d.type, lookup);
      const sym: VarSymbol = {
        kind: 'var',
        name: d.name,
        prop: JS_RESERVED.has(key(d.name)) || d.name.startsWith('$') ? `$v_${d.name}` : d.name,
        type,
        section: kind,
        constant: section.constant,
        decl: d,
        storage: kind === 'VAR_TEMP' && storage === 'instance' ? 'local' : storage,
      };
      if (section.retain === 'RETAIN' || section.retain === 'PERSISTENT') sym.retain = section.retain;
      if (d.location) sym.location = d.location;
      if (d.edge) {
        if (kind !== 'VAR_INPUT' || storage !== 'instance' || type.kind !== 'elementary' || type.name !== 'BOOL') {
          this.error('E3001', `${d.edge} needs a BOOL input of a function block or program (it keeps the previous value between calls)`, d.nameRange);
        } else sym.edge = d.edge;
      }
      if (d.init) sym.init = d.init;
      if (section.constant && d.init?.kind === 'expr') {
        const v = evalConst(d.init.expr, lookup);
        if (v !== undefined) sym.constValue = coerceConst(v, type);
      }
      out.push(sym);
      scope.set(key(d.name), sym);
    }
    return out;
  }

  // ------------------------------------------------------------ POUs

  private declarePouName(p: PouDecl, file: string): void {
    const k = key(p.name);
    if (this.pouDecls.has(k) || this.types.has(k) || elementaryByName(p.name)) {
      this.error('E2002', `'${p.name}' is already declared`, p.range);
      return;
    }
    this.pouDecls.set(k, { decl: p, file });
  }

  /** The POU of that (upper-case) name, built on first use. */
  pou(k: string): Pou | undefined {
    const existing = this.pous.get(k);
    if (existing) return existing;
    const entry = this.pouDecls.get(k);
    if (!entry) return undefined;
    const { decl, file } = entry;
    const pou: Pou = {
      kind: decl.kind,
      name: decl.name,
      key: k,
      file,
      decl,
      vars: [],
      byName: new Map(),
      interfaces: [],
      methods: new Map(),
      actions: new Map(),
      jsName: `${decl.kind === 'function' ? 'F' : decl.kind === 'interface' ? 'I' : 'P'}_${decl.name}`,
    };
    this.pous.set(k, pou);
    if (decl.kind === 'functionBlock' && decl.extends) {
      const base = this.pou(key(decl.extends));
      if (!base || base.kind !== 'functionBlock') {
        this.error('E2012', `'${decl.extends}' is not a function block and cannot be extended`, decl.range);
      } else if (base === pou || inherits(base, pou)) {
        this.error('E2011', `'${decl.name}' extends itself`, decl.range);
      } else {
        pou.base = base;
        for (const [n, v] of allVars(base)) pou.byName.set(n, v);
      }
    }
    const implementsList = decl.kind === 'functionBlock' ? decl.implements : decl.kind === 'interface' ? decl.extends : [];
    for (const name of implementsList) {
      const itf = this.pou(key(name));
      if (!itf || itf.kind !== 'interface') this.error('E2012', `'${name}' is not an interface`, decl.range);
      else pou.interfaces.push(itf);
    }
    const storage: Storage = decl.kind === 'function' || decl.kind === 'interface' ? 'local' : 'instance';
    if (decl.kind !== 'interface') {
      // a set, not a scan of pou.vars: one POU may declare tens of thousands of locals
      const declared = new Set<string>();
      for (const s of decl.varSections) {
        for (const sym of this.varSymbols(s, storage, pou.byName)) {
          if (!addKey(declared, sym.name)) {
            this.error('E2002', `variable '${sym.name}' is already declared in ${decl.name}`, sym.decl.nameRange);
            continue;
          }
          pou.vars.push(sym);
        }
      }
    }
    if (decl.kind === 'function' && decl.returnType) pou.returnType = this.resolveTypeRef(decl.returnType, this.constLookup(pou.byName));
    if (decl.kind === 'functionBlock' || decl.kind === 'interface') {
      for (const m of decl.methods) this.addMethod(pou, m, file);
    }
    if (decl.kind === 'functionBlock' || decl.kind === 'program') {
      for (const a of decl.actions) {
        if (pou.actions.has(key(a.name))) this.error('E2002', `action '${a.name}' is already declared`, a.range);
        pou.actions.set(key(a.name), a);
      }
    }
    return pou;
  }

  private addMethod(owner: Pou, m: MethodDecl, file: string): void {
    const k = key(m.name);
    if (owner.methods.has(k)) {
      this.error('E2002', `method '${m.name}' is already declared in ${owner.name}`, m.range);
      return;
    }
    const pou: Pou = {
      kind: 'method',
      name: m.name,
      key: k,
      file,
      decl: m,
      vars: [],
      byName: new Map(),
      interfaces: [],
      methods: new Map(),
      actions: new Map(),
      owner,
      jsName: `$m_${k}`,
    };
    const declared = new Set<string>();
    for (const s of m.varSections) {
      for (const sym of this.varSymbols(s, 'local', pou.byName)) {
        if (!addKey(declared, sym.name)) {
          this.error('E2002', `variable '${sym.name}' is already declared in ${m.name}`, sym.decl.nameRange);
          continue;
        }
        pou.vars.push(sym);
      }
    }
    if (m.returnType) pou.returnType = this.resolveTypeRef(m.returnType, this.constLookup(pou.byName));
    owner.methods.set(k, pou);
  }

  /** A method by name in an FB, its ancestors, or an interface and the interfaces it extends. */
  findMethod(pou: Pou, name: string): Pou | undefined {
    const k = key(name);
    for (let p: Pou | undefined = pou; p; p = p.base) {
      const m = p.methods.get(k);
      if (m) return m;
      for (const i of p.interfaces) {
        const im = this.findMethod(i, name);
        if (im && p.kind === 'interface') return im;
      }
    }
    return undefined;
  }

  findAction(pou: Pou, name: string): { owner: Pou; action: import('../st/ast.js').ActionDecl } | undefined {
    for (let p: Pou | undefined = pou; p; p = p.base) {
      const a = p.actions.get(key(name));
      if (a) return { owner: p, action: a };
    }
    return undefined;
  }

  /** Every program / FB declaration (for code generation order). */
  allPous(): Pou[] {
    return [...this.pous.values()];
  }

}

/** All variables of an FB including inherited ones, by key. */
export function allVars(pou: Pou): Map<string, VarSymbol> {
  const out = new Map<string, VarSymbol>();
  const chain: Pou[] = [];
  for (let p: Pou | undefined = pou; p; p = p.base) chain.unshift(p);
  for (const p of chain) for (const v of p.vars) out.set(key(v.name), v);
  return out;
}

/** Variables in declaration order, ancestors' first. */
export function orderedVars(pou: Pou): VarSymbol[] {
  const chain: Pou[] = [];
  for (let p: Pou | undefined = pou; p; p = p.base) chain.unshift(p);
  return chain.flatMap((p) => p.vars);
}

function inherits(p: Pou, ancestor: Pou): boolean {
  for (let b = p.base; b; b = b.base) if (b === ancestor) return true;
  return false;
}

function coerceConst(v: ConstValue, t: Type): ConstValue {
  if (t.kind === 'elementary') {
    const f = ELEMENTARY[t.name].family;
    if ((f === 'real') && typeof v === 'bigint') return Number(v);
    if ((f === 'signed' || f === 'unsigned' || f === 'bits') && typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    if ((f === 'duration' || f === 'tod' || f === 'date' || f === 'dt') && typeof v === 'bigint') return Number(v);
  }
  return v;
}

/** Adds the name's key to the set; false when it was already there (a duplicate declaration). */
function addKey(declared: Set<string>, name: string): boolean {
  const k = key(name);
  if (declared.has(k)) return false;
  declared.add(k);
  return true;
}
