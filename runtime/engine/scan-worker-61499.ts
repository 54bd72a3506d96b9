// Entry of the worker thread of an IEC 61499 resource: its modules and the worker's, loaded together.
import { runResourceWorker } from './resource-worker.js';
import { open61499 } from './worker-61499.js';

runResourceWorker(open61499);
