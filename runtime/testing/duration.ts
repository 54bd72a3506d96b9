/**
 * Durations as tests write them: an IEC literal (`T#1m30s`, `TIME#250ms`), a short form
 * (`100ms`, `1.5s`, `2m`, `1h`, `500us`, `250ns`), or a number of nanoseconds.
 */
export type Duration = string | number;

const UNIT_NS: Record<string, number> = { d: 864e11, h: 36e11, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };

export function durationNs(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new RangeError(`duration must be a non-negative number of ns, not ${d}`);
    return Math.round(d);
  }
  let text = d.trim().toLowerCase().replace(/_/g, '');
  const iec = /^(?:t|time|lt|ltime)#/.exec(text);
  if (iec) text = text.slice(iec[0].length);
  const parts = /^(?:(\d+(?:\.\d+)?)(d|h|ms|m|s|us|µs|ns))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:d|h|ms|m|s|us|µs|ns)/g) : null;
  if (!parts) throw new RangeError(`'${d}' is not a duration (e.g. 100ms, 1.5s, T#1m30s)`);
  let ns = 0;
  for (const p of parts) {
    const m = /^(\d+(?:\.\d+)?)(.+)$/.exec(p)!;
    ns += Number(m[1]) * UNIT_NS[m[2]!]!;
  }
  return Math.round(ns);
}
