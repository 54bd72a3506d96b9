import type { NativeBlock } from './native-fb.js';
import { TIMER_BLOCKS } from './timers.js';
import { SERVICE_BLOCKS } from './service.js';

/** Every native block by 4diac type name. */
export const NATIVE_BLOCKS: ReadonlyMap<string, NativeBlock> = new Map(
  [...TIMER_BLOCKS, ...SERVICE_BLOCKS].map((b) => [b.name, b]),
);
