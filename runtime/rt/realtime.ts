import { readFileSync } from 'node:fs';
import { rtHelper, type LockOutcome } from './native.js';
import { prefaultYoungGeneration, type PrefaultReport } from './prefault.js';

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
  /** bytes of memory locked (stack and code), 0 when refused */
  lockedBytes: number;
  /** every step that failed, exactly why */
  problems: string[];
  line: string;
}

const ERRNO: Record<number, string> = { 1: 'EPERM', 3: 'ESRCH', 11: 'EAGAIN', 12: 'ENOMEM', 22: 'EINVAL', 38: 'ENOSYS' };

/** The top of the scan thread's stack that is locked: a scan runs far shallower. */
export const LOCKED_STACK_BYTES = 512 * 1024;

function why(errno: number): string {
  return ERRNO[errno] ?? `errno ${errno}`;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** RLIMIT_MEMLOCK as /proc/self/limits shows it ("8388608", "unlimited"). */
function memlockLimit(): string {
  try {
    const m = /^Max locked memory\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? 'unlimited' : mib(Number(m[1]));
  } catch {
    // not Linux's procfs: the limit is not known
  }
  return 'unknown';
}

/** What was locked, or exactly why not; and the prefault of the V8 heap. */
function memoryLine(lock: LockOutcome, prefault: PrefaultReport): { text: string; problem?: string } {
  const heap = `V8 heap not lockable, prefaulted: ${mib(prefault.committed)} young generation in ${prefault.passes} passes${prefault.settled ? '' : ', still faulting'}`;
  const locked = `memory locked: ${mib(lock.stack)} of stack, ${mib(lock.code)} of code`;
  if (lock.errno === 0) return { text: `${locked}; ${heap}` };
  const hint = lock.errno === 1 || lock.errno === 12 ? ` (needs CAP_IPC_LOCK or root, or a larger RLIMIT_MEMLOCK: it is ${memlockLimit()})` : '';
  const problem = `locking memory refused: ${why(lock.errno)}${hint}`;
  return { text: lock.stack + lock.code > 0 ? `${locked}; ${problem}; ${heap}` : `${problem}; ${heap}`, problem };
}

/**
 * Make the calling thread (a resource's scan thread, from inside its worker) real time:
 * SCHED_FIFO at `priority`, pinned to `cpu` (the process's other threads leave that CPU),
 * timer slack 1 ns, so that no lower-priority thread delays a scan; the top of its stack and
 * the process's code are locked in memory and its young generation prefaulted, so that a scan
 * takes no page fault (V8 is set up by the host: v8-realtime.ts). The main thread, which does the
 * I/O, keeps its policy. What cannot be done is said exactly, and the scan runs on under the
 * policy it has. Call it last before the scan loop: the resource's code is loaded.
 */
export function makeScanThreadRealtime(req: RealtimeRequest): RealtimeReport {
  const rt = rtHelper();
  if (typeof rt === 'string') {
    const problem = `real time not available: ${rt}`;
    return { tid: -1, fifo: false, pinned: false, lockedBytes: 0, problems: [problem], line: `${problem}; runs under SCHED_OTHER` };
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
  if (o.others < 0) problems.push(`moving the other threads off CPU ${cpu} refused: ${why(-o.others)}`);
  const lock = rt.lockMemory(LOCKED_STACK_BYTES);
  const memory = memoryLine(lock, prefaultYoungGeneration(rt));
  if (memory.problem) problems.push(memory.problem);
  const others = o.others > 0 ? ` (${o.others} other threads moved off it)` : '';
  const got = [fifo ? `SCHED_FIFO priority ${req.priority}` : 'SCHED_OTHER', ...(pinned ? [`on CPU ${cpu}${others}`] : [])];
  const refused = problems.filter((p) => p !== memory.problem);
  const line = `scan thread ${o.tid}: ${got.join(', ')}${refused.length ? `; ${refused.join('; ')}` : ''}; ${memory.text}${problems.length ? '; runs on' : ''}`;
  return { tid: o.tid, fifo, pinned, lockedBytes: lock.stack + lock.code, problems, line };
}
