import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileFiles } from '../../../compiler/project.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { startConsole } from '../../../runtime/console/server.js';
import { until } from '../../support/wait.js';

/**
 * Per-pin event counts of an IEC 61499 resource running in its worker (the sorting conveyor
 * sample: E_CYCLE → IX → SORTER → QX): counted only while watched, the same counts on both ends
 * of every connection, and streamed to the console's IEC 61499 page.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));
const app = () => compileFiles([join(root, 'samples/sorting-conveyor/sorting.sys')]).application!;
const RES = 'PLC.Line';

type Pins = Record<string, [number, number]>;

/** Updates of the IEC 61499 page's stream until `accept` takes one. */
function updateWhere(port: number, cookie: string, accept: (d: { resources: Record<string, { pins?: Pins }>; countingSince?: number }) => boolean): Promise<{ resources: Record<string, { pins?: Pins }>; countingSince?: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/stream?page=iec61499', headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let buf = '';
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const data = /^event: update\ndata: (.*)$/m.exec(buf.slice(0, i));
          buf = buf.slice(i + 2);
          if (!data) continue;
          const d = JSON.parse(data[1]!) as Parameters<typeof accept>[0];
          if (accept(d)) {
            req.destroy();
            resolve(d);
          }
        }
      });
    });
    req.on('error', () => {});
    req.end();
  });
}

describe('IEC 61499 per-pin event counts through the engine and the console', () => {
  it('are counted only while watched; both ends of each event connection count the same events', async () => {
    const engine = await Engine.start(app(), { clock: 'real' });
    try {
      expect(engine.resources).toEqual([RES]);
      // nobody watches: no counts
      await new Promise((done) => setTimeout(done, 50));
      expect(engine.eventPinCounts(RES)).toBeUndefined();
      engine.watchEventPins(RES, true);
      await until(() => (engine.eventPinCounts(RES)?.['CLOCK.EO']?.count ?? 0) >= 5, 'CLOCK.EO counted');
      const first = engine.eventPinCounts(RES)!['CLOCK.EO']!;
      expect(first.lastNs).toBeGreaterThan(0);
      await until(() => engine.eventPinCounts(RES)!['CLOCK.EO']!.count > first.count, 'CLOCK.EO counting on');
      // after the run, no chain in flight: every connection delivered what its source sent
      await engine.stop();
      const c = engine.eventPinCounts(RES)!;
      expect(c['EYE.REQ']!.count).toBe(c['CLOCK.EO']!.count);
      expect(c['CELL.S.REQ']!.count).toBe(c['EYE.CNF']!.count);
      expect(c['BELT.REQ']!.count).toBe(c['CELL.S.CNF']!.count);
      expect(c['EYE.CNF']!.count).toBe(c['EYE.REQ']!.count);
      expect(c['EYE.REQ']!.lastNs).toBe(c['CLOCK.EO']!.lastNs);
      // counted after the COLD chain: what it delivered is not among them
      const delivered = engine.metrics().events![RES]!.delivered;
      const inputs = ['CLOCK.START', 'CLOCK.STOP', 'EYE.INIT', 'EYE.REQ', 'BELT.INIT', 'BELT.REQ', 'CELL.S.REQ', 'CELL.N.CU', 'CELL.N.R', 'START.COLD', 'START.WARM', 'START.STOP'];
      const counted = inputs.reduce((n, p) => n + c[p]!.count, 0);
      expect(counted).toBeGreaterThan(0);
      expect(counted).toBeLessThanOrEqual(delivered);
    } finally {
      await engine.stop();
    }
  }, 60_000);

  it('stop when the watcher lets go', async () => {
    const engine = await Engine.start(app(), { clock: 'real' });
    try {
      engine.watchEventPins(RES, true);
      await until(() => (engine.eventPinCounts(RES)?.['CLOCK.EO']?.count ?? 0) >= 2, 'counted');
      engine.watchEventPins(RES, false);
      expect(engine.eventPinCounts(RES)).toBeUndefined();
      // on again
      engine.watchEventPins(RES, true);
      await until(() => engine.eventPinCounts(RES) !== undefined, 'counting again');
      const n = engine.eventPinCounts(RES)!['CLOCK.EO']!.count;
      await until(() => engine.eventPinCounts(RES)!['CLOCK.EO']!.count > n, 'counting on');
    } finally {
      await engine.stop();
    }
  }, 60_000);

  it('streams the counts to the IEC 61499 page while it is open, increasing', async () => {
    const a = app();
    const engine = await Engine.start(a, { clock: 'real' });
    const web = await startConsole({ port: 0, app: a, engine, devices: () => [], config: { users: [{ username: 'op', password: 'secret', role: 'read-only' }], sessionMinutes: 30 }, periodMs: 40 });
    try {
      const login = await fetch(`${web.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op', password: 'secret' }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      // no page open: nothing counts
      expect(engine.eventPinCounts(RES)).toBeUndefined();
      const eo = (d: { resources: Record<string, { pins?: Pins }> }) => d.resources[RES]?.pins?.['CLOCK.EO']?.[0] ?? 0;
      const one = await updateWhere(web.port, cookie, (d) => eo(d) >= 3);
      expect(one.countingSince).toBeGreaterThan(0);
      const pins = one.resources[RES]!.pins!;
      // every event pin of the drawn network: inputs and outputs, with [count, time of the last]
      const drawn = (await (await fetch(`${web.url}/api/networks`, { headers: { cookie } })).json()) as { fbs: { name: string; inputs: { name: string; kind: string }[]; outputs: { name: string; kind: string }[] }[] }[];
      const eventPins = drawn[0]!.fbs.flatMap((f) => [...f.inputs, ...f.outputs].filter((p) => p.kind === 'event').map((p) => `${f.name}.${p.name}`));
      expect(eventPins.length).toBeGreaterThan(10);
      for (const p of eventPins) expect(pins[p], p).toHaveLength(2);
      expect(pins['CLOCK.EO']![1]).toBeGreaterThan(0);
      expect(pins['START.WARM']).toEqual([0, -1]);
      const two = await updateWhere(web.port, cookie, (d) => eo(d) > eo(one));
      expect(eo(two)).toBeGreaterThan(eo(one));
    } finally {
      await web.close();
      await engine.stop();
    }
    // the console closed: nothing counts any more
    expect(engine.eventPinCounts(RES)).toBeUndefined();
  }, 60_000);
});
