/**
 * The parser that builds the AST of a clean Structured Text file in its grammar actions,
 * without a CST: program organisation units, data types, variables and configurations
 * (IEC 61131-3 ed.3 6.4–6.8); expressions and statements are in compiler/st/ast-parser-body.ts.
 * The productions are those of compiler/st/parser.ts, one for one; the nodes are those
 * compiler/st/to-ast.ts makes of the same text (test/compiler/st/ast-parser.test.ts compares
 * the two on every ST source of the project).
 */
import type { IToken } from 'chevrotain';
import * as T from './lexer.js';
import type * as A from './ast.js';
import type { IdAllocator } from './ast.js';
import type { SourceFile } from '../source.js';
import { BodyAstParser, RECORDING } from './ast-parser-body.js';
import { FullParseNeeded, NodeFactory, needFullParse, tokenEnd } from './ast-factory.js';

type UnitItem =
  | { kind: 'pou'; pou: A.PouDecl }
  | { kind: 'types'; types: A.TypeDecl[] }
  | { kind: 'configuration'; configuration: A.ConfigurationDecl }
  | { kind: 'globals'; globals: A.VarSection }
  | { kind: 'instanceInits'; inits: A.InstanceInit[] };

/** What a POU body holds, in the order written. */
interface PouBody {
  varSections: A.VarSection[];
  methods: A.MethodDecl[];
  actions: A.ActionDecl[];
  body: A.Stmt[];
}

interface Modifiers {
  abstract: boolean;
  final: boolean;
  override: boolean;
  access?: A.AccessSpecifier;
}

export class AstParser extends BodyAstParser {
  constructor(selfAnalysis = true) {
    super(T.allTokens, { recoveryEnabled: false, maxLookahead: 4, skipValidations: !selfAnalysis });
    this.performSelfAnalysis();
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
    const decl = this.f.make(
      {
        kind: 'functionBlock' as const,
        name: name.image,
        abstract: mods.abstract,
        final: mods.final,
        implements: implemented,
        varSections: b.varSections,
        methods: b.methods,
        actions: b.actions,
        body: b.body,
      } as Omit<A.FunctionBlockDecl, 'id' | 'range'>,
      start,
      this.end(),
    );
    if (base !== undefined) decl.extends = base;
    return decl;
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

  /** `name` or `ns.name` (namespaces are kept in the spelling). */
  qualifiedName = this.RULE('qualifiedName', (): string => {
    let name = '';
    this.AT_LEAST_ONE_SEP({
      SEP: T.Dot,
      DEF: () => {
        const t = this.CONSUME(T.Identifier);
        name = name === '' ? t.image : `${name}.${t.image}`;
      },
    });
    return name;
  });


  // ------------------------------------------------ 6.4 data types

  typeBlock = this.RULE('typeBlock', (): A.TypeDecl[] => {
    const out: A.TypeDecl[] = [];
    this.CONSUME(T.TYPE);
    this.MANY(() => out.push(this.SUBRULE(this.typeDeclaration)));
    this.CONSUME(T.END_TYPE);
    return out;
  });

  typeDeclaration = this.RULE('typeDeclaration', (): A.TypeDecl => {
    const start = this.start();
    const name = this.CONSUME(T.Identifier);
    const base = this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      return this.SUBRULE(this.qualifiedName);
    });
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeSpec);
    const init = this.OPTION2(() => {
      this.CONSUME(T.Assign);
      return this.SUBRULE(this.initializer);
    });
    this.OPTION3(() => this.CONSUME(T.Semicolon));
    if (this.RECORDING_PHASE) return RECORDING;
    if (base !== undefined) {
      if (type.kind !== 'struct') needFullParse(); // only a STRUCT type can EXTEND another type
      type.extends = base;
    }
    const decl = this.f.make({ kind: 'type' as const, name: name.image, type } as Omit<A.TypeDecl, 'id' | 'range'>, start, this.end());
    if (init) decl.init = init;
    return decl;
  });

  typeSpec = this.RULE('typeSpec', (): A.TypeRef => {
    // each alternative is the whole type, so its range is the type's
    return this.OR((this.alternatives.typeSpec ??= [
      { ALT: () => this.SUBRULE(this.arrayType) },
      { ALT: () => this.SUBRULE(this.refType) },
      { ALT: () => this.SUBRULE(this.stringType) },
      { ALT: () => this.SUBRULE(this.structType) },
      { ALT: () => this.SUBRULE(this.enumType) },
      { ALT: () => this.SUBRULE(this.namedType) },
    ]));
  });

  arrayType = this.RULE('arrayType', (): A.ArrayTypeRef => {
    const start = this.start();
    const dims: A.ArrayTypeRef['dims'] = [];
    this.CONSUME(T.ARRAY);
    this.CONSUME(T.LBracket);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => dims.push(this.SUBRULE(this.arrayDimension)) });
    this.CONSUME(T.RBracket);
    this.CONSUME(T.OF);
    const element = this.SUBRULE(this.typeSpec);
    return this.RECORDING_PHASE ? RECORDING : this.f.make({ kind: 'array' as const, dims, element }, start, this.end());
  });

  arrayDimension = this.RULE('arrayDimension', (): { lo?: A.Expr; hi?: A.Expr } => {
    return this.OR((this.alternatives.arrayDimension ??= [
      {
        ALT: () => {
          this.CONSUME(T.Star);
          return {};
        },
      },
      {
        ALT: () => {
          const lo = this.SUBRULE(this.expression);
          this.CONSUME(T.DotDot);
          const hi = this.SUBRULE2(this.expression);
          return { lo, hi };
        },
      },
    ]));
  });

  refType = this.RULE('refType', (): A.RefTypeRef => {
    const start = this.start();
    this.OR((this.alternatives.refType ??= [
      { ALT: () => this.CONSUME(T.REF_TO) },
      {
        ALT: () => {
          this.CONSUME(T.POINTER);
          this.CONSUME(T.TO);
        },
      },
    ]));
    const target = this.SUBRULE(this.typeSpec);
    return this.RECORDING_PHASE ? RECORDING : this.f.make({ kind: 'ref' as const, target }, start, this.end());
  });

  stringType = this.RULE('stringType', (): A.StringTypeRef => {
    const start = this.start();
    const kind = this.OR<IToken>((this.alternatives.stringType ??= [{ ALT: () => this.CONSUME(T.STRING) }, { ALT: () => this.CONSUME(T.WSTRING) }]));
    const length = this.OPTION(() =>
      this.OR2<A.Expr>((this.alternatives.stringType2 ??= [
        {
          ALT: () => {
            this.CONSUME(T.LBracket);
            const e = this.SUBRULE(this.expression);
            this.CONSUME(T.RBracket);
            return e;
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const e = this.SUBRULE2(this.expression);
            this.CONSUME(T.RParen);
            return e;
          },
        },
      ])),
    );
    if (this.RECORDING_PHASE) return RECORDING;
    const t = this.f.make({ kind: 'string' as const, wide: kind.tokenType === T.WSTRING } as Omit<A.StringTypeRef, 'id' | 'range'>, start, this.end());
    if (length) t.length = length;
    return t;
  });

  structType = this.RULE('structType', (): A.StructTypeRef => {
    const start = this.start();
    this.CONSUME(T.STRUCT);
    const base = this.OPTION(() => {
      this.CONSUME(T.EXTENDS);
      return this.SUBRULE(this.qualifiedName);
    });
    const members: A.VarDecl[] = [];
    this.MANY(() => pushAll(members, this.SUBRULE(this.varDecl)));
    this.CONSUME(T.END_STRUCT);
    if (this.RECORDING_PHASE) return RECORDING;
    const t = this.f.make({ kind: 'struct' as const, members } as Omit<A.StructTypeRef, 'id' | 'range'>, start, this.end());
    if (base !== undefined) t.extends = base;
    return t;
  });

  /** `(Red, Green := 2)` optionally followed by a base type (CODESYS writes the base after). */
  enumType = this.RULE('enumType', (): A.EnumTypeRef => {
    const start = this.start();
    const values = this.SUBRULE(this.enumValueList);
    const base = this.OPTION(() => this.CONSUME(T.Identifier));
    if (this.RECORDING_PHASE) return RECORDING;
    const t = this.f.make({ kind: 'enum' as const, values } as Omit<A.EnumTypeRef, 'id' | 'range'>, start, this.end());
    if (base) t.base = base.image;
    return t;
  });

  enumValueList = this.RULE('enumValueList', (): A.EnumTypeRef['values'] => {
    const values: A.EnumTypeRef['values'] = [];
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => values.push(this.SUBRULE(this.enumValue)) });
    this.CONSUME(T.RParen);
    return values;
  });

  enumValue = this.RULE('enumValue', (): A.EnumTypeRef['values'][number] => {
    const start = this.start();
    const name = this.CONSUME(T.Identifier);
    const value = this.OPTION(() => {
      this.CONSUME(T.Assign);
      return this.SUBRULE(this.expression);
    });
    if (this.RECORDING_PHASE) return RECORDING;
    const entry: A.EnumTypeRef['values'][number] = { name: name.image, range: this.f.range(start, this.end()) };
    if (value) entry.value = value;
    return entry;
  });

  /** `INT`, `TON`, `INT(0..100)` (subrange), `INT (A := 1, B := 2)` (enum with a base type) */
  namedType = this.RULE('namedType', (): A.TypeRef => {
    const start = this.start();
    const name = this.SUBRULE(this.qualifiedName);
    const more = this.OPTION(() =>
      this.OR<{ lo: A.Expr; hi: A.Expr } | A.EnumTypeRef['values']>((this.alternatives.namedType ??= [
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const lo = this.SUBRULE(this.expression);
            this.CONSUME(T.DotDot);
            const hi = this.SUBRULE2(this.expression);
            this.CONSUME(T.RParen);
            return { lo, hi };
          },
        },
        { ALT: () => this.SUBRULE(this.enumValueList) },
      ])),
    );
    if (this.RECORDING_PHASE) return RECORDING;
    const end = this.end();
    if (more === undefined) return { kind: 'named' as const, name, id: this.f.id(), range: this.f.range(start, end) };
    if (Array.isArray(more)) return this.f.make({ kind: 'enum' as const, base: name, values: more }, start, end);
    return this.f.make({ kind: 'subrange' as const, base: name, lo: more.lo, hi: more.hi }, start, end);
  });

  // ------------------------------------------------ 6.5 variables

  varSection = this.RULE('varSection', (): A.VarSection => {
    const start = this.start();
    const kind = this.OR<IToken>((this.alternatives.varSection ??= [
      { ALT: () => this.CONSUME(T.VAR) },
      { ALT: () => this.CONSUME(T.VAR_INPUT) },
      { ALT: () => this.CONSUME(T.VAR_OUTPUT) },
      { ALT: () => this.CONSUME(T.VAR_IN_OUT) },
      { ALT: () => this.CONSUME(T.VAR_TEMP) },
      { ALT: () => this.CONSUME(T.VAR_GLOBAL) },
      { ALT: () => this.CONSUME(T.VAR_EXTERNAL) },
      { ALT: () => this.CONSUME(T.VAR_INST) },
      { ALT: () => this.CONSUME(T.VAR_STAT) },
    ]));
    let constant = false;
    let retain: A.VarSection['retain'];
    this.MANY(() => {
      const q = this.OR2<IToken>((this.alternatives.varSection2 ??= [
        { ALT: () => this.CONSUME(T.CONSTANT) },
        { ALT: () => this.CONSUME(T.RETAIN) },
        { ALT: () => this.CONSUME(T.NON_RETAIN) },
        { ALT: () => this.CONSUME(T.PERSISTENT) },
      ]));
      if (this.RECORDING_PHASE) return;
      if (q.tokenType === T.CONSTANT) constant = true;
      // of several, the last in the order RETAIN, NON_RETAIN, PERSISTENT counts, as the CST builder has it
      else if (retain === undefined || RETAIN_ORDER.indexOf(q.tokenType.name as never) > RETAIN_ORDER.indexOf(retain)) retain = q.tokenType.name as A.VarSection['retain'];
    });
    const decls: A.VarDecl[] = [];
    this.MANY2(() => pushAll(decls, this.SUBRULE(this.varDecl)));
    this.CONSUME(T.END_VAR);
    if (this.RECORDING_PHASE) return RECORDING;
    return this.f.make({ section: kind.tokenType.name as A.VarSectionKind, constant, retain, decls }, start, this.end());
  });

  varDecl = this.RULE('varDecl', (): A.VarDecl[] => {
    const start = this.start();
    const names: IToken[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => names.push(this.CONSUME(T.Identifier)) });
    const at = this.OPTION(() => {
      this.CONSUME(T.AT);
      return this.CONSUME(T.DirectVariable);
    });
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.typeSpec);
    // `clk : BOOL R_EDGE;` (edge-detecting input): R_EDGE and F_EDGE are not keywords
    const edge = this.OPTION3({
      GATE: () => /^[RF]_EDGE$/i.test(this.LA(1).image),
      DEF: () => this.CONSUME2(T.Identifier),
    });
    const init = this.OPTION2(() => {
      this.CONSUME(T.Assign);
      return this.SUBRULE(this.initializer);
    });
    this.CONSUME(T.Semicolon);
    if (this.RECORDING_PHASE) return [];
    const end = this.end();
    return names.map((id) => {
      const d: A.VarDecl = { name: id.image, nameRange: this.f.range(id.startOffset, tokenEnd(id)), type, id: this.f.id(), range: this.f.range(start, end) };
      if (init) d.init = init;
      if (at) d.location = at.image.toUpperCase();
      if (edge) d.edge = edge.image.toUpperCase() as 'R_EDGE' | 'F_EDGE';
      return d;
    });
  });

  initializer = this.RULE('initializer', (): A.Initializer => {
    const start = this.start();
    const init = this.OR((this.alternatives.initializer ??= [
      { ALT: () => ({ kind: 'array' as const, elements: this.SUBRULE(this.arrayInitializer) }) },
      { ALT: () => ({ kind: 'struct' as const, fields: this.SUBRULE(this.structInitializer) }) },
      { ALT: () => ({ kind: 'expr' as const, expr: this.SUBRULE(this.expression) }) },
    ])) as A.Initializer;
    if (this.RECORDING_PHASE) return RECORDING;
    init.range = this.f.range(start, this.end());
    return init;
  });

  arrayInitializer = this.RULE('arrayInitializer', (): Extract<A.Initializer, { kind: 'array' }>['elements'] => {
    const elements: Extract<A.Initializer, { kind: 'array' }>['elements'] = [];
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => elements.push(this.SUBRULE(this.arrayInitialElement)) });
    this.CONSUME(T.RBracket);
    return elements;
  });

  /** `5`, `3(0)` (three times 0), `2()` (twice the default), `(x := 1)` */
  arrayInitialElement = this.RULE('arrayInitialElement', (): { count?: A.Expr; value?: A.Initializer } => {
    return this.OR((this.alternatives.arrayInitialElement ??= [
      {
        ALT: () => {
          const count = this.CONSUME(T.IntegerLiteral);
          this.CONSUME(T.LParen);
          const value = this.OPTION(() => this.SUBRULE(this.initializer));
          this.CONSUME(T.RParen);
          if (this.RECORDING_PHASE) return RECORDING;
          const out: { count?: A.Expr; value?: A.Initializer } = { count: this.f.literal(count) };
          if (value) out.value = value;
          return out;
        },
      },
      { ALT: () => ({ value: this.SUBRULE2(this.initializer) }) },
    ]));
  });

  structInitializer = this.RULE('structInitializer', (): Extract<A.Initializer, { kind: 'struct' }>['fields'] => {
    const fields: Extract<A.Initializer, { kind: 'struct' }>['fields'] = [];
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => fields.push(this.SUBRULE(this.structInitialField)) });
    this.CONSUME(T.RParen);
    return fields;
  });

  structInitialField = this.RULE('structInitialField', (): Extract<A.Initializer, { kind: 'struct' }>['fields'][number] => {
    const start = this.start();
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Assign);
    const value = this.SUBRULE(this.initializer);
    if (this.RECORDING_PHASE) return RECORDING;
    return { name: name.image, value, range: this.f.range(start, this.end()) };
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

/** `to.push(...items)` that tolerates what rules return while chevrotain records the grammar */
function pushAll<T>(to: T[], items: T[]): void {
  if (Array.isArray(items)) for (const x of items) to.push(x);
}

const ACCESS_ORDER: A.AccessSpecifier[] = ['PUBLIC', 'PRIVATE', 'PROTECTED', 'INTERNAL'];
const RETAIN_ORDER = ['RETAIN', 'NON_RETAIN', 'PERSISTENT'] as const;

let instance: AstParser | undefined;

/** The process's one AST parser (its grammar analysis runs on first use, not at import). */
export function astParser(): AstParser {
  return (instance ??= new AstParser(false));
}
