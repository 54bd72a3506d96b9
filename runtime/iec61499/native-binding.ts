import type { RuntimeFbType } from '../../compiler/iec61499/model.js';
import type { NativeBlock, NativeContext, NativeFb } from '../../blocks/native/native-fb.js';
import { NATIVE_BLOCKS } from '../../blocks/native/registry.js';

/**
 * Binds a native block's class to the FB type the compiler read from its .fbt, by type name and
 * port names: every data port of the .fbt must be a property of the instance, every event a
 * name the class handles. Events are numbered by the .fbt in the dispatcher and by the class
 * in its code; when the two orders differ, the instance gets its own $event and $emit that
 * translate (closures made here, once, so the scan path stays allocation-free).
 */
export class NativeBindingError extends Error {}

export interface NativeBinding {
  fb: NativeFb;
  /** .fbt output event number by the class's number; undefined when both orders agree */
  emitMap: Int32Array | undefined;
}

/** Position of each name of `declared` (the .fbt) in `handled` (the class), or an error text. */
function eventMap(type: string, kind: string, declared: readonly string[], handled: readonly string[]): Int32Array | undefined | string {
  const missing = declared.filter((n) => !handled.includes(n));
  if (missing.length) return `${type}: the native class handles no event ${kind} ${missing.join(', ')} (it handles ${handled.join(', ') || 'none'})`;
  const extra = handled.filter((n) => !declared.includes(n));
  if (extra.length) return `${type}: ${type}.fbt declares no event ${kind} ${extra.join(', ')} that the native class sends or handles`;
  if (declared.every((n, k) => handled[k] === n)) return undefined;
  return Int32Array.from(declared, (n) => handled.indexOf(n));
}

function invert(map: Int32Array): Int32Array {
  const inv = new Int32Array(map.length);
  map.forEach((classIndex, fbtIndex) => { inv[classIndex] = fbtIndex; });
  return inv;
}

/** The native block of a type name (a registry line in blocks/native/registry.ts). */
export function nativeBlock(typeName: string): NativeBlock | undefined {
  return NATIVE_BLOCKS.get(typeName);
}

/** Create and bind an instance of the native block for `type`; throws NativeBindingError. */
export function createNative(type: RuntimeFbType, nativeType: string, ctx: NativeContext): NativeBinding {
  const block = nativeBlock(nativeType);
  if (!block) throw new NativeBindingError(`no native implementation of ${nativeType}`);
  // adapter events are not part of a native block's own interface
  const declaredIn = type.interface.eventInputs.map((e) => e.name);
  const declaredOut = type.interface.eventOutputs.map((e) => e.name);
  const inMap = eventMap(nativeType, 'input', declaredIn, block.events.inputs);
  if (typeof inMap === 'string') throw new NativeBindingError(inMap);
  const outMap = eventMap(nativeType, 'output', declaredOut, block.events.outputs);
  if (typeof outMap === 'string') throw new NativeBindingError(outMap);
  const fb = block.create(ctx);
  const i = type.interface;
  for (const v of [...i.inputVars, ...i.outputVars, ...i.inOutVars]) {
    if (!(v.name in fb)) throw new NativeBindingError(`${nativeType}: the native class has no data port ${v.name} declared in ${nativeType}.fbt`);
  }
  if (inMap) {
    const handle = fb.$event;
    fb.$event = (ei: number): void => handle.call(fb, inMap[ei]!);
  }
  return { fb, emitMap: outMap ? invert(outMap) : undefined };
}

/** After the dispatcher set fb.$emit (numbered by the .fbt): accept the class's numbers. */
export function bindEmit(binding: NativeBinding): void {
  const map = binding.emitMap;
  if (!map) return;
  const emit = binding.fb.$emit;
  binding.fb.$emit = (eo: number): void => emit(map[eo]!);
}
