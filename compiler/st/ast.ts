/**
 * The abstract syntax tree of IEC 61131-3 Structured Text (3rd edition).
 *
 * The tree holds what was written, nothing derived: types, symbols and constant values live
 * in side tables keyed by `Node.id` (see compiler/semantics). Names keep the spelling the
 * user wrote; comparisons are case-insensitive (use `key()`).
 */
import type { SourceRange } from '../source.js';

export interface Node {
  /** unique within one compilation, for side tables */
  id: number;
  range: SourceRange;
}

/** The case-insensitive identity of an ST name. */
export function key(name: string): string {
  return name.toUpperCase();
}

// ---------------------------------------------------------------- literals

export type LiteralValue =
  /** integers of every width, exact: 16#FF, 2#1010, 8#17, 1_000, INT#-5, UDINT#16#FFFF_FFFF */
  | { type: 'int'; value: bigint; typeName?: string }
  /** 1.5, 1.0E-3, REAL#1, LREAL#2.5 */
  | { type: 'real'; value: number; typeName?: string }
  /** TRUE, FALSE, BOOL#1 */
  | { type: 'bool'; value: boolean; typeName?: string }
  /** T#1h2m3s4ms, TIME#-1.5s, LTIME#5us, T#1d: nanoseconds */
  | { type: 'time'; ns: number; long: boolean }
  /** D#2024-01-31, DATE#…, LDATE#…: milliseconds since 1970-01-01 UTC */
  | { type: 'date'; ms: number; long: boolean }
  /** TOD#12:30:15.5, TIME_OF_DAY#…, LTOD#…: nanoseconds since midnight */
  | { type: 'tod'; ns: number; long: boolean }
  /** DT#2024-01-31-12:30:15.5, DATE_AND_TIME#…, LDT#…: milliseconds since 1970-01-01 UTC (fraction allowed) */
  | { type: 'dt'; ms: number; long: boolean }
  /** 'abc' (STRING) and "abc" (WSTRING), $-escapes already decoded; STRING#'x' too */
  | { type: 'string'; value: string; wide: boolean };

// ---------------------------------------------------------------- expressions

export type BinaryOp =
  | 'OR' | 'XOR' | 'AND' // '&' is read as AND
  | '=' | '<>' | '<' | '>' | '<=' | '>='
  | '+' | '-' | '*' | '/' | 'MOD' | '**';

/**
 * A binary operator as written: CODESYS's AND_THEN and OR_ELSE read as AND and OR nodes marked
 * `shortCircuit` (BOOL AND and OR evaluate their second operand only when it decides the
 * result already; the mark makes the type check refuse other operands).
 */
export type WrittenOp = BinaryOp | 'AND_THEN' | 'OR_ELSE';

/** The node's operator and mark of an operator as written. */
export function binaryNodeOp(op: WrittenOp): { op: BinaryOp; shortCircuit?: true } {
  return op === 'AND_THEN' ? { op: 'AND', shortCircuit: true } : op === 'OR_ELSE' ? { op: 'OR', shortCircuit: true } : { op };
}

/** How a binary node's operator was written (its mark undone). */
export function writtenOp(e: BinaryExpr): WrittenOp {
  return !e.shortCircuit ? e.op : e.op === 'AND' ? 'AND_THEN' : 'OR_ELSE';
}

/** Binding strength of the binary operators, weakest first (IEC 61131-3 table 71; unary operators bind tighter than all of them). */
export const PRECEDENCE: Readonly<Record<WrittenOp, number>> = {
  OR: 1, OR_ELSE: 1, XOR: 2, AND: 3, AND_THEN: 3,
  '=': 4, '<>': 4,
  '<': 5, '>': 5, '<=': 5, '>=': 5,
  '+': 6, '-': 6,
  '*': 7, '/': 7, MOD: 7,
  '**': 9,
};

export type UnaryOp = '-' | '+' | 'NOT';

export type Expr =
  | LiteralExpr
  | NameExpr
  | MemberExpr
  | BitAccessExpr
  | IndexExpr
  | DerefExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | EnumValueExpr
  | ThisExpr
  | SuperExpr;

export interface LiteralExpr extends Node { kind: 'literal'; value: LiteralValue }
/** A bare identifier: a variable, an enum value without its type, a POU name. */
export interface NameExpr extends Node { kind: 'name'; name: string }
/** `a.b` */
export interface MemberExpr extends Node { kind: 'member'; object: Expr; member: string }
/** `w.3` or `w.%X3`: one bit of a bit string or integer */
export interface BitAccessExpr extends Node { kind: 'bit'; object: Expr; bit: number }
/** `a[i, j]` */
export interface IndexExpr extends Node { kind: 'index'; object: Expr; indices: Expr[] }
/** `p^` */
export interface DerefExpr extends Node { kind: 'deref'; object: Expr }
/**
 * `f(1, 2)`, `f(IN1 := a, IN2 := b)`, `fb(IN := x, Q => y)`, `obj.method(a)`, `THIS^.m()`.
 * The callee is any expression; the checker decides what it denotes.
 */
export interface CallExpr extends Node { kind: 'call'; callee: Expr; args: Argument[] }
export interface UnaryExpr extends Node { kind: 'unary'; op: UnaryOp; operand: Expr }
export interface BinaryExpr extends Node {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  /** written AND_THEN or OR_ELSE */
  shortCircuit?: true;
}
/** `Color#Red` (the type is not an elementary type name) */
export interface EnumValueExpr extends Node { kind: 'enumValue'; typeName: string; value: string }
export interface ThisExpr extends Node { kind: 'this' }
export interface SuperExpr extends Node { kind: 'super' }

export interface Argument extends Node {
  /** formal parameter name, absent for positional arguments */
  name?: string;
  /** `name => var` binds an output */
  output: boolean;
  /** `NOT name => var` (negated output binding) */
  negated: boolean;
  /** the value (for inputs) or the variable receiving the output; absent for `Q =>` with nothing after */
  value?: Expr;
}

// ---------------------------------------------------------------- statements

export type Stmt =
  | LabelStmt
  | JmpStmt
  | AssignStmt
  | CallStmt
  | IfStmt
  | CaseStmt
  | ForStmt
  | WhileStmt
  | RepeatStmt
  | ExitStmt
  | ContinueStmt
  | ReturnStmt
  | EmptyStmt;

/** `target := value`; `target S= value` / `R= value` set or reset a BOOL; `REF=` assigns a reference */
export interface AssignStmt extends Node { kind: 'assign'; op: ':=' | 'S=' | 'R=' | 'REF='; target: Expr; value: Expr }
/** a call used as a statement: FB call, function call, method call, action call */
export interface CallStmt extends Node { kind: 'callStmt'; call: CallExpr }
export interface IfStmt extends Node { kind: 'if'; branches: { cond: Expr; body: Stmt[] }[]; elseBody?: Stmt[] }
export type CaseLabel =
  | { kind: 'value'; expr: Expr }
  | { kind: 'range'; lo: Expr; hi: Expr };
export interface CaseStmt extends Node {
  kind: 'case';
  selector: Expr;
  cases: { labels: CaseLabel[]; body: Stmt[]; range: import('../source.js').SourceRange }[];
  elseBody?: Stmt[];
}
export interface ForStmt extends Node { kind: 'for'; variable: NameExpr; from: Expr; to: Expr; by?: Expr; body: Stmt[] }
export interface WhileStmt extends Node { kind: 'while'; cond: Expr; body: Stmt[] }
export interface RepeatStmt extends Node { kind: 'repeat'; body: Stmt[]; until: Expr }
export interface ExitStmt extends Node { kind: 'exit' }
export interface ContinueStmt extends Node { kind: 'continue' }
export interface ReturnStmt extends Node { kind: 'return' }
/** `name:` before a statement of the body, the target of JMP name */
export interface LabelStmt extends Node { kind: 'label'; name: string }
export interface JmpStmt extends Node { kind: 'jmp'; label: string }
/** a lone `;` */
export interface EmptyStmt extends Node { kind: 'empty' }

// ---------------------------------------------------------------- types as written

export type TypeRef =
  | NamedTypeRef
  | StringTypeRef
  | ArrayTypeRef
  | SubrangeTypeRef
  | EnumTypeRef
  | StructTypeRef
  | RefTypeRef;

/** INT, MyStruct, TON, Color, ANY_NUM … */
export interface NamedTypeRef extends Node { kind: 'named'; name: string }
/** STRING, STRING[20], STRING(20), WSTRING[10] */
export interface StringTypeRef extends Node { kind: 'string'; wide: boolean; length?: Expr }
/** ARRAY[1..10, -2..2] OF INT; ARRAY[*] OF INT (only in VAR_IN_OUT) has lo/hi absent */
export interface ArrayTypeRef extends Node { kind: 'array'; dims: { lo?: Expr; hi?: Expr }[]; element: TypeRef }
/** INT(0..100) */
export interface SubrangeTypeRef extends Node { kind: 'subrange'; base: string; lo: Expr; hi: Expr }
/** (Red, Green, Blue) or (Idle := 0, Run := 10) or INT (A := 1, B := 2) */
export interface EnumTypeRef extends Node { kind: 'enum'; base?: string; values: { name: string; value?: Expr; range: import('../source.js').SourceRange }[] }
/** STRUCT … END_STRUCT, only as the type of a TYPE declaration; EXTENDS for ed.3 struct inheritance */
export interface StructTypeRef extends Node { kind: 'struct'; extends?: string; members: VarDecl[] }
/** REF_TO T, POINTER TO T */
export interface RefTypeRef extends Node { kind: 'ref'; target: TypeRef }

export type Initializer =
  | { kind: 'expr'; expr: Expr; range: import('../source.js').SourceRange }
  /** [1, 2, 3(0), 5(TRUE)]: count(value) repeats, count() repeats the default */
  | { kind: 'array'; elements: { count?: Expr; value?: Initializer }[]; range: import('../source.js').SourceRange }
  /** (x := 1, y := (a := 2)) */
  | { kind: 'struct'; fields: { name: string; value: Initializer; range: import('../source.js').SourceRange }[]; range: import('../source.js').SourceRange };

// ---------------------------------------------------------------- declarations

/** One declared variable. `a, b : INT;` yields two VarDecls that share the TypeRef. */
export interface VarDecl extends Node {
  name: string;
  /** range of the name alone */
  nameRange: SourceRange;
  type: TypeRef;
  init?: Initializer;
  /** `AT %IX0.0` → '%IX0.0'; `AT %I*` → '%I*' */
  location?: string;
  /** `BOOL R_EDGE` / `BOOL F_EDGE` inputs: the body sees TRUE only on that edge */
  edge?: 'R_EDGE' | 'F_EDGE';
}

export type VarSectionKind =
  | 'VAR' | 'VAR_INPUT' | 'VAR_OUTPUT' | 'VAR_IN_OUT' | 'VAR_TEMP'
  | 'VAR_GLOBAL' | 'VAR_EXTERNAL' | 'VAR_INST' | 'VAR_STAT';

export interface VarSection extends Node {
  section: VarSectionKind;
  constant: boolean;
  retain: 'RETAIN' | 'NON_RETAIN' | 'PERSISTENT' | undefined;
  decls: VarDecl[];
}

export type AccessSpecifier = 'PUBLIC' | 'PRIVATE' | 'PROTECTED' | 'INTERNAL';

export interface MethodDecl extends Node {
  name: string;
  access?: AccessSpecifier;
  abstract: boolean;
  final: boolean;
  override: boolean;
  returnType?: TypeRef;
  varSections: VarSection[];
  body: Stmt[];
}

/** ACTION name: statements END_ACTION (inside a PROGRAM or FUNCTION_BLOCK) */
export interface ActionDecl extends Node { name: string; body: Stmt[] }

export interface ProgramDecl extends Node {
  kind: 'program';
  name: string;
  varSections: VarSection[];
  body: Stmt[];
  actions: ActionDecl[];
}

export interface FunctionBlockDecl extends Node {
  kind: 'functionBlock';
  name: string;
  abstract: boolean;
  final: boolean;
  extends?: string;
  implements: string[];
  varSections: VarSection[];
  methods: MethodDecl[];
  actions: ActionDecl[];
  body: Stmt[];
}

export interface FunctionDecl extends Node {
  kind: 'function';
  name: string;
  /** absent: a function with no result (ed.3 allows it) */
  returnType?: TypeRef;
  varSections: VarSection[];
  body: Stmt[];
}

export interface InterfaceDecl extends Node {
  kind: 'interface';
  name: string;
  extends: string[];
  /** methods with empty bodies */
  methods: MethodDecl[];
}

export type PouDecl = ProgramDecl | FunctionBlockDecl | FunctionDecl | InterfaceDecl;

/** One entry of a TYPE … END_TYPE block (a block with several entries yields several TypeDecls). */
export interface TypeDecl extends Node {
  kind: 'type';
  name: string;
  type: TypeRef;
  /** default value of the type: `TYPE Level : INT := 5; END_TYPE`, `TYPE Color : (Red, Green) := Green; END_TYPE` */
  init?: Initializer;
}

export interface TaskDecl extends Node {
  name: string;
  /** INTERVAL := T#10ms (a constant or a global) */
  interval?: Expr;
  /** PRIORITY := 1 (0 is the highest) */
  priority?: Expr;
  /** SINGLE := trigger (a BOOL variable: the task runs on its rising edge) */
  single?: Expr;
}

/** PROGRAM inst WITH task : Type (IN := g, OUT => h); */
export interface ProgramConfig extends Node {
  name: string;
  task?: string;
  typeName: string;
  retain: 'RETAIN' | 'NON_RETAIN' | undefined;
  args: Argument[];
}

export interface ResourceDecl extends Node {
  name: string;
  /** ON processor type, recorded only */
  on?: string;
  globals: VarSection[];
  tasks: TaskDecl[];
  programs: ProgramConfig[];
}

/**
 * CONFIGURATION … END_CONFIGURATION. A configuration written without RESOURCE (tasks and
 * programs directly inside it) yields one resource with `implicit: true` named after the configuration.
 */
export interface ConfigurationDecl extends Node {
  kind: 'configuration';
  name: string;
  globals: VarSection[];
  resources: (ResourceDecl & { implicit?: boolean })[];
  /** VAR_CONFIG: initial values and addresses of variables of program instances */
  instanceInits: InstanceInit[];
  /** VAR_ACCESS: access paths */
  accessPaths: AccessPath[];
}

/** `Res.Prog.fb.var AT %QX1.0 : BOOL := TRUE;` in VAR_CONFIG (IEC 61131-3 6.8.2, instance-specific initialisation) */
export interface InstanceInit extends Node {
  /** resource, program instance, FB instances…, variable */
  path: string[];
  location?: string;
  type: TypeRef;
  init?: Initializer;
}

/** `name : Res.Prog.var : INT READ_WRITE;` in VAR_ACCESS (6.8.2, access paths) */
export interface AccessPath extends Node {
  name: string;
  /** [resource.] global, or [resource.] program instance . variable (. member…) */
  path: string[];
  type: TypeRef;
  /** READ_ONLY when not written */
  direction: 'READ_ONLY' | 'READ_WRITE';
  /** the direction as written, when it is neither */
  badDirection?: string;
}

/** Everything one source file declares. */
export interface CompilationUnit {
  file: string;
  pous: PouDecl[];
  types: TypeDecl[];
  configurations: ConfigurationDecl[];
  /** VAR_GLOBAL … END_VAR at file level (a global variable list) */
  globals: VarSection[];
  /** VAR_CONFIG … END_VAR at file level (CODESYS's variable configuration) */
  instanceInits?: InstanceInit[];
}

/** Hands out node ids, unique within one compilation (shared by all files of a project). */
export class IdAllocator {
  private last = 0;
  next(): number {
    return ++this.last;
  }
  /** The last id handed out, to come back to with `rewind` (a parse that gave up hands its ids out again). */
  mark(): number {
    return this.last;
  }
  rewind(last: number): void {
    this.last = last;
  }
}
