import type { ElementaryTypeName } from '../application.js';

/**
 * IEC 61131-3 ed. 3, figure 11: the implicit conversions of elementary types, transitively
 * closed. One table for every place that needs it: IEC 61499 data connections and the state
 * transfer of an online change.
 */
const WIDENS_TO: Partial<Record<ElementaryTypeName, readonly ElementaryTypeName[]>> = {
  SINT: ['INT', 'DINT', 'LINT', 'REAL', 'LREAL'],
  INT: ['DINT', 'LINT', 'REAL', 'LREAL'],
  DINT: ['LINT', 'LREAL'],
  USINT: ['UINT', 'UDINT', 'ULINT', 'INT', 'DINT', 'LINT', 'REAL', 'LREAL'],
  UINT: ['UDINT', 'ULINT', 'DINT', 'LINT', 'REAL', 'LREAL'],
  UDINT: ['ULINT', 'LINT', 'LREAL'],
  REAL: ['LREAL'],
  BOOL: ['BYTE', 'WORD', 'DWORD', 'LWORD'],
  BYTE: ['WORD', 'DWORD', 'LWORD'],
  WORD: ['DWORD', 'LWORD'],
  DWORD: ['LWORD'],
  TIME: ['LTIME'],
  DATE: ['LDATE'],
  TOD: ['LTOD'],
  DT: ['LDT'],
  CHAR: ['WCHAR'],
};

/** Whether IEC 61131-3 converts `from` to a different type `to` implicitly (without loss). */
export function widensImplicitly(from: ElementaryTypeName, to: ElementaryTypeName): boolean {
  return WIDENS_TO[from]?.includes(to) === true;
}
