/**
 * What the importer knows about the whole project before it translates bodies: the POUs'
 * interfaces and the global variables. FBD translation needs it to type the temporaries that
 * hold function results.
 */
import { key } from '../st/ast.js';

export interface PouSignature {
  name: string;
  pouType: 'program' | 'functionBlock' | 'function';
  /** ST type text of a function's result */
  returnType?: string;
  /** every declared variable by upper-case name → ST type text */
  vars: Map<string, string>;
}

export interface ProjectIndex {
  pous: Map<string, PouSignature>;
  /** global variables of every configuration and resource, by upper-case name → type */
  globals: Map<string, string>;
}

/** Output types of the standard function blocks, for FBD temporaries fed by them. */
const STANDARD_FB_OUTPUTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  TON: { Q: 'BOOL', ET: 'TIME' },
  TOF: { Q: 'BOOL', ET: 'TIME' },
  TP: { Q: 'BOOL', ET: 'TIME' },
  CTU: { Q: 'BOOL', CV: 'INT' },
  CTD: { Q: 'BOOL', CV: 'INT' },
  CTUD: { QU: 'BOOL', QD: 'BOOL', CV: 'INT' },
  CTU_DINT: { Q: 'BOOL', CV: 'DINT' },
  CTD_DINT: { Q: 'BOOL', CV: 'DINT' },
  CTUD_DINT: { QU: 'BOOL', QD: 'BOOL', CV: 'DINT' },
  CTU_LINT: { Q: 'BOOL', CV: 'LINT' },
  CTD_LINT: { Q: 'BOOL', CV: 'LINT' },
  CTUD_LINT: { QU: 'BOOL', QD: 'BOOL', CV: 'LINT' },
  CTU_UDINT: { Q: 'BOOL', CV: 'UDINT' },
  CTD_UDINT: { Q: 'BOOL', CV: 'UDINT' },
  CTUD_UDINT: { QU: 'BOOL', QD: 'BOOL', CV: 'UDINT' },
  R_TRIG: { Q: 'BOOL' },
  F_TRIG: { Q: 'BOOL' },
  SR: { Q1: 'BOOL' },
  RS: { Q1: 'BOOL' },
};

/** Type of the member `member` of an instance of FB type `fbType`, when known. */
export function memberType(index: ProjectIndex, fbType: string, member: string): string | undefined {
  const pou = index.pous.get(key(fbType));
  if (pou) return pou.vars.get(key(member));
  return STANDARD_FB_OUTPUTS[key(fbType)]?.[key(member)];
}
