import { HISTOGRAM_SLOTS, LogHistogram } from '../../compiler/contract/histogram.js';
import { RealClock } from '../clock.js';
import type { DurationSummary, TaskMetricsSnapshot } from './snapshot.js';

/**
 * Per-resource metrics and scan state in one buffer (a SharedArrayBuffer between the worker,
 * which writes, and the main thread, which reads and runs the watchdog). Layout, in doubles:
 *   header: [running task index (-1: none), scan start (ns since epoch), epoch (ns, hrtime), spare…]
 *   per task: counters, then the execution-time and lateness histograms.
 */

const HEADER_SLOTS = 8;
const H_RUNNING = 0;
const H_SCAN_START = 1;
const H_EPOCH_HI = 2;
const H_EPOCH_LO = 3;

const C_CYCLES = 0;
const C_OVERRUNS = 1;
const C_WATCHDOG = 2;
const C_FAULTED = 3;
const C_FAULTS = 4;
const COUNTER_SLOTS = 8;
const TASK_SLOTS = COUNTER_SLOTS + 2 * HISTOGRAM_SLOTS;

export function metricsBufferBytes(taskCount: number): number {
  return (HEADER_SLOTS + taskCount * TASK_SLOTS) * 8;
}

export class ResourceMetrics {
  readonly buffer: ArrayBufferLike;
  readonly slots: Float64Array;
  readonly exec: LogHistogram[] = [];
  readonly lateness: LogHistogram[] = [];
  /**
   * The clock scans are timed with, from the epoch on: scans are timed here, so that no time
   * crosses a call as an argument (a double argument that V8 does not inline is boxed: an
   * allocation per scan).
   */
  private wall = new RealClock();

  /** Pass `buffer` to view metrics another thread created; omit it to create a fresh shared one. */
  constructor(
    readonly resource: string,
    readonly taskNames: readonly string[],
    buffer?: ArrayBufferLike,
  ) {
    const fresh = buffer === undefined;
    this.buffer = buffer ?? new SharedArrayBuffer(metricsBufferBytes(taskNames.length));
    this.slots = new Float64Array(this.buffer);
    for (let i = 0; i < taskNames.length; i++) {
      const at = HEADER_SLOTS + i * TASK_SLOTS + COUNTER_SLOTS;
      this.exec.push(new LogHistogram(this.slots, at));
      this.lateness.push(new LogHistogram(this.slots, at + HISTOGRAM_SLOTS));
    }
    if (fresh) this.reset();
  }

  reset(): void {
    this.slots.fill(0);
    this.slots[H_RUNNING] = -1;
    for (const h of this.exec) h.reset();
    for (const h of this.lateness) h.reset();
  }

  // ---------------------------------------------------------------- scan state (watchdog)

  /** The monotonic instant (process.hrtime.bigint) that scan start times are relative to. */
  set epochNs(value: bigint) {
    this.slots[H_EPOCH_HI] = Number(value / 1_000_000_000n);
    this.slots[H_EPOCH_LO] = Number(value % 1_000_000_000n);
    this.wall = new RealClock(value);
  }
  get epochNs(): bigint {
    return BigInt(this.slots[H_EPOCH_HI]) * 1_000_000_000n + BigInt(this.slots[H_EPOCH_LO]);
  }

  /** A scan of `task` starts now (real time, published for the watchdog). */
  beginScan(task: number): void {
    const wall = this.wall;
    wall.sample();
    this.slots[H_SCAN_START] = wall.slots[0]!;
    this.slots[H_RUNNING] = task;
  }
  /**
   * The scan begun last ends now: its execution time and the start lateness given (whole ns,
   * so that it crosses the call unboxed) are recorded.
   */
  endScan(task: number, latenessNs: number): void {
    const wall = this.wall;
    wall.sample();
    // whole ns: below 2^31 a whole number crosses a call as a small integer, never boxed
    this.recordScan(task, Math.round(wall.slots[0]! - this.slots[H_SCAN_START]!), latenessNs);
  }
  /** A scan of `task` took `execNs` and started `latenessNs` late. */
  recordScan(task: number, execNs: number, latenessNs: number): void {
    this.slots[H_RUNNING] = -1;
    const base = HEADER_SLOTS + task * TASK_SLOTS;
    this.slots[base + C_CYCLES]++;
    this.exec[task]!.record(execNs);
    this.lateness[task]!.record(latenessNs);
  }
  /** index of the task whose scan is in progress, or -1 */
  get runningTask(): number {
    return this.slots[H_RUNNING];
  }
  /** start of the scan in progress, in ns since the epoch */
  get scanStartNs(): number {
    return this.slots[H_SCAN_START];
  }
  clearRunning(): void {
    this.slots[H_RUNNING] = -1;
  }

  // ---------------------------------------------------------------- counters

  private counter(task: number, c: number): number {
    return this.slots[HEADER_SLOTS + task * TASK_SLOTS + c];
  }
  private bump(task: number, c: number): void {
    this.slots[HEADER_SLOTS + task * TASK_SLOTS + c]++;
  }
  countOverrun(task: number): void {
    this.bump(task, C_OVERRUNS);
  }
  countWatchdogFault(task: number): void {
    this.bump(task, C_WATCHDOG);
  }
  countFault(task: number): void {
    this.bump(task, C_FAULTS);
  }
  setFaulted(task: number, faulted: boolean): void {
    this.slots[HEADER_SLOTS + task * TASK_SLOTS + C_FAULTED] = faulted ? 1 : 0;
  }
  isFaulted(task: number): boolean {
    return this.counter(task, C_FAULTED) !== 0;
  }
  cycles(task: number): number {
    return this.counter(task, C_CYCLES);
  }
  overruns(task: number): number {
    return this.counter(task, C_OVERRUNS);
  }
  watchdogFaults(task: number): number {
    return this.counter(task, C_WATCHDOG);
  }
  faults(task: number): number {
    return this.counter(task, C_FAULTS);
  }

  // ---------------------------------------------------------------- reading

  snapshotTask(task: number): TaskMetricsSnapshot {
    return {
      resource: this.resource,
      cycles: this.cycles(task),
      overruns: this.overruns(task),
      watchdogFaults: this.watchdogFaults(task),
      execUs: summarizeUs(this.exec[task]),
      latenessUs: summarizeUs(this.lateness[task]),
    };
  }

  snapshot(): Record<string, TaskMetricsSnapshot> {
    const out: Record<string, TaskMetricsSnapshot> = {};
    this.taskNames.forEach((name, i) => {
      out[name] = this.snapshotTask(i);
    });
    return out;
  }
}

/** min/mean/p50/p99/p99.9/max of a histogram of nanoseconds, in microseconds (3 decimals). */
export function summarizeUs(h: LogHistogram): DurationSummary {
  const us = (ns: number) => Math.round(ns) / 1000;
  return {
    min: us(h.min),
    mean: us(h.mean),
    p50: us(h.quantile(0.5)),
    p99: us(h.quantile(0.99)),
    p999: us(h.quantile(0.999)),
    max: us(h.max),
  };
}
