import { describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import { bootRequests, typeFolder } from '../../../support/iec61499.js';
import { ADDER, commDevices, metrics, read } from '../../../support/comm-devices.js';
import { freePort, until } from '../../../support/wait.js';

/**
 * Behaviour of the communication FBs found different from FORTE's when both were run side
 * by side (test/interop/forte.test.ts runs them against a FORTE binary): here each is pinned
 * with vPLC alone, real sockets on 127.0.0.1 as the other side.
 */

const { device, server } = commDevices();

/** A TCP client of the test: what it receives, and whether the other side closed it. */
async function tcpPeer(port: number) {
  const got: Buffer[] = [];
  let closed = false;
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('data', (d) => got.push(d));
  s.on('close', () => (closed = true));
  s.on('error', () => undefined);
  await new Promise<void>((ok, fail) => {
    s.once('connect', () => ok());
    s.once('error', fail);
  });
  return { s, got, closed: () => closed, bytes: () => Buffer.concat(got).toString('hex') };
}

describe('communication FBs behave as FORTE\'s', () => {
  it('a SERVER serves one client: a second one is closed at once, the first is still answered', async () => {
    const dir = typeFolder({ 'ADDER.fbt': ADDER });
    const port = await freePort();
    const srv = server(dir, port);
    await until(() => read(srv, 'SRV.QO') === true, 'listening');
    const a = await tcpPeer(port);
    a.s.write(Buffer.from('470005', 'hex'));
    await until(() => a.bytes() === '4800000005', 'first answer to A');
    const b = await tcpPeer(port);
    await until(() => b.closed(), 'B closed by the server');
    expect(b.got).toEqual([]);
    a.s.write(Buffer.from('470002', 'hex'));
    await until(() => a.bytes() === '48000000054800000007', 'A still answered');
    expect(a.closed()).toBe(false);
    // A goes; the server says nothing (QO, STATUS unchanged) and takes the next client
    a.s.destroy();
    const accepted: Awaited<ReturnType<typeof tcpPeer>>[] = [];
    await until(async () => {
      // until the server has seen A go, a new client is closed at once
      const p = await tcpPeer(port);
      p.s.write(Buffer.from('470001', 'hex'));
      await new Promise((r) => setTimeout(r, 20));
      if (!p.closed()) accepted.push(p);
      return accepted.length > 0;
    }, 'a new client accepted once A is gone');
    const c = accepted[0]!;
    await until(() => c.bytes() === '4800000008', 'C answered');
    expect(read(srv, 'SRV.QO')).toBe(true);
    expect(read(srv, 'SRV.STATUS')).toBe('OK');
    c.s.destroy();
  });

  it('a SERVER\'s RSP without a client changes nothing; RSP with QI = FALSE is IND with INHIBITED', async () => {
    const dir = typeFolder({ 'ADDER.fbt': ADDER });
    const port = await freePort();
    // IND counted by ADD; RSP is the test's (an IND → RSP loop would never end with QI = FALSE)
    const { fb, conn, write, start } = bootRequests('RES');
    const srv = device(dir, 'srv', [
      fb('SRV', 'SERVER_1_1'), fb('ADD', 'ADDER'),
      conn('START.COLD', 'SRV.INIT'), conn('SRV.IND', 'ADD.REQ'),
      write('1', 'SRV.QI'), write(`'127.0.0.1:${port}'`, 'SRV.ID'), start(),
    ]);
    await until(() => read(srv, 'SRV.QO') === true, 'listening');
    const res = srv.resources[0]!.resource;
    const n = read(srv, 'ADD.N');
    res.fireEvent('SRV.RSP');
    expect(read(srv, 'SRV.QO')).toBe(true);
    expect(read(srv, 'SRV.STATUS')).toBe('OK');
    expect(read(srv, 'ADD.N')).toBe(n);
    res.writeParameter('SRV.QI', 'FALSE');
    res.fireEvent('SRV.RSP');
    // IND went to ADD.REQ: one more sum
    expect(read(srv, 'ADD.N')).toBe(Number(n) + 1);
    expect(read(srv, 'SRV.QO')).toBe(false);
    expect(read(srv, 'SRV.STATUS')).toBe('INHIBITED');
  });

  it('a SUBSCRIBE whose port is taken, and a CLIENT whose server refuses: INITO, QO = FALSE, INVALID_ID', async () => {
    const dir = typeFolder({ 'ADDER.fbt': ADDER });
    const [up, tp] = [await freePort(), await freePort()];
    const holder = dgram.createSocket('udp4');
    await new Promise<void>((ok) => holder.bind(up, '127.0.0.1', ok));
    try {
      const { fb, conn, write, start } = bootRequests('RES');
      const d = device(dir, 'fail', [
        fb('SUB', 'SUBSCRIBE_1'), fb('CLI', 'CLIENT_1_1'),
        conn('START.COLD', 'SUB.INIT'), conn('SUB.INITO', 'CLI.INIT'),
        write('1', 'SUB.QI'), write(`'127.0.0.1:${up}'`, 'SUB.ID'), write('1', 'CLI.QI'), write(`'127.0.0.1:${tp}'`, 'CLI.ID'), start(),
      ]);
      await until(() => read(d, 'CLI.STATUS') !== '', 'both INITO');
      expect([read(d, 'SUB.QO'), read(d, 'SUB.STATUS')]).toEqual([false, 'INVALID_ID']);
      expect([read(d, 'CLI.QO'), read(d, 'CLI.STATUS')]).toEqual([false, 'INVALID_ID']);
      expect(metrics(d, 'SUB').errors + metrics(d, 'CLI').errors).toBe(2);
      expect(d.resources[0]!.resource.state).toBe('running');
    } finally {
      holder.close();
    }
  });
});

describe('an unconnected SD port takes the type of its typed literal, as FORTE\'s ANY does', () => {
  it('INT#5, STRING#\'abc\', WSTRING#"w", T#1s, BYTE#16#FF, LREAL#1.5, D#2024-01-02 go out with their own tags', async () => {
    const peer = dgram.createSocket('udp4');
    const got = new Map<string, string>();
    await new Promise<void>((ok) => peer.bind(0, '127.0.0.1', ok));
    // each PUBLISH sends from its own source port: messages told apart by their first byte
    peer.on('message', (m) => got.set(m.toString('hex', 0, 1), m.toString('hex')));
    const literals = ['INT#5', "STRING#'abc'", 'WSTRING#"w"', 'T#1s', 'BYTE#16#FF', 'LREAL#1.5', 'D#2024-01-02'];
    const { fb, conn, write, start } = bootRequests('RES');
    const lines = literals.flatMap((v, k) => [
      fb(`P${k}`, 'PUBLISH_1'), conn(k === 0 ? 'START.COLD' : `P${k - 1}.CNF`, `P${k}.INIT`), conn(`P${k}.INITO`, `P${k}.REQ`),
      write('1', `P${k}.QI`), write(`'127.0.0.1:${peer.address().port}'`, `P${k}.ID`), write(v, `P${k}.SD_1`),
    ]);
    try {
      device(typeFolder({}), 'typed', [...lines, start()]);
      await until(() => got.size === literals.length, 'a message of each');
      expect(Object.fromEntries(got)).toEqual({
        '43': '430005',
        '50': '500003616263',
        '55': '5500010077',
        '4c': '4c00000000000f4240', // µs
        '51': '51ff',
        '4b': '4b3ff8000000000000',
        '4d': '4d17a65eab92b40000', // ns since 1970
      });
    } finally {
      peer.close();
    }
  });
});
