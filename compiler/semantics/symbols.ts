/**
 * What the checker knows about declarations: variables, POUs with their scopes, and the
 * side tables it fills for the code generator (types and meanings of expressions by node id).
 */
import type { VarSectionName } from '../application.js';
import type {
  ActionDecl, CallExpr, Expr, FunctionBlockDecl, FunctionDecl, Initializer, InterfaceDecl,
  MethodDecl, ProgramDecl, VarDecl,
} from '../st/ast.js';
import type { EnumType, Type } from '../types/types.js';
import { NodeTable } from './node-table.js';

export type Storage =
  /** a variable of a PROGRAM/FB instance: `this.x` */
  | 'instance'
  /** a local of a FUNCTION/METHOD (or VAR_TEMP): a JS local */
  | 'local'
  /** a global of the resource: `this.$g.x` */
  | 'global';

export interface VarSymbol {
  kind: 'var';
  name: string;
  /** JS property or local name */
  prop: string;
  type: Type;
  section: VarSectionName;
  constant: boolean;
  retain?: 'RETAIN' | 'PERSISTENT';
  location?: string;
  /** an edge-detecting input (IEC 61131-3 6.5.1.2): the body reads the edge, callers write the level */
  edge?: 'R_EDGE' | 'F_EDGE';
  init?: Initializer;
  decl: VarDecl;
  storage: Storage;
  /** constant value of a CONSTANT with a constant initialiser */
  constValue?: ConstValue;
}

export type ConstValue = bigint | number | boolean | string;

export interface EnumValueSymbol { kind: 'enumValue'; type: EnumType; name: string; value: number }

export type PouKind = 'program' | 'functionBlock' | 'function' | 'method' | 'interface';

/** A POU with its resolved variables. Methods are POUs of their own, owned by an FB. */
export interface Pou {
  kind: PouKind;
  name: string;
  key: string;
  file: string;
  decl: ProgramDecl | FunctionBlockDecl | FunctionDecl | MethodDecl | InterfaceDecl;
  /** variables in declaration order (for FBs: own variables only; see `base`) */
  vars: VarSymbol[];
  byName: Map<string, VarSymbol>;
  returnType?: Type;
  /** EXTENDS */
  base?: Pou;
  /** IMPLEMENTS / interface EXTENDS */
  interfaces: Pou[];
  methods: Map<string, Pou>;
  actions: Map<string, ActionDecl>;
  /** for methods: the FB they belong to */
  owner?: Pou;
  /** JS identifier of the class (program/FB) or function */
  jsName: string;
}

/** What a call expression calls. */
export type CallTarget =
  | { kind: 'function'; pou: Pou }
  | { kind: 'builtin'; name: string; argTypes: Type[]; resultType: Type }
  | { kind: 'fbInstance'; pou: Pou; instance: Expr }
  | { kind: 'method'; pou: Pou; instance: Expr | 'this' | 'super'; owner: Pou }
  | { kind: 'action'; owner: Pou; action: ActionDecl; instance: Expr | 'this' };

/** Side tables filled by the checker, read by codegen. */
export interface Annotations {
  types: NodeTable<Type>;
  /** NameExpr / MemberExpr that denote a variable or an enum value */
  symbols: NodeTable<VarSymbol | EnumValueSymbol>;
  calls: Map<number, CallTarget>;
  /** the resolved argument order of a call: for each parameter of the callee, the argument (or none) */
  boundArgs: Map<number, BoundArgument[]>;
  /** constant values of expressions that were folded (array bounds, CASE labels) */
  constants: Map<number, ConstValue>;
  /** binary operators: the common type both operands are converted to before the operation */
  operandTypes: Map<number, Type>;
  /**
   * Variables of elementary type whose reference is taken (REF, ADR, REF=): the code generator
   * keeps them where a reference can reach them (never in a JS local), the others stay in locals.
   */
  addressTaken: Set<VarSymbol>;
}

export interface BoundArgument {
  param: VarSymbol | { name: string; type: Type; section: VarSectionName };
  value?: Expr;
  negated?: boolean;
}

export function newAnnotations(): Annotations {
  return { types: new NodeTable(), symbols: new NodeTable(), calls: new Map(), boundArgs: new Map(), constants: new Map(), operandTypes: new Map(), addressTaken: new Set() };
}

export type { CallExpr };
