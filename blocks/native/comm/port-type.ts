import type { ElementaryTypeName, TypeInfo } from '../../../compiler/application.js';

const ELEMENTARY = new Set<string>([
  'BOOL', 'SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT', 'REAL', 'LREAL', 'BYTE', 'WORD', 'DWORD', 'LWORD',
  'TIME', 'LTIME', 'DATE', 'LDATE', 'TOD', 'LTOD', 'DT', 'LDT', 'CHAR', 'WCHAR',
]);
const ALIASES: Record<string, ElementaryTypeName> = { TIME_OF_DAY: 'TOD', DATE_AND_TIME: 'DT', LTIME_OF_DAY: 'LTOD', LDATE_AND_TIME: 'LDT' };

/** The type of a port declared by name in an .fbt ('INT', 'WSTRING'); undefined for generic (ANY…) and named types. */
export function typeInfoOfDeclared(name: string): TypeInfo | undefined {
  const n = name.toUpperCase();
  if (n === 'STRING' || n === 'WSTRING') return { kind: 'string', wide: n === 'WSTRING', length: 254 };
  if (ELEMENTARY.has(n)) return { kind: 'elementary', name: n as ElementaryTypeName };
  const alias = ALIASES[n];
  return alias ? { kind: 'elementary', name: alias } : undefined;
}

/** A type for an unconnected ANY port from the value it holds (a parameter): the literal's kind. */
export function typeInfoOfValue(v: unknown): TypeInfo {
  if (typeof v === 'boolean') return { kind: 'elementary', name: 'BOOL' };
  if (typeof v === 'bigint') return { kind: 'elementary', name: 'LINT' };
  if (typeof v === 'string') return { kind: 'string', wide: true, length: 254 };
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 0x7fffffff) return { kind: 'elementary', name: 'DINT' };
  return { kind: 'elementary', name: 'LREAL' };
}
