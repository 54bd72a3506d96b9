import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Resource61499 } from '../iec61499/resource.js';
import type { ProgramChange, WorkerMessage } from './protocol.js';
import type { ChangeResult } from './online-change.js';
import type { RetainedValues } from './retain.js';
import type { Schedulable } from './scan-loop.js';

/**
 * What the worker (resource-worker.ts) needs of the resource it runs, whatever its kind:
 * the work the scan loop drives, snapshots and writes asked for by the main thread, and what
 * happens when the run ends or faults.
 */
export interface WorkerResource {
  readonly work: Schedulable;
  /** the IEC 61499 resource a 61499 worker runs (its sockets are served by the loop, disposed at the end) */
  readonly resource61499?: Resource61499;
  /** interval of the fastest cyclic task, if any (what --cycles counts for a 61131 resource) */
  readonly fastestIntervalNs?: number;
  /** variables for `vars` (keyed as the engine reports them) */
  vars(): Record<string, unknown>;
  /** flat raw values by dotted path; undefined: not offered */
  rawVars?(): Record<string, unknown>;
  /** drain variable writes posted by the main thread */
  applyWrites?(): void;
  /** the RETAIN and PERSISTENT values by path, for saving (61131 resources) */
  retainValues?(): Record<string, unknown>;
  /** apply the online changes waiting on the change port (61131 resources) */
  applyChanges?(): void;
  /** V8's code cache of the generated code, when the main thread wants one (none given, or rejected) */
  codeCache?(): Uint8Array | undefined;
  /** count IEC 61499 events per pin or stop (posts `eventPins`) */
  countEvents?(on: boolean): void;
  /** an exception out of the loop (an IEC 61499 fault): report it, the resource ends */
  fault(e: unknown): void;
  /** the run ended: asked to stop (orderly, or killed), or at its end; returns what `done` carries */
  end(stop: 'none' | 'stop' | 'kill'): { vars: Record<string, unknown>; retained: RetainedValues; faulted: boolean; persistent?: Record<string, unknown> };
}

/**
 * Each change waiting on the change port, applied by `swap` when `work` allows it (between
 * scans or event chains); a throw is a refused change. `rebind` follows a swap that returned,
 * then the result goes back to the main thread.
 */
export function applyChanges(
  port: MessagePort | undefined,
  work: { schedule(edit: () => void): void },
  post: (m: WorkerMessage) => void,
  swap: (change: ProgramChange) => ChangeResult,
  rebind?: (change: ProgramChange, result: ChangeResult) => void,
): void {
  if (!port) return;
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const change = m.message as ProgramChange;
    work.schedule(() => {
      let result: ChangeResult;
      try {
        result = swap(change);
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      rebind?.(change, result);
      post({ type: 'changed', id: change.id, result });
    });
  }
}
