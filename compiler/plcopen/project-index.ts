/**
 * What the importer knows about the whole project before it translates bodies: the POUs'
 * interfaces and the global variables. FBD translation needs it to type the temporaries that
 * hold function results.
 */
import { key } from '../st/ast.js';
import { libraryOutputType } from '../library.js';

export interface PouSignature {
  name: string;
  pouType: 'program' | 'functionBlock' | 'function';
  /** ST type text of a function's result */
  returnType?: string;
  /** every declared variable by upper-case name → ST type text */
  vars: Map<string, string>;
  /** names of the inputs (inputVars) in declaration order */
  inputs?: string[];
}

export interface ProjectIndex {
  pous: Map<string, PouSignature>;
  /** global variables of every configuration and resource, by upper-case name → type */
  globals: Map<string, string>;
}

/** Type of the member `member` of an instance of FB type `fbType`, when known. */
export function memberType(index: ProjectIndex, fbType: string, member: string): string | undefined {
  const pou = index.pous.get(key(fbType));
  if (pou) return pou.vars.get(key(member));
  return libraryOutputType(fbType, member);
}
