import type { NativeBlock } from './native-fb.js';
import { TIMER_BLOCKS } from './timers.js';
import { SERVICE_BLOCKS } from './service.js';
import { PROCESS_INTERFACE_BLOCKS } from './process-interface.js';
import { CONSOLE_BLOCKS } from './console.js';
import { CSV_WRITER_BLOCKS } from './csv-writer.js';
import { ARRAY_BLOCKS } from './arrays.js';
import { COMM_BLOCKS } from './comm/comm-fb.js';
import { STRUCT_BLOCKS } from './structs.js';
import { TIMING_BLOCKS } from './timing.js';
import { VALUE_AS_STRING_BLOCKS } from './value-as-string.js';

/** Every native block by 4diac type name. */
export const NATIVE_BLOCKS: ReadonlyMap<string, NativeBlock> = new Map(
  [...TIMER_BLOCKS, ...SERVICE_BLOCKS, ...PROCESS_INTERFACE_BLOCKS, ...CONSOLE_BLOCKS, ...CSV_WRITER_BLOCKS, ...ARRAY_BLOCKS, ...STRUCT_BLOCKS, ...TIMING_BLOCKS, ...COMM_BLOCKS, ...VALUE_AS_STRING_BLOCKS].map((b) => [b.name, b]),
);
