import { rtHelper } from './native.js';

/** What `--rt [--rt-priority N] [--cpu N]` asks of each scan thread. */
export interface RealtimeRequest {
  /** SCHED_FIFO priority, 1…99 */
  priority: number;
  /** the CPU to pin the scan thread to; absent: the CPUs it may already use */
  cpu?: number;
}

/** What a scan thread got: each step's outcome, and one line for the console. */
export interface RealtimeReport {
  /** the kernel's id of the scan thread (/proc/<pid>/task/<tid>), -1 without the helper */
  tid: number;
  fifo: boolean;
  pinned: boolean;
  /** every step that failed, exactly why */
  problems: string[];
  line: string;
}

const ERRNO: Record<number, string> = { 1: 'EPERM', 3: 'ESRCH', 12: 'ENOMEM', 22: 'EINVAL', 38: 'ENOSYS' };

function why(errno: number): string {
  return ERRNO[errno] ?? `errno ${errno}`;
}

/**
 * Make the calling thread (a resource's scan thread, from inside its worker) real time:
 * SCHED_FIFO at `priority`, pinned to `cpu`, timer slack 1 ns, so that no lower-priority
 * thread delays a scan. The main thread, which does the I/O, stays as it is. What cannot be
 * done is said exactly, and the scan runs on under the policy it has. Memory is not locked
 * (mlockall): V8 gives heap pages back with madvise, which the kernel refuses on locked
 * pages, and V8 aborts then; the scans allocate nothing, so no page is faulted in during
 * steady state, and swap is best turned off for a PLC (systemd MemorySwapMax=0).
 */
export function makeScanThreadRealtime(req: RealtimeRequest): RealtimeReport {
  const rt = rtHelper();
  if (typeof rt === 'string') {
    const problem = `real time not available: ${rt}`;
    return { tid: -1, fifo: false, pinned: false, problems: [problem], line: `${problem}; runs under SCHED_OTHER` };
  }
  const cpu = req.cpu ?? -1;
  const o = rt.realtime(req.priority, cpu);
  const problems: string[] = [];
  if (o.fifo > 0) {
    const hint = o.fifo === 1 ? ' (needs CAP_SYS_NICE or root; in a container run with --cap-add SYS_NICE)' : o.fifo === 22 ? ` (priority ${req.priority} is not within 1…99)` : '';
    problems.push(`SCHED_FIFO refused: ${why(o.fifo)}${hint}`);
  }
  if (o.affinity > 0) {
    const hint = o.affinity === 22 ? ` (CPU ${cpu} is not one this process may use)` : '';
    problems.push(`pinning to CPU ${cpu} refused: ${why(o.affinity)}${hint}`);
  }
  const fifo = o.fifo === 0;
  const pinned = o.affinity === 0;
  if (o.slack > 0) problems.push(`timer slack of 1 ns refused: ${why(o.slack)}`);
  const got = [fifo ? `SCHED_FIFO priority ${req.priority}` : 'SCHED_OTHER', ...(pinned ? [`on CPU ${cpu}`] : [])];
  const line = `scan thread ${o.tid}: ${got.join(', ')}${problems.length ? `; ${problems.join('; ')}; runs on` : ''}`;
  return { tid: o.tid, fifo, pinned, problems, line };
}
