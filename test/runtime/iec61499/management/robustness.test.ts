import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { encodeString } from '../../../../runtime/iec61499/management/frame.js';
import { ManagementClient, ManagementConnectionError, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { deployCounter, startDevice, type Running, waitFor } from './harness.js';

/**
 * Fuzz-style tests: whatever arrives on the socket, the device answers or closes the
 * connection, keeps serving the next client, and the running application keeps running.
 */
let dev: Running;

beforeEach(async () => {
  dev = await startDevice({}, { maxStringBytes: 4096, partialTimeoutMs: 300, waitForTurnMs: 1500 });
  const c = await ManagementClient.open(dev.port);
  await deployCounter(c);
  await c.close();
});

afterEach(async () => {
  await dev.stop();
});

/** the application still counts: a fresh client sees C.CV move on */
async function stillRunning(): Promise<void> {
  const c = await ManagementClient.open(dev.port);
  const cv = async () => Number(/Destination="(\d+)"/.exec(await c.request('RES', 'READ', '<Connection Source="C.CV" Destination="" />'))?.[1]);
  const before = await cv();
  expect(Number.isInteger(before)).toBe(true);
  await waitFor(cv, (v) => v > before, 'the application to keep counting');
  await c.close();
}

/** a deterministic PRNG (xorshift32): the fuzz cases are the same on every run */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

describe('management server robustness', () => {
  it('answers a frame with a wrong tag byte and closes the connection', async () => {
    const c = await ManagementClient.open(dev.port);
    c.sendRaw(Buffer.from([0x51, 0x00, 0x02, 0x41, 0x42]));
    expect(reason(await c.next())).toBe('UNSUPPORTED_CMD');
    await c.whenClosed();
    await stillRunning();
  });

  it('answers a declared length beyond the limit and closes the connection', async () => {
    const c = await ManagementClient.open(dev.port);
    c.sendRaw(Buffer.from([0x50, 0xff, 0xff, 0x41]));
    expect(reason(await c.next())).toBe('UNSUPPORTED_CMD');
    await c.whenClosed();
    await stillRunning();
  });

  it('closes a connection whose request never completes', async () => {
    const c = await ManagementClient.open(dev.port);
    // a length of 100 and 3 bytes of it: the rest never comes
    c.sendRaw(Buffer.from([0x50, 0x00, 0x64, 0x41, 0x42, 0x43]));
    await c.whenClosed();
    expect(dev.logs.some((l) => /timed out/.test(l))).toBe(true);
    await stillRunning();
  });

  it('survives a client that vanishes mid-request', async () => {
    for (const cut of [1, 2, 3, 10]) {
      const s = connect(dev.port, '127.0.0.1');
      s.on('error', () => undefined);
      await new Promise<void>((r) => s.once('connect', () => r()));
      const full = Buffer.concat([encodeString('RES'), encodeString('<Request ID="9" Action="READ"><Connection Source="C.CV" Destination="" /></Request>')]);
      s.write(full.subarray(0, cut));
      s.destroy();
      await new Promise((r) => s.once('close', r));
    }
    await stillRunning();
  });

  it('answers unknown or malformed XML with a Reason and keeps the connection', async () => {
    const c = await ManagementClient.open(dev.port);
    const cases: [string, string, string][] = [
      ['', 'not xml at all', 'UNSUPPORTED_CMD'],
      ['', '<Request ID="4" Action="CREATE"><FB Name="X"', 'UNSUPPORTED_CMD'],
      ['', '<Foo ID="5"/>', 'UNSUPPORTED_CMD'],
      ['', '<Request ID="6" Action="EXPLODE"/>', 'UNSUPPORTED_CMD'],
      ['RES', '<Request ID="7" Action="CREATE"><Bar Name="x"/></Request>', 'UNSUPPORTED_CMD'],
      ['RES', '<Request ID="8" Action="CREATE"><FB Type="E_CTU"/></Request>', 'INVALID_OBJECT'],
      ['RES', '<Request ID="9" Action="CREATE"><FB Name="A" Type="E_CTU"/><FB Name="B" Type="E_CTU"/></Request>', 'UNSUPPORTED_CMD'],
      ['RES', '<Request ID="10" Action="WRITE"><Connection Source="banana" Destination="C.PV" force="true"/></Request>', 'BAD_PARAMS'],
      ['RES', '<Request ID="11" Action="CREATE"><Watch Source="C.NOPE" Destination=""/></Request>', 'NO_SUCH_OBJECT'],
      // FORTE's answer: the device has no such port (FB ports are written in their resource)
      ['', '<Request ID="12" Action="WRITE"><Connection Source="1" Destination="C.PV"/></Request>', 'NO_SUCH_OBJECT'],
      ['RES', '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><Request ID="13" Action="QUERY"><FB Name="&a;" Type="*"/></Request>', 'UNSUPPORTED_CMD'],
    ];
    for (const [dst, xml, want] of cases) {
      const a = await c.send(dst, xml);
      expect(reason(a), xml).toBe(want);
    }
    // the ID of a parseable request is echoed even when it fails
    expect(await c.send('RES', '<Request ID="6" Action="EXPLODE"/>')).toBe('<Response ID="6" Reason="UNSUPPORTED_CMD" />');
    expect(c.closed).toBe(false);
    await c.close();
    await stillRunning();
  });

  it('answers random frames and random bytes without crashing', async () => {
    const rnd = prng(61499);
    const pieces = ['<Request', ' ID="1"', ' Action="', 'CREATE', 'WRITE', 'DELETE', 'KILL', '">', '<FB', '<Connection', ' Name="C"', ' Source="$e"', ' Destination="C.CU"', ' Type="E_CTU"', '/>', '</Request>', '&amp;', '&#0;', '<', '"', '\u00e9', '\u0000'];
    let answered = 0;
    for (let round = 0; round < 150; round++) {
      const c = await ManagementClient.open(dev.port);
      let text = '';
      const n = 1 + Math.floor(rnd() * 12);
      for (let k = 0; k < n; k++) text += pieces[Math.floor(rnd() * pieces.length)];
      // never to RES while it runs with KILL/DELETE in the mix: those are valid and would stop it
      // an answer, or the connection closed by the device (the client's request then fails)
      const a = await c.send(rnd() < 0.5 ? '' : 'NOPE', text).catch((e: unknown) => (e instanceof ManagementConnectionError ? 'closed' : String(e)));
      expect(a === 'closed' || /^<Response ID="[^"]*"/.test(a)).toBe(true);
      answered++;
      if (round % 10 === 0) {
        const junk = Buffer.alloc(1 + Math.floor(rnd() * 64));
        for (let k = 0; k < junk.length; k++) junk[k] = Math.floor(rnd() * 256);
        c.sendRaw(junk);
      }
      c.socket.destroy();
      await c.whenClosed();
    }
    expect(answered).toBe(150);
    await stillRunning();
  });

  it('serves one client at a time: a second one waits for its turn, then is closed', async () => {
    const first = await ManagementClient.open(dev.port);
    const second = await ManagementClient.open(dev.port);
    // the second one's request is not served while the first stays connected
    const pending = second.request('RES', 'QUERY', '<FB Name="*" Type="*" />');
    expect(reason(await first.request('RES', 'QUERY', '<FB Name="*" Type="*" />'))).toBeUndefined();
    await expect(pending).rejects.toThrow('the device closed the connection');
    expect(dev.logs.some((l) => /a client is connected/.test(l))).toBe(true);
    // a client that connects while the first is leaving gets its turn
    const third = await ManagementClient.open(dev.port);
    const answer = third.request('RES', 'QUERY', '<FB Name="C" Type="*" />');
    await first.close();
    expect(await answer).toContain('<FB Name="C" Type="E_CTU" />');
    await third.close();
    await stillRunning();
  });
});

describe('management server address control', () => {
  it('refuses clients outside the allow-list', async () => {
    const guarded = await startDevice({}, { allow: ['10.1.2.3'] });
    try {
      const c = await ManagementClient.open(guarded.port);
      await c.whenClosed();
      expect(guarded.logs.some((l) => /allow-list/.test(l))).toBe(true);
    } finally {
      await guarded.stop();
    }
    const open = await startDevice({}, { allow: ['127.0.0.1'] });
    try {
      const c = await ManagementClient.open(open.port);
      // an empty device answers a bare response, as FORTE does
      expect(await c.request('', 'QUERY', '<FB Name="*" Type="*" />')).toBe('<Response ID="1" />');
      await c.close();
    } finally {
      await open.stop();
    }
  });
});
