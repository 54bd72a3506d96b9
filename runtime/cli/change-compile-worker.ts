import { parentPort, workerData } from 'node:worker_threads';
import type { Application } from '../../compiler/application.js';
import { prepareChange, type ChangeFile, type PreparedChange } from './change-compile.js';

/** Entry of the thread that prepares one online change (change-compile.ts). */
const data = workerData as { files: ChangeFile[]; running: Application };
let answer: PreparedChange;
try {
  answer = prepareChange(data.files, data.running);
} catch (e) {
  answer = { failure: e instanceof Error ? e.message : String(e) };
}
parentPort!.postMessage(answer);
