/**
 * Re-initialisation in place: VAR_TEMP (and the aggregate locals of functions and methods) start
 * from their initial values at every call (IEC 61131-3 2.4.3), but a scan must not allocate. So
 * each such variable is one object made when the module loads, and every call resets it: scalars
 * to their initial values, arrays filled, structures and FB instances through a `$reset` written
 * for each type that needs one.
 */
import type { Initializer } from '../st/ast.js';
import { arrayLength, typeDefault, type Type } from '../types/types.js';
import { initArray, initStruct, isScalar, scalarInit, typedArrayFor, type ValueEmitter } from './values.js';

export interface ResetEmitter extends ValueEmitter {
  /** a struct or FB type whose `$reset` the module must define */
  needReset(t: Type): void;
}

/** Statements that put the existing value in `target` back to the initial value of type `t`. */
export function resetValue(target: string, t: Type, init: Initializer | undefined, ve: ResetEmitter, out: string[], tmp: () => string): void {
  init ??= typeDefault(t);
  if (isScalar(t)) {
    out.push(`${target} = ${scalarInit(t, init, ve)};`);
    return;
  }
  if (t.kind === 'array') {
    const n = arrayLength(t);
    const fill = scalarInit(t.element, typeDefault(t.element), ve);
    if (typedArrayFor(t.element)) {
      out.push(`${target}.fill(${fill === 'false' ? '0' : fill === 'true' ? '1' : fill});`);
    } else if (isScalar(t.element)) {
      out.push(`{ const $a = ${target}; for (let $k = 0; $k < ${n}; $k++) $a[$k] = ${fill}; }`);
    } else {
      const a = tmp();
      const i = tmp();
      const inner: string[] = [];
      resetValue(`${a}[${i}]`, t.element, undefined, ve, inner, tmp);
      out.push(`{ const ${a} = ${target}; for (let ${i} = 0; ${i} < ${n}; ${i}++) { ${inner.join(' ')} } }`);
    }
    if (init) initArray(target, t, init, ve, out, tmp);
    return;
  }
  if (t.kind === 'struct') {
    ve.needReset(t);
    out.push(`${ve.className(t)}.$reset(${target});`);
    if (init?.kind === 'struct') initStruct(target, t, init, ve, out, tmp);
    return;
  }
  if (t.kind === 'fb') {
    ve.needReset(t);
    out.push(`${target}.$reset();`);
    if (init?.kind === 'struct') initStruct(target, t, init, ve, out, tmp);
  }
}
