import { parentPort, workerData } from 'node:worker_threads';
import { ImageExchange } from '../../../compiler/contract/image-exchange.js';
import { createImageView } from '../../../compiler/contract/process-image.js';

/**
 * Scan-side half of the image exchange test: runs `scans` scans; each checks that every input
 * word and byte carries the same update counter (no torn update), counts the external writes it
 * sees, and publishes all %QW/%MW/%MD words stamped with its scan number.
 */
const { buffer, scans } = workerData as { buffer: SharedArrayBuffer; scans: number };
const exchange = new ImageExchange(buffer);
const local = createImageView();
let torn = 0;
let lastCounter = 0;
let backwards = 0;
let distinctUpdates = 0;
for (let scan = 1; scan <= scans; scan++) {
  exchange.beginScan(local);
  const w = local.inputWords;
  const first = w[0]!;
  for (let i = 1; i < w.length; i++) if (w[i] !== first) { torn++; break; }
  const b = local.inputBits;
  for (let i = 0; i < b.length; i++) if (b[i] !== (first & 0xff)) { torn++; break; }
  // the counter wraps at 65535 (16-bit words): compare modulo 2^16, half the range either way
  if (first !== lastCounter && ((first - lastCounter) & 0xffff) > 0x8000) backwards++;
  if (first !== lastCounter) distinctUpdates++;
  lastCounter = first;
  // the program's own work: stamp every output with the scan number, except %QW1000..1009,
  // which belong to the external writer (the program leaves them alone)
  for (let i = 0; i < 1000; i++) local.outputWords[i] = scan & 0xffff;
  local.memoryWords.fill(scan & 0xffff);
  local.memoryDwords.fill(scan);
  exchange.endScan(local);
}
parentPort!.postMessage({
  torn,
  backwards,
  distinctUpdates,
  lastCounter,
  external: Array.from(local.outputWords.subarray(1000, 1010)),
  ml: local.memoryLwords[7]!.toString(),
  qx: local.outputBits[100],
});
