import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { ImageExchange, WRITE_RING_RECORDS } from '../../../compiler/contract/image-exchange.js';
import { createImageView } from '../../../compiler/contract/process-image.js';

function runWorker(buffer: SharedArrayBuffer, scans: number): { worker: Worker; done: Promise<any> } {
  // the worker is TypeScript: a small .mjs boot registers tsx in the worker, then imports it
  const worker = new Worker(new URL('../../../runtime/engine/tsx-boot.mjs', import.meta.url), {
    workerData: { entry: new URL('./exchange-worker.ts', import.meta.url).href, buffer, scans },
  });
  const done = new Promise<any>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, done };
}

describe('ImageExchange', () => {
  it('delivers inputs, applies external writes only to the elements written, publishes outputs', async () => {
    const main = new ImageExchange();
    const worker = new ImageExchange(main.buffer);
    const local = createImageView();
    local.outputWords[5] = 111; // the program's own value, must survive an external write elsewhere
    local.outputBits[0] = 0b1000_0001;
    main.writeInputs((v) => {
      v.inputWords[3] = 42;
      v.inputBits[1] = 0b10;
    });
    main.writeInputs((v) => {
      expect(v.inputWords[3]).toBe(42); // the view starts from the latest inputs
      v.inputWords[4] = 43;
    });
    expect(main.writeOutput('QX', 3, true)).toBe(true); // %QX0.3
    expect(main.writeOutput('QX', 7, false)).toBe(true); // %QX0.7
    expect(main.writeOutput('QW', 6, 0x1234)).toBe(true);
    expect(main.writeMemory('MW', 2, 7)).toBe(true);
    expect(main.writeMemory('MD', 1, 0xdeadbeef)).toBe(true);
    expect(main.writeMemory('ML', 9, 0x1122334455667788n)).toBe(true);
    expect(main.writeMemory('MX', 17, true)).toBe(true); // %MX2.1
    expect(main.pendingWrites()).toBe(7);

    worker.beginScan(local);
    expect(main.pendingWrites()).toBe(0);
    expect(local.inputWords[3]).toBe(42);
    expect(local.inputWords[4]).toBe(43);
    expect(local.inputBits[1]).toBe(0b10);
    expect(local.outputBits[0]).toBe(0b0000_1001);
    expect(local.outputWords[5]).toBe(111);
    expect(local.outputWords[6]).toBe(0x1234);
    expect(local.memoryWords[2]).toBe(7);
    expect(local.memoryDwords[1]).toBe(0xdeadbeef);
    expect(local.memoryLwords[9]).toBe(0x1122334455667788n);
    expect(local.memoryBits[2]).toBe(0b10);

    // a second scan does not apply the same writes again
    local.outputWords[6] = 9;
    worker.beginScan(local);
    expect(local.outputWords[6]).toBe(9);

    const seen = createImageView();
    main.readOutputs(seen);
    expect(seen.outputWords[6]).toBe(0); // nothing published yet
    worker.endScan(local);
    main.readOutputs(seen);
    expect(seen.outputWords[5]).toBe(111);
    expect(seen.outputWords[6]).toBe(9);
    expect(seen.memoryLwords[9]).toBe(0x1122334455667788n);
    expect(main.scanCount()).toBe(1);
    expect(await main.nextScan(0)).toBe(true); // a scan after scan 0 has happened
    expect(await main.nextScan(1, 20)).toBe(false); // none after scan 1: times out
    const inputs = createImageView();
    main.readInputs(inputs);
    expect(inputs.inputWords[4]).toBe(43);
  });

  it('publishes a batch all at once, or not at all when the queue is full', () => {
    const main = new ImageExchange();
    const worker = new ImageExchange(main.buffer);
    const local = createImageView();
    expect(main.batch(() => {
      main.writeOutput('QW', 1, 1);
      expect(main.pendingWrites()).toBe(0); // not visible before the batch ends
      main.writeOutput('QW', 2, 2);
    })).toBe(true);
    expect(main.pendingWrites()).toBe(2);
    worker.beginScan(local);
    expect([local.outputWords[1], local.outputWords[2]]).toEqual([1, 2]);

    for (let i = 0; i < WRITE_RING_RECORDS - 1; i++) main.writeOutput('QW', 0, i & 0xffff);
    expect(main.batch(() => {
      main.writeOutput('QW', 3, 3);
      main.writeOutput('QW', 4, 4);
    })).toBe(false);
    expect(main.pendingWrites()).toBe(WRITE_RING_RECORDS - 1);
    worker.beginScan(local);
    expect(local.outputWords[0]).toBe((WRITE_RING_RECORDS - 2) & 0xffff);
    expect(local.outputWords[3]).toBe(0);
    expect(() => main.writeOutput('QW', 1024, 1)).toThrow(/%QW1024 is outside/);
  });

  it('never shows a scan half an update, with a real worker thread hammering both ways', async () => {
    const main = new ImageExchange();
    const scans = 20_000;
    const { worker, done } = runWorker(main.buffer, scans);
    const seen = createImageView();
    let counter = 0;
    let tornOutputs = 0;
    let outputReads = 0;
    let finished = false;
    let result: any;
    done.then((r) => { finished = true; result = r; });
    // external writes: %QW1000..1009 := 1..10 in one batch, %ML7 and %QX12.4 alone
    main.batch(() => {
      for (let i = 0; i < 10; i++) main.writeOutput('QW', 1000 + i, i + 1);
    });
    main.writeMemory('ML', 7, 2n ** 63n + 5n);
    main.writeOutput('QX', 100 * 8 + 4, true);
    // the update counter is a 16-bit word, compared modulo 2^16 by the worker: never let it run
    // half the range ahead of the worker's scans (a loaded machine may deschedule the worker)
    let scansSeen = main.scanCount();
    let updatesSinceScan = 0;
    while (!finished) {
      if (main.scanCount() !== scansSeen) {
        scansSeen = main.scanCount();
        updatesSinceScan = 0;
      } else if (++updatesSinceScan > 16_384) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      counter = (counter % 65535) + 1;
      const c = counter;
      main.writeInputs((v) => {
        v.inputWords.fill(c);
        v.inputBits.fill(c & 0xff);
      });
      main.readOutputs(seen);
      outputReads++;
      const s = seen.outputWords[0]!;
      for (let i = 1; i < 1000; i++) if (seen.outputWords[i] !== s) { tornOutputs++; break; }
      for (let i = 0; i < seen.memoryWords.length; i++) if (seen.memoryWords[i] !== s) { tornOutputs++; break; }
      for (let i = 0; i < seen.memoryDwords.length; i++) if ((seen.memoryDwords[i]! & 0xffff) !== s) { tornOutputs++; break; }
      if (counter % 64 === 0) await new Promise((r) => setImmediate(r));
    }
    await worker.terminate();
    expect(result.torn).toBe(0);
    expect(result.backwards).toBe(0);
    expect(result.distinctUpdates).toBeGreaterThan(1); // the worker did see updates while running
    expect(tornOutputs).toBe(0);
    expect(outputReads).toBeGreaterThan(1);
    expect(result.external).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.ml).toBe((2n ** 63n + 5n).toString());
    expect(result.qx).toBe(0b1_0000);
    expect(main.scanCount()).toBe(scans);
  });
});
