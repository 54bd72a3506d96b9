import type { Iec61499Model } from './iec61499/model.js';

/**
 * The Application: what the compiler hands to the runtime. Plain data (JSON-serialisable),
 * so that it can be posted to a worker thread, written to disk and loaded again.
 *
 * `code` is one JavaScript module body produced by codegen. The runtime evaluates it as
 * `new Function('rt', code)(rt)`; it returns a `GeneratedModule` (see below).
 */

/** Type of a variable, as the runtime needs it to report, browse and bind values. */
export type TypeInfo =
  | { kind: 'elementary'; name: ElementaryTypeName }
  | { kind: 'string'; wide: boolean; length: number }
  | { kind: 'array'; dims: { lo: number; hi: number }[]; element: TypeInfo }
  | { kind: 'struct'; name: string; fields: VarInfo[] }
  | { kind: 'enum'; name: string; values: { name: string; value: number }[]; base: ElementaryTypeName }
  | { kind: 'fb'; name: string }
  | { kind: 'ref'; target: TypeInfo };

export type ElementaryTypeName =
  | 'BOOL' | 'SINT' | 'INT' | 'DINT' | 'LINT' | 'USINT' | 'UINT' | 'UDINT' | 'ULINT'
  | 'REAL' | 'LREAL' | 'BYTE' | 'WORD' | 'DWORD' | 'LWORD'
  | 'TIME' | 'LTIME' | 'DATE' | 'LDATE' | 'TOD' | 'LTOD' | 'DT' | 'LDT' | 'CHAR' | 'WCHAR';

export type VarSectionName =
  | 'VAR' | 'VAR_INPUT' | 'VAR_OUTPUT' | 'VAR_IN_OUT' | 'VAR_TEMP' | 'VAR_GLOBAL' | 'VAR_EXTERNAL';

export interface VarInfo {
  /** the name as declared */
  name: string;
  /** the JavaScript property that holds it on the instance object */
  prop: string;
  section: VarSectionName;
  type: TypeInfo;
  constant?: boolean;
  retain?: 'RETAIN' | 'PERSISTENT';
  location?: string;
}

/** A PROGRAM or FUNCTION_BLOCK type: its variables, for reporting and browsing. */
export interface PouTypeInfo {
  name: string;
  kind: 'program' | 'functionBlock';
  vars: VarInfo[];
  /** for EXTENDS: the base FB type's name; its variables are included in `vars` too */
  extends?: string;
}

export interface TaskModel {
  name: string;
  /** cyclic interval in nanoseconds; 0 for a task that runs only on its SINGLE trigger */
  intervalNs: number;
  /** 0 is the highest */
  priority: number;
  /** path of the BOOL whose rising edge releases the task (`SINGLE := trigger`) */
  single?: string;
  /** watchdog in nanoseconds; absent: 10 × interval */
  watchdogNs?: number;
}

export interface ProgramInstanceModel {
  name: string;
  typeName: string;
  task: string;
}

/** A located variable: where its value lives in the process image. */
export interface LocatedVariable {
  /** '%IX0.3', '%QW2', '%MD10' */
  address: string;
  /** dotted path from the resource: 'Main.start', 'gLevel' */
  path: string;
  type: ElementaryTypeName;
}

export interface ResourceModel {
  name: string;
  tasks: TaskModel[];
  /** in declaration order, which is execution order within a task */
  programs: ProgramInstanceModel[];
  /** resource- and configuration-level globals visible to the programs */
  globals: VarInfo[];
  located: LocatedVariable[];
  /** the configuration's VAR_ACCESS paths to this resource's variables */
  access?: AccessPathInfo[];
}

/** A variable named for the outside by VAR_ACCESS (IEC 61131-3 6.8.2). */
export interface AccessPathInfo {
  /** the access name: 'Speed' */
  name: string;
  /** the variable's dotted path from its resource: 'Line1.speed', 'gLevel' */
  path: string;
  type: TypeInfo;
  /** READ_ONLY: the outside may read it, not write it */
  readOnly: boolean;
}

export interface Application {
  /** the configuration's name, or the first program's for a lone PROGRAM */
  name: string;
  resources: ResourceModel[];
  pouTypes: Record<string, PouTypeInfo>;
  /** generated JavaScript; see GeneratedModule */
  code: string;
  /** the source files it was built from */
  sources: string[];
  /** places generated code can fault or loop: [POU, file, line] (see RuntimeSupport.trace) */
  sites?: [string, string, number][];
  /** present when the application was built from IEC 61499 files */
  iec61499?: Iec61499Model;
}

// ------------------------------------------------------------ the generated module's shape

/**
 * What `new Function('rt', app.code)(rt)` returns. The runtime depends on this shape only.
 */
export interface GeneratedModule {
  /** POU classes by upper-case name (programs and FBs), for instantiation by other front ends */
  pous: Record<string, new () => object>;
  /** one factory per resource, by resource name as in ResourceModel */
  resources: Record<string, () => GeneratedResource>;
}

export interface GeneratedResource {
  /** globals object (properties as in ResourceModel.globals[].prop) */
  globals: Record<string, unknown>;
  /** program instances by instance name */
  programs: Record<string, object>;
  /** one function per task, in ResourceModel.tasks order: runs that task's programs in order */
  tasks: (() => void)[];
  /**
   * At the start of a scan: copy every located variable (%I, %Q and %M) from the image into
   * the variables, so that values written from outside (an HMI writing a coil) are seen.
   */
  readImage(image: ImageView): void;
  /** At the end of a scan: copy located outputs (%Q) and memory (%M) from the variables into the image. */
  writeImage(image: ImageView): void;
}

/**
 * The process image as generated code sees it: typed views, one per area and width.
 * Addresses follow OpenPLC: bit tables (%IX/%QX/%MX, byte b bit i = bit 8b+i, %IB/%QB/%MB the bytes),
 * word tables (%IW/%QW/%MW), %ID/%QD as two consecutive words of the word table (low word first),
 * %MD its own double-word table, %ML its own long-word table.
 */
export interface ImageView {
  inputBits: Uint8Array;
  outputBits: Uint8Array;
  memoryBits: Uint8Array;
  inputWords: Uint16Array;
  outputWords: Uint16Array;
  memoryWords: Uint16Array;
  memoryDwords: Uint32Array;
  memoryLwords: BigUint64Array;
}

/** What generated code calls back into. Implemented by runtime/support.ts. */
export interface RuntimeSupport {
  /** the current task time in nanoseconds (the clock sampled at the release of the running task) */
  now(): number;
  /**
   * The same, as a property: what generated code reads (TASK_TIME()). A call V8 does not
   * inline returns a time past 2^31 ns as a boxed number, an allocation per read.
   */
  readonly timeNs: number;
  /** raise a runtime fault; never returns */
  fault(kind: FaultKind, pou: string, file: string, line: number, detail?: string): never;
  /**
   * Where the running code is, for the watchdog (shared with the main thread, which cannot
   * ask a stuck worker): [0] = 1 + index into Application.sites of the innermost loop being
   * executed (0: none), [1] = 1 + index into ResourceModel.programs of the running program.
   */
  trace?: Int32Array<ArrayBufferLike>;
}

export type FaultKind = 'DIVISION_BY_ZERO' | 'INDEX_OUT_OF_RANGE' | 'WATCHDOG' | 'NULL_REFERENCE' | 'DANGLING_REFERENCE' | 'SUBRANGE' | 'INTERNAL';
