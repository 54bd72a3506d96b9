import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A real `vplc run|serve` child from the sources for the real-time tests, its stderr read line by
 * line, and what the kernel says of its threads.
 */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface Child {
  pid: number;
  stderr: string[];
  stdout: string[];
  /** resolves with the first stderr line matching `re`, read already or to come */
  waitErr(re: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number>;
}

/** `vplc run …` (or `vplc serve …`: args starting with 'serve') from the sources, optionally under `prefix` (setpriv …). */
export function vplc(args: string[], prefix: string[] = [], env: Record<string, string> = {}): Child {
  const command = args[0] === 'serve' ? [] : ['run'];
  const cmd = [...prefix, process.execPath, '--import', 'tsx', 'runtime/cli/main.ts', ...command, ...args];
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stderr: string[] = [];
  const stdout: string[] = [];
  const waiters: [RegExp, (m: RegExpExecArray) => void][] = [];
  let buf = '';
  child.stderr.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      stderr.push(l);
      for (const w of [...waiters]) {
        const m = w[0].exec(l);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w[1](m);
        }
      }
    }
  });
  child.stdout.on('data', (c: Buffer) => stdout.push(c.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    pid: child.pid!,
    stderr,
    stdout,
    exited,
    waitErr: (re) =>
      new Promise((resolve, reject) => {
        // a line already read counts: two workers report in either order
        for (const l of stderr) {
          const m = re.exec(l);
          if (m) return resolve(m);
        }
        const t = setTimeout(() => reject(new Error(`no stderr line matching ${re}; stderr:\n${stderr.join('\n')}`)), 60_000);
        waiters.push([re, (m) => (clearTimeout(t), resolve(m))]);
      }),
  };
}

/** policy and priority of a thread as the kernel has them (/proc/<pid>/task/<tid>/sched) */
export function schedOf(pid: number, tid: number): { policy: number; prio: number; cpus: string } {
  const sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8');
  const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
  return {
    policy: Number(/^policy\s*:\s*(\d+)/m.exec(sched)![1]),
    prio: Number(/^prio\s*:\s*(\d+)/m.exec(sched)![1]),
    cpus: /^Cpus_allowed_list:\s*(\S+)/m.exec(status)![1]!,
  };
}

/** CAP_SYS_NICE (bit 23) in this process's effective set: SCHED_FIFO is then granted */
export function canSchedFifo(): boolean {
  const eff = /^CapEff:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]!;
  return (BigInt(`0x${eff}`) & (1n << 23n)) !== 0n;
}

export const SCHED_FIFO = 1;
export const SCHED_OTHER = 0;

/** The CPUs of a list as /proc shows it ("0,2-3"). */
export function cpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

/** Locked memory of a process (VmLck of /proc/<pid>/status), bytes. */
export function lockedBytes(pid: number): number {
  return Number(/^VmLck:\s*(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}
