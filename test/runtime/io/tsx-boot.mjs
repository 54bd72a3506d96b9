// Boots a TypeScript worker under vitest/node: registers tsx in this thread, then imports the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
