import type { FaultKind, RuntimeSupport } from '../compiler/application.js';
import { PlcFault } from './faults.js';

/**
 * The object generated code calls back into. The task runner sets `timeNs` at every release,
 * so that every timer in a scan sees the same instant, on the real or the virtual clock.
 */
export class TaskSupport implements RuntimeSupport {
  timeNs = 0;
  /** see RuntimeSupport.trace; the worker points it at memory the main thread can read */
  trace: Int32Array<ArrayBufferLike> = new Int32Array(2);

  now(): number {
    return this.timeNs;
  }

  fault(kind: FaultKind, pou: string, file: string, line: number, detail?: string): never {
    throw new PlcFault(kind, pou, file, line, detail);
  }
}
