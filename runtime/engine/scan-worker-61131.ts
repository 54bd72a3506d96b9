// Entry of the worker thread of an IEC 61131-3 resource: its modules and the worker's, loaded together.
import { runResourceWorker } from './resource-worker.js';
import { open61131 } from './worker-61131.js';

runResourceWorker(open61131);
