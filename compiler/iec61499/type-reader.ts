import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import type { SourceFile } from '../source.js';
import type {
  AdapterDeclaration, Algorithm, ConnectionDeclaration, DataTypeDeclaration, EccState, EccTransition,
  EventDeclaration, FbInstanceDeclaration, FbNetworkDeclaration, FbTypeDeclaration, InterfaceList, VarDeclaration,
} from './model.js';
import { child, children, elementRange, parseXml, type XmlElement } from './xml.js';
import { splitCondition } from './condition.js';
import { functionAlgorithm } from './function-body.js';

/** What one 4diac library file declares. */
export type LibraryElement =
  | { kind: 'fb'; decl: FbTypeDeclaration }
  | { kind: 'data'; decl: DataTypeDeclaration };

export function emptyInterface(): InterfaceList {
  return { eventInputs: [], eventOutputs: [], inputVars: [], outputVars: [], inOutVars: [], plugs: [], sockets: [] };
}

/** Reads 4diac XML elements into declarations, collecting diagnostics. */
export class TypeReader {
  constructor(readonly file: SourceFile, readonly diagnostics: Diagnostic[]) {}

  range(el: XmlElement) {
    return elementRange(this.file, el);
  }

  attr(el: XmlElement, name: string): string {
    const v = el.attrs[name];
    if (v === undefined) {
      this.diagnostics.push(diagnostic('E4010', `<${el.name}> has no ${name} attribute`, this.range(el)));
      return '';
    }
    return v;
  }

  vars(list: XmlElement | undefined): VarDeclaration[] {
    return children(list, 'VarDeclaration').map((v) => {
      const d: VarDeclaration = { name: this.attr(v, 'Name'), type: this.attr(v, 'Type'), range: this.range(v) };
      if (v.attrs.ArraySize) d.arraySize = v.attrs.ArraySize;
      if (v.attrs.InitialValue !== undefined && v.attrs.InitialValue.trim() !== '') d.initialValue = v.attrs.InitialValue.trim();
      if (retainMarked(v)) d.retain = true;
      return d;
    });
  }

  events(list: XmlElement | undefined): EventDeclaration[] {
    // a subapplication's interface lists <SubAppEvent>s
    return [...children(list, 'Event'), ...children(list, 'SubAppEvent')].map((e) => ({
      name: this.attr(e, 'Name'),
      with: children(e, 'With').map((w) => this.attr(w, 'Var')),
      range: this.range(e),
    }));
  }

  adapters(list: XmlElement | undefined): AdapterDeclaration[] {
    return children(list, 'AdapterDeclaration').map((a) => ({ name: this.attr(a, 'Name'), type: this.attr(a, 'Type'), range: this.range(a) }));
  }

  /** InterfaceList of FB/adapter types, SubAppInterfaceList of subapplications. */
  interfaceList(el: XmlElement | undefined): InterfaceList {
    const i = emptyInterface();
    if (!el) return i;
    const sub = el.name === 'SubAppInterfaceList';
    i.eventInputs = this.events(child(el, sub ? 'SubAppEventInputs' : 'EventInputs'));
    i.eventOutputs = this.events(child(el, sub ? 'SubAppEventOutputs' : 'EventOutputs'));
    i.inputVars = this.vars(child(el, 'InputVars'));
    i.outputVars = this.vars(child(el, 'OutputVars'));
    i.inOutVars = this.vars(child(el, 'InOutVars'));
    i.plugs = this.adapters(child(el, 'Plugs'));
    i.sockets = this.adapters(child(el, 'Sockets'));
    return i;
  }

  algorithm(el: XmlElement): Algorithm | undefined {
    const name = this.attr(el, 'Name');
    const st = child(el, 'ST');
    if (!st) {
      this.diagnostics.push(diagnostic('E4013', `algorithm ${name} is not written in ST`, this.range(el)));
      return undefined;
    }
    if (st.attrs.Text !== undefined) {
      const p = this.file.position(st.offset);
      return { name, text: st.attrs.Text, line: p.line, col: p.col, fromAttribute: true };
    }
    const off = st.cdataOffset ?? st.offset;
    const p = this.file.position(off);
    return { name, text: st.text, line: p.line, col: p.col };
  }

  network(el: XmlElement | undefined): FbNetworkDeclaration {
    const net: FbNetworkDeclaration = { fbs: [], eventConnections: [], dataConnections: [], adapterConnections: [] };
    if (!el) return net;
    for (const fb of el.children) {
      if (fb.name !== 'FB' && fb.name !== 'SubApp') continue;
      const inst: FbInstanceDeclaration = {
        name: this.attr(fb, 'Name'),
        type: fb.attrs.Type ?? '',
        parameters: children(fb, 'Parameter').map((p) => ({ name: this.attr(p, 'Name'), value: this.attr(p, 'Value'), range: this.range(p) })),
        range: this.range(fb),
      };
      if (retainMarked(fb)) inst.retain = true;
      if (fb.name === 'FB' && !fb.attrs.Type) this.attr(fb, 'Type');
      if (fb.name === 'SubApp' && !fb.attrs.Type) {
        inst.inlineSubApp = {
          interface: this.interfaceList(child(fb, 'SubAppInterfaceList')),
          network: this.network(child(fb, 'SubAppNetwork')),
        };
      }
      net.fbs.push(inst);
    }
    const conns = (name: string): ConnectionDeclaration[] =>
      children(child(el, name), 'Connection').map((c) => ({ source: this.attr(c, 'Source'), destination: this.attr(c, 'Destination'), range: this.range(c) }));
    net.eventConnections = conns('EventConnections');
    net.dataConnections = conns('DataConnections');
    net.adapterConnections = conns('AdapterConnections');
    return net;
  }

  /** A type declared by `root`, without body yet (no variables, ECC or algorithms), in its package if any. */
  private declaration(root: XmlElement, name: string, kind: FbTypeDeclaration['kind'], iface: FbTypeDeclaration['interface']): FbTypeDeclaration {
    const decl: FbTypeDeclaration = {
      name,
      kind,
      file: this.file.path,
      range: this.range(root),
      interface: iface,
      internalVars: [],
      states: [],
      transitions: [],
      algorithms: [],
    };
    const pkg = packageOf(root);
    if (pkg) decl.packageName = pkg;
    return decl;
  }

  fbType(root: XmlElement): FbTypeDeclaration {
    const isSub = root.name === 'SubAppType';
    const iface = this.interfaceList(child(root, isSub ? 'SubAppInterfaceList' : 'InterfaceList'));
    const decl = this.declaration(root, this.attr(root, 'Name'), 'service', iface);
    if (root.name === 'AdapterType') {
      decl.kind = 'adapter';
      return decl;
    }
    const basic = child(root, 'BasicFB');
    const simple = child(root, 'SimpleFB');
    const network = child(root, isSub ? 'SubAppNetwork' : 'FBNetwork');
    if (basic || simple) {
      const body = (basic ?? simple)!;
      decl.kind = basic ? 'basic' : 'simple';
      decl.internalVars = this.vars(child(body, 'InternalVars'));
      decl.algorithms = children(body, 'Algorithm').map((a) => this.algorithm(a)).filter((a): a is Algorithm => !!a);
      if (basic) this.ecc(decl, child(basic, 'ECC'));
    } else if (network || isSub) {
      decl.kind = isSub ? 'subapp' : 'composite';
      decl.network = this.network(network);
    } else {
      // a service FB of vPLC's library may list the internal variables its native class keeps
      // (TEST_CONDITION's verdict counts), so that snapshots and watches show them
      decl.internalVars = this.vars(child(root, 'InternalVars'));
    }
    return decl;
  }

  /**
   * A 4diac function (`.fct`, root `<Function>`): served as FORTE serves it, a simple FB whose
   * REQ runs the ST body and whose CNF publishes the result on the output pin without a name.
   */
  functionType(root: XmlElement): FbTypeDeclaration {
    const name = this.attr(root, 'Name');
    const decl = this.declaration(root, name, 'simple', this.interfaceList(child(root, 'InterfaceList')));
    const body = child(root, 'FunctionBody');
    const st = body && child(body, 'ST');
    if (!st) {
      this.diagnostics.push(diagnostic('E4013', `function ${name} has no ST body (<FunctionBody><ST>)`, this.range(root)));
      return decl;
    }
    const off = st.cdataOffset ?? st.offset;
    const p = this.file.position(off);
    const alg = functionAlgorithm(name, st.text, p.line, p.col);
    if (alg.ok) decl.algorithms = [alg.algorithm];
    else {
      const at = this.file.position(off + alg.offset);
      this.diagnostics.push(diagnostic('E4013', alg.message, { file: this.file.path, line: at.line, col: at.col, endLine: at.line, endCol: at.col }));
    }
    return decl;
  }

  ecc(decl: FbTypeDeclaration, ecc: XmlElement | undefined): void {
    if (!ecc) return;
    decl.states = children(ecc, 'ECState').map((s): EccState => ({
      name: this.attr(s, 'Name'),
      actions: children(s, 'ECAction').map((a) => {
        const action: { algorithm?: string; output?: string } = {};
        if (a.attrs.Algorithm) action.algorithm = a.attrs.Algorithm;
        if (a.attrs.Output) action.output = a.attrs.Output;
        return action;
      }),
      range: this.range(s),
    }));
    const eventNames = new Set<string>(decl.interface.eventInputs.map((e) => e.name));
    // an adapter's events as the FB sees them; their direction is checked when the adapter type is known
    for (const a of [...decl.interface.plugs, ...decl.interface.sockets]) eventNames.add(`${a.name}.*`);
    decl.transitions = children(ecc, 'ECTransition').map((t): EccTransition => {
      const condition = this.attr(t, 'Condition');
      const tr: EccTransition = { source: this.attr(t, 'Source'), destination: this.attr(t, 'Destination'), condition, range: this.range(t) };
      const split = splitCondition(condition, (n) => eventNames.has(n) || eventNames.has(`${n.split('.')[0]}.*`) && n.includes('.'));
      if (split.event !== undefined) tr.event = split.event;
      if (split.guard !== undefined) tr.guard = split.guard;
      return tr;
    });
  }

  dataType(root: XmlElement): DataTypeDeclaration {
    const st = child(root, 'StructuredType');
    if (!st) {
      this.diagnostics.push(diagnostic('E4013', `data type ${root.attrs.Name ?? ''}: only structured types are supported`, this.range(root)));
    }
    return { name: this.attr(root, 'Name'), file: this.file.path, fields: this.vars(st), range: this.range(root) };
  }
}

/**
 * The constants of a 4diac global constants file (`.gcf`, `<GlobalConstants>`), which
 * functions of the same library use by name (FORTE's quarterconst: SHIFT_QUARTER_07…).
 */
export function readGlobalConstants(path: string, text: string, diagnostics: Diagnostic[]): VarDeclaration[] {
  const x = parseXml(path, text);
  if (!x.ok) {
    diagnostics.push(diagnostic('E4001', x.message, { file: path, line: x.line, col: x.col, endLine: x.line, endCol: x.col }));
    return [];
  }
  if (x.root.name !== 'GlobalConstants') return [];
  return new TypeReader(x.file, diagnostics).vars(child(x.root, 'GlobalConstants'));
}

/** The package a type declares (`<CompilerInfo packageName="utils::timing"/>`), if any. */
function packageOf(root: XmlElement): string | undefined {
  const pkg = child(root, 'CompilerInfo')?.attrs.packageName?.trim();
  return pkg ? pkg : undefined;
}

/** Read one .fbt/.adp/.sub/.fct/.dtp file. */
export function readLibraryFile(path: string, text: string, diagnostics: Diagnostic[]): LibraryElement | undefined {
  const x = parseXml(path, text);
  if (!x.ok) {
    diagnostics.push(diagnostic('E4001', x.message, { file: path, line: x.line, col: x.col, endLine: x.line, endCol: x.col }));
    return undefined;
  }
  const r = new TypeReader(x.file, diagnostics);
  switch (x.root.name) {
    case 'FBType':
    case 'AdapterType':
    case 'SubAppType':
      return { kind: 'fb', decl: r.fbType(x.root) };
    case 'Function':
      return { kind: 'fb', decl: r.functionType(x.root) };
    case 'DataType':
      return { kind: 'data', decl: r.dataType(x.root) };
    default:
      diagnostics.push(diagnostic('E4002', `<${x.root.name}> is not a 4diac type (FBType, AdapterType, SubAppType, Function or DataType)`, r.range(x.root)));
      return undefined;
  }
}

/**
 * The 4diac IDE's RETAIN mark (its RetainTag, saved as an attribute of the declaration):
 * `<Attribute Name="Retain" Type="…" Value="RETAIN"/>`; NON_RETAIN or no attribute: not retained.
 */
export function retainMarked(el: XmlElement): boolean {
  return children(el, 'Attribute').some((a) => (a.attrs.Name ?? '').toUpperCase() === 'RETAIN' && (a.attrs.Value ?? '').trim().toUpperCase() === 'RETAIN');
}
