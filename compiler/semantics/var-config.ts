/**
 * VAR_CONFIG and VAR_ACCESS of a CONFIGURATION (IEC 61131-3 6.8.2).
 *
 * VAR_CONFIG gives variables of program instances (and of the FB instances inside them) their
 * own initial values and addresses: `Cpu.Line1.motor.run AT %QX1.0 : BOOL := TRUE;`. The path
 * starts with the resource (a configuration without RESOURCE is its own resource), the type must
 * be the variable's, and an address may only complete one the declaration left incomplete
 * (`run AT %Q* : BOOL`), in the same area; every incomplete address of a program instance in a
 * configuration must be completed there, as the standard requires.
 *
 * VAR_ACCESS names variables for the outside (OPC UA, --json, the console): `Speed :
 * Cpu.Line1.speed : INT READ_WRITE;`, READ_ONLY when no direction is written.
 */
import { diagnostic } from '../diagnostics/registry.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { AccessPath, ConfigurationDecl, Initializer, InstanceInit } from '../st/ast.js';
import { key } from '../st/ast.js';
import { sameType, typeName, type Type } from '../types/types.js';
import type { SourceRange } from '../source.js';
import type { Checker } from './checker.js';
import { allVars, type Declarations } from './declarations.js';
import type { VarSymbol } from './symbols.js';

/** One VAR_CONFIG entry, resolved: the variables from the program instance's down to the one set. */
export interface ConfigInit {
  program: string;
  vars: VarSymbol[];
  type: Type;
  location?: string;
  init?: Initializer;
  range: SourceRange;
}

/** One VAR_ACCESS entry, resolved: a global, or a program instance's variable and members. */
export interface ResolvedAccess {
  name: string;
  /** the dotted path of the variable from its resource ('Line1.speed', 'gLevel') */
  path: string;
  type: Type;
  readOnly: boolean;
}

/** What a resource's configuration says about its variables. */
export interface ResourceConfig {
  inits: ConfigInit[];
  access: ResolvedAccess[];
}

interface ResourceView {
  name: string;
  programs: { name: string; pou: { vars: VarSymbol[]; name: string } }[];
  globals: VarSymbol[];
}

/**
 * `loose`: VAR_CONFIG sections outside any CONFIGURATION, as CODESYS writes them in a global
 * variable list (`PLC_PRG.inst.x AT %IX1.0 : BOOL;`): their paths start with the program
 * instance when the application has one resource (a lone PROGRAM's is named after its type).
 */
export function resolveConfiguration(
  configs: ConfigurationDecl[],
  resources: ResourceView[],
  decls: Declarations,
  checker: Checker,
  diagnostics: Diagnostic[],
  loose: InstanceInit[] = [],
): Map<string, ResourceConfig> {
  const out = new Map<string, ResourceConfig>(resources.map((r) => [r.name, { inits: [], access: [] }]));
  const err = (code: 'E2014' | 'E2015', m: string, r: SourceRange) => diagnostics.push(diagnostic(code, m, r));
  const findResource = (name: string) => resources.find((r) => key(r.name) === key(name));
  const scopes = configs.map((c) => ({
    instanceInits: c.instanceInits,
    accessPaths: c.accessPaths,
    implicit: c.resources.length === 1 && c.resources[0]!.implicit === true ? findResource(c.resources[0]!.name) : undefined,
    checked: c.resources.map((r) => ({ name: r.name, range: r.range })),
    withResource: true,
  }));
  if (loose.length > 0) {
    scopes.push({
      instanceInits: loose,
      accessPaths: [],
      implicit: resources.length === 1 ? resources[0] : undefined,
      // without a CONFIGURATION, the lone programs' incomplete addresses are completed here
      checked: configs.length === 0 ? resources.map((r) => ({ name: r.name, range: loose[0]!.range })) : [],
      withResource: false,
    });
  }
  for (const c of scopes) {
    const implicit = c.implicit;
    const completed = new Set<string>();
    for (const e of c.instanceInits) {
      const resolved = resolveInit(e, implicit, findResource, decls, (m) => err('E2014', m, e.range));
      if (!resolved) continue;
      const { resource, init } = resolved;
      const v = init.vars[init.vars.length - 1]!;
      if (init.type.kind !== 'error' && v.type.kind !== 'error' && !sameType(init.type, v.type)) {
        err('E2014', `${e.path.join('.')} is ${typeName(v.type)}, not ${typeName(init.type)}`, e.range);
        continue;
      }
      if (v.constant && e.init) {
        err('E2014', `${e.path.join('.')} is a CONSTANT: its value cannot be configured`, e.range);
        continue;
      }
      if (e.location) {
        const declared = v.location;
        if (!declared || !declared.endsWith('*')) {
          err('E2014', `${e.path.join('.')} ${declared ? `is located at ${declared} already` : 'is not declared AT an incomplete address (%I*, %Q*, %M*)'}: VAR_CONFIG can only complete an address`, e.range);
          continue;
        }
        const area = declared.slice(0, 2);
        const size = declared.length > 3 ? declared[2] : undefined;
        if (!e.location.startsWith(area) || (size !== undefined && (e.location[2] ?? '') !== size && !(size === 'X' && /^\d/.test(e.location[2] ?? '')))) {
          err('E2014', `${e.path.join('.')} is declared AT ${declared}: ${e.location} is not in that area`, e.range);
          continue;
        }
        checker.checkAddress(e.location, v.type, e.path.join('.'), e.range);
        init.location = e.location;
        completed.add(`${resource}\u0000${init.program}\u0000${init.vars.map((x) => x.name).join('.')}`.toUpperCase());
      }
      if (e.init) checker.checkInitializer(e.init, v.type);
      out.get(resource)!.inits.push(init);
    }
    // every incomplete address of a program instance of this configuration is completed
    for (const cr of c.checked) {
      const r = findResource(cr.name);
      if (!r) continue;
      for (const p of r.programs) {
        for (const { path, v } of incompleteAddresses(p.pou.vars, decls)) {
          const k = `${r.name}\u0000${p.name}\u0000${path}`.toUpperCase();
          if (!completed.has(k)) {
            const named = `${c.withResource ? `${r.name}.` : ''}${p.name}.${path}`;
            err('E2014', `${named} is declared AT ${v.location}: give its address in VAR_CONFIG (${named} AT ${exampleAddress(v.location!)} : ${typeName(v.type)};)`, cr.range);
          }
        }
      }
    }
    const names = new Set<string>();
    for (const a of c.accessPaths) {
      if (names.has(key(a.name))) {
        err('E2015', `access path '${a.name}' is declared twice`, a.range);
        continue;
      }
      names.add(key(a.name));
      if (a.badDirection) {
        err('E2015', `'${a.badDirection}' is no access direction: write READ_ONLY or READ_WRITE`, a.range);
        continue;
      }
      const resolved = resolveAccess(a, implicit, findResource, decls, resources, (m) => err('E2015', m, a.range));
      if (!resolved) continue;
      const t = decls.resolveTypeRef(a.type, decls.constLookup());
      if (t.kind !== 'error' && resolved.type.kind !== 'error' && !sameType(t, resolved.type)) {
        err('E2015', `${a.path.join('.')} is ${typeName(resolved.type)}, not ${typeName(t)}`, a.range);
        continue;
      }
      const readOnly = a.direction === 'READ_ONLY' || resolved.constant;
      if (a.direction === 'READ_WRITE' && resolved.constant) {
        err('E2015', `${a.path.join('.')} is a CONSTANT: it can only be READ_ONLY`, a.range);
        continue;
      }
      out.get(resolved.resource)!.access.push({ name: a.name, path: resolved.path, type: resolved.type, readOnly });
    }
  }
  return out;
}

function resolveInit(
  e: InstanceInit,
  implicit: ResourceView | undefined,
  findResource: (n: string) => ResourceView | undefined,
  decls: Declarations,
  fail: (m: string) => void,
): { resource: string; init: ConfigInit } | undefined {
  let parts = e.path;
  let r = findResource(parts[0] ?? '');
  if (r && parts.length >= 3) parts = parts.slice(1);
  else if (implicit) r = implicit;
  else {
    fail(r ? `${e.path.join('.')} needs the program instance and the variable after the resource` : `unknown resource '${parts[0]}' in ${e.path.join('.')}: a VAR_CONFIG path starts with the resource, then the program instance`);
    return undefined;
  }
  const p = r.programs.find((x) => key(x.name) === key(parts[0] ?? ''));
  if (!p) {
    fail(`resource '${r.name}' has no program instance '${parts[0]}' (in ${e.path.join('.')})`);
    return undefined;
  }
  const vars = walk(allVarsOfProgram(p.pou, decls), parts.slice(1), e.path.join('.'), decls, fail);
  if (!vars) return undefined;
  const type = decls.resolveTypeRef(e.type, decls.constLookup());
  const init: ConfigInit = { program: p.name, vars, type, range: e.range };
  if (e.init) init.init = e.init;
  return { resource: r.name, init };
}

function resolveAccess(
  a: AccessPath,
  implicit: ResourceView | undefined,
  findResource: (n: string) => ResourceView | undefined,
  decls: Declarations,
  resources: ResourceView[],
  fail: (m: string) => void,
): { resource: string; path: string; type: Type; constant: boolean } | undefined {
  let parts = a.path;
  let r = parts.length > 1 ? findResource(parts[0]!) : undefined;
  if (r) parts = parts.slice(1);
  else r = implicit ?? (resources.length === 1 ? resources[0] : undefined);
  if (!r) {
    fail(`unknown resource '${parts[0]}' in ${a.path.join('.')}: an access path starts with the resource when the configuration has several`);
    return undefined;
  }
  const g = parts.length === 1 ? r.globals.find((x) => key(x.name) === key(parts[0]!)) : undefined;
  if (g) return { resource: r.name, path: g.name, type: g.type, constant: g.constant };
  const p = r.programs.find((x) => key(x.name) === key(parts[0] ?? ''));
  if (!p) {
    fail(`resource '${r.name}' has no global or program instance '${parts[0]}' (in ${a.path.join('.')})`);
    return undefined;
  }
  if (parts.length < 2) {
    fail(`${a.path.join('.')} names a program instance: an access path names a variable`);
    return undefined;
  }
  const vars = walk(allVarsOfProgram(p.pou, decls), parts.slice(1), a.path.join('.'), decls, fail);
  if (!vars) return undefined;
  const last = vars[vars.length - 1]!;
  return { resource: r.name, path: [p.name, ...vars.map((v) => v.name)].join('.'), type: last.type, constant: vars.some((v) => v.constant) };
}

function allVarsOfProgram(pou: { vars: VarSymbol[]; name: string }, decls: Declarations): Map<string, VarSymbol> {
  const p = decls.pou(key(pou.name));
  return p ? allVars(p) : new Map(pou.vars.map((v) => [key(v.name), v]));
}

/** The variables named by `names`, each a member of the previous one's FB instance or structure. */
function walk(scope: Map<string, VarSymbol>, names: string[], whole: string, decls: Declarations, fail: (m: string) => void): VarSymbol[] | undefined {
  const out: VarSymbol[] = [];
  let vars: Map<string, VarSymbol> | undefined = scope;
  for (const n of names) {
    const v: VarSymbol | undefined = vars?.get(key(n));
    if (!v || v.section === 'VAR_TEMP' || v.section === 'VAR_EXTERNAL') {
      fail(`unknown variable '${n}' in ${whole}${v ? ` (a ${v.section} is not a variable of the instance)` : ''}`);
      return undefined;
    }
    out.push(v);
    vars = membersOf(v.type, decls);
  }
  if (out.length === 0) {
    fail(`${whole} names a program instance, not one of its variables`);
    return undefined;
  }
  return out;
}

function membersOf(t: Type, decls: Declarations): Map<string, VarSymbol> | undefined {
  if (t.kind === 'fb') {
    const p = decls.pou(key(t.name));
    return p ? allVars(p) : undefined;
  }
  if (t.kind === 'struct') {
    // structure fields as variable-like symbols (only their name and type are used here)
    return new Map(t.fields.map((f) => [key(f.name), { kind: 'var', name: f.name, prop: f.name, type: f.type, section: 'VAR', constant: false, storage: 'instance', decl: undefined as never } as VarSymbol]));
  }
  return undefined;
}

/** Variables declared AT an incomplete address, in a program instance and the FB instances inside it. */
function incompleteAddresses(vars: VarSymbol[], decls: Declarations, prefix = '', depth = 0): { path: string; v: VarSymbol }[] {
  const out: { path: string; v: VarSymbol }[] = [];
  if (depth > 16) return out;
  for (const v of vars) {
    if (v.section === 'VAR_TEMP') continue;
    const path = prefix ? `${prefix}.${v.name}` : v.name;
    if (v.location?.endsWith('*')) out.push({ path, v });
    if (v.type.kind === 'fb') {
      const p = decls.pou(key(v.type.name));
      if (p) out.push(...incompleteAddresses([...allVars(p).values()], decls, path, depth + 1));
    }
  }
  return out;
}

/** A complete address of the area and size of an incomplete one, for the message: %Q* → %QX0.0, %IW* → %IW0. */
function exampleAddress(incomplete: string): string {
  const size = incomplete.length > 3 ? incomplete[2]!.toUpperCase() : 'X';
  return `${incomplete.slice(0, 2)}${size}${size === 'X' ? '0.0' : '0'}`;
}
