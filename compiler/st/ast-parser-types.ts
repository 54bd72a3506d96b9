/**
 * Data types and variables (IEC 61131-3 ed.3 6.4, 6.5) for the parser that builds the AST in
 * its grammar actions: the productions of compiler/st/parser-types.ts, one for one, each returning
 * the node compiler/st/to-ast.ts makes of the same text. compiler/st/ast-parser.ts extends it.
 */
import type { IToken } from 'chevrotain';
import * as T from './lexer.js';
import type * as A from './ast.js';
import { BodyAstParser, RECORDING } from './ast-parser-body.js';
import { needFullParse, tokenEnd } from './ast-factory.js';

export class TypeAstParser extends BodyAstParser {
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
}

/** `to.push(...items)` that tolerates what rules return while chevrotain records the grammar */
export function pushAll<T>(to: T[], items: T[]): void {
  if (Array.isArray(items)) for (const x of items) to.push(x);
}

const RETAIN_ORDER = ['RETAIN', 'NON_RETAIN', 'PERSISTENT'] as const;
