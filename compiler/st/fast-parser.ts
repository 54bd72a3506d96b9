/**
 * A hand-written recursive-descent parser for clean Structured Text files: the AST of
 * compiler/st/ast-parser.ts (the chevrotain parser that builds it in its actions), node for node,
 * field for field and id for id, made through the same NodeFactory, over the tokens of
 * compiler/st/fast-lexer.ts. Declarations (6.4–6.6, 6.8) are here; expressions and statements
 * in compiler/st/fast-parser-body.ts. It covers the whole language that parser reads, and on
 * anything that parser would fail on or give up on (a syntax error, anything the CST builder
 * reports, PROPERTY, charts, nesting beyond the limit) it gives up: `fastParse` returns
 * undefined and parse.ts reads the file as before, so every diagnostic is unchanged
 * (test/compiler/st/fast-parser.test.ts compares the two on every ST file of the project).
 */
import * as T from './lexer.js';
import type * as A from './ast.js';
import type { IdAllocator } from './ast.js';
import type { SourceFile } from '../source.js';
import { FullParseNeeded, NodeFactory, type Modifiers, type PouBody } from './ast-factory.js';
import { fastTokenize, isWord, K_EOF, releaseTokens } from './fast-lexer.js';
import { EXPRESSION_START, FastBodyParser, GIVE_UP, K as B, STATEMENT_START, giveUp } from './fast-parser-body.js';

const kind = (t: { tokenTypeIdx?: number }): number => t.tokenTypeIdx!;

const K = {
  ...B,
  PROGRAM: kind(T.PROGRAM), END_PROGRAM: kind(T.END_PROGRAM), FUNCTION: kind(T.FUNCTION), END_FUNCTION: kind(T.END_FUNCTION),
  FUNCTION_BLOCK: kind(T.FUNCTION_BLOCK), END_FUNCTION_BLOCK: kind(T.END_FUNCTION_BLOCK), METHOD: kind(T.METHOD), END_METHOD: kind(T.END_METHOD),
  INTERFACE: kind(T.INTERFACE), END_INTERFACE: kind(T.END_INTERFACE), ACTION: kind(T.ACTION), END_ACTION: kind(T.END_ACTION),
  EXTENDS: kind(T.EXTENDS), IMPLEMENTS: kind(T.IMPLEMENTS),
  ABSTRACT: kind(T.ABSTRACT), FINAL: kind(T.FINAL), OVERRIDE: kind(T.OVERRIDE),
  PUBLIC: kind(T.PUBLIC), PRIVATE: kind(T.PRIVATE), PROTECTED: kind(T.PROTECTED), INTERNAL: kind(T.INTERNAL),
  TYPE: kind(T.TYPE), END_TYPE: kind(T.END_TYPE), STRUCT: kind(T.STRUCT), END_STRUCT: kind(T.END_STRUCT),
  ARRAY: kind(T.ARRAY), STRING: kind(T.STRING), WSTRING: kind(T.WSTRING), REF_TO: kind(T.REF_TO), POINTER: kind(T.POINTER),
  VAR_CONFIG: kind(T.VAR_CONFIG), VAR_ACCESS: kind(T.VAR_ACCESS), END_VAR: kind(T.END_VAR),
  CONSTANT: kind(T.CONSTANT), RETAIN: kind(T.RETAIN), NON_RETAIN: kind(T.NON_RETAIN), PERSISTENT: kind(T.PERSISTENT), AT: kind(T.AT),
  CONFIGURATION: kind(T.CONFIGURATION), END_CONFIGURATION: kind(T.END_CONFIGURATION), RESOURCE: kind(T.RESOURCE), END_RESOURCE: kind(T.END_RESOURCE),
  TASK: kind(T.TASK), WITH: kind(T.WITH),
} as const;

/** The variable section a keyword opens, by kind. */
const SECTION: (A.VarSectionKind | undefined)[] = [];
for (const t of [T.VAR, T.VAR_INPUT, T.VAR_OUTPUT, T.VAR_IN_OUT, T.VAR_TEMP, T.VAR_GLOBAL, T.VAR_EXTERNAL, T.VAR_INST, T.VAR_STAT]) SECTION[kind(t)] = String(t.name) as A.VarSectionKind;

/** Types inside types (REF_TO REF_TO …) deeper than this are left to the other path. */
const MAX_TYPE_NESTING = 32;

/** RETAIN, NON_RETAIN, PERSISTENT: of several, the last in this order counts (as the CST builder has it). */
const RETAIN_ORDER: A.VarSection['retain'][] = ['RETAIN', 'NON_RETAIN', 'PERSISTENT'];
/** Of several access specifiers, the first in this order counts. */
const ACCESS_ORDER: A.AccessSpecifier[] = ['PUBLIC', 'PRIVATE', 'PROTECTED', 'INTERNAL'];

class FastParser extends FastBodyParser {
  /** methods read inside an INTERFACE are prototypes */
  private inInterface = false;

  parse(file: SourceFile, f: NodeFactory, maxNesting: number): A.CompilationUnit | undefined {
    const tokens = fastTokenize(file.text, maxNesting);
    if (tokens === undefined) return undefined;
    this.begin(file.text, tokens, f);
    this.inInterface = false;
    this.typeDepth = 0;
    const unit = this.compilationUnit();
    unit.file = file.path;
    return unit;
  }

  // ------------------------------------------------ 6.6 program organisation units, top level

  private compilationUnit(): A.CompilationUnit {
    const unit: A.CompilationUnit = { file: '', pous: [], types: [], configurations: [], globals: [] };
    for (;;) {
      const k = this.next;
      if (k === K.PROGRAM) unit.pous.push(this.programDecl());
      else if (k === K.FUNCTION) unit.pous.push(this.functionDecl());
      else if (k === K.FUNCTION_BLOCK) unit.pous.push(this.functionBlockDecl());
      else if (k === K.INTERFACE) unit.pous.push(this.interfaceDecl());
      else if (k === K.TYPE) unit.types.push(...this.typeBlock());
      else if (k === K.CONFIGURATION) unit.configurations.push(this.configurationDecl());
      else if (SECTION[k] !== undefined) unit.globals.push(this.varSection());
      else if (k === K.VAR_CONFIG) (unit.instanceInits ??= []).push(...this.varConfigSection());
      else break;
    }
    if (this.next !== K_EOF) giveUp();
    return unit;
  }

  private programDecl(): A.ProgramDecl {
    const start = this.start();
    this.pos++;
    const name = this.expect(K.Identifier);
    const b = this.pouBody();
    this.expect(K.END_PROGRAM);
    if (b.methods.length > 0) giveUp(); // a PROGRAM cannot have methods
    return this.f.make({ kind: 'program' as const, name: this.image(name), varSections: b.varSections, body: b.body, actions: b.actions }, start, this.end());
  }

  private functionDecl(): A.FunctionDecl {
    const start = this.start();
    this.pos++;
    const name = this.expect(K.Identifier);
    let rt: A.TypeRef | undefined;
    if (this.next === K.Colon) {
      this.pos++;
      rt = this.typeSpec();
    }
    const b = this.pouBody();
    this.expect(K.END_FUNCTION);
    if (b.methods.length > 0 || b.actions.length > 0) giveUp(); // a FUNCTION has neither
    const decl = this.f.make({ kind: 'function' as const, name: this.image(name), varSections: b.varSections, body: b.body } as Omit<A.FunctionDecl, 'id' | 'range'>, start, this.end());
    if (rt) decl.returnType = rt;
    return decl;
  }

  private functionBlockDecl(): A.FunctionBlockDecl {
    const start = this.start();
    this.pos++;
    const mods = this.modifiers();
    const name = this.expect(K.Identifier);
    let base: string | undefined;
    if (this.next === K.EXTENDS) {
      this.pos++;
      base = this.qualifiedName();
    }
    const implemented = this.next === K.IMPLEMENTS ? this.nameList() : [];
    const b = this.pouBody();
    this.expect(K.END_FUNCTION_BLOCK);
    return this.f.functionBlock(this.image(name), mods, base, implemented, b, start, this.end());
  }

  /** The keyword at hand (IMPLEMENTS, EXTENDS) and the comma-separated qualified names after it. */
  private nameList(): string[] {
    this.pos++;
    return this.commaList(this.qualifiedName);
  }

  /** ABSTRACT, FINAL, OVERRIDE and access specifiers, in any number and order. */
  private modifiers(): Modifiers {
    const m: Modifiers = { abstract: false, final: false, override: false };
    for (;;) {
      const k = this.next;
      if (k === K.ABSTRACT) m.abstract = true;
      else if (k === K.FINAL) m.final = true;
      else if (k === K.OVERRIDE) m.override = true;
      else if (k === K.PUBLIC || k === K.PRIVATE || k === K.PROTECTED || k === K.INTERNAL) {
        const access = (k === K.PUBLIC ? 'PUBLIC' : k === K.PRIVATE ? 'PRIVATE' : k === K.PROTECTED ? 'PROTECTED' : 'INTERNAL') as A.AccessSpecifier;
        if (m.access === undefined || ACCESS_ORDER.indexOf(access) < ACCESS_ORDER.indexOf(m.access)) m.access = access;
      } else return m;
      this.pos++;
    }
  }

  /** Variable sections, methods, actions and statements, in any order. */
  private pouBody(): PouBody {
    const b: PouBody = { varSections: [], methods: [], actions: [], body: [] };
    for (;;) {
      const k = this.next;
      if (SECTION[k] !== undefined) b.varSections.push(this.varSection());
      else if (k === K.METHOD) b.methods.push(this.methodDecl());
      else if (k === K.ACTION) b.actions.push(this.actionDecl());
      else if (STATEMENT_START[k]) b.body.push(this.statement());
      else return b;
    }
  }

  private methodDecl(): A.MethodDecl {
    const start = this.start();
    const prototype = this.inInterface;
    this.pos++;
    const mods = this.modifiers();
    const name = this.expect(K.Identifier);
    let rt: A.TypeRef | undefined;
    if (this.next === K.Colon) {
      this.pos++;
      rt = this.typeSpec();
    }
    const varSections: A.VarSection[] = [];
    const body: A.Stmt[] = [];
    for (;;) {
      const k = this.next;
      if (SECTION[k] !== undefined) varSections.push(this.varSection());
      else if (STATEMENT_START[k]) body.push(this.statement());
      else break;
    }
    this.expect(K.END_METHOD);
    if (prototype && body.length > 0) giveUp(); // a method of an INTERFACE has no body
    const decl = this.f.make(
      { name: this.image(name), abstract: mods.abstract, final: mods.final, override: mods.override, varSections, body: prototype ? [] : body } as Omit<A.MethodDecl, 'id' | 'range'>,
      start,
      this.end(),
    );
    if (mods.access) decl.access = mods.access;
    if (rt) decl.returnType = rt;
    return decl;
  }

  private actionDecl(): A.ActionDecl {
    const start = this.start();
    this.pos++;
    const name = this.expect(K.Identifier);
    if (this.next === K.Colon) this.pos++;
    const body = this.statementList();
    this.expect(K.END_ACTION);
    return this.f.make({ name: this.image(name), body }, start, this.end());
  }

  private interfaceDecl(): A.InterfaceDecl {
    const start = this.start();
    this.pos++;
    const name = this.expect(K.Identifier);
    const bases = this.next === K.EXTENDS ? this.nameList() : [];
    const methods: A.MethodDecl[] = [];
    this.inInterface = true;
    while (this.next === K.METHOD) methods.push(this.methodDecl());
    this.inInterface = false;
    this.expect(K.END_INTERFACE);
    return this.f.make({ kind: 'interface' as const, name: this.image(name), extends: bases, methods }, start, this.end());
  }

  // ------------------------------------------------ 6.4 data types

  /** `name` or `ns.name` (namespaces are kept in the spelling). */
  private qualifiedName(): string {
    let name = this.image(this.expect(K.Identifier));
    while (this.next === K.Dot) {
      this.pos++;
      name = `${name}.${this.image(this.expect(K.Identifier))}`;
    }
    return name;
  }

  private typeBlock(): A.TypeDecl[] {
    const out: A.TypeDecl[] = [];
    this.pos++;
    while (this.next === K.Identifier) out.push(this.typeDeclaration());
    this.expect(K.END_TYPE);
    return out;
  }

  private typeDeclaration(): A.TypeDecl {
    const start = this.start();
    const name = this.pos++;
    let base: string | undefined;
    if (this.next === K.EXTENDS) {
      this.pos++;
      base = this.qualifiedName();
    }
    this.expect(K.Colon);
    const type = this.typeSpec();
    const init = this.next === K.Assign ? (this.pos++, this.initializer()) : undefined;
    if (this.next === K.Semicolon) this.pos++;
    if (base !== undefined) {
      if (type.kind !== 'struct') giveUp(); // only a STRUCT type can EXTEND another type
      type.extends = base;
    }
    const decl = this.f.make({ kind: 'type' as const, name: this.image(name), type } as Omit<A.TypeDecl, 'id' | 'range'>, start, this.end());
    if (init) decl.init = init;
    return decl;
  }

  private typeSpec(): A.TypeRef {
    // REF_TO REF_TO … and ARRAY[..] OF ARRAY[..] OF … nest without brackets left open: deep
    // chains are left to the other path, whose stack gives out first
    if (++this.typeDepth > MAX_TYPE_NESTING) giveUp();
    const t = this.typeSpecHere();
    this.typeDepth--;
    return t;
  }
  private typeDepth = 0;

  private typeSpecHere(): A.TypeRef {
    const k = this.next;
    const start = this.start();
    if (k === K.ARRAY) {
      this.pos++;
      this.expect(K.LBracket);
      const dims: A.ArrayTypeRef['dims'] = this.commaList(this.arrayDimension);
      this.expect(K.RBracket);
      this.expect(K.OF);
      const element = this.typeSpec();
      return this.f.make({ kind: 'array' as const, dims, element }, start, this.end());
    }
    if (k === K.REF_TO || k === K.POINTER) {
      this.pos++;
      if (k === K.POINTER) this.expect(K.TO);
      const target = this.typeSpec();
      return this.f.make({ kind: 'ref' as const, target }, start, this.end());
    }
    if (k === K.STRING || k === K.WSTRING) return this.stringType(start);
    if (k === K.STRUCT) return this.structType(start);
    if (k === K.LParen) {
      const values = this.enumValueList();
      const base = this.next === K.Identifier ? this.pos++ : undefined;
      const t = this.f.make({ kind: 'enum' as const, values } as Omit<A.EnumTypeRef, 'id' | 'range'>, start, this.end());
      if (base !== undefined) t.base = this.image(base);
      return t;
    }
    if (k === K.Identifier) return this.namedType(start);
    return giveUp();
  }

  private arrayDimension(): { lo?: A.Expr; hi?: A.Expr } {
    if (this.next === K.Star) {
      this.pos++;
      return {};
    }
    const lo = this.expression();
    this.expect(K.DotDot);
    const hi = this.expression();
    return { lo, hi };
  }

  private stringType(start: number): A.StringTypeRef {
    const wide = this.kinds[this.pos++] === K.WSTRING;
    let length: A.Expr | undefined;
    if (this.next === K.LBracket || this.next === K.LParen) {
      const close = this.next === K.LBracket ? K.RBracket : K.RParen;
      this.pos++;
      length = this.expression();
      this.expect(close);
    }
    const t = this.f.make({ kind: 'string' as const, wide } as Omit<A.StringTypeRef, 'id' | 'range'>, start, this.end());
    if (length) t.length = length;
    return t;
  }

  private structType(start: number): A.StructTypeRef {
    this.pos++;
    let base: string | undefined;
    if (this.next === K.EXTENDS) {
      this.pos++;
      base = this.qualifiedName();
    }
    const members: A.VarDecl[] = [];
    while (this.next === K.Identifier) this.varDecl(members);
    this.expect(K.END_STRUCT);
    const t = this.f.make({ kind: 'struct' as const, members } as Omit<A.StructTypeRef, 'id' | 'range'>, start, this.end());
    if (base !== undefined) t.extends = base;
    return t;
  }

  private enumValueList(): A.EnumTypeRef['values'] {
    this.expect(K.LParen);
    const values: A.EnumTypeRef['values'] = this.commaList(this.enumValue);
    this.expect(K.RParen);
    return values;
  }

  private enumValue(): A.EnumTypeRef['values'][number] {
    const start = this.start();
    const name = this.expect(K.Identifier);
    const value = this.next === K.Assign ? (this.pos++, this.expression()) : undefined;
    const entry: A.EnumTypeRef['values'][number] = { name: this.image(name), range: this.f.range(start, this.end()) };
    if (value) entry.value = value;
    return entry;
  }

  /** `INT`, `TON`, `INT(0..100)` (subrange), `INT (A := 1, B := 2)` (enum with a base type) */
  private namedType(start: number): A.TypeRef {
    const name = this.qualifiedName();
    if (this.next !== K.LParen) return { kind: 'named' as const, name, id: this.f.id(), range: this.f.range(start, this.end()) };
    const k3 = this.la(3);
    if (this.la(2) === K.Identifier && (k3 === K.Assign || k3 === K.Comma || k3 === K.RParen)) {
      const values = this.enumValueList();
      return this.f.make({ kind: 'enum' as const, base: name, values }, start, this.end());
    }
    this.pos++;
    const lo = this.expression();
    this.expect(K.DotDot);
    const hi = this.expression();
    this.expect(K.RParen);
    return this.f.make({ kind: 'subrange' as const, base: name, lo, hi }, start, this.end());
  }

  // ------------------------------------------------ 6.5 variables

  private varSection(): A.VarSection {
    const start = this.start();
    const section = SECTION[this.kinds[this.pos++]!]!;
    let constant = false;
    let retain: A.VarSection['retain'];
    for (;;) {
      const k = this.next;
      let q: A.VarSection['retain'];
      if (k === K.CONSTANT) constant = true;
      else if (k === K.RETAIN) q = 'RETAIN';
      else if (k === K.NON_RETAIN) q = 'NON_RETAIN';
      else if (k === K.PERSISTENT) q = 'PERSISTENT';
      else break;
      if (q !== undefined && (retain === undefined || RETAIN_ORDER.indexOf(q) > RETAIN_ORDER.indexOf(retain))) retain = q;
      this.pos++;
    }
    const decls: A.VarDecl[] = [];
    while (this.next === K.Identifier) this.varDecl(decls);
    this.expect(K.END_VAR);
    return this.f.make({ section, constant, retain, decls }, start, this.end());
  }

  /** `a, b AT %IX0.0 : T R_EDGE := init;`, one VarDecl per name, into `out` */
  private varDecl(out: A.VarDecl[]): void {
    const start = this.start();
    const first = this.expect(K.Identifier);
    let last = first;
    while (this.next === K.Comma) {
      this.pos++;
      last = this.expect(K.Identifier);
    }
    let at: number | undefined;
    if (this.next === K.AT) {
      this.pos++;
      at = this.expect(K.DirectVariable);
    }
    this.expect(K.Colon);
    const type = this.typeSpec();
    // `clk : BOOL R_EDGE;` (edge-detecting input): R_EDGE and F_EDGE are not keywords
    let edge: 'R_EDGE' | 'F_EDGE' | undefined;
    if (this.next === K.Identifier) {
      const s = this.starts[this.pos]!;
      const e = this.ends[this.pos]!;
      edge = isWord(this.text, s, e, 'R_EDGE') ? 'R_EDGE' : isWord(this.text, s, e, 'F_EDGE') ? 'F_EDGE' : undefined;
      if (edge) this.pos++;
    }
    const init = this.next === K.Assign ? (this.pos++, this.initializer()) : undefined;
    this.expect(K.Semicolon);
    const end = this.end();
    const location = at === undefined ? undefined : this.image(at).toUpperCase();
    // the names are every other token from the first to the last (name, comma, name, …)
    for (let id = first; id <= last; id += 2) {
      const d: A.VarDecl = { name: this.image(id), nameRange: this.f.range(this.starts[id]!, this.ends[id]!), type, id: this.f.id(), range: this.f.range(start, end) };
      if (init) d.init = init;
      if (location !== undefined) d.location = location;
      if (edge) d.edge = edge;
      out.push(d);
    }
  }

  private initializer(): A.Initializer {
    const start = this.start();
    let init: A.Initializer;
    if (this.next === K.LBracket) init = { kind: 'array' as const, elements: this.arrayInitializer() } as A.Initializer;
    else if (this.next === K.LParen && this.la(2) === K.Identifier && this.la(3) === K.Assign) init = { kind: 'struct' as const, fields: this.structInitializer() } as A.Initializer;
    else init = { kind: 'expr' as const, expr: this.expression() } as A.Initializer;
    init.range = this.f.range(start, this.end());
    return init;
  }

  private arrayInitializer(): Extract<A.Initializer, { kind: 'array' }>['elements'] {
    this.pos++;
    const elements: Extract<A.Initializer, { kind: 'array' }>['elements'] =
      this.next === K.LBracket || EXPRESSION_START[this.next] ? this.commaList(this.arrayInitialElement) : [];
    this.expect(K.RBracket);
    return elements;
  }

  /** `5`, `3(0)` (three times 0), `2()` (twice the default), `(x := 1)` */
  private arrayInitialElement(): { count?: A.Expr; value?: A.Initializer } {
    if (this.next === K.IntegerLiteral && this.la(2) === K.LParen) {
      const count = this.pos;
      this.pos += 2;
      const value = this.next === K.LBracket || EXPRESSION_START[this.next] ? this.initializer() : undefined;
      this.expect(K.RParen);
      const out: { count?: A.Expr; value?: A.Initializer } = { count: this.f.literalOf('IntegerLiteral', this.image(count), this.starts[count]!, this.ends[count]!) };
      if (value) out.value = value;
      return out;
    }
    return { value: this.initializer() };
  }

  private structInitializer(): Extract<A.Initializer, { kind: 'struct' }>['fields'] {
    this.pos++;
    const fields: Extract<A.Initializer, { kind: 'struct' }>['fields'] = this.commaList(this.structInitialField);
    this.expect(K.RParen);
    return fields;
  }

  private structInitialField(): Extract<A.Initializer, { kind: 'struct' }>['fields'][number] {
    const start = this.start();
    const name = this.expect(K.Identifier);
    this.expect(K.Assign);
    const value = this.initializer();
    return { name: this.image(name), value, range: this.f.range(start, this.end()) };
  }

  // ------------------------------------------------ 6.8 configuration elements

  private configurationDecl(): A.ConfigurationDecl {
    const start = this.start();
    const globals: A.VarSection[] = [];
    const resources: A.ConfigurationDecl['resources'] = [];
    const tasks: A.TaskDecl[] = [];
    const programs: A.ProgramConfig[] = [];
    const instanceInits: A.InstanceInit[] = [];
    const accessPaths: A.AccessPath[] = [];
    this.pos++;
    const name = this.image(this.expect(K.Identifier));
    for (;;) {
      const k = this.next;
      if (SECTION[k] !== undefined) globals.push(this.varSection());
      else if (k === K.RESOURCE) resources.push(this.resourceDecl());
      else if (k === K.TASK) tasks.push(this.taskDecl());
      else if (k === K.PROGRAM) programs.push(this.programConfig());
      else if (k === K.VAR_CONFIG) instanceInits.push(...this.varConfigSection());
      else if (k === K.VAR_ACCESS) accessPaths.push(...this.varAccessSection());
      else break;
    }
    this.expect(K.END_CONFIGURATION);
    const end = this.end();
    if (tasks.length > 0 || programs.length > 0) {
      if (resources.length > 0) giveUp(); // tasks and programs belong inside the RESOURCEs then
      resources.unshift(this.f.make({ name, globals: [] as A.VarSection[], tasks, programs, implicit: true }, start, end));
    }
    return this.f.make({ kind: 'configuration' as const, name, globals, resources, instanceInits, accessPaths }, start, end);
  }

  /** VAR_CONFIG `res.prog.fb.var AT %QX1.0 : BOOL := TRUE;` … END_VAR (instance-specific initialisations) */
  private varConfigSection(): A.InstanceInit[] {
    const out: A.InstanceInit[] = [];
    this.pos++;
    while (this.next === K.Identifier) {
      const start = this.start();
      const path = this.qualifiedName();
      let at: number | undefined;
      if (this.next === K.AT) {
        this.pos++;
        at = this.expect(K.DirectVariable);
      }
      this.expect(K.Colon);
      const type = this.typeSpec();
      const init = this.next === K.Assign ? (this.pos++, this.initializer()) : undefined;
      this.expect(K.Semicolon);
      const entry = this.f.make({ path: path.split('.'), type } as Omit<A.InstanceInit, 'id' | 'range'>, start, this.end());
      if (at !== undefined) entry.location = this.image(at).toUpperCase();
      if (init) entry.init = init;
      out.push(entry);
    }
    this.expect(K.END_VAR);
    return out;
  }

  /** VAR_ACCESS `name : res.prog.var : INT READ_WRITE;` … END_VAR (access paths); the direction is read as a name */
  private varAccessSection(): A.AccessPath[] {
    const out: A.AccessPath[] = [];
    this.pos++;
    while (this.next === K.Identifier) {
      const name = this.pos++;
      this.expect(K.Colon);
      const path = this.qualifiedName();
      this.expect(K.Colon);
      const type = this.typeSpec();
      const dir = this.next === K.Identifier ? this.pos++ : undefined;
      this.expect(K.Semicolon);
      const word = dir === undefined ? undefined : this.image(dir).toUpperCase();
      const entry = this.f.make(
        { name: this.image(name), path: path.split('.'), type, direction: word === 'READ_WRITE' ? 'READ_WRITE' : 'READ_ONLY' } as Omit<A.AccessPath, 'id' | 'range'>,
        this.starts[name]!,
        this.end(),
      );
      if (dir !== undefined && word !== 'READ_WRITE' && word !== 'READ_ONLY') entry.badDirection = this.image(dir);
      out.push(entry);
    }
    this.expect(K.END_VAR);
    return out;
  }

  /** `RESOURCE r ON PLC`: ON is a name, not a keyword. */
  private resourceDecl(): A.ResourceDecl {
    const start = this.start();
    const globals: A.VarSection[] = [];
    const tasks: A.TaskDecl[] = [];
    const programs: A.ProgramConfig[] = [];
    this.pos++;
    const name = this.expect(K.Identifier);
    let processor: number | undefined;
    if (this.next === K.Identifier) {
      const on = this.pos++;
      processor = this.expect(K.Identifier);
      if (!isWord(this.text, this.starts[on]!, this.ends[on]!, 'ON')) giveUp(); // expected 'ON'
    }
    for (;;) {
      const k = this.next;
      if (SECTION[k] !== undefined) globals.push(this.varSection());
      else if (k === K.TASK) tasks.push(this.taskDecl());
      else if (k === K.PROGRAM) programs.push(this.programConfig());
      else break;
    }
    this.expect(K.END_RESOURCE);
    const decl = this.f.make({ name: this.image(name), globals, tasks, programs } as Omit<A.ResourceDecl, 'id' | 'range'>, start, this.end());
    if (processor !== undefined) decl.on = this.image(processor);
    return decl;
  }

  private taskDecl(): A.TaskDecl {
    const start = this.start();
    this.pos++;
    const name = this.expect(K.Identifier);
    this.expect(K.LParen);
    const params: [number, A.Expr][] = this.next === K.Identifier ? this.commaList(this.taskParameter) : [];
    this.expect(K.RParen);
    this.expect(K.Semicolon);
    const t = this.f.make({ name: this.image(name) } as Omit<A.TaskDecl, 'id' | 'range'>, start, this.end());
    for (const [id, e] of params) {
      const which = this.image(id).toUpperCase();
      if (which === 'INTERVAL') t.interval = e;
      else if (which === 'PRIORITY') t.priority = e;
      else if (which === 'SINGLE') t.single = e;
      else giveUp(); // an unknown TASK parameter
    }
    return t;
  }

  private taskParameter(): [number, A.Expr] {
    const id = this.expect(K.Identifier);
    this.expect(K.Assign);
    return [id, this.expression()];
  }

  private programConfig(): A.ProgramConfig {
    const start = this.start();
    this.pos++;
    let retain: A.ProgramConfig['retain'];
    if (this.next === K.RETAIN || this.next === K.NON_RETAIN) retain = this.kinds[this.pos++] === K.RETAIN ? 'RETAIN' : 'NON_RETAIN';
    const name = this.expect(K.Identifier);
    let task: number | undefined;
    if (this.next === K.WITH) {
      this.pos++;
      task = this.expect(K.Identifier);
    }
    this.expect(K.Colon);
    const typeName = this.qualifiedName();
    const args = this.next === K.LParen ? this.argumentList() : undefined;
    this.expect(K.Semicolon);
    const p = this.f.make({ name: this.image(name), typeName, retain, args: args ?? [] } as Omit<A.ProgramConfig, 'id' | 'range'>, start, this.end());
    if (task !== undefined) p.task = this.image(task);
    return p;
  }
}

const parser = new FastParser();

let faults = 0;
/** How many times the parser failed otherwise than by giving up (a bug; the file was read by the other path). */
export function fastParserFaults(): number {
  return faults;
}

/**
 * The AST of a clean file, exactly as compiler/st/ast-parser.ts makes it, or undefined where that
 * parser (or the lexer before it) would not: then no id has been used up, and the file is read
 * as before. Nesting deeper than `maxNesting` is left to the recovering parser too.
 */
export function fastParse(file: SourceFile, ids: IdAllocator, maxNesting: number): A.CompilationUnit | undefined {
  if (file.origins) return undefined; // text made from charts: the other path knows its positions
  const mark = ids.mark();
  try {
    const unit = parser.parse(file, new NodeFactory(file, ids), maxNesting);
    if (unit === undefined) ids.rewind(mark);
    return unit;
  } catch (e) {
    ids.rewind(mark);
    // a stack that gave out (RangeError), or a fault of this parser, too: the other path then
    // does what it always did (the tests count the faults: there must be none)
    if (e !== GIVE_UP && !(e instanceof FullParseNeeded) && !(e instanceof RangeError)) faults++;
    return undefined;
  } finally {
    releaseTokens();
  }
}
