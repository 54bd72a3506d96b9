import { Worker, type MessagePort } from 'node:worker_threads';
import type { ResourceWorkerData } from './protocol.js';
import { realtimeV8 } from '../rt/v8-realtime.js';

/**
 * A resource worker started before the application is known. A Node worker takes tens of ms
 * to start and load its modules; started ahead, that happens while the main thread loads its
 * own modules and compiles (or reads the compile cache). It holds nothing until a resource is
 * handed to it (its first message); unused, it does not keep the process alive.
 */

/** What a resource worker runs: an IEC 61131-3 resource or an IEC 61499 one (different modules). */
export type ResourceKind = '61131' | '61499';

/** workerData of a worker started ahead: the kind of resource whose modules it loads meanwhile. */
export interface PrestartData {
  prestart: ResourceKind;
  /** module to import when booted through tsx (running from TypeScript sources) */
  entry?: string;
}

/** The kind of resource a command's files hold, as far as their names tell: IEC 61499 systems and boot files, else 61131. */
export function resourceKindOf(files: readonly string[]): ResourceKind {
  return files.some((f) => /\.(sys|fboot)$/i.test(f)) ? '61499' : '61131';
}

let waiting: { worker: Worker; kind: ResourceKind; drop: () => void } | undefined;

/** Start a worker for a resource of `kind` now; the next resource of that kind started takes it. */
export function prestartResourceWorker(kind: ResourceKind): void {
  if (waiting) return;
  const worker = newResourceWorker(kind, { prestart: kind });
  const spare = { worker, kind, drop: () => {} };
  // one that fails or ends before it is used is simply not used
  spare.drop = () => {
    if (waiting === spare) waiting = undefined;
  };
  worker.on('error', spare.drop);
  worker.on('exit', spare.drop);
  worker.unref();
  waiting = spare;
}

/**
 * End the worker started ahead if no resource took it: `vplc serve` runs for months and would
 * keep its thread and heap for nothing, and every command ends it before the process exits.
 */
export async function dropPrestartedWorker(): Promise<void> {
  const spare = waiting;
  if (!spare) return;
  waiting = undefined;
  await spare.worker.terminate();
}

/** A worker running `data`: the one started ahead when it is of the same kind, else a new one. */
export function spawnResourceWorker(data: ResourceWorkerData, transferList: MessagePort[]): Worker {
  const kind: ResourceKind = data.eventsBuffer !== undefined ? '61499' : '61131';
  const spare = waiting;
  // a real-time scan thread needs V8 set up before its worker starts (v8-realtime.ts): not the spare
  if (spare?.kind === kind && !data.realtime) {
    waiting = undefined;
    spare.worker.off('error', spare.drop);
    spare.worker.off('exit', spare.drop);
    spare.worker.ref();
    spare.worker.postMessage(data, transferList);
    return spare.worker;
  }
  return newResourceWorker(kind, data, transferList);
}

/**
 * A worker started at the entry of its kind. From TypeScript sources (vitest, tsx) it boots
 * through tsx; from dist/ the compiled entry runs directly.
 */
function newResourceWorker(kind: ResourceKind, data: ResourceWorkerData | PrestartData, transferList: MessagePort[] = []): Worker {
  const here = import.meta.url;
  // a real-time scan thread: early tier-up, a young generation of one fixed size (v8-realtime.ts)
  const limits = 'realtime' in data && data.realtime ? { resourceLimits: realtimeV8() } : {};
  if (here.endsWith('.ts')) {
    const entry = new URL(`./scan-worker-${kind}.ts`, here).href;
    return new Worker(new URL('./tsx-boot.mjs', here), { workerData: { ...data, entry }, transferList, ...limits });
  }
  return new Worker(new URL(`./scan-worker-${kind}.js`, here), { workerData: data, transferList, ...limits });
}
