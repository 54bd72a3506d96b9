import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModbusServerDriver, QUEUE_LIMIT } from '../../io-drivers/modbus-server.js';
import { parseConfig } from '../../runtime/config/load.js';
import type { ModbusServerConfig } from '../../runtime/config/schema.js';
import { startCli, type CliProcess } from '../../samples/child-cli.js';
import { ScanLoop, freePort, until } from './harness.js';

function serverConfig(port: number, extra: Partial<ModbusServerConfig> = {}): ModbusServerConfig {
  return { host: '127.0.0.1', port, readOnly: false, unitId: 0, ...extra };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function closed(s: Socket): Promise<void> {
  return s.destroyed && s.readyState === 'closed' ? Promise.resolve() : new Promise((r) => s.once('close', () => r()));
}

/** One MBAP frame: transaction `tid`, unit 1, function code and PDU data. */
function frame(tid: number, fc: number, data: number[]): Buffer {
  return Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, 2 + data.length, 1, fc, ...data]);
}

/** Send one frame and wait for the whole reply. */
function ask(s: Socket, f: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const on = (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (got.length >= 6 && got.length >= 6 + got.readUInt16BE(4)) {
        s.off('data', on);
        resolve(got);
      }
    };
    s.on('data', on);
    s.write(f);
  });
}

function httpGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('Modbus TCP server under abuse', () => {
  const loop = new ScanLoop((img) => {
    img.outputWords[0] = 1234;
  });
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });
  async function server(extra: Partial<ModbusServerConfig> = {}): Promise<ModbusServerDriver> {
    loop.scan();
    const s = new ModbusServerDriver(serverConfig(await freePort(), extra), { exchange: loop.exchange, log: () => {} });
    await s.start();
    cleanup.push(() => s.stop());
    return s;
  }

  it('answers requests pipelined in one write, each reply in order with its transaction id', async () => {
    const srv = await server();
    const s = await open(srv.port);
    cleanup.push(() => s.destroy());
    // 3 reads of %QW0 and one unknown function code, sent as a single segment; then half a frame
    const batch = Buffer.concat([frame(7, 3, [0, 0, 0, 1]), frame(8, 3, [0, 0, 0, 1]), frame(9, 7, []), frame(10, 3, [0, 0, 0, 1])]);
    const replies: Buffer[] = [];
    let got = Buffer.alloc(0);
    s.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      while (got.length >= 6 && got.length >= 6 + got.readUInt16BE(4)) {
        replies.push(got.subarray(0, 6 + got.readUInt16BE(4)));
        got = got.subarray(6 + got.readUInt16BE(4));
      }
    });
    s.write(Buffer.concat([batch, frame(11, 3, [0, 0, 0, 1]).subarray(0, 5)]));
    await until(() => replies.length >= 4, 'the four replies', 5000);
    expect(replies.map((r) => r.readUInt16BE(0))).toEqual([7, 8, 9, 10]);
    expect(replies[0]!.subarray(7)).toEqual(Buffer.from([3, 2, 1234 >> 8, 1234 & 0xff]));
    expect(replies[2]!.subarray(7)).toEqual(Buffer.from([0x87, 1]));
    // the rest of the half frame completes the fifth request
    s.write(frame(11, 3, [0, 0, 0, 1]).subarray(5));
    await until(() => replies.length === 5, 'the fifth reply', 5000);
    expect(replies[4]!.readUInt16BE(0)).toBe(11);
    expect(replies[4]!.subarray(7)).toEqual(Buffer.from([3, 2, 1234 >> 8, 1234 & 0xff]));
  });

  it('stops reading a client that never reads its replies, keeps its queue bounded, closes it and frees it', async () => {
    const srv = await server({ idleTimeoutMs: 1000 });
    const flood = await open(srv.port);
    flood.pause(); // never read a reply
    const request = frame(1, 3, [0, 0, 0, 100]); // 100 holding registers: 12 bytes in, 209 out
    const chunk = Buffer.concat(Array.from({ length: 5000 }, () => request));
    let maxQueued = 0;
    const sampler = setInterval(() => (maxQueued = Math.max(maxQueued, srv.queuedBytes())), 5);
    // 4.8 MB of requests: answered in full that would be ~84 MB of replies held for this client
    for (let i = 0; i < 80; i++) flood.write(chunk);
    await until(() => srv.status.requests > 1000, 'the server answering the flood');
    await closed(flood);
    clearInterval(sampler);
    expect(srv.idleClosed).toBe(1);
    expect(maxQueued).toBeGreaterThan(0);
    // the replies queued (QUEUE_LIMIT) plus at most one unread chunk of requests
    expect(maxQueued).toBeLessThan(QUEUE_LIMIT + 256 * 1024);
    expect(srv.status.requests).toBeLessThan(80 * 5000);
    await until(() => srv.connections === 0, 'the connection released');
    expect(srv.queuedBytes()).toBe(0);
    // the server still answers others
    const ok = await open(srv.port);
    const reply = await ask(ok, frame(2, 3, [0, 0, 0, 1]));
    expect(reply.readUInt16BE(9)).toBe(1234);
    ok.destroy();
  });

  it('closes an idle connection after idleTimeoutMs and keeps a busy one', async () => {
    const srv = await server({ idleTimeoutMs: 300 });
    const idle = await open(srv.port);
    const busy = await open(srv.port);
    let busyOk = true;
    busy.on('close', () => (busyOk = false));
    const ticker = setInterval(() => void ask(busy, frame(3, 3, [0, 0, 0, 1])), 50);
    await closed(idle);
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(ticker);
    expect(busyOk).toBe(true);
    expect(srv.idleClosed).toBe(1);
    busy.destroy();
  });

  it('holds at most maxConnections and refuses the others', async () => {
    const srv = await server({ maxConnections: 3 });
    const socks = await Promise.all(Array.from({ length: 6 }, () => open(srv.port)));
    const states = socks.map((s) => {
      const st = { closed: false };
      s.on('close', () => (st.closed = true));
      s.on('error', () => {});
      return st;
    });
    await until(() => states.filter((s) => s.closed).length === 3, 'three connections refused');
    expect(srv.connections).toBe(3);
    expect(srv.refused).toBe(3);
    const held = socks[states.findIndex((s) => !s.closed)]!;
    expect((await ask(held, frame(4, 3, [0, 0, 0, 1]))).readUInt16BE(9)).toBe(1234);
    for (const s of socks) s.destroy();
    await until(() => srv.connections === 0, 'all released');
    const again = await open(srv.port);
    expect((await ask(again, frame(5, 3, [0, 0, 0, 1]))).readUInt16BE(9)).toBe(1234);
    again.destroy();
  });

  it('lets in only the allowed client addresses', async () => {
    const other = await server({ allow: ['10.1.2.3', '192.168.0.0/16'] });
    const s = await open(other.port);
    s.on('error', () => {});
    await closed(s);
    expect(other.refused).toBe(1);
    const local = await server({ allow: ['127.0.0.0/8'] });
    const t = await open(local.port);
    expect((await ask(t, frame(6, 3, [0, 0, 0, 1]))).readUInt16BE(9)).toBe(1234);
    t.destroy();
  });

  it('listens on 127.0.0.1 unless host: opens it, and checks allow: entries', () => {
    const r = parseConfig('modbusServer: { port: 0 }\n', 'plc.yaml');
    expect(r.config!.modbusServer!.host).toBe('127.0.0.1');
    const bad = parseConfig("modbusServer: { allow: ['10.0.0.0/40', 'plc.local'] }\n", 'plc.yaml');
    expect(bad.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('a client IP address or subnet'),
      expect.stringContaining('a client IP address or subnet'),
    ]);
  });

  it('answers unknown function codes in their short form, and codes >= 0x80, with exception 01', async () => {
    const srv = await server();
    const s = await open(srv.port);
    const cases: [number, number[]][] = [
      [7, []], // Read Exception Status
      [8, [0, 0]], // Diagnostics, sub-function only
      [17, []], // Report Server ID
      [43, [14, 1, 0]], // Read Device Identification
      [0x83, [0, 0, 0, 1]],
      [0x90, []],
    ];
    for (const [fc, data] of cases) {
      const reply = await ask(s, frame(fc, fc, data));
      expect([...reply], `FC ${fc}`).toEqual([0, fc, 0, 0, 0, 3, 1, fc | 0x80, 1]);
    }
    // a known code with a short PDU is still ILLEGAL DATA VALUE
    expect([...(await ask(s, frame(9, 3, [0])))].slice(7)).toEqual([0x83, 3]);
    s.destroy();
  });
});

/** `vplc serve` as a child process: its Modbus port flooded with idle connections, /metrics still answers. */
describe('vplc serve with its Modbus port flooded', () => {
  let cli: CliProcess | undefined;
  const socks: Socket[] = [];
  afterAll(async () => {
    for (const s of socks) s.destroy();
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
  });

  it('keeps /metrics answering while 2,000 idle connections hit the Modbus port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-serve-modbus-flood-'));
    const modbusPort = await freePort();
    const metricsPort = await freePort();
    writeFileSync(
      join(dir, 'app.st'),
      'PROGRAM Main\nVAR n : DINT; END_VAR\nn := n + 1;\nEND_PROGRAM\nCONFIGURATION C RESOURCE R ON PLC TASK T(INTERVAL := T#10ms, PRIORITY := 1); PROGRAM Main WITH T : Main; END_RESOURCE END_CONFIGURATION\n',
    );
    writeFileSync(join(dir, 'plc.yaml'), `modbusServer: { port: ${modbusPort} }\n`);
    cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--metrics-port', String(metricsPort), '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);
    expect(await httpGet(metricsPort, '/metrics')).toBe(200);

    let refused = 0;
    let probes = 0;
    for (let i = 0; i < 2000; i++) {
      const s = connect(modbusPort, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => refused++);
      socks.push(s);
      if (i % 250 === 249) {
        expect(await httpGet(metricsPort, '/metrics')).toBe(200);
        probes++;
      }
    }
    await until(() => refused >= 2000 - 32, 'connections over the cap refused');
    expect(probes).toBe(8);
    expect(await httpGet(metricsPort, '/metrics')).toBe(200);
    // one of the held connections still gets answers
    const held = socks.find((s) => !s.destroyed && s.readyState === 'open');
    expect(held).toBeDefined();
    const reply = await ask(held!, frame(1, 3, [0, 0, 0, 1]));
    expect(reply[7]).toBe(3);
  }, 60_000);
});
