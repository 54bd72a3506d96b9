/**
 * Durations as tests write them: an IEC literal (`T#1m30s`, `TIME#250ms`), a short form
 * (`100ms`, `1.5s`, `2m`, `1h`, `500us`, `250ns`), or a number of nanoseconds.
 */
import { parseDurationNs } from '../duration.js';

export type Duration = string | number;

export function durationNs(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new RangeError(`duration must be a non-negative number of ns, not ${d}`);
    return Math.round(d);
  }
  const ns = parseDurationNs(d);
  if (ns === undefined) throw new RangeError(`'${d}' is not a duration (e.g. 100ms, 1.5s, T#1m30s)`);
  return ns;
}
