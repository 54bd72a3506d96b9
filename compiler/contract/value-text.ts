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

/** A duration in ns as the shortest IEC literal: T#1s500ms, T#-2m, T#0s. */
export function timeLiteral(ns: number, prefix = 'T#'): string {
  const sign = ns < 0 ? '-' : '';
  let v = Math.abs(Math.round(ns));
  const units: [string, number][] = [['d', 864e11], ['h', 36e11], ['m', 6e10], ['s', 1e9], ['ms', 1e6], ['us', 1e3], ['ns', 1]];
  let out = '';
  for (const [u, f] of units) {
    const q = Math.floor(v / f);
    if (q > 0) {
      out += `${q}${u}`;
      v -= q * f;
    }
  }
  return `${prefix}${sign}${out || '0s'}`;
}
