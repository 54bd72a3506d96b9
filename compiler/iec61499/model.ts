import type { SourceRange } from '../source.js';

/**
 * The IEC 61499 model: FB types as 4diac declares them (.fbt, .adp, .dtp), and the flattened
 * network of each resource (.sys, .fboot) that the runtime executes. Plain data, so that it
 * travels inside an Application.
 */

export interface VarDeclaration {
  name: string;
  /** type name as written: 'INT', 'ANY_MAGNITUDE', a .dtp struct name */
  type: string;
  /** for ARRAY declarations (ArraySize="4" or "0..3") */
  arraySize?: string;
  initialValue?: string;
  /** marked RETAIN as the 4diac IDE writes it: <Attribute Name="Retain" Value="RETAIN"/> */
  retain?: boolean;
  range?: SourceRange;
}

export interface EventDeclaration {
  name: string;
  /** data variables sampled (inputs) or published (outputs) with this event */
  with: string[];
  range?: SourceRange;
}

export interface AdapterDeclaration {
  name: string;
  type: string;
  range?: SourceRange;
}

export interface InterfaceList {
  eventInputs: EventDeclaration[];
  eventOutputs: EventDeclaration[];
  inputVars: VarDeclaration[];
  outputVars: VarDeclaration[];
  inOutVars: VarDeclaration[];
  plugs: AdapterDeclaration[];
  sockets: AdapterDeclaration[];
}

export interface EccAction {
  algorithm?: string;
  /** event output, 'adp.CNF' for an adapter's event */
  output?: string;
}

export interface EccState {
  name: string;
  actions: EccAction[];
  range?: SourceRange;
}

export interface EccTransition {
  source: string;
  destination: string;
  /** the condition as written: 'REQ', 'REQ[x < 10]', 'x < 10', '1', 'EI&G' */
  condition: string;
  /** the event part ('adp.REQ' for adapters), absent for a pure guard */
  event?: string;
  /** the ST guard expression, absent when the transition needs only its event or is '1' */
  guard?: string;
  range?: SourceRange;
}

export interface Algorithm {
  name: string;
  /** ST text of the algorithm, as in the file */
  text: string;
  /** where the first character of `text` is in the .fbt (line and column, 1-based) */
  line: number;
  col: number;
  /** true when the text came from a Text="…" attribute (entity-decoded, positions approximate) */
  fromAttribute?: boolean;
}

export interface FbNetworkDeclaration {
  fbs: FbInstanceDeclaration[];
  eventConnections: ConnectionDeclaration[];
  dataConnections: ConnectionDeclaration[];
  adapterConnections: ConnectionDeclaration[];
}

export interface FbInstanceDeclaration {
  name: string;
  type: string;
  parameters: ParameterDeclaration[];
  /** <Attribute Name="Retain" Value="RETAIN"/> on the instance: its outputs and internal variables are retained */
  retain?: boolean;
  /** a subapplication declared inline (SubApp without a type): its own interface and network */
  inlineSubApp?: { interface: InterfaceList; network: FbNetworkDeclaration };
  range?: SourceRange;
}

export interface ParameterDeclaration {
  name: string;
  value: string;
  range?: SourceRange;
}

export interface ConnectionDeclaration {
  /** 'FB.PORT', or 'PORT' for the enclosing type's interface */
  source: string;
  destination: string;
  range?: SourceRange;
}

export type FbTypeKind = 'basic' | 'simple' | 'composite' | 'service' | 'subapp' | 'adapter';

export interface FbTypeDeclaration {
  name: string;
  kind: FbTypeKind;
  file: string;
  range?: SourceRange;
  interface: InterfaceList;
  internalVars: VarDeclaration[];
  states: EccState[];
  transitions: EccTransition[];
  algorithms: Algorithm[];
  network?: FbNetworkDeclaration;
  /** the 4diac package (`<CompilerInfo packageName="utils::timing"/>`): `utils::timing::F_NOW` names it */
  packageName?: string;
}

export interface DataTypeDeclaration {
  name: string;
  file: string;
  fields: VarDeclaration[];
  range?: SourceRange;
}

// ------------------------------------------------------------------ the executable network

/** How an FB instance is executed. */
export type FbImplementation =
  /** compiled from ST: module.pous[stType], ECC run by the dispatcher */
  | { kind: 'basic'; stType: string }
  /** a simple FB: each event input runs the algorithm of the same name, then its output */
  | { kind: 'simple'; stType: string }
  /** a TypeScript block from blocks/native */
  | { kind: 'native'; nativeType: string };

export interface FbInstance {
  /** dotted path inside the resource; composites flattened: 'Comp.inner' */
  name: string;
  /** the 4diac type name */
  type: string;
  /** the type's name after generic ports were bound to concrete types (F_ADD → F_ADD__INT) */
  concreteType: string;
  /** the instance, or a composite or subapplication it is inside of, is marked RETAIN */
  retain?: boolean;
  range?: SourceRange;
}

export interface PortRef {
  fb: string;
  port: string;
}

export interface Connection {
  source: PortRef;
  destination: PortRef;
  range?: SourceRange;
  /**
   * A data connection between two types (UINT to REAL, DINT to LINT): JavaScript converting
   * the source's value, written '§', to the destination's representation; absent when copied as is
   */
  convert?: string;
}

/** A parameter value as IEC literal text, applied on creation and on COLD start. */
export interface Parameter {
  fb: string;
  port: string;
  value: string;
  range?: SourceRange;
}

/** An adapter connection: the plug and the socket share one adapter data object. */
export interface AdapterConnection {
  plug: PortRef;
  socket: PortRef;
  range?: SourceRange;
}

export interface ResourceNetwork {
  /** device name for .sys resources, absent for .fboot */
  device?: string;
  name: string;
  type: string;
  fbs: FbInstance[];
  eventConnections: Connection[];
  dataConnections: Connection[];
  adapterConnections: AdapterConnection[];
  parameters: Parameter[];
}

/** The concrete type of an FB instance as the runtime sees it. */
export interface RuntimeFbType {
  name: string;
  /** the 4diac type it came from */
  baseType: string;
  implementation: FbImplementation;
  interface: InterfaceList;
  internalVars: VarDeclaration[];
  states: EccState[];
  transitions: EccTransition[];
  /** for each transition with a guard: the BOOL METHOD of the ST type that evaluates it */
  guardMethods: (string | undefined)[];
  /**
   * event inputs and outputs as the dispatcher numbers them: the interface's own, then each
   * adapter's ('adp.REQ'): a plug receives its adapter type's event inputs and sends its
   * outputs; a socket the other way round
   */
  events: { inputs: EventDeclaration[]; outputs: EventDeclaration[] };
  /** names of the algorithms (methods ALG_<name> of the ST type) */
  algorithms: string[];
  /** adapter declarations resolved to their adapter type's interface */
  adapters: { name: string; type: string; plug: boolean; interface: InterfaceList }[];
}

export interface Iec61499Model {
  kind: 'iec61499';
  /** which file the application came from: .sys keys vars Device.Resource.FB.Var, .fboot Resource.FB.Var */
  origin: 'sys' | 'fboot';
  types: Record<string, RuntimeFbType>;
  dataTypes: Record<string, DataTypeDeclaration>;
  resources: ResourceNetwork[];
}
