import type { RealtimeReport, RealtimeRequest } from '../rt/realtime.js';
import type { OptionSpec } from './args.js';

/** `--rt [--rt-priority N] [--cpu N]` of `vplc run` and `vplc serve`. */
export const REALTIME_OPTIONS = {
  rt: { kind: 'flag' },
  'rt-priority': { kind: 'count', positive: true },
  cpu: { kind: 'count' },
} as const satisfies Record<string, OptionSpec>;

/** The options' help, the descriptions starting at column `column` as in the command's own help. */
export function realtimeUsage(column: number): string {
  const rows: [string, string[]][] = [
    ['--rt', ['real time for the scan threads (not the I/O thread): SCHED_FIFO, 1 ns timer slack,', 'their stacks and the code locked in memory, the V8 heap prefaulted (needs root, or', 'CAP_SYS_NICE and CAP_IPC_LOCK; without them says exactly why and runs on)']],
    ['--rt-priority N', ['SCHED_FIFO priority of the scan threads, 1…99 (default 80)']],
    ['--cpu N', ['pin the scan threads to CPU N, the other threads off it (with --rt)']],
  ];
  return rows.map(([flag, lines]) => lines.map((l, i) => `${(i === 0 ? `  ${flag}` : '').padEnd(column)}${l}\n`).join('')).join('');
}

export const DEFAULT_RT_PRIORITY = 80;

/** The request, nothing (no --rt), or what is wrong with the options. */
export function realtimeRequest(o: { rt?: boolean; 'rt-priority'?: number; cpu?: number }, virtual: boolean): RealtimeRequest | undefined | string {
  if (!o.rt) return o['rt-priority'] !== undefined || o.cpu !== undefined ? '--rt-priority and --cpu go with --rt' : undefined;
  if (virtual) return '--rt is for the real clock, not with --virtual-time';
  const priority = o['rt-priority'] ?? DEFAULT_RT_PRIORITY;
  if (priority > 99) return `--rt-priority ${priority}: SCHED_FIFO priorities are 1…99`;
  return { priority, ...(o.cpu !== undefined ? { cpu: o.cpu } : {}) };
}

/** One line on stderr per scan thread: what it got. */
export function realtimeLine(command: string, resource: string, r: RealtimeReport): string {
  return `vplc ${command}: real time: ${resource}: ${r.line}`;
}
