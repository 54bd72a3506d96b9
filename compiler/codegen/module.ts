/**
 * Assembles the generated JavaScript module: prelude, struct classes, one class per PROGRAM
 * and FUNCTION_BLOCK (constructor with initial values, `$body`, methods, actions), one function
 * per FUNCTION, and one factory per resource (globals, program instances, task functions and
 * the exchange of located variables with the process image).
 */
import { walkStmts } from './ast-walk.js';
import type { ElementaryTypeName, LocatedVariable, PouTypeInfo, TaskModel, TypeInfo, VarInfo } from '../application.js';
import type { ProgramConfig } from '../st/ast.js';
import { key } from '../st/ast.js';
import { allVars, orderedVars, type Declarations } from '../semantics/declarations.js';
import type { Annotations, Pou, VarSymbol } from '../semantics/symbols.js';
import type { StructType, Type } from '../types/types.js';
import { BodyEmitter, convertLiteral, type BodyOptions } from './body.js';
import { PRELUDE } from './prelude.js';
import { copyValue, createValue, isScalar, propName, type ValueEmitter } from './values.js';
import { convertCode } from './convert.js';
import { concrete } from '../types/common-type.js';
import { STANDARD_CONTEXT, type CompilerContext } from '../context.js';

export interface ProgramInstance {
  name: string;
  pou: Pou;
  task: string;
  config?: ProgramConfig;
}

export interface ResolvedResource {
  name: string;
  tasks: TaskModel[];
  programs: ProgramInstance[];
  globals: VarSymbol[];
}

export interface GeneratedCode {
  code: string;
  pouTypes: Record<string, PouTypeInfo>;
  located: Map<string, LocatedVariable[]>;
  sites: [string, string, number][];
}

export function generateModule(decls: Declarations, ann: Annotations, resources: ResolvedResource[], context: CompilerContext = STANDARD_CONTEXT): GeneratedCode {
  return new ModuleEmitter(decls, ann, context).run(resources);
}

class ModuleEmitter implements ValueEmitter {
  private readonly sites: [string, string, number][] = [];
  private readonly siteIndex = new Map<string, number>();
  private readonly structs = new Map<string, StructType>();
  private tempCounter = 0;
  private readonly bodyOptions: BodyOptions;

  constructor(private readonly decls: Declarations, private readonly ann: Annotations, context: CompilerContext) {
    this.bodyOptions = {
      ann,
      sites: { site: (pou, file, line) => this.site(pou, file, line) },
      values: this,
      outputObject: (pou) => outputObjectName(pou),
      className: (t) => this.className(t),
      methodOwnerClass: (owner) => owner.jsName,
      functions: context.functions,
    };
  }

  fieldOf(t: Type, name: string): { prop: string; type: Type } | undefined {
    if (t.kind === 'struct') {
      const f = t.fields.find((x) => key(x.name) === key(name));
      return f ? { prop: propName(f.name), type: f.type } : undefined;
    }
    if (t.kind === 'fb') {
      const pou = this.decls.pou(key(t.name));
      const v = pou && allVars(pou).get(key(name));
      return v ? { prop: v.prop, type: v.type } : undefined;
    }
    return undefined;
  }

  private site(pou: string, file: string, line: number): number {
    const k = `${pou}\u0000${file}\u0000${line}`;
    let i = this.siteIndex.get(k);
    if (i === undefined) {
      i = this.sites.length;
      this.sites.push([pou, file, line]);
      this.siteIndex.set(k, i);
    }
    return i;
  }

  private tmp = (): string => `$i${++this.tempCounter}`;

  className(t: Type): string {
    if (t.kind === 'struct') {
      this.structs.set(key(t.name), t);
      return `S_${t.name}`;
    }
    if (t.kind === 'fb') return `P_${this.decls.pou(key(t.name))?.name ?? t.name}`;
    return 'Object';
  }

  initExpr(init: { expr: import('../st/ast.js').Expr }, t: Type): string {
    const e = init.expr;
    if (e.kind === 'literal') return convertLiteral(e.value, this.ann.types.get(e.id) ?? t, t);
    // initial values are constant expressions: evaluate them with a throw-away emitter
    const be = new BodyEmitter(this.bodyOptions, undefined, '', '');
    const code = be.expr(e, t);
    return t.kind === 'elementary' && t.name === 'REAL' ? `Math.fround(${code})` : code;
  }

  // ------------------------------------------------------------ whole module

  run(resources: ResolvedResource[]): GeneratedCode {
    const pous = this.decls.allPous();
    const classes: string[] = [];
    const functions: string[] = [];
    // classes in dependency order: a base class before the classes that extend it
    const emitted = new Set<Pou>();
    const emitClass = (p: Pou) => {
      if (emitted.has(p)) return;
      emitted.add(p);
      if (p.base) emitClass(p.base);
      classes.push(...this.pouClass(p));
    };
    for (const p of pous) {
      if (p.kind === 'program' || p.kind === 'functionBlock') emitClass(p);
      else if (p.kind === 'function') functions.push(...this.functionCode(p));
    }
    const resourceCode = resources.map((r) => this.resourceFactory(r));
    const structCode: string[] = [];
    const done = new Set<string>();
    // struct classes may reference each other: emit until no new struct appears
    for (let grew = true; grew; ) {
      grew = false;
      for (const [k, s] of [...this.structs]) {
        if (done.has(k)) continue;
        done.add(k);
        grew = true;
        structCode.push(...this.structClass(s));
      }
    }
    const pouMap = pous.filter((p) => p.kind === 'program' || p.kind === 'functionBlock').map((p) => `${JSON.stringify(p.key)}: ${p.jsName}`);
    const code = [
      PRELUDE,
      ...structCode,
      ...functions,
      ...classes,
      ...resourceCode.map((r) => r.code),
      `const $sites = ${JSON.stringify(this.sites)};`,
      `return { pous: { ${pouMap.join(', ')} }, resources: { ${resourceCode.map((r) => `${JSON.stringify(r.name)}: ${r.fn}`).join(', ')} } };`,
    ].join('\n');
    const pouTypes: Record<string, PouTypeInfo> = {};
    for (const p of pous) {
      if (p.kind !== 'program' && p.kind !== 'functionBlock') continue;
      const info: PouTypeInfo = { name: p.name, kind: p.kind, vars: orderedVars(p).filter((v) => v.section !== 'VAR_TEMP').map((v) => this.varInfo(v)) };
      if (p.base) info.extends = p.base.name;
      pouTypes[p.key] = info;
    }
    const located = new Map<string, LocatedVariable[]>();
    for (const r of resources) located.set(r.name, this.locatedOf(r));
    return { code, pouTypes, located, sites: this.sites };
  }

  varInfo(v: VarSymbol): VarInfo {
    const info: VarInfo = { name: v.name, prop: v.prop, section: v.section, type: typeInfo(v.type) };
    if (v.constant) info.constant = true;
    if (v.retain) info.retain = v.retain;
    if (v.location) info.location = v.location;
    return info;
  }

  // ------------------------------------------------------------ structs

  private structClass(s: StructType): string[] {
    const name = `S_${s.name}`;
    const lines = [`class ${name} {`, '  constructor() {'];
    const body: string[] = [];
    for (const m of s.decl.members) {
      const f = s.fields.find((x) => key(x.name) === key(m.name));
      if (!f) continue;
      createValue(`this.${propName(f.name)}`, f.type, m.init, this, body, this.tmp);
    }
    // inherited members (EXTENDS) without their own declaration here
    for (const f of s.fields) {
      if (!s.decl.members.some((m) => key(m.name) === key(f.name))) createValue(`this.${propName(f.name)}`, f.type, undefined, this, body, this.tmp);
    }
    lines.push(...body.map((l) => `    ${l}`), '  }');
    lines.push('  static $copy(d, s) {');
    for (const f of s.fields) lines.push(`    ${copyValue(`d.${propName(f.name)}`, `s.${propName(f.name)}`, f.type, this)}`);
    lines.push('  }', '}');
    return lines;
  }

  // ------------------------------------------------------------ programs and FBs

  private pouClass(p: Pou): string[] {
    const decl = p.decl as import('../st/ast.js').ProgramDecl | import('../st/ast.js').FunctionBlockDecl;
    const lines: string[] = [`class ${p.jsName}${p.base ? ` extends ${p.base.jsName}` : ''} {`, '  constructor() {'];
    if (p.base) lines.push('    super();');
    const init: string[] = [];
    for (const v of p.vars) {
      if (v.storage !== 'instance') continue;
      createValue(`this.${v.prop}`, v.type, v.init, this, init, this.tmp);
      if (v.edge) init.push(`this.$edge_${v.prop} = false;`);
    }
    lines.push(...init.map((l) => `    ${l}`), '  }');
    // body
    lines.push(...this.method('$body', [], p, p, decl.body, true));
    for (const a of decl.actions) lines.push(...this.method(`$a_${key(a.name)}`, [], p, p, a.body, false));
    if (decl.kind === 'functionBlock') {
      for (const m of p.methods.values()) {
        const md = m.decl as import('../st/ast.js').MethodDecl;
        if (md.abstract) continue;
        const params = m.vars.filter((v) => v.section === 'VAR_INPUT' || v.section === 'VAR_IN_OUT');
        lines.push(...this.method(m.jsName, params, m, p, md.body, false));
      }
    }
    // a FB whose body is inherited keeps its base's body (SUPER^() calls it explicitly)
    lines.push('}');
    for (const m of p.methods.values()) lines.push(...this.outputObject(m));
    return lines;
  }

  /** A JS method: program/FB body, action or METHOD. */
  private method(name: string, params: VarSymbol[], pou: Pou, instance: Pou, body: import('../st/ast.js').Stmt[], cache: boolean): string[] {
    if (name === '$body' && body.length === 0 && instance.base) return [];
    const be = new BodyEmitter(this.bodyOptions, instance, pou.file, pou.kind === 'method' ? `${instance.name}.${pou.name}` : instance.name);
    const lines: string[] = [];
    const prologue: string[] = [];
    if (pou.kind === 'method') this.localsPrologue(pou, params, prologue);
    // VAR_TEMP of programs and FBs: fresh each call
    if (pou.kind !== 'method') {
      for (const v of pou.vars) {
        if (v.storage !== 'local') continue;
        prologue.push(`let v_${v.prop};`);
        createValue(`v_${v.prop}`, v.type, v.init, this, prologue, this.tmp);
      }
    }
    // R_EDGE/F_EDGE inputs: the body sees the edge; the level callers wrote is kept in
    // $edge_x and put back after the body, so that an input not passed again keeps its level
    const edges = name === '$body' ? instance.vars.filter((v) => v.edge) : [];
    for (const v of edges) {
      const level = `this.${v.prop}`;
      const prev = `this.$edge_${v.prop}`;
      prologue.push(`{ const $l = ${level}; ${level} = ${v.edge === 'R_EDGE' ? `$l && !${prev}` : `!$l && ${prev}`}; ${prev} = $l; }`);
    }
    // a function block's body without loops reads and writes its fields directly: the locals'
    // prologue and write-back only made it bigger, and a small body is what V8 inlines into its caller
    if (cache && (instance.kind !== 'functionBlock' || hasLoop(body))) be.cacheInstanceScalars(body);
    be.cachePrologue();
    be.emit('$body: {');
    be.body(body);
    be.emit('}');
    be.flushCache();
    for (const v of edges) be.emit(`this.${v.prop} = this.$edge_${v.prop};`);
    if (pou.kind === 'method') this.outputsEpilogue(pou, be);
    lines.push(`  ${name}(${params.map((v) => `v_${v.prop}`).join(', ')}) {`);
    lines.push(...prologue.map((l) => `    ${l}`));
    lines.push(...be.result().map((l) => `  ${l}`));
    if (pou.returnType) lines.push('    return $result;');
    lines.push('  }');
    return lines;
  }

  /** Locals of a FUNCTION or METHOD: declared fresh on each call (aggregates preallocated per POU). */
  private localsPrologue(pou: Pou, params: VarSymbol[], out: string[]): void {
    for (const v of pou.vars) {
      if (params.includes(v)) continue;
      if (isScalar(v.type)) {
        out.push(`let v_${v.prop};`);
        createValue(`v_${v.prop}`, v.type, v.init, this, out, this.tmp);
      } else {
        // aggregates: a preallocated object re-initialised on each call, so calls allocate nothing
        const holder = `${pou.jsName.replace(/\W/g, '_')}_${v.prop}`;
        this.preallocated.push({ holder, v });
        out.push(`let v_${v.prop} = ${holder}();`);
      }
    }
    if (pou.returnType) {
      out.push('let $result;');
      createValue('$result', pou.returnType, undefined, this, out, this.tmp);
    }
  }

  private preallocated: { holder: string; v: VarSymbol }[] = [];

  private outputsEpilogue(pou: Pou, be: BodyEmitter): void {
    const obj = outputObjectName(pou);
    for (const v of pou.vars) {
      if (v.section === 'VAR_OUTPUT' || (v.section === 'VAR_IN_OUT' && isScalar(v.type))) be.emit(`${obj}.${v.prop} = v_${v.prop};`);
    }
  }

  private outputObject(pou: Pou): string[] {
    const outs = pou.vars.filter((v) => v.section === 'VAR_OUTPUT' || (v.section === 'VAR_IN_OUT' && isScalar(v.type)));
    const lines = [`const ${outputObjectName(pou)} = {};`];
    for (const v of outs) {
      const init: string[] = [];
      createValue(`${outputObjectName(pou)}.${v.prop}`, v.type, undefined, this, init, this.tmp);
      lines.push(...init);
    }
    // preallocated aggregate locals of this POU
    for (const { holder, v } of this.preallocated.splice(0)) {
      const init: string[] = [];
      createValue('$v', v.type, v.init, this, init, this.tmp);
      lines.push(`function ${holder}() { let $v; ${init.join(' ')} return $v; }`);
    }
    return lines;
  }

  private functionCode(p: Pou): string[] {
    const decl = p.decl as import('../st/ast.js').FunctionDecl;
    const params = p.vars.filter((v) => v.section === 'VAR_INPUT' || v.section === 'VAR_IN_OUT');
    const be = new BodyEmitter(this.bodyOptions, undefined, p.file, p.name);
    const prologue: string[] = [];
    this.localsPrologue(p, params, prologue);
    be.emit('$body: {');
    be.body(decl.body);
    be.emit('}');
    this.outputsEpilogue(p, be);
    const lines = [`function ${p.jsName}(${params.map((v) => `v_${v.prop}`).join(', ')}) {`];
    lines.push(...prologue.map((l) => `  ${l}`));
    lines.push(...be.result());
    if (p.returnType) lines.push('  return $result;');
    lines.push('}');
    lines.push(...this.outputObject(p));
    return lines;
  }

  // ------------------------------------------------------------ resources

  private resourceFactory(r: ResolvedResource): { name: string; fn: string; code: string } {
    const fn = `$resource_${r.name.replace(/\W/g, '_')}`;
    const lines = [`function ${fn}() {`, '  const G = {};'];
    const init: string[] = [];
    for (const g of r.globals) createValue(`G.${g.prop}`, g.type, g.init, this, init, this.tmp);
    lines.push(...init.map((l) => `  ${l}`));
    lines.push('  $G = G;');
    for (const p of r.programs) {
      lines.push(`  const p_${p.name} = new ${p.pou.jsName}();`);
    }
    const taskFns = r.tasks.map((t) => {
      const body = r.programs.flatMap((p, i) => (key(p.task) === key(t.name) ? [`$trace[1] = ${i + 1}; $trace[0] = 0;`, ...this.programCall(p, r)] : []));
      return `() => { $G = G; ${body.join(' ')} }`;
    });
    lines.push(`  const tasks = [${taskFns.join(', ')}];`);
    const located = this.locatedOf(r);
    const read: string[] = [];
    const write: string[] = [];
    for (const l of located) {
      const ref = this.pathRef(l.path, r);
      read.push(`${ref} = ${imageRead(l.address, l.type)};`);
      if (!l.address.startsWith('%I')) write.push(imageWrite(l.address, l.type, ref));
    }
    lines.push(`  return { globals: G, programs: { ${r.programs.map((p) => `${JSON.stringify(p.name)}: p_${p.name}`).join(', ')} }, tasks,`);
    lines.push(`    readImage(img) { ${read.join(' ')} },`);
    lines.push(`    writeImage(img) { ${write.join(' ')} } };`);
    lines.push('}');
    return { name: r.name, fn, code: lines.join('\n') };
  }

  /** The statements a task runs for one program instance, with its configured parameter bindings. */
  private programCall(p: ProgramInstance, r: ResolvedResource): string[] {
    const out: string[] = [];
    const after: string[] = [];
    const vars = allVars(p.pou);
    for (const a of p.config?.args ?? []) {
      const v = vars.get(key(a.name ?? ''));
      if (!v || !a.value || a.value.kind !== 'name') continue;
      const g = r.globals.find((x) => key(x.name) === key((a.value as { name: string }).name));
      if (!g) continue;
      if (a.output) after.push(`G.${g.prop} = ${convertCode(`p_${p.name}.${v.prop}`, v.type, g.type)};`);
      else out.push(`p_${p.name}.${v.prop} = ${convertCode(`G.${g.prop}`, g.type, v.type)};`);
    }
    return [...out, `p_${p.name}.$body();`, ...after];
  }

  private locatedOf(r: ResolvedResource): LocatedVariable[] {
    const out: LocatedVariable[] = [];
    for (const g of r.globals) {
      if (g.location && !g.location.endsWith('*') && g.type.kind === 'elementary') out.push({ address: g.location, path: g.name, type: concreteName(g.type) });
    }
    for (const p of r.programs) {
      for (const v of orderedVars(p.pou)) {
        if (v.location && !v.location.endsWith('*') && v.type.kind === 'elementary') out.push({ address: v.location, path: `${p.name}.${v.name}`, type: concreteName(v.type) });
      }
    }
    return out;
  }

  private pathRef(path: string, r: ResolvedResource): string {
    const [first, second] = path.split('.');
    if (second === undefined) {
      const g = r.globals.find((x) => key(x.name) === key(first!));
      return `G.${g?.prop ?? first}`;
    }
    const p = r.programs.find((x) => x.name === first)!;
    const v = allVars(p.pou).get(key(second))!;
    return `p_${p.name}.${v.prop}`;
  }
}

function concreteName(t: Type): ElementaryTypeName {
  return (concrete(t) as { name: ElementaryTypeName }).name;
}

export function outputObjectName(pou: Pou): string {
  return pou.kind === 'method' ? `$mo_${pou.owner!.name}_${pou.key}` : `$fo_${pou.name}`;
}

/** Image access for one located variable: OpenPLC's tables (see ImageView). */
function parseAddress(address: string): { area: string; size: string; index: number; bit: number } {
  const m = /^%([IQM])([XBWDL]?)(\d+)(?:\.(\d+))?$/i.exec(address)!;
  return { area: m[1]!.toUpperCase(), size: (m[2] || 'X').toUpperCase(), index: Number(m[3]), bit: Number(m[4] ?? 0) };
}

const AREA = { I: 'input', Q: 'output', M: 'memory' } as Record<string, string>;

function imageRead(address: string, type: ElementaryTypeName): string {
  const a = parseAddress(address);
  const area = AREA[a.area]!;
  switch (a.size) {
    case 'X':
      return `(img.${area}Bits[${a.index}] & ${1 << a.bit}) !== 0`;
    case 'B':
      return convertCode(`img.${area}Bits[${a.index}]`, { kind: 'elementary', name: 'BYTE' }, { kind: 'elementary', name: type });
    case 'W':
      return convertCode(`img.${area}Words[${a.index}]`, { kind: 'elementary', name: 'WORD' }, { kind: 'elementary', name: type });
    case 'D': {
      const raw = a.area === 'M' ? `img.memoryDwords[${a.index}]` : `((img.${area}Words[${2 * a.index}] | (img.${area}Words[${2 * a.index + 1}] << 16)) >>> 0)`;
      if (type === 'REAL') return `$bitsToReal(${raw})`;
      return convertCode(raw, { kind: 'elementary', name: 'DWORD' }, { kind: 'elementary', name: type });
    }
    case 'L': {
      const raw = a.area === 'M' ? `img.memoryLwords[${a.index}]` : `(BigInt(img.${area}Words[${4 * a.index}]) | (BigInt(img.${area}Words[${4 * a.index + 1}]) << 16n) | (BigInt(img.${area}Words[${4 * a.index + 2}]) << 32n) | (BigInt(img.${area}Words[${4 * a.index + 3}]) << 48n))`;
      if (type === 'LREAL') return `$bitsToLreal(${raw})`;
      return convertCode(raw, { kind: 'elementary', name: 'LWORD' }, { kind: 'elementary', name: type });
    }
  }
  return '0';
}

function imageWrite(address: string, type: ElementaryTypeName, ref: string): string {
  const a = parseAddress(address);
  const area = AREA[a.area]!;
  const el = (name: ElementaryTypeName): Type => ({ kind: 'elementary', name });
  switch (a.size) {
    case 'X':
      return `img.${area}Bits[${a.index}] = ${ref} ? (img.${area}Bits[${a.index}] | ${1 << a.bit}) : (img.${area}Bits[${a.index}] & ${~(1 << a.bit) & 255});`;
    case 'B':
      return `img.${area}Bits[${a.index}] = ${convertCode(ref, el(type), el('BYTE'))};`;
    case 'W':
      return `img.${area}Words[${a.index}] = ${convertCode(ref, el(type), el('WORD'))};`;
    case 'D': {
      const raw = type === 'REAL' ? `$realToBits(${ref})` : convertCode(ref, el(type), el('DWORD'));
      if (a.area === 'M') return `img.memoryDwords[${a.index}] = ${raw};`;
      return `{ const $w = ${raw}; img.${area}Words[${2 * a.index}] = $w & 65535; img.${area}Words[${2 * a.index + 1}] = $w >>> 16; }`;
    }
    case 'L': {
      const raw = type === 'LREAL' ? `$lrealToBits(${ref})` : convertCode(ref, el(type), el('LWORD'));
      if (a.area === 'M') return `img.memoryLwords[${a.index}] = ${raw};`;
      return `{ const $w = ${raw}; for (let $k = 0; $k < 4; $k++) img.${area}Words[${4 * a.index} + $k] = Number(($w >> BigInt(16 * $k)) & 65535n); }`;
    }
  }
  return '';
}

/** The serialisable type description of the Application. */
export function typeInfo(t: Type): TypeInfo {
  switch (t.kind) {
    case 'elementary':
      return { kind: 'elementary', name: t.name };
    case 'string':
      return { kind: 'string', wide: t.wide, length: t.length };
    case 'array':
      return { kind: 'array', dims: t.dims, element: typeInfo(t.element) };
    case 'struct':
      return { kind: 'struct', name: t.name, fields: t.fields.map((f) => ({ name: f.name, prop: propName(f.name), section: 'VAR', type: typeInfo(f.type) })) };
    case 'enum':
      return { kind: 'enum', name: t.name, values: t.values, base: t.base };
    case 'fb':
      return { kind: 'fb', name: t.name };
    case 'interface':
      return { kind: 'ref', target: { kind: 'fb', name: t.name } };
    case 'ref':
      return { kind: 'ref', target: typeInfo(t.target) };
    default:
      return { kind: 'elementary', name: 'DINT' };
  }
}

/** Whether a body repeats anything (FOR, WHILE, REPEAT): only then do locals pay for their prologue and write-back. */
function hasLoop(body: import('../st/ast.js').Stmt[]): boolean {
  let found = false;
  walkStmts(body, {
    stmt: (s) => {
      if (s.kind === 'for' || s.kind === 'while' || s.kind === 'repeat') found = true;
    },
  });
  return found;
}
