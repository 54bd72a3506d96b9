import type { ImageView, TypeInfo } from '../../compiler/application.js';

/**
 * Service interface FBs implemented in TypeScript: blocks that need the resource clock or the
 * outside world. Their interface is the 4diac .fbt of the same name in blocks/iec61499 (the
 * compiler reads only that); the resource binds the class at load by type name and port names:
 * data ports are properties of the same name, events are numbered as the class lists them.
 */

/** The event names a native class handles, in the order of its own event numbers. */
export interface NativeEvents {
  inputs: readonly string[];
  outputs: readonly string[];
}

/** What a native FB may ask of its resource. */
export interface NativeContext {
  /** the resource's local process image (exchanged with the I/O at each wake-up) */
  processImage?(): ImageView;
  /** fb.$poll() runs after each exchange of the process image while watched (input blocks' IND) */
  watchInputs?(fb: NativeFb, on: boolean): void;
  /** resource time in nanoseconds (virtual or real clock) */
  now(): number;
  /** call fb.$timer() when the resource clock reaches atNs (replaces an earlier request of fb) */
  schedule(fb: NativeFb, atNs: number): void;
  /**
   * From the FB's own $timer: its timer again, `periodNs` after the instant it was due (a
   * periodic grid). The period crosses the call as a small integer, where an absolute time
   * would be boxed: a periodic block then allocates nothing per tick.
   */
  rearm(fb: NativeFb, periodNs: number): void;
  cancel(fb: NativeFb): void;
  /** a test FB reports its verdict */
  report?(fb: NativeFb, passed: boolean, detail: string): void;
  /**
   * An event from outside the event chain (a received message, as FORTE's external events):
   * queues output event `eo` of fb and runs the chain it starts, unless a chain is running.
   */
  external?(fb: NativeFb, eo: number): void;
  /** The type of an ANY data port, from the port it is connected to (undefined: not connected) */
  portType?(fb: NativeFb, port: string): TypeInfo | undefined;
}

export type RestartMode = 'COLD' | 'WARM' | 'STOP';

function noEmit(_eo: number): void {}

export abstract class NativeFb {
  /** set by the resource: queues output event `eo` (index in eventOutputs) */
  $emit: (eo: number) => void = noEmit;
  /** instance name, for reports */
  $name = '';
  /** the block keeps sockets: its resource must be driven so that the event loop runs */
  $usesEventLoop = false;
  constructor(readonly $ctx: NativeContext) {}
  /** an event input arrived (its WITH data already sampled) */
  abstract $event(ei: number): void;
  /** the time requested by schedule() was reached */
  $timer(): void {}
  /** the process image was exchanged (for blocks registered with watchInputs) */
  $poll(): void {}
  /** the resource starts (COLD, WARM) or stops */
  $restart(_mode: RestartMode): void {}
  /** the run ends: let go of what the block holds outside the resource (sockets) */
  $dispose(): void {}
  /** the network is complete (before its dispatch is compiled): ANY ports may take their types now */
  $prepare(): void {}
}

export interface NativeBlock {
  /** the 4diac type name: blocks/iec61499/<name>.fbt declares its interface */
  name: string;
  events: NativeEvents;
  create(ctx: NativeContext): NativeFb;
}
