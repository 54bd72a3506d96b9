/**
 * CST → AST. Walks the concrete tree of compiler/st/parser.ts and builds the nodes of
 * compiler/st/ast.ts with ids and source ranges.
 *
 * The CST may come from error recovery: any child can be missing. A missing piece is skipped
 * (or replaced by a neutral node), never dereferenced; the syntax error itself was already
 * reported by the parser.
 */
import type { CstNode, IToken } from 'chevrotain';
import * as T from './lexer.js';
import type * as A from './ast.js';
import { binaryNodeOp, PRECEDENCE, type IdAllocator, type WrittenOp } from './ast.js';
import type { SourceFile, SourceRange } from '../source.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic, type Code } from '../diagnostics/registry.js';
import { decodeLiteralToken, signedLiteral } from './literals.js';
import { readAccessPaths, readInstanceInits, type SectionReader } from './config-sections.js';

type Child = CstNode | IToken;
const NONE: CstNode[] = [];
const NONE_TOKENS: IToken[] = [];
type Span = [start: number, end: number];

function isToken(c: Child): c is IToken {
  return (c as IToken).image !== undefined;
}

function usable(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

export class AstBuilder {
  constructor(
    private readonly file: SourceFile,
    private readonly ids: IdAllocator,
    private readonly diagnostics: Diagnostic[],
  ) {}

  // ------------------------------------------------------------ CST access

  private node(n: CstNode | undefined, key: string): CstNode | undefined {
    const c = n?.children[key]?.[0];
    return c && !isToken(c) ? c : undefined;
  }
  private nodes(n: CstNode | undefined, key: string): CstNode[] {
    // a key names either a sub-rule or a token type, never both, so no filtering is needed
    return (n?.children[key] as CstNode[] | undefined) ?? NONE;
  }
  private token(n: CstNode | undefined, key: string): IToken | undefined {
    const c = n?.children[key]?.[0];
    return c && isToken(c) && usable(c) ? c : undefined;
  }
  private tokens(n: CstNode | undefined, key: string): IToken[] {
    const list = n?.children[key] as IToken[] | undefined;
    if (!list) return NONE_TOKENS;
    // tokens inserted by error recovery have no place in the text: leave them out
    for (const t of list) if (!usable(t)) return list.filter(usable);
    return list;
  }

  /** [start, end) of a CST node, from its location or, after recovery, from its tokens. */
  private spanOf(n: CstNode | IToken | undefined): Span | undefined {
    if (!n) return undefined;
    if (isToken(n)) return usable(n) ? [n.startOffset, n.startOffset + n.image.length] : undefined;
    const loc = n.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) return [loc.startOffset, loc.endOffset! + 1];
    let start = Infinity;
    let end = -Infinity;
    for (const list of Object.values(n.children)) {
      for (const c of list) {
        const s = this.spanOf(c);
        if (s) {
          if (s[0] < start) start = s[0];
          if (s[1] > end) end = s[1];
        }
      }
    }
    return start <= end ? [start, end] : undefined;
  }

  private range(span: Span | undefined): SourceRange {
    return span ? this.file.range(span[0], span[1]) : this.file.range(0, 0);
  }

  /** Make a node of `fields` (taken over, not copied) with an id and the range of `span`. */
  private make<N extends object>(fields: N, span: Span | undefined): N & { id: number; range: SourceRange } {
    const node = fields as N & { id: number; range: SourceRange };
    node.id = this.ids.next();
    node.range = this.range(span);
    return node;
  }

  /** Make a node whose range runs from the start of `first` to the end of `last`. */
  private between<N extends object>(fields: N, first: SourceRange, last: SourceRange): N & { id: number; range: SourceRange } {
    const node = fields as N & { id: number; range: SourceRange };
    node.id = this.ids.next();
    node.range = { file: first.file, line: first.line, col: first.col, endLine: last.endLine, endCol: last.endCol };
    return node;
  }

  private error(code: Code, message: string, span: Span | undefined): void {
    this.diagnostics.push(diagnostic(code, message, this.range(span)));
  }

  // ------------------------------------------------------------ compilation unit

  compilationUnit(cst: CstNode | undefined): A.CompilationUnit {
    const unit: A.CompilationUnit = { file: this.file.path, pous: [], types: [], configurations: [], globals: [] };
    if (!cst) return unit;
    // keep the order in which the file declares things
    const items: CstNode[] = [];
    for (const key of ['programDecl', 'functionDecl', 'functionBlockDecl', 'interfaceDecl', 'typeBlock', 'configurationDecl', 'varSection', 'varConfigSection']) {
      items.push(...this.nodes(cst, key));
    }
    items.sort((a, b) => (this.spanOf(a)?.[0] ?? 0) - (this.spanOf(b)?.[0] ?? 0));
    for (const item of items) {
      switch (item.name) {
        case 'programDecl': unit.pous.push(this.program(item)); break;
        case 'functionDecl': unit.pous.push(this.function(item)); break;
        case 'functionBlockDecl': unit.pous.push(this.functionBlock(item)); break;
        case 'interfaceDecl': unit.pous.push(this.interface(item)); break;
        case 'typeBlock': unit.types.push(...this.typeBlock(item)); break;
        case 'configurationDecl': unit.configurations.push(this.configuration(item)); break;
        case 'varSection': unit.globals.push(this.varSection(item)); break;
        case 'varConfigSection': (unit.instanceInits ??= []).push(...readInstanceInits(item, this.sectionReader())); break;
      }
    }
    return unit;
  }

  // ------------------------------------------------------------ POUs

  private name(n: CstNode | undefined, key = 'Identifier'): string {
    return this.token(n, key)?.image ?? '';
  }

  private qualifiedName(n: CstNode | undefined): string {
    return this.tokens(n, 'Identifier').map((t) => t.image).join('.');
  }

  private program(n: CstNode): A.ProgramDecl {
    const body = this.node(n, 'pouBody');
    this.misplaced(body, 'methodDecl', 'a PROGRAM cannot have methods: use a FUNCTION_BLOCK');
    return this.make(
      {
        kind: 'program' as const,
        name: this.name(n),
        varSections: this.nodes(body, 'varSection').map((s) => this.varSection(s)),
        body: this.statements(this.nodes(body, 'statement')),
        actions: this.nodes(body, 'actionDecl').map((a) => this.action(a)),
      },
      this.spanOf(n),
    );
  }

  private function(n: CstNode): A.FunctionDecl {
    const body = this.node(n, 'pouBody');
    const rt = this.node(n, 'typeSpec');
    const decl = this.make(
      {
        kind: 'function' as const,
        name: this.name(n),
        varSections: this.nodes(body, 'varSection').map((s) => this.varSection(s)),
        body: this.statements(this.nodes(body, 'statement')),
      } as Omit<A.FunctionDecl, 'id' | 'range'>,
      this.spanOf(n),
    );
    if (rt) decl.returnType = this.typeSpec(rt);
    this.misplaced(body, 'methodDecl', 'a FUNCTION cannot have methods');
    this.misplaced(body, 'actionDecl', 'a FUNCTION cannot have actions');
    return decl;
  }

  private misplaced(body: CstNode | undefined, key: string, message: string): void {
    for (const m of this.nodes(body, key)) this.error('E1004', message, this.spanOf(m));
  }

  private functionBlock(n: CstNode): A.FunctionBlockDecl {
    const body = this.node(n, 'pouBody');
    const mods = this.modifiers(n);
    const base = this.node(n, 'base');
    const decl = this.make(
      {
        kind: 'functionBlock' as const,
        name: this.name(n),
        abstract: mods.has('ABSTRACT'),
        final: mods.has('FINAL'),
        implements: this.nodes(n, 'interfaces').map((i) => this.qualifiedName(i)).filter((s) => s !== ''),
        varSections: this.nodes(body, 'varSection').map((s) => this.varSection(s)),
        methods: this.nodes(body, 'methodDecl').map((m) => this.method(m, false)),
        actions: this.nodes(body, 'actionDecl').map((a) => this.action(a)),
        body: this.statements(this.nodes(body, 'statement')),
      } as Omit<A.FunctionBlockDecl, 'id' | 'range'>,
      this.spanOf(n),
    );
    if (base) decl.extends = this.qualifiedName(base);
    return decl;
  }

  private modifiers(n: CstNode): Set<string> {
    const out = new Set<string>();
    for (const m of this.nodes(n, 'pouModifier')) {
      for (const list of Object.values(m.children)) {
        for (const c of list) if (isToken(c) && usable(c)) out.add(c.image.toUpperCase());
      }
    }
    return out;
  }

  private method(n: CstNode, prototype: boolean): A.MethodDecl {
    const mods = this.modifiers(n);
    const access = (['PUBLIC', 'PRIVATE', 'PROTECTED', 'INTERNAL'] as const).find((a) => mods.has(a));
    const rt = this.node(n, 'typeSpec');
    const stmts = this.nodes(n, 'statement');
    if (prototype && stmts.length > 0) {
      this.error('E1004', 'a method of an INTERFACE has no body: only variable sections are allowed', this.spanOf(stmts[0]));
    }
    const decl = this.make(
      {
        name: this.name(n),
        abstract: mods.has('ABSTRACT'),
        final: mods.has('FINAL'),
        override: mods.has('OVERRIDE'),
        varSections: this.nodes(n, 'varSection').map((s) => this.varSection(s)),
        body: prototype ? [] : this.statements(stmts),
      } as Omit<A.MethodDecl, 'id' | 'range'>,
      this.spanOf(n),
    );
    if (access) decl.access = access;
    if (rt) decl.returnType = this.typeSpec(rt);
    return decl;
  }

  private action(n: CstNode): A.ActionDecl {
    return this.make({ name: this.name(n), body: this.statements(this.nodes(n, 'statement')) }, this.spanOf(n));
  }

  private interface(n: CstNode): A.InterfaceDecl {
    return this.make(
      {
        kind: 'interface' as const,
        name: this.name(n),
        extends: this.nodes(n, 'bases').map((b) => this.qualifiedName(b)).filter((s) => s !== ''),
        methods: this.nodes(n, 'methodDecl').map((m) => this.method(m, true)),
      },
      this.spanOf(n),
    );
  }

  // ------------------------------------------------------------ types

  private typeBlock(n: CstNode): A.TypeDecl[] {
    const out: A.TypeDecl[] = [];
    for (const d of this.nodes(n, 'typeDeclaration')) {
      const spec = this.node(d, 'typeSpec');
      if (!spec) continue;
      let type = this.typeSpec(spec);
      const base = this.node(d, 'base');
      if (base) {
        if (type.kind === 'struct') type.extends = this.qualifiedName(base);
        else this.error('E1004', 'only a STRUCT type can EXTEND another type', this.spanOf(base));
      }
      const decl = this.make({ kind: 'type' as const, name: this.name(d), type } as Omit<A.TypeDecl, 'id' | 'range'>, this.spanOf(d));
      const init = this.node(d, 'initializer');
      if (init) decl.init = this.initializer(init);
      out.push(decl);
    }
    return out;
  }

  private typeSpec(n: CstNode): A.TypeRef {
    const span = this.spanOf(n);
    const array = this.node(n, 'arrayType');
    if (array) {
      const element = this.node(array, 'typeSpec');
      const dims = this.nodes(array, 'arrayDimension').map((d) => {
        const lo = this.node(d, 'lo');
        const hi = this.node(d, 'hi');
        const dim: { lo?: A.Expr; hi?: A.Expr } = {};
        if (lo) dim.lo = this.expression(lo);
        if (hi) dim.hi = this.expression(hi);
        return dim;
      });
      return this.make({ kind: 'array' as const, dims, element: element ? this.typeSpec(element) : this.missingType(span) }, span);
    }
    const ref = this.node(n, 'refType');
    if (ref) {
      const target = this.node(ref, 'typeSpec');
      return this.make({ kind: 'ref' as const, target: target ? this.typeSpec(target) : this.missingType(span) }, span);
    }
    const str = this.node(n, 'stringType');
    if (str) {
      const t = this.make({ kind: 'string' as const, wide: this.token(str, 'WSTRING') !== undefined } as Omit<A.StringTypeRef, 'id' | 'range'>, span);
      const len = this.node(str, 'expression');
      if (len) t.length = this.expression(len);
      return t;
    }
    const struct = this.node(n, 'structType');
    if (struct) {
      const t = this.make({ kind: 'struct' as const, members: this.nodes(struct, 'varDecl').flatMap((d) => this.varDecl(d)) } as Omit<A.StructTypeRef, 'id' | 'range'>, span);
      const base = this.node(struct, 'base');
      if (base) t.extends = this.qualifiedName(base);
      return t;
    }
    const en = this.node(n, 'enumType');
    if (en) {
      const t = this.make({ kind: 'enum' as const, values: this.enumValues(this.node(en, 'enumValueList')) } as Omit<A.EnumTypeRef, 'id' | 'range'>, span);
      const base = this.token(en, 'base');
      if (base) t.base = base.image;
      return t;
    }
    const named = this.node(n, 'namedType');
    if (named) {
      const name = this.qualifiedName(this.node(named, 'qualifiedName'));
      const values = this.node(named, 'enumValueList');
      if (values) return this.make({ kind: 'enum' as const, base: name, values: this.enumValues(values) }, span);
      const lo = this.node(named, 'lo');
      const hi = this.node(named, 'hi');
      if (lo && hi) return this.make({ kind: 'subrange' as const, base: name, lo: this.expression(lo), hi: this.expression(hi) }, span);
      return this.make({ kind: 'named' as const, name }, span);
    }
    return this.missingType(span);
  }

  /** Stands in for a type the parser could not read (already reported). */
  private missingType(span: Span | undefined): A.NamedTypeRef {
    return this.make({ kind: 'named' as const, name: '' }, span);
  }

  private enumValues(list: CstNode | undefined): A.EnumTypeRef['values'] {
    return this.nodes(list, 'enumValue').map((v) => {
      const entry: A.EnumTypeRef['values'][number] = { name: this.name(v), range: this.range(this.spanOf(v)) };
      const e = this.node(v, 'expression');
      if (e) entry.value = this.expression(e);
      return entry;
    });
  }

  // ------------------------------------------------------------ variables

  varSection(n: CstNode): A.VarSection {
    let section: A.VarSectionKind = 'VAR';
    for (const k of ['VAR', 'VAR_INPUT', 'VAR_OUTPUT', 'VAR_IN_OUT', 'VAR_TEMP', 'VAR_GLOBAL', 'VAR_EXTERNAL', 'VAR_INST', 'VAR_STAT'] as const) {
      if (this.token(n, k)) section = k;
    }
    let retain: A.VarSection['retain'];
    for (const k of ['RETAIN', 'NON_RETAIN', 'PERSISTENT'] as const) if (this.token(n, k)) retain = k;
    return this.make(
      {
        section,
        constant: this.token(n, 'CONSTANT') !== undefined,
        retain,
        decls: this.nodes(n, 'varDecl').flatMap((d) => this.varDecl(d)),
      },
      this.spanOf(n),
    );
  }

  private varDecl(n: CstNode): A.VarDecl[] {
    const spec = this.node(n, 'typeSpec');
    const span = this.spanOf(n);
    const type = spec ? this.typeSpec(spec) : this.missingType(span);
    const initNode = this.node(n, 'initializer');
    const init = initNode ? this.initializer(initNode) : undefined;
    const at = this.token(n, 'DirectVariable');
    const edge = this.token(n, 'edge');
    return this.tokens(n, 'Identifier').map((id) => {
      const nameSpan = this.spanOf(id);
      const d = this.make({ name: id.image, nameRange: this.range(nameSpan), type } as Omit<A.VarDecl, 'id' | 'range'>, span);
      if (init) d.init = init;
      if (at) d.location = at.image.toUpperCase();
      if (edge) d.edge = edge.image.toUpperCase() as 'R_EDGE' | 'F_EDGE';
      return d;
    });
  }

  private initializer(n: CstNode): A.Initializer {
    const span = this.spanOf(n);
    const arr = this.node(n, 'arrayInitializer');
    if (arr) {
      const elements = this.nodes(arr, 'arrayInitialElement').map((el) => {
        const count = this.token(el, 'count');
        const value = this.node(el, count ? 'repeated' : 'initializer');
        const out: { count?: A.Expr; value?: A.Initializer } = {};
        if (count) out.count = this.literalFromToken(count);
        if (value) out.value = this.initializer(value);
        return out;
      });
      return { kind: 'array', elements, range: this.range(span) };
    }
    const struct = this.node(n, 'structInitializer');
    if (struct) {
      const fields = this.nodes(struct, 'structInitialField').flatMap((f) => {
        const v = this.node(f, 'initializer');
        return v ? [{ name: this.name(f), value: this.initializer(v), range: this.range(this.spanOf(f)) }] : [];
      });
      return { kind: 'struct', fields, range: this.range(span) };
    }
    return { kind: 'expr', expr: this.expression(this.node(n, 'expression')), range: this.range(span) };
  }

  // ------------------------------------------------------------ configuration

  private configuration(n: CstNode): A.ConfigurationDecl {
    const name = this.name(n);
    const resources: A.ConfigurationDecl['resources'] = this.nodes(n, 'resourceDecl').map((r) => this.resource(r));
    const tasks = this.nodes(n, 'taskDecl');
    const programs = this.nodes(n, 'programConfig');
    if (tasks.length > 0 || programs.length > 0) {
      if (resources.length > 0) {
        this.error('E1004', 'a CONFIGURATION with RESOURCEs declares its tasks and programs inside them', this.spanOf(tasks[0] ?? programs[0]));
      }
      const implicit = this.make(
        {
          name,
          globals: [] as A.VarSection[],
          tasks: tasks.map((t) => this.task(t)),
          programs: programs.map((p) => this.programConfig(p)),
          implicit: true,
        },
        this.spanOf(n),
      );
      resources.unshift(implicit);
    }
    const reader = this.sectionReader();
    const instanceInits = this.nodes(n, 'varConfigSection').flatMap((s) => readInstanceInits(s, reader));
    const accessPaths = this.nodes(n, 'varAccessSection').flatMap((s) => readAccessPaths(s, reader));
    return this.make(
      { kind: 'configuration' as const, name, globals: this.nodes(n, 'varSection').map((s) => this.varSection(s)), resources, instanceInits, accessPaths },
      this.spanOf(n),
    );
  }

  private sectionReader(): SectionReader {
    return {
      nodes: (x, k) => this.nodes(x, k),
      tokens: (x, k) => this.tokens(x, k),
      spanOf: (x) => this.spanOf(x),
      make: (f, span) => this.make(f, span),
      typeSpec: (x) => this.typeSpec(x),
      initializer: (x) => this.initializer(x),
    };
  }

  private resource(n: CstNode): A.ResourceDecl {
    const on = this.token(n, 'on');
    if (on && on.image.toUpperCase() !== 'ON') this.error('E1004', `expected 'ON' after the resource name, found '${on.image}'`, this.spanOf(on));
    const r = this.make(
      {
        name: this.name(n, 'name'),
        globals: this.nodes(n, 'varSection').map((s) => this.varSection(s)),
        tasks: this.nodes(n, 'taskDecl').map((t) => this.task(t)),
        programs: this.nodes(n, 'programConfig').map((p) => this.programConfig(p)),
      } as Omit<A.ResourceDecl, 'id' | 'range'>,
      this.spanOf(n),
    );
    const processor = this.token(n, 'processor');
    if (processor) r.on = processor.image;
    return r;
  }

  private task(n: CstNode): A.TaskDecl {
    const t = this.make({ name: this.name(n) } as Omit<A.TaskDecl, 'id' | 'range'>, this.spanOf(n));
    for (const p of this.nodes(n, 'taskParameter')) {
      const id = this.token(p, 'Identifier');
      const e = this.node(p, 'expression');
      if (!id || !e) continue;
      const which = id.image.toUpperCase();
      if (which === 'INTERVAL') t.interval = this.expression(e);
      else if (which === 'PRIORITY') t.priority = this.expression(e);
      else if (which === 'SINGLE') t.single = this.expression(e);
      else this.error('E1004', `unknown TASK parameter '${id.image}': use INTERVAL, PRIORITY or SINGLE`, this.spanOf(id));
    }
    return t;
  }

  private programConfig(n: CstNode): A.ProgramConfig {
    const retain = this.token(n, 'RETAIN') ? 'RETAIN' : this.token(n, 'NON_RETAIN') ? 'NON_RETAIN' : undefined;
    const p = this.make(
      {
        name: this.name(n, 'name'),
        typeName: this.qualifiedName(this.node(n, 'typeName')),
        retain,
        args: this.argumentList(this.node(n, 'argumentList')),
      } as Omit<A.ProgramConfig, 'id' | 'range'>,
      this.spanOf(n),
    );
    const task = this.token(n, 'task');
    if (task) p.task = task.image;
    return p;
  }

  // ------------------------------------------------------------ statements

  private statements(list: CstNode[]): A.Stmt[] {
    const out: A.Stmt[] = [];
    for (const s of list) {
      const stmt = this.statement(s);
      if (stmt) out.push(stmt);
    }
    return out;
  }

  private statementList(n: CstNode | undefined): A.Stmt[] {
    return this.statements(this.nodes(n, 'statement'));
  }

  private statement(n: CstNode): A.Stmt | undefined {
    const span = this.spanOf(n);
    const c = n.children;
    if (c.ifStatement) return this.ifStatement(this.node(n, 'ifStatement')!);
    if (c.caseStatement) return this.caseStatement(this.node(n, 'caseStatement')!);
    if (c.forStatement) return this.forStatement(this.node(n, 'forStatement')!);
    if (c.whileStatement) {
      const w = this.node(n, 'whileStatement')!;
      return this.make({ kind: 'while' as const, cond: this.expression(this.node(w, 'expression')), body: this.statementList(this.node(w, 'statementList')) }, this.spanOf(w));
    }
    if (c.repeatStatement) {
      const r = this.node(n, 'repeatStatement')!;
      return this.make({ kind: 'repeat' as const, body: this.statementList(this.node(r, 'statementList')), until: this.expression(this.node(r, 'expression')) }, this.spanOf(r));
    }
    if (c.EXIT) return this.make({ kind: 'exit' as const }, span);
    if (c.CONTINUE) return this.make({ kind: 'continue' as const }, span);
    if (c.RETURN) return this.make({ kind: 'return' as const }, span);
    if (c.empty) return this.make({ kind: 'empty' as const }, span);
    const ac = this.node(n, 'assignmentOrCall');
    if (ac) return this.assignmentOrCall(ac);
    return undefined;
  }

  private assignmentOrCall(n: CstNode): A.Stmt | undefined {
    const span = this.spanOf(n);
    const targetNode = this.node(n, 'target');
    if (!targetNode) return undefined;
    const prefix = this.token(targetNode, 'prefix');
    if (prefix) {
      this.error('E1004', `expected a statement, found '${prefix.image}'`, this.spanOf(prefix));
      return undefined;
    }
    const target = this.postfix(targetNode);
    const labelColon = this.token(n, 'labelColon');
    const jmpTarget = this.token(n, 'jmpTarget');
    if (labelColon || jmpTarget) {
      if (target.kind !== 'name' || (jmpTarget && target.name.toUpperCase() !== 'JMP')) {
        this.diagnostics.push(diagnostic('E1004', labelColon ? "a label is a name followed by ':'" : `expected ':=' or a call, found '${jmpTarget!.image}'`, target.range));
        return undefined;
      }
      return labelColon ? this.make({ kind: 'label' as const, name: target.name }, span) : this.make({ kind: 'jmp' as const, label: jmpTarget!.image }, span);
    }
    const op = this.token(n, 'operator');
    const valueNode = this.node(n, 'expression');
    if (op) {
      if (!valueNode) return undefined; // reported by the parser
      const text = op.image.toUpperCase();
      const kind = text === ':=' ? ':=' : text === 'S' ? 'S=' : text === 'R' ? 'R=' : 'REF=';
      return this.make({ kind: 'assign' as const, op: kind as A.AssignStmt['op'], target, value: this.expression(valueNode) }, span);
    }
    if (target.kind === 'call') return this.make({ kind: 'callStmt' as const, call: target }, span);
    if (!n.recoveredNode && !targetNode.recoveredNode) {
      const found = this.token(n, 'Semicolon');
      this.diagnostics.push(diagnostic('E1004', `expected ':=' or a call, found ${found ? "';'" : 'the end of the statement'}: an expression alone is not a statement`, target.range));
    }
    return undefined;
  }

  private ifStatement(n: CstNode): A.IfStmt {
    const branches = [{ cond: this.expression(this.node(n, 'expression')), body: this.statementList(this.node(n, 'statementList')) }];
    for (const b of this.nodes(n, 'elsifBranch')) {
      branches.push({ cond: this.expression(this.node(b, 'expression')), body: this.statementList(this.node(b, 'statementList')) });
    }
    const s = this.make({ kind: 'if' as const, branches } as Omit<A.IfStmt, 'id' | 'range'>, this.spanOf(n));
    if (this.token(n, 'ELSE') || n.children.elseBody) s.elseBody = this.statementList(this.node(n, 'elseBody'));
    return s;
  }

  private caseStatement(n: CstNode): A.CaseStmt {
    const cases = this.nodes(n, 'caseElement').map((el) => {
      const labels: A.CaseLabel[] = [];
      for (const l of this.nodes(el, 'caseLabel')) {
        const lo = this.node(l, 'lo');
        const hi = this.node(l, 'hi');
        if (!lo) continue;
        if (hi) labels.push({ kind: 'range', lo: this.expression(lo), hi: this.expression(hi) });
        else labels.push({ kind: 'value', expr: this.expression(lo) });
      }
      return { labels, body: this.statements(this.nodes(el, 'statement')), range: this.range(this.spanOf(el)) };
    });
    const s = this.make({ kind: 'case' as const, selector: this.expression(this.node(n, 'expression')), cases } as Omit<A.CaseStmt, 'id' | 'range'>, this.spanOf(n));
    if (this.token(n, 'ELSE') || n.children.elseBody) s.elseBody = this.statementList(this.node(n, 'elseBody'));
    return s;
  }

  private forStatement(n: CstNode): A.ForStmt {
    const v = this.token(n, 'Identifier');
    const vSpan = this.spanOf(v);
    const s = this.make(
      {
        kind: 'for' as const,
        variable: this.make({ kind: 'name' as const, name: v?.image ?? '' }, vSpan),
        from: this.expression(this.node(n, 'from')),
        to: this.expression(this.node(n, 'to')),
        body: this.statementList(this.node(n, 'statementList')),
      } as Omit<A.ForStmt, 'id' | 'range'>,
      this.spanOf(n),
    );
    const by = this.node(n, 'by');
    if (by) s.by = this.expression(by);
    return s;
  }

  // ------------------------------------------------------------ expressions

  /** An `expression` CST node; a missing one (after recovery) becomes an empty name. */
  expression(n: CstNode | undefined): A.Expr {
    if (!n) return this.make({ kind: 'name' as const, name: '' }, undefined);
    const operands = this.nodes(n, 'operand');
    const operators = this.tokens(n, 'operator');
    if (operands.length === 0) return this.make({ kind: 'name' as const, name: '' }, this.spanOf(n));
    if (operators.length === 0) return this.operand(operands[0]!);
    const chain: Chain = { operands, operators, next: 0 };
    return this.climb(chain, 0);
  }

  /**
   * Precedence climbing over the flat operand/operator list (IEC 61131-3 table 71); equal
   * precedence associates to the left.
   */
  private climb(c: Chain, minPrecedence: number): A.Expr {
    let left = this.operandWithPower(c);
    for (;;) {
      const opTok = c.operators[c.next - 1];
      if (!opTok || c.next >= c.operands.length) return left;
      const op = binaryOp(opTok.image);
      const p = PRECEDENCE[op];
      if (p < minPrecedence) return left;
      const right = this.climb(c, p + 1);
      left = this.between({ kind: 'binary' as const, ...binaryNodeOp(op), left, right }, left.range, right.range);
    }
  }

  /**
   * The operand at `c.next` with the `**` chain that follows it. Unary minus and NOT bind
   * tighter than `**`, as the standard's grammar has it (power_expression ::= unary_expression
   * {'**' unary_expression}): `-2 ** 2` is `(-2) ** 2`.
   */
  private operandWithPower(c: Chain): A.Expr {
    const first = c.operands[c.next]!;
    c.next++;
    let e = this.operand(first);
    while (c.next < c.operands.length && c.operators[c.next - 1]?.tokenType === T.Power) {
      const right = this.operand(c.operands[c.next]!);
      c.next++;
      e = this.between({ kind: 'binary' as const, op: '**' as const, left: e, right }, e.range, right.range);
    }
    return e;
  }

  /** One operand alone: its prefix operators applied to its postfix expression. */
  private operand(n: CstNode): A.Expr {
    return this.applyPrefixes(this.tokens(n, 'prefix'), this.postfix(n));
  }

  private applyPrefixes(prefixes: IToken[], e: A.Expr): A.Expr {
    for (let i = prefixes.length - 1; i >= 0; i--) e = this.applyUnary(prefixes[i]!, e);
    return e;
  }

  /** `-` on a number or duration literal is folded into the literal: `-5` is the literal -5 (6.3.2 signed literals). */
  private applyUnary(opTok: IToken, operand: A.Expr): A.Expr {
    const op = opTok.image.toUpperCase() as A.UnaryOp;
    const opRange = this.range(this.spanOf(opTok));
    const folded = operand.kind === 'literal' ? signedLiteral(op, operand.value) : undefined;
    if (folded) return this.between({ kind: 'literal' as const, value: folded }, opRange, operand.range);
    return this.between({ kind: 'unary' as const, op, operand }, opRange, operand.range);
  }

  private literal(value: A.LiteralValue, span: Span | undefined): A.LiteralExpr {
    return this.make({ kind: 'literal' as const, value }, span);
  }

  /** The operand `n` without its prefix operators: a literal, `( expression )`, or a name with suffixes. */
  private postfix(n: CstNode): A.Expr {
    const lit = this.token(n, 'literal');
    if (lit) return this.literalFromToken(lit);
    const inner = this.node(n, 'expression');
    if (inner) {
      const e = this.expression(inner);
      // the parentheses belong to the expression's range (the prefix operators do not)
      const open = this.spanOf(this.token(n, 'LParen'));
      const close = this.spanOf(this.token(n, 'RParen'));
      if (open && close) e.range = this.range([open[0], close[1]]);
      return e;
    }
    const head = this.token(n, 'head');
    if (!head) return this.make({ kind: 'name' as const, name: '' }, this.spanOf(n));
    const headSpan = this.spanOf(head)!;
    const h = head.image.toUpperCase();
    let e: A.Expr =
      h === 'THIS' ? this.make({ kind: 'this' as const }, headSpan)
      : h === 'SUPER' ? this.make({ kind: 'super' as const }, headSpan)
      : this.make({ kind: 'name' as const, name: head.tokenType.name === 'DirectVariable' ? head.image.toUpperCase() : head.image }, headSpan);
    for (const sfx of this.nodes(n, 'suffix')) {
      const sspan = this.spanOf(sfx);
      const span: Span = [headSpan[0], sspan ? sspan[1] : headSpan[1]];
      const member = this.token(sfx, 'member');
      const bit = this.token(sfx, 'bit');
      const args = this.node(sfx, 'argumentList');
      const indices = this.nodes(sfx, 'expression');
      if (member) e = this.make({ kind: 'member' as const, object: e, member: member.image }, span);
      else if (bit) e = this.bitAccess(e, bit, span);
      else if (this.token(sfx, 'Caret')) e = this.make({ kind: 'deref' as const, object: e }, span);
      else if (args) e = this.make({ kind: 'call' as const, callee: e, args: this.argumentList(args) }, span);
      else if (indices.length > 0) e = this.make({ kind: 'index' as const, object: e, indices: indices.map((i) => this.expression(i)) }, span);
    }
    return e;
  }

  private bitAccess(object: A.Expr, bit: IToken, span: Span | undefined): A.Expr {
    let text = bit.image;
    if (text.startsWith('%')) {
      if (text[1]!.toUpperCase() !== 'X') {
        this.error('E1004', `partial access '${text}' is not supported: only bit access (.%X3 or .3) is`, this.spanOf(bit));
      }
      text = text.slice(2);
    }
    const n = Number(text.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n > 63) this.error('E1005', `bit number ${text} is out of range (0 to 63)`, this.spanOf(bit));
    return this.make({ kind: 'bit' as const, object, bit: Number.isSafeInteger(n) ? n : 0 }, span);
  }

  argumentList(n: CstNode | undefined): A.Argument[] {
    return this.nodes(n, 'argument').map((a) => {
      const span = this.spanOf(a);
      const output = a.children.OutputAssign !== undefined;
      const id = this.token(a, 'Identifier');
      const value = this.node(a, 'expression');
      const arg = this.make({ output, negated: this.token(a, 'NOT') !== undefined } as Omit<A.Argument, 'id' | 'range'>, span);
      if (id && (output || a.children.Assign)) arg.name = id.image;
      if (value) arg.value = this.expression(value);
      return arg;
    });
  }

  literalFromToken(tok: IToken): A.Expr {
    const span = this.spanOf(tok);
    const text = tok.image;
    const d = decodeLiteralToken(tok.tokenType.name, text) ?? { ok: false, message: `'${text}' is not a literal`, fallback: { type: 'int', value: 0n } };
    if ('enumType' in d) return this.make({ kind: 'enumValue' as const, typeName: d.enumType, value: d.value }, span);
    if (!d.ok) {
      this.error('E1005', d.message, span);
      return this.literal(d.fallback, span);
    }
    return this.literal(d.value, span);
  }
}

interface Chain {
  operands: CstNode[];
  operators: IToken[];
  /** index of the next operand to read; the operator before it is operators[next - 1] */
  next: number;
}

function binaryOp(image: string): WrittenOp {
  const u = image.toUpperCase();
  return (u === '&' ? 'AND' : u) as WrittenOp;
}
