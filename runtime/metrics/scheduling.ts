/**
 * How the operating system schedules this process: policy, real-time priority, nice value and
 * the CPUs it may run on (Linux /proc; elsewhere only the nice value). Node cannot raise its
 * own priority to real time; the service manager (systemd CPUSchedulingPolicy=, chrt) does,
 * and vPLC reports what it got so that an operator sees a missing grant at once.
 */
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';

export interface SchedulingInfo {
  policy: string;
  /** 1…99 under SCHED_FIFO/SCHED_RR, 0 otherwise */
  rtPriority: number;
  nice: number;
  /** CPUs allowed, as the kernel lists them ('0-3', '2,3'); undefined off Linux */
  cpus?: string;
  realtime: boolean;
}

const POLICIES = ['SCHED_OTHER', 'SCHED_FIFO', 'SCHED_RR', 'SCHED_BATCH', 'SCHED_ISO', 'SCHED_IDLE', 'SCHED_DEADLINE'];

export function schedulingInfo(): SchedulingInfo {
  let policy = 'unknown';
  let rtPriority = 0;
  let cpus: string | undefined;
  try {
    // fields after the command name "(…)": rt_priority and policy are fields 40 and 41 of stat
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    rtPriority = Number(fields[40 - 3]);
    policy = POLICIES[Number(fields[41 - 3])] ?? `policy ${fields[41 - 3]}`;
    cpus = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  } catch {
    // not Linux: only the nice value is known
  }
  let nice = 0;
  try {
    nice = getPriority();
  } catch {
    nice = 0;
  }
  const info: SchedulingInfo = { policy, rtPriority, nice, realtime: policy === 'SCHED_FIFO' || policy === 'SCHED_RR' };
  if (cpus !== undefined) info.cpus = cpus;
  return info;
}

/**
 * One line for the console at start-up. With `scanThreadsRealtime` (--rt) the process's
 * policy is the main (I/O) thread's only: each scan thread reports its own.
 */
export function schedulingLine(s: SchedulingInfo, scanThreadsRealtime = false): string {
  const where = s.cpus ? ` on CPUs ${s.cpus}` : '';
  if (scanThreadsRealtime) return `scheduling: main (I/O) thread ${s.policy}${s.realtime ? ` priority ${s.rtPriority}` : ` nice ${s.nice}`}${where}; scan threads as --rt asked (lines above)`;
  if (s.realtime) return `scheduling: ${s.policy} priority ${s.rtPriority}${where} (real time)`;
  return (
    `scheduling: ${s.policy} nice ${s.nice}${where}: not real time, scans may be delayed by other processes ` +
    `(grant CAP_SYS_NICE or LimitRTPRIO and start under CPUSchedulingPolicy=fifo or chrt; see samples/edge-box)`
  );
}
