// Boots the TypeScript worker entry when vPLC runs from its sources (vitest, tsx): registers
// tsx in the worker thread, then imports the entry. From dist/ the .js entry is started directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
