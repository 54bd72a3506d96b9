import { valueText } from '../../../compiler/contract/value-text.js';

/** types whose literal text carries its own prefix (T#, D#, …): FORTE adds no other */
const SELF_PREFIXED = /^(TIME|LTIME|DATE|LDATE|TOD|LTOD|TIME_OF_DAY|DT|LDT|DATE_AND_TIME|CHAR|WCHAR)$/;
const DATES = /^(DATE|LDATE|TOD|LTOD|TIME_OF_DAY|DT|LDT|DATE_AND_TIME)$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** DATE and DT held in ms since 1970 (UTC), TOD in ns since midnight, as IEC literals. */
function dateText(type: string, v: number): string {
  if (type === 'TOD' || type === 'LTOD' || type === 'TIME_OF_DAY') {
    const ms = Math.floor(v / 1e6);
    const frac = ms % 1000;
    return `TOD#${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${frac ? `.${pad(frac, 3)}` : ''}`;
  }
  const iso = new Date(v).toISOString();
  if (type === 'DATE' || type === 'LDATE') return `D#${iso.slice(0, 10)}`;
  const frac = iso.slice(20, 23);
  return `DT#${iso.slice(0, 10)}-${iso.slice(11, 19)}${frac !== '000' ? `.${frac}` : ''}`;
}

/**
 * A data port's value as FORTE writes it in management replies. `declared` is the port's type
 * in its FB type (ANY… for a generic port), `live` the type it has in the running network.
 * A generic port holds a value of some type and is written as a typed literal (INT#5; T#1s and
 * D#… as they are), as FORTE's ANY ports are; READ gives a string's text as it is (`read`),
 * watches quote it.
 */
export function portText(declared: string, live: string, v: unknown, read: boolean): string {
  const t = live.toUpperCase();
  if (read && typeof v === 'string' && /^W?STRING/.test(t)) return v;
  const text = DATES.test(t) && typeof v === 'number' ? dateText(t, v) : valueText(live, v);
  if (!/^ANY/i.test(declared) || SELF_PREFIXED.test(t) || /^ANY/.test(t) || text === '') return text;
  return `${t.replace(/\[.*$/, '')}#${text}`;
}
