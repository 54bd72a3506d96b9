/**
 * The parser that builds the AST of a clean Structured Text file in its grammar actions,
 * without a CST: program organisation units and configurations (IEC 61131-3 ed.3 6.6, 6.8);
 * data types and variables are in compiler/st/ast-parser-types.ts, expressions and statements
 * in compiler/st/ast-parser-body.ts.
 * The productions are those of compiler/st/parser.ts, one for one; the nodes are those
 * compiler/st/to-ast.ts makes of the same text (test/compiler/st/ast-parser.test.ts compares
 * the two on every ST source of the project).
 */
import type { IToken } from 'chevrotain';
import * as T from './lexer.js';
import type * as A from './ast.js';
import type { IdAllocator } from './ast.js';
import type { SourceFile } from '../source.js';
import { RECORDING } from './ast-parser-body.js';
import { TypeAstParser, pushAll } from './ast-parser-types.js';
import { FullParseNeeded, NodeFactory, needFullParse, type Modifiers, type PouBody } from './ast-factory.js';
import { lookaheadOptions, storeLookahead } from './lazy-lookahead.js';

type UnitItem =
  | { kind: 'pou'; pou: A.PouDecl }
  | { kind: 'types'; types: A.TypeDecl[] }
  | { kind: 'configuration'; configuration: A.ConfigurationDecl }
  | { kind: 'globals'; globals: A.VarSection }
  | { kind: 'instanceInits'; inits: A.InstanceInit[] };

export class AstParser extends TypeAstParser {
  constructor(selfAnalysis = true) {
    super(T.allTokens, { recoveryEnabled: false, skipValidations: !selfAnalysis, ...lookaheadOptions(selfAnalysis, 4) });
    this.performSelfAnalysis();
  }

  /** Where chevrotain stores a production's lookahead function: a lazy one learns its key, to put the computed one there. */
  setLaFuncCache(key: number, fn: unknown): void {
    storeLookahead(this, key, fn);
  }

  /**
   * The AST of `tokens`, or undefined where the recovering parser must read the file: a syntax
   * error, or anything compiler/st/to-ast.ts would report.
   */
  parse(file: SourceFile, ids: IdAllocator, tokens: IToken[]): A.CompilationUnit | undefined {
    this.f = new NodeFactory(file, ids);
    this.input = tokens;
    this.inInterface = false;
    try {
      const unit = this.compilationUnit();
      if (this.errors.length > 0 || unit === undefined) return undefined;
      unit.file = file.path;
      return unit;
    } catch (e) {
      // FullParseNeeded, or a fault of this parser: either way the recovering parser reads the
      // file and says what there is to say (the tests compare the two, so a fault shows there)
      if (!(e instanceof FullParseNeeded) && e instanceof RangeError) throw e; // too deep: the recovering parser would overflow too
      return undefined;
    } finally {
      this.input = [];
    }
  }

  // ------------------------------------------------ 6.6 program organisation units, top level

  compilationUnit = this.RULE('compilationUnit', (): A.CompilationUnit => {
    const unit: A.CompilationUnit = { file: '', pous: [], types: [], configurations: [], globals: [] };
    this.MANY(() => {
      const item: UnitItem = this.OR((this.alternatives.compilationUnit ??= [
        { ALT: () => ({ kind: 'pou', pou: this.SUBRULE(this.programDecl) }) },
        { ALT: () => ({ kind: 'pou', pou: this.SUBRULE(this.functionDecl) }) },
        { ALT: () => ({ kind: 'pou', pou: this.SUBRULE(this.functionBlockDecl) }) },
        { ALT: () => ({ kind: 'pou', pou: this.SUBRULE(this.interfaceDecl) }) },
        { ALT: () => ({ kind: 'types', types: this.SUBRULE(this.typeBlock) }) },
        { ALT: () => ({ kind: 'configuration', configuration: this.SUBRULE(this.configurationDecl) }) },
        { ALT: () => ({ kind: 'globals', globals: this.SUBRULE(this.varSection) }) },
        { ALT: () => ({ kind: 'instanceInits', inits: this.SUBRULE(this.varConfigSection) }) },
      ]));
      if (this.RECORDING_PHASE) return;
      switch (item.kind) {
        case 'pou': unit.pous.push(item.pou); break;
        case 'types': unit.types.push(...item.types); break;
        case 'configuration': unit.configurations.push(item.configuration); break;
        case 'globals': unit.globals.push(item.globals); break;
        case 'instanceInits': (unit.instanceInits ??= []).push(...item.inits); break;
      }
    });
    return unit;
  });

  programDecl = this.RULE('programDecl', (): A.ProgramDecl => {
    const start = this.start();
    this.CONSUME(T.PROGRAM);
    const name = this.CONSUME(T.Identifier);
    const b = this.SUBRULE(this.pouBody);
    this.CONSUME(T.END_PROGRAM);
    if (this.RECORDING_PHASE) return RECORDING;
    if (b.methods.length > 0) needFullParse(); // a PROGRAM cannot have methods
    return this.f.make({ kind: 'program' as const, name: name.image, varSections: b.varSections, body: b.body, actions: b.actions }, start, this.end());
  });

  functionDecl = this.RULE('functionDecl', (): A.FunctionDecl => {
    const start = this.start();
    this.CONSUME(T.FUNCTION);
    const name = this.CONSUME(T.Identifier);
    const rt = this.OPTION(() => {
      this.CONSUME(T.Colon);
      return this.SUBRULE(this.typeSpec);
    });
    const b = this.SUBRULE(this.pouBody);
    this.CONSUME(T.END_FUNCTION);
    if (this.RECORDING_PHASE) return RECORDING;
    if (b.methods.length > 0 || b.actions.length > 0) needFullParse(); // a FUNCTION has neither
    const decl = this.f.make({ kind: 'function' as const, name: name.image, varSections: b.varSections, body: b.body } as Omit<A.FunctionDecl, 'id' | 'range'>, start, this.end());
    if (rt) decl.returnType = rt;
    return decl;
  });

  functionBlockDecl = this.RULE('functionBlockDecl', (): A.FunctionBlockDecl => {
    const start = this.start();
    this.CONSUME(T.FUNCTION_BLOCK);
    const mods = this.modifiers();
    this.MANY(() => this.SUBRULE(this.pouModifier));
    const name = this.CONSUME(T.Identifier);
    const base = this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      return this.SUBRULE(this.qualifiedName);
    });
    const implemented: string[] = [];
    this.OPTION2(() => {
      this.CONSUME(T.IMPLEMENTS);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => implemented.push(this.SUBRULE2(this.qualifiedName)) });
    });
    const b = this.SUBRULE(this.pouBody);
    this.CONSUME(T.END_FUNCTION_BLOCK);
    if (this.RECORDING_PHASE) return RECORDING;
    return this.f.functionBlock(name.image, mods, base, implemented, b, start, this.end());
  });

  /** The modifiers the next `pouModifier`s collect (read when the rule ends). */
  private modifiers(): Modifiers {
    return (this.pendingModifiers = { abstract: false, final: false, override: false });
  }
  private pendingModifiers: Modifiers = { abstract: false, final: false, override: false };

  /** Variable sections, methods, actions and statements, in any order. */
  pouBody = this.RULE('pouBody', (): PouBody => {
    const b: PouBody = { varSections: [], methods: [], actions: [], body: [] };
    this.pouBodyItem = b; // POU bodies do not nest
    this.MANY(() =>
      this.OR((this.alternatives.pouBody ??= {
        DEF: [
          { ALT: () => this.pouBodyItem.varSections.push(this.SUBRULE(this.varSection)) },
          { ALT: () => this.pouBodyItem.methods.push(this.SUBRULE(this.methodDecl)) },
          { ALT: () => this.pouBodyItem.actions.push(this.SUBRULE(this.actionDecl)) },
          {
            ALT: () => {
              const into = this.pouBodyItem;
              const s = this.SUBRULE(this.statement);
              if (s) into.body.push(s);
            },
          },
        ],
        ERR_MSG: 'a variable section or a statement',
      })),
    );
    return b;
  });
  private pouBodyItem: PouBody = { varSections: [], methods: [], actions: [], body: [] };

  pouModifier = this.RULE('pouModifier', (): void => {
    const t = this.OR<IToken>((this.alternatives.pouModifier ??= [
      { ALT: () => this.CONSUME(T.ABSTRACT) },
      { ALT: () => this.CONSUME(T.FINAL) },
      { ALT: () => this.CONSUME(T.OVERRIDE) },
      { ALT: () => this.CONSUME(T.PUBLIC) },
      { ALT: () => this.CONSUME(T.PRIVATE) },
      { ALT: () => this.CONSUME(T.PROTECTED) },
      { ALT: () => this.CONSUME(T.INTERNAL) },
    ]));
    if (this.RECORDING_PHASE) return;
    const m = this.pendingModifiers;
    if (t.tokenType === T.ABSTRACT) m.abstract = true;
    else if (t.tokenType === T.FINAL) m.final = true;
    else if (t.tokenType === T.OVERRIDE) m.override = true;
    // the first access specifier in this order wins, as the CST builder has it
    else if (m.access === undefined || ACCESS_ORDER.indexOf(t.image.toUpperCase() as A.AccessSpecifier) < ACCESS_ORDER.indexOf(m.access)) {
      m.access = t.image.toUpperCase() as A.AccessSpecifier;
    }
  });

  methodDecl = this.RULE('methodDecl', (): A.MethodDecl => {
    const start = this.start();
    const prototype = this.inInterface;
    this.CONSUME(T.METHOD);
    const mods = this.modifiers();
    this.MANY(() => this.SUBRULE(this.pouModifier));
    const name = this.CONSUME(T.Identifier);
    const rt = this.OPTION(() => {
      this.CONSUME(T.Colon);
      return this.SUBRULE(this.typeSpec);
    });
    const varSections: A.VarSection[] = [];
    const body: A.Stmt[] = [];
    this.methodItem = [varSections, body]; // methods do not nest
    this.MANY2(() =>
      this.OR((this.alternatives.methodDecl ??= {
        DEF: [
          { ALT: () => this.methodItem[0].push(this.SUBRULE(this.varSection)) },
          {
            ALT: () => {
              const into = this.methodItem[1];
              const s = this.SUBRULE(this.statement);
              if (s) into.push(s);
            },
          },
        ],
        ERR_MSG: 'a variable section or a statement',
      })),
    );
    this.CONSUME(T.END_METHOD);
    if (this.RECORDING_PHASE) return RECORDING;
    if (prototype && body.length > 0) needFullParse(); // a method of an INTERFACE has no body
    const decl = this.f.make(
      { name: name.image, abstract: mods.abstract, final: mods.final, override: mods.override, varSections, body: prototype ? [] : body } as Omit<A.MethodDecl, 'id' | 'range'>,
      start,
      this.end(),
    );
    if (mods.access) decl.access = mods.access;
    if (rt) decl.returnType = rt;
    return decl;
  });
  private methodItem: [A.VarSection[], A.Stmt[]] = [[], []];
  /** methods read inside an INTERFACE are prototypes */
  private inInterface = false;

  actionDecl = this.RULE('actionDecl', (): A.ActionDecl => {
    const start = this.start();
    this.CONSUME(T.ACTION);
    const name = this.CONSUME(T.Identifier);
    this.OPTION(() => this.CONSUME(T.Colon));
    const body: A.Stmt[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.statement);
      if (s) body.push(s);
    });
    this.CONSUME(T.END_ACTION);
    return this.RECORDING_PHASE ? RECORDING : this.f.make({ name: name.image, body }, start, this.end());
  });

  interfaceDecl = this.RULE('interfaceDecl', (): A.InterfaceDecl => {
    const start = this.start();
    this.CONSUME(T.INTERFACE);
    const name = this.CONSUME(T.Identifier);
    const bases: string[] = [];
    this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => bases.push(this.SUBRULE(this.qualifiedName)) });
    });
    const methods: A.MethodDecl[] = [];
    this.inInterface = true;
    this.MANY(() => methods.push(this.SUBRULE(this.methodDecl)));
    this.inInterface = false;
    this.CONSUME(T.END_INTERFACE);
    return this.RECORDING_PHASE ? RECORDING : this.f.make({ kind: 'interface' as const, name: name.image, extends: bases, methods }, start, this.end());
  });


  // ------------------------------------------------ 6.8 configuration elements

  configurationDecl = this.RULE('configurationDecl', (): A.ConfigurationDecl => {
    const start = this.start();
    const c: ConfigurationParts = { globals: [], resources: [], tasks: [], programs: [], instanceInits: [], accessPaths: [] };
    this.CONSUME(T.CONFIGURATION);
    const name = this.CONSUME(T.Identifier);
    this.configurationParts = c; // configurations do not nest
    this.MANY(() =>
      this.OR((this.alternatives.configurationDecl ??= [
        { ALT: () => this.configurationParts.globals.push(this.SUBRULE(this.varSection)) },
        { ALT: () => this.configurationParts.resources.push(this.SUBRULE(this.resourceDecl)) },
        { ALT: () => this.configurationParts.tasks.push(this.SUBRULE(this.taskDecl)) },
        { ALT: () => this.configurationParts.programs.push(this.SUBRULE(this.programConfig)) },
        { ALT: () => pushAll(this.configurationParts.instanceInits, this.SUBRULE(this.varConfigSection)) },
        { ALT: () => pushAll(this.configurationParts.accessPaths, this.SUBRULE(this.varAccessSection)) },
      ])),
    );
    this.CONSUME(T.END_CONFIGURATION);
    if (this.RECORDING_PHASE) return RECORDING;
    const end = this.end();
    const resources: A.ConfigurationDecl['resources'] = c.resources;
    if (c.tasks.length > 0 || c.programs.length > 0) {
      if (resources.length > 0) needFullParse(); // tasks and programs belong inside the RESOURCEs then
      resources.unshift(this.f.make({ name: name.image, globals: [] as A.VarSection[], tasks: c.tasks, programs: c.programs, implicit: true }, start, end));
    }
    return this.f.make({ kind: 'configuration' as const, name: name.image, globals: c.globals, resources, instanceInits: c.instanceInits, accessPaths: c.accessPaths }, start, end);
  });
  private configurationParts: ConfigurationParts = { globals: [], resources: [], tasks: [], programs: [], instanceInits: [], accessPaths: [] };

  /** VAR_CONFIG `res.prog.fb.var AT %QX1.0 : BOOL := TRUE;` … END_VAR (instance-specific initialisations) */
  varConfigSection = this.RULE('varConfigSection', (): A.InstanceInit[] => {
    const out: A.InstanceInit[] = [];
    this.CONSUME(T.VAR_CONFIG);
    this.MANY(() => {
      const start = this.start();
      const path = this.SUBRULE(this.qualifiedName);
      const at = this.OPTION(() => {
        this.CONSUME(T.AT);
        return this.CONSUME(T.DirectVariable);
      });
      this.CONSUME(T.Colon);
      const type = this.SUBRULE(this.typeSpec);
      const init = this.OPTION2(() => {
        this.CONSUME(T.Assign);
        return this.SUBRULE(this.initializer);
      });
      this.CONSUME(T.Semicolon);
      if (this.RECORDING_PHASE) return;
      const entry = this.f.make({ path: path.split('.'), type } as Omit<A.InstanceInit, 'id' | 'range'>, start, this.end());
      if (at) entry.location = at.image.toUpperCase();
      if (init) entry.init = init;
      out.push(entry);
    });
    this.CONSUME(T.END_VAR);
    return out;
  });

  /** VAR_ACCESS `name : res.prog.var : INT READ_WRITE;` … END_VAR (access paths); the direction is read as a name */
  varAccessSection = this.RULE('varAccessSection', (): A.AccessPath[] => {
    const out: A.AccessPath[] = [];
    this.CONSUME(T.VAR_ACCESS);
    this.MANY(() => {
      const name = this.CONSUME(T.Identifier);
      this.CONSUME(T.Colon);
      const path = this.SUBRULE(this.qualifiedName);
      this.CONSUME2(T.Colon);
      const type = this.SUBRULE(this.typeSpec);
      const dir = this.OPTION(() => this.CONSUME2(T.Identifier));
      this.CONSUME(T.Semicolon);
      if (this.RECORDING_PHASE) return;
      const word = dir?.image.toUpperCase();
      const entry = this.f.make(
        { name: name.image, path: path.split('.'), type, direction: word === 'READ_WRITE' ? 'READ_WRITE' : 'READ_ONLY' } as Omit<A.AccessPath, 'id' | 'range'>,
        name.startOffset,
        this.end(),
      );
      if (dir && word !== 'READ_WRITE' && word !== 'READ_ONLY') entry.badDirection = dir.image;
      out.push(entry);
    });
    this.CONSUME(T.END_VAR);
    return out;
  });

  /** `RESOURCE r ON PLC`: ON is read as a name so that `lamp.On` stays a valid member. */
  resourceDecl = this.RULE('resourceDecl', (): A.ResourceDecl => {
    const start = this.start();
    const r: Pick<A.ResourceDecl, 'globals' | 'tasks' | 'programs'> = { globals: [], tasks: [], programs: [] };
    this.CONSUME(T.RESOURCE);
    const name = this.CONSUME(T.Identifier);
    const processor = this.OPTION(() => {
      const on = this.CONSUME2(T.Identifier);
      const processor = this.CONSUME3(T.Identifier);
      if (!this.RECORDING_PHASE && on.image.toUpperCase() !== 'ON') needFullParse(); // expected 'ON'
      return processor;
    });
    this.resourceParts = r; // resources do not nest
    this.MANY(() =>
      this.OR((this.alternatives.resourceDecl ??= [
        { ALT: () => this.resourceParts.globals.push(this.SUBRULE(this.varSection)) },
        { ALT: () => this.resourceParts.tasks.push(this.SUBRULE(this.taskDecl)) },
        { ALT: () => this.resourceParts.programs.push(this.SUBRULE(this.programConfig)) },
      ])),
    );
    this.CONSUME(T.END_RESOURCE);
    if (this.RECORDING_PHASE) return RECORDING;
    const decl = this.f.make({ name: name.image, globals: r.globals, tasks: r.tasks, programs: r.programs } as Omit<A.ResourceDecl, 'id' | 'range'>, start, this.end());
    if (processor) decl.on = processor.image;
    return decl;
  });
  private resourceParts: Pick<A.ResourceDecl, 'globals' | 'tasks' | 'programs'> = { globals: [], tasks: [], programs: [] };

  taskDecl = this.RULE('taskDecl', (): A.TaskDecl => {
    const start = this.start();
    const params: [IToken, A.Expr][] = [];
    this.CONSUME(T.TASK);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => params.push(this.SUBRULE(this.taskParameter)) });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Semicolon);
    if (this.RECORDING_PHASE) return RECORDING;
    const t = this.f.make({ name: name.image } as Omit<A.TaskDecl, 'id' | 'range'>, start, this.end());
    for (const [id, e] of params) {
      const which = id.image.toUpperCase();
      if (which === 'INTERVAL') t.interval = e;
      else if (which === 'PRIORITY') t.priority = e;
      else if (which === 'SINGLE') t.single = e;
      else needFullParse(); // an unknown TASK parameter
    }
    return t;
  });

  taskParameter = this.RULE('taskParameter', (): [IToken, A.Expr] => {
    const id = this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    return [id, this.SUBRULE(this.expression)];
  });

  programConfig = this.RULE('programConfig', (): A.ProgramConfig => {
    const start = this.start();
    this.CONSUME(T.PROGRAM);
    const retain = this.OPTION(() => this.OR<IToken>((this.alternatives.programConfig ??= [{ ALT: () => this.CONSUME(T.RETAIN) }, { ALT: () => this.CONSUME(T.NON_RETAIN) }])));
    const name = this.CONSUME(T.Identifier);
    const task = this.OPTION2(() => {
      this.CONSUME(T.WITH);
      return this.CONSUME2(T.Identifier);
    });
    this.CONSUME(T.Colon);
    const typeName = this.SUBRULE(this.qualifiedName);
    const args = this.OPTION3(() => this.SUBRULE(this.argumentList));
    this.CONSUME(T.Semicolon);
    if (this.RECORDING_PHASE) return RECORDING;
    const p = this.f.make(
      {
        name: name.image,
        typeName,
        retain: retain === undefined ? undefined : retain.tokenType === T.RETAIN ? 'RETAIN' : 'NON_RETAIN',
        args: args ?? [],
      } as Omit<A.ProgramConfig, 'id' | 'range'>,
      start,
      this.end(),
    );
    if (task) p.task = task.image;
    return p;
  });
}

interface ConfigurationParts {
  globals: A.VarSection[];
  resources: A.ResourceDecl[];
  tasks: A.TaskDecl[];
  programs: A.ProgramConfig[];
  instanceInits: A.InstanceInit[];
  accessPaths: A.AccessPath[];
}


const ACCESS_ORDER: A.AccessSpecifier[] = ['PUBLIC', 'PRIVATE', 'PROTECTED', 'INTERNAL'];

let instance: AstParser | undefined;

/** The process's one AST parser (its grammar analysis runs on first use, not at import). */
export function astParser(): AstParser {
  return (instance ??= new AstParser(false));
}
