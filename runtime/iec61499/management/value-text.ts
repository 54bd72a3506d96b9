import { timeLiteral } from '../../values.js';

/**
 * A port's current value as FORTE writes it in READ and watch responses: IEC literal text
 * without a type prefix for numbers and BOOL, T#… for durations, quoted strings.
 */
export function valueText(type: string | undefined, v: unknown): string {
  const t = (type ?? '').toUpperCase();
  if (v === undefined || v === null) return '';
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    return `[${Array.from(v as ArrayLike<unknown>, (x) => valueText(t, x)).join(',')}]`;
  }
  if (typeof v === 'boolean' || t === 'BOOL') return v ? 'TRUE' : 'FALSE';
  if (t === 'TIME') return timeLiteral(Number(v), 'T#');
  if (t === 'LTIME') return timeLiteral(Number(v), 'LT#');
  if (t === 'STRING' || t === 'CHAR') return `'${String(v).replace(/\$/g, '$$$$').replace(/'/g, "$$'")}'`;
  if (t === 'WSTRING' || t === 'WCHAR') return `"${String(v).replace(/\$/g, '$$$$').replace(/"/g, '$$"')}"`;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    // a structured value: (field:=value, …) as IEC writes struct literals
    return `(${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k.replace(/^\$+/, '')}:=${valueText(undefined, x)}`).join(',')})`;
  }
  return String(v);
}
