/**
 * Durations as users type them on the command line and in tests: an IEC literal
 * (`T#1m30s`, `TIME#250ms`), a short form (`100ms`, `1.5s`, `2m`, `1h30m`, `500us`, `250ns`),
 * or a bare number of milliseconds. Returns nanoseconds, undefined when the text is not one.
 */
const UNIT_NS: Record<string, number> = { d: 864e11, h: 36e11, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };

export function parseDurationNs(text: string): number | undefined {
  let t = text.trim().toLowerCase().replace(/_/g, '');
  const iec = /^(?:t|time|lt|ltime)#/.exec(t);
  if (iec) t = t.slice(iec[0].length);
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.round(Number(t) * 1e6);
  if (!/^(?:\d+(?:\.\d+)?(?:d|h|ms|m|s|us|µs|ns))+$/.test(t)) return undefined;
  let ns = 0;
  for (const p of t.match(/\d+(?:\.\d+)?(?:d|h|ms|m|s|us|µs|ns)/g)!) {
    const m = /^(\d+(?:\.\d+)?)(.+)$/.exec(p)!;
    ns += Number(m[1]) * UNIT_NS[m[2]!]!;
  }
  return Math.round(ns);
}
