import type { EventDeclaration, FbTypeDeclaration } from './model.js';
import type { TypeLibrary } from './library.js';

/**
 * What the phases of NetworkBuilder ask of an FB type's interface: its events and adapter data
 * as the dispatcher numbers them, and the generic (ANY_*) types of its ports.
 */

export const ELEMENTARY = new Set([
  'BOOL', 'SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT', 'REAL', 'LREAL', 'BYTE', 'WORD', 'DWORD', 'LWORD',
  'TIME', 'LTIME', 'DATE', 'LDATE', 'TOD', 'LTOD', 'DT', 'LDT', 'CHAR', 'WCHAR', 'STRING', 'WSTRING',
  'TIME_OF_DAY', 'DATE_AND_TIME',
]);

export const isGeneric = (type: string): boolean => /^ANY/i.test(type);

const GENERIC_MEMBERS: Record<string, RegExp> = {
  ANY_INT: /^U?[SDL]?INT$/,
  ANY_REAL: /^L?REAL$/,
  ANY_NUM: /^(U?[SDL]?INT|L?REAL)$/,
  ANY_MAGNITUDE: /^(U?[SDL]?INT|L?REAL|L?TIME)$/,
  ANY_BIT: /^(BOOL|BYTE|[DL]?WORD)$/,
  ANY_STRING: /^W?STRING/,
  ANY_CHARS: /^(W?STRING|W?CHAR)/,
  ANY_DATE: /^(L?DATE|L?TOD|L?DT|TIME_OF_DAY|DATE_AND_TIME)$/,
};
/** The type an unconnected generic port takes when its FB's other ports are of another kind. */
export const GENERIC_DEFAULT: Record<string, string> = { ANY_INT: 'DINT', ANY_REAL: 'LREAL', ANY_NUM: 'LREAL', ANY_BIT: 'DWORD', ANY_STRING: 'STRING' };
export const genericAccepts = (generic: string, type: string): boolean => GENERIC_MEMBERS[generic]?.test(type.toUpperCase()) ?? true;

export interface ExpandedEvents {
  inputs: EventDeclaration[];
  outputs: EventDeclaration[];
}

/** Events as the dispatcher numbers them, adapters included; undefined when an adapter type is missing. */
export function expandedEvents(lib: TypeLibrary, decl: FbTypeDeclaration): ExpandedEvents | undefined {
  const inputs = [...decl.interface.eventInputs];
  const outputs = [...decl.interface.eventOutputs];
  for (const [list, plug] of [[decl.interface.plugs, true], [decl.interface.sockets, false]] as const) {
    for (const a of list) {
      const at = lib.fbType(a.type);
      if (!at) return undefined;
      const ins = plug ? at.interface.eventInputs : at.interface.eventOutputs;
      const outs = plug ? at.interface.eventOutputs : at.interface.eventInputs;
      // the WITH data is sampled only when the other side is not a leaf sharing the adapter's data
      for (const e of ins) inputs.push({ name: `${a.name}.${e.name}`, with: e.with.map((w) => `${a.name}.${w}`) });
      for (const e of outs) outputs.push({ name: `${a.name}.${e.name}`, with: e.with.map((w) => `${a.name}.${w}`) });
    }
  }
  return { inputs, outputs };
}

/**
 * The data an FB exchanges through its adapters, as 'adp.VAR': inputs are what the other side
 * writes (a plug's adapter input vars, a socket's adapter output vars), outputs the rest.
 */
export function adapterData(lib: TypeLibrary, decl: FbTypeDeclaration): { inputs: string[]; outputs: string[] } {
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (const [list, plug] of [[decl.interface.plugs, true], [decl.interface.sockets, false]] as const) {
    for (const a of list) {
      const at = lib.fbType(a.type);
      if (!at) continue;
      for (const v of at.interface.inputVars) (plug ? inputs : outputs).push(`${a.name}.${v.name}`);
      for (const v of at.interface.outputVars) (plug ? outputs : inputs).push(`${a.name}.${v.name}`);
    }
  }
  return { inputs, outputs };
}
