import { STANDARD_FUNCTIONS, type FunctionLibrary } from './stdlib/functions.js';

/**
 * What one compilation is compiled against, passed explicitly from compileSources to the
 * checker and the code generator instead of being held in process-wide registries.
 */
export interface CompilerContext {
  /** the functions ST code may call */
  readonly functions: FunctionLibrary;
}

/** IEC 61131-3 as vPLC implements it: the standard functions only. */
export const STANDARD_CONTEXT: CompilerContext = { functions: STANDARD_FUNCTIONS };
