/**
 * Assembles the generated JavaScript module: prelude, struct classes, one class per PROGRAM
 * and FUNCTION_BLOCK (constructor with initial values, `$body`, methods, actions), one function
 * per FUNCTION, and one factory per resource (globals, program instances, task functions and
 * the exchange of located variables with the process image).
 */
import type { ElementaryTypeName, LocatedVariable, PouTypeInfo, TaskModel, TypeInfo, VarInfo } from '../application.js';
import type { Initializer, ProgramConfig } from '../st/ast.js';
import { key } from '../st/ast.js';
import { allVars, orderedVars, type Declarations } from '../semantics/declarations.js';
import type { Annotations, Pou, VarSymbol } from '../semantics/symbols.js';
import type { StructType, Type } from '../types/types.js';
import { BodyEmitter, convertLiteral, type BodyOptions } from './body.js';
import { PRELUDE } from './prelude.js';
import { WasmLoops } from './wasm/loops.js';
import { copyValue, createValue, doubleField, initArray, initStruct, isScalar, propName } from './values.js';
import type { ConfigInit, ResourceConfig } from '../semantics/var-config.js';
import { resetValue, type ResetEmitter } from './reset.js';
import { convertCode } from './convert.js';
import { roundSingle } from './real-rounding.js';
import { concrete } from '../types/common-type.js';
import { STANDARD_CONTEXT, type CompilerContext } from '../context.js';
import { hasLoop } from './ast-walk.js';
import { BodyCopies, fixedInputs, type BodyCopy } from './constant-inputs.js';

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
  /** the configuration's VAR_CONFIG and VAR_ACCESS for this resource */
  config?: ResourceConfig;
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

class ModuleEmitter implements ResetEmitter {
  private readonly sites: [string, string, number][] = [];
  private readonly siteIndex = new Map<string, number>();
  private readonly structs = new Map<string, StructType>();
  private tempCounter = 0;
  private readonly bodyOptions: BodyOptions;
  private readonly wasmLoops = new WasmLoops();
  /** copies of FB bodies for the constant inputs of calls (constant-inputs.ts) */
  private readonly bodyCopies: BodyCopies;

  constructor(private readonly decls: Declarations, private readonly ann: Annotations, context: CompilerContext) {
    this.bodyCopies = new BodyCopies(fixedInputs(decls, ann));
    this.bodyOptions = {
      ann,
      sites: { site: (pou, file, line) => this.site(pou, file, line) },
      values: this,
      outputObject: (pou) => outputObjectName(pou),
      className: (t) => this.className(t),
      methodOwnerClass: (owner) => owner.jsName,
      functions: context.functions,
      frameOf: (sym) => this.frames.get(sym),
      wasmLoops: this.wasmLoops,
      bodyCopy: (pou, given) => this.bodyCopies.methodFor(pou, given),
    };
    // locals whose reference is taken live in one frame object per POU (no recursion in IEC
    // 61131-3): reachable by a cell, and marked dead when the call returns
    const framed = (p: Pou, owner?: Pou) => {
      for (const v of p.vars) {
        if (v.storage === 'local' && ann.addressTaken.has(v)) this.frames.set(v, `$fr_${(owner ? `${owner.jsName}_${p.jsName}` : p.jsName).replace(/\W/g, '_')}`);
      }
    };
    for (const p of decls.allPous()) {
      framed(p);
      for (const m of p.methods.values()) framed(m, p);
    }
  }

  /** frame object of each local whose reference is taken */
  private readonly frames = new Map<VarSymbol, string>();

  /** JS for a local of a function, method or VAR_TEMP: a JS local, or its place in the POU's frame */
  private localRef(v: VarSymbol): string {
    const f = this.frames.get(v);
    return f ? `${f}.${v.prop}` : `v_${v.prop}`;
  }

  /** The frame of a POU's locals, when it has one. */
  private frameOfPou(p: Pou): string | undefined {
    for (const v of p.vars) {
      const f = this.frames.get(v);
      if (f) return f;
    }
    return undefined;
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
    return roundSingle(code, t);
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
      pushAll(classes, this.pouClass(p));
    };
    for (const p of pous) {
      if (p.kind === 'program' || p.kind === 'functionBlock') emitClass(p);
      else if (p.kind === 'function') pushAll(functions, this.functionCode(p));
    }
    const resourceCode = resources.map((r) => this.resourceFactory(r));
    // the copies of FB bodies the calls asked for (a copy's own calls may ask for more)
    const copies: string[] = [];
    for (let batch = this.bodyCopies.take(); batch.length; batch = this.bodyCopies.take()) {
      for (const c of batch) pushAll(copies, this.bodyCopy(c));
    }
    const resetCode = this.resetFunctions();
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
    // one array of lines, joined once: spreading the big arrays into a literal iterates them
    const out: string[] = [PRELUDE];
    pushAll(out, this.wasmLoops.preamble());
    for (const f of new Set(this.frames.values())) out.push(`const ${f} = { $live: false };`);
    for (const part of [structCode, functions, classes, copies, resetCode, this.holders]) pushAll(out, part);
    for (const r of resourceCode) out.push(r.code);
    out.push(
      `const $sites = ${JSON.stringify(this.sites)};`,
      `return { pous: { ${pouMap.join(', ')} }, resources: { ${resourceCode.map((r) => `${JSON.stringify(r.name)}: ${r.fn}`).join(', ')} } };`,
    );
    const code = out.join('\n');
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
      if (f) this.field(`this.${propName(f.name)}`, f.type, m.init, true, body);
    }
    // inherited members (EXTENDS) without their own declaration here
    for (const f of s.fields) {
      if (!s.decl.members.some((m) => key(m.name) === key(f.name))) this.field(`this.${propName(f.name)}`, f.type, undefined, true, body);
    }
    lines.push(...body.map((l) => `    ${l}`), '  }');
    lines.push('  static $copy(d, s) {');
    for (const f of s.fields) lines.push(`    ${copyValue(`d.${propName(f.name)}`, `s.${propName(f.name)}`, f.type, this)}`);
    lines.push('  }', '}');
    return lines;
  }

  /** A constructor's statements creating one field; `asDouble`: see doubleField. */
  private field(target: string, t: Type, init: Initializer | undefined, asDouble: boolean, out: string[], inMemory = false): void {
    const seed = asDouble ? doubleField(target, t) : undefined;
    if (seed) out.push(seed);
    createValue(target, t, init, this, out, this.tmp, inMemory);
  }

  // ------------------------------------------------------------ programs and FBs

  private pouClass(p: Pou): string[] {
    const decl = p.decl as import('../st/ast.js').ProgramDecl | import('../st/ast.js').FunctionBlockDecl;
    // the methods first: the constructor makes the arrays their WebAssembly loops use in the loops' memory
    const methods: string[] = [];
    pushAll(methods, this.method('$body', [], p, p, decl.body, true));
    for (const a of decl.actions) pushAll(methods, this.method(`$a_${key(a.name)}`, [], p, p, a.body, false));
    if (decl.kind === 'functionBlock') {
      for (const m of p.methods.values()) {
        const md = m.decl as import('../st/ast.js').MethodDecl;
        if (md.abstract) continue;
        const params = m.vars.filter((v) => v.section === 'VAR_INPUT' || v.section === 'VAR_IN_OUT');
        pushAll(methods, this.method(m.jsName, params, m, p, md.body, false));
      }
    }
    const lines: string[] = [`class ${p.jsName}${p.base ? ` extends ${p.base.jsName}` : ''} {`, '  constructor() {'];
    if (p.base) lines.push('    super();');
    const init: string[] = [];
    for (const v of p.vars) {
      if (v.storage !== 'instance') continue;
      // inputs keep the representation of what callers pass (a preset T#30ms is a small integer)
      this.field(`this.${v.prop}`, v.type, v.init, v.section !== 'VAR_INPUT', init, this.wasmLoops.isResident(v));
      if (v.edge) init.push(`this.$edge_${v.prop} = false;`);
    }
    lines.push(...init.map((l) => `    ${l}`), '  }');
    pushAll(lines, methods);
    // assignment of a structure or array holding this FB (or of the FB itself) copies its state
    if (decl.kind === 'functionBlock') {
      lines.push('  static $copy(d, s) {');
      for (const v of orderedVars(p)) {
        if (v.storage !== 'instance') continue;
        lines.push(`    ${copyValue(`d.${v.prop}`, `s.${v.prop}`, v.type, this)}`);
        if (v.edge) lines.push(`    d.$edge_${v.prop} = s.$edge_${v.prop};`);
      }
      lines.push('  }');
    }
    // a FB whose body is inherited keeps its base's body (SUPER^() calls it explicitly)
    lines.push('}');
    for (const m of p.methods.values()) lines.push(...this.outputObject(m));
    return lines;
  }

  /** A JS method: program/FB body, action or METHOD. */
  private method(name: string, params: VarSymbol[], pou: Pou, instance: Pou, body: import('../st/ast.js').Stmt[], cache: boolean, constants?: Map<VarSymbol, string>): string[] {
    if (name === '$body' && body.length === 0 && instance.base) return [];
    const be = new BodyEmitter(this.bodyOptions, instance, pou.file, pou.kind === 'method' ? `${instance.name}.${pou.name}` : instance.name);
    const lines: string[] = [];
    const prologue: string[] = [];
    if (pou.kind === 'method') this.localsPrologue(pou, params, prologue);
    if (constants) constants.forEach((code, v) => be.constantInputs.set(v, code));
    // VAR_TEMP of programs and FBs: fresh each call
    if (pou.kind !== 'method') {
      for (const v of pou.vars) {
        if (v.storage !== 'local') continue;
        if (!isScalar(v.type)) {
          // an FB instance, structure or array: one object per POU and method, reset per call
          prologue.push(`const v_${v.prop} = ${this.holder(`${instance.jsName}_${name}`, v)};`);
          resetValue(`v_${v.prop}`, v.type, v.init, this, prologue, this.tmp);
          continue;
        }
        if (!this.frames.has(v)) prologue.push(`let v_${v.prop};`);
        createValue(this.localRef(v), v.type, v.init, this, prologue, this.tmp);
      }
    }
    // an action runs inside its POU's call: it keeps the frame as it found it
    const frame = this.frameOfPou(pou);
    if (frame) prologue.push(`const $was = ${frame}.$live; ${frame}.$live = true;`);
    // R_EDGE/F_EDGE inputs: the body sees the edge; the level callers wrote is kept in
    // $edge_x and put back after the body, so that an input not passed again keeps its level
    const edges = name === '$body' || constants ? instance.vars.filter((v) => v.edge) : [];
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
    if (frame) be.emit(`${frame}.$live = $was;`);
    lines.push(`  ${name}(${params.map((v) => `v_${v.prop}`).join(', ')}) {`);
    for (const l of prologue) lines.push(`    ${l}`);
    for (const l of be.result()) lines.push(`  ${l}`);
    if (pou.returnType) lines.push('    return $result;');
    lines.push('  }');
    return lines;
  }

  /** A copy of an FB's body reading some inputs as constants, as a method set on its class (constant-inputs.ts). */
  private bodyCopy(c: BodyCopy): string[] {
    const lines = this.method(c.method, [], c.pou, c.pou, (c.pou.decl as import('../st/ast.js').FunctionBlockDecl).body, true, c.constants);
    lines[0] = `${c.pou.jsName}.prototype.${c.method} = function () {`;
    lines[lines.length - 1] = '};';
    return lines;
  }

  /** Locals of a FUNCTION or METHOD: declared fresh on each call (aggregates preallocated per POU). */
  private localsPrologue(pou: Pou, params: VarSymbol[], out: string[]): void {
    for (const v of pou.vars) {
      if (params.includes(v)) {
        if (this.frames.has(v)) out.push(`${this.localRef(v)} = v_${v.prop};`);
        continue;
      }
      if (isScalar(v.type)) {
        if (!this.frames.has(v)) out.push(`let v_${v.prop};`);
        createValue(this.localRef(v), v.type, v.init, this, out, this.tmp);
      } else {
        // aggregates: a preallocated object re-initialised on each call, so calls allocate nothing
        out.push(`const v_${v.prop} = ${this.holder(pou.owner ? `${pou.owner.jsName}_${pou.jsName}` : pou.jsName, v)};`);
        resetValue(`v_${v.prop}`, v.type, v.init, this, out, this.tmp);
      }
    }
    if (pou.returnType) {
      out.push('let $result;');
      createValue('$result', pou.returnType, undefined, this, out, this.tmp);
    }
  }

  /** module-level objects of aggregate temporaries, made once when the module loads (after the classes) */
  private readonly holders: string[] = [];

  /** The holder of an aggregate temporary `v` of `owner` (a function, or a class and its method). */
  private holder(owner: string, v: VarSymbol): string {
    const name = `$tmp_${owner.replace(/\W/g, '_')}_${v.prop.replace(/\W/g, '_')}`;
    const init: string[] = [];
    createValue('$v', v.type, undefined, this, init, this.tmp);
    this.holders.push(`const ${name} = (() => { let $v; ${init.join(' ')} return $v; })();`);
    return name;
  }

  /** struct and FB types whose `$reset` is needed, by class name */
  private readonly resets = new Map<string, Type>();

  needReset(t: Type): void {
    const cls = this.className(t);
    if (!this.resets.has(cls)) this.resets.set(cls, t);
  }

  /** `$reset` of every type that needs one, and of the types those need in turn. */
  private resetFunctions(): string[] {
    const lines: string[] = [];
    const done = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const [cls, t] of [...this.resets]) {
        if (done.has(cls)) continue;
        done.add(cls);
        grew = true;
        const body: string[] = [];
        if (t.kind === 'struct') {
          for (const f of t.fields) {
            const m = t.decl.members.find((x) => key(x.name) === key(f.name));
            resetValue(`o.${propName(f.name)}`, f.type, m?.init, this, body, this.tmp);
          }
          lines.push(`${cls}.$reset = function (o) { ${body.join(' ')} };`);
        } else if (t.kind === 'fb') {
          const p = this.decls.pou(key(t.name))!;
          if (p.base) {
            this.needReset({ kind: 'fb', name: p.base.name, decl: p.base.decl as never });
            body.push(`${p.base.jsName}.prototype.$reset.call(this);`);
          }
          for (const v of p.vars) {
            if (v.storage !== 'instance') continue;
            resetValue(`this.${v.prop}`, v.type, v.init, this, body, this.tmp);
            if (v.edge) body.push(`this.$edge_${v.prop} = false;`);
          }
          lines.push(`${cls}.prototype.$reset = function () { ${body.join(' ')} };`);
        }
      }
    }
    return lines;
  }

  private outputsEpilogue(pou: Pou, be: BodyEmitter): void {
    const obj = outputObjectName(pou);
    for (const v of pou.vars) {
      if (v.section === 'VAR_OUTPUT' || (v.section === 'VAR_IN_OUT' && isScalar(v.type))) be.emit(`${obj}.${v.prop} = ${this.localRef(v)};`);
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
    return lines;
  }

  private functionCode(p: Pou): string[] {
    const decl = p.decl as import('../st/ast.js').FunctionDecl;
    const params = p.vars.filter((v) => v.section === 'VAR_INPUT' || v.section === 'VAR_IN_OUT');
    const be = new BodyEmitter(this.bodyOptions, undefined, p.file, p.name);
    const prologue: string[] = [];
    this.localsPrologue(p, params, prologue);
    const frame = this.frameOfPou(p);
    if (frame) prologue.push(`${frame}.$live = true;`);
    be.emit('$body: {');
    be.body(decl.body);
    be.emit('}');
    this.outputsEpilogue(p, be);
    if (frame) be.emit(`${frame}.$live = false;`);
    const lines = [`function ${p.jsName}(${params.map((v) => `v_${v.prop}`).join(', ')}) {`];
    lines.push(...prologue.map((l) => `  ${l}`));
    pushAll(lines, be.result());
    if (p.returnType) lines.push('  return $result;');
    lines.push('}');
    lines.push(...this.outputObject(p));
    return lines;
  }

  // ------------------------------------------------------------ resources

  private resourceFactory(r: ResolvedResource): { name: string; fn: string; code: string } {
    const fn = `$resource_${r.name.replace(/\W/g, '_')}`;
    // $G first: a global's initial value may be a reference to another global (REF(g))
    const lines = [`function ${fn}() {`, '  const G = {};', '  $G = G;'];
    const init: string[] = [];
    for (const g of r.globals) createValue(`G.${g.prop}`, g.type, g.init, this, init, this.tmp);
    lines.push(...init.map((l) => `  ${l}`));
    for (const p of r.programs) {
      lines.push(`  const p_${p.name} = new ${p.pou.jsName}();`);
    }
    // VAR_CONFIG: the initial values this configuration gives variables of its instances
    for (const c of r.config?.inits ?? []) if (c.init) lines.push(...this.configInit(c).map((l) => `  ${l}`));
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

  /** The statements giving the variable of a VAR_CONFIG entry its configured initial value. */
  private configInit(c: ConfigInit): string[] {
    const target = this.instancePathRef(c);
    const v = c.vars[c.vars.length - 1]!;
    const out: string[] = [];
    if (isScalar(v.type) && c.init?.kind === 'expr') out.push(`${target} = ${this.initExpr(c.init, v.type)};`);
    else if (c.init?.kind === 'array' && v.type.kind === 'array') initArray(target, v.type, c.init, this, out, this.tmp);
    else if (c.init?.kind === 'struct') initStruct(target, v.type, c.init, this, out, this.tmp);
    return out;
  }

  /** JS for a variable of a program instance reached through FB instances and structures. */
  private instancePathRef(c: ConfigInit): string {
    let ref = `p_${c.program}`;
    let parent: Type | undefined;
    for (const v of c.vars) {
      ref += `.${parent?.kind === 'struct' ? propName(v.name) : v.prop}`;
      parent = v.type;
    }
    return ref;
  }

  private locatedOf(r: ResolvedResource): LocatedVariable[] {
    const out: LocatedVariable[] = [];
    // addresses VAR_CONFIG completes (declared AT %I*, %Q*, %M*)
    for (const c of r.config?.inits ?? []) {
      const v = c.vars[c.vars.length - 1]!;
      if (c.location && v.type.kind === 'elementary') out.push({ address: c.location, path: [c.program, ...c.vars.map((x) => x.name)].join('.'), type: concreteName(v.type) });
    }
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
    const [first, ...rest] = path.split('.');
    if (rest.length === 0) {
      const g = r.globals.find((x) => key(x.name) === key(first!));
      return `G.${g?.prop ?? first}`;
    }
    const p = r.programs.find((x) => x.name === first)!;
    // through FB instances (VAR_CONFIG addresses of their variables) and structures
    let ref = `p_${p.name}`;
    let t: Type = { kind: 'fb', name: p.pou.name, decl: p.pou.decl as never };
    for (const n of rest) {
      const f = this.fieldOf(t, n);
      if (!f) break;
      ref += `.${f.prop}`;
      t = f.type;
    }
    return ref;
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

/** Append `items` to `to` (a spread of a big array in a call or literal goes through its iterator). */
function pushAll(to: string[], items: readonly string[]): void {
  for (let i = 0; i < items.length; i++) to.push(items[i]!);
}
