import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { Engine, type EngineVariableAccess } from '../../../runtime/engine/engine.js';
import { startConsole, type ConsoleEndpoint } from '../../../runtime/console/server.js';
import { renderForced } from '../../../runtime/metrics/forced.js';
import { until } from '../../support/wait.js';

const SRC = `
PROGRAM Main
VAR
  start AT %IX0.0 : BOOL;
  running AT %QX0.0 : BOOL;
  speed : INT;
  n : DINT;
  limit : INT := 7;
  ratio : REAL;
END_VAR
VAR CONSTANT top : INT := 3; END_VAR
n := n + 1;
running := start;
END_PROGRAM
`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: Record<string, unknown>;
}

/** One HTTP request to the console on 127.0.0.1. */
function http(port: number, method: string, path: string, options: { cookie?: string; csrf?: string; body?: string | Buffer; type?: string; origin?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.csrf) headers['x-csrf-token'] = options.csrf;
    if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
    if (options.origin) headers.origin = options.origin;
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // not JSON: a page or an asset
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', (e) => (options.body && Buffer.byteLength(options.body) > 16384 ? resolve({ status: 413, headers: {}, body: '', json: { error: e.message } }) : reject(e)));
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** The first `update` event of a page's stream. */
function firstUpdate(port: number, page: string, cookie: string, accept: (d: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/stream?page=${page}`, headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let buf = '';
      res.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^event: update\ndata: (.*)$/m.exec(block);
          if (!data) continue;
          const d = JSON.parse(data[1]!) as Record<string, unknown>;
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

describe('web console server', () => {
  let engine: Engine;
  let web: ConsoleEndpoint;
  let vars: EngineVariableAccess;
  let clockMs = 1_000_000;
  let op = '';
  let csrf = '';
  let viewer = '';

  beforeAll(async () => {
    const r = compileSources([new SourceFile('console.st', SRC)]);
    engine = await Engine.start(r.application!, { clock: 'real' });
    vars = engine.variableAccess('Default', { samplingMs: 5 })!;
    web = await startConsole({
      port: 0,
      app: r.application!,
      engine,
      devices: () => [],
      config: { users: [{ username: 'op', password: 'secret', role: 'operator' }, { username: 'viewer', password: 'look', role: 'read-only' }], sessionMinutes: 30 },
      periodMs: 50,
      now: () => clockMs,
    });
    const login = await http(web.port, 'POST', '/api/login', { body: JSON.stringify({ username: 'op', password: 'secret' }) });
    op = String(login.headers['set-cookie']).split(';')[0]!;
    csrf = (await http(web.port, 'GET', '/api/session', { cookie: op })).json.csrf as string;
    const v = await http(web.port, 'POST', '/api/login', { body: JSON.stringify({ username: 'viewer', password: 'look' }) });
    viewer = String(v.headers['set-cookie']).split(';')[0]!;
  });
  afterAll(async () => {
    vars?.close();
    await web?.close();
    await engine?.stop();
  });

  it('logs in the users of plc.yaml with an HttpOnly SameSite=Strict cookie, and refuses a wrong password', async () => {
    const bad = await http(web.port, 'POST', '/api/login', { body: JSON.stringify({ username: 'op', password: 'nope' }) });
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe('wrong user name or password');
    expect(bad.headers['set-cookie']).toBeUndefined();
    const good = await http(web.port, 'POST', '/api/login', { body: JSON.stringify({ username: 'op', password: 'secret' }) });
    expect(good.status).toBe(200);
    expect(good.json).toEqual({ user: 'op', role: 'operator' });
    const set = String(good.headers['set-cookie']);
    expect(set).toMatch(/^vplc_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(good.headers['content-security-policy']).toContain("default-src 'self'");
    expect(good.headers['x-frame-options']).toBe('DENY');
  });

  it('sends pages to the login when there is no session, and the API says so', async () => {
    const page = await http(web.port, 'GET', '/variables');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fvariables');
    const api = await http(web.port, 'GET', '/api/variables');
    expect(api.status).toBe(401);
    expect(api.json.error).toBe('not logged in');
    const logged = await http(web.port, 'GET', '/variables', { cookie: op });
    expect(logged.status).toBe(200);
    expect(logged.body).toContain('<script src="/assets/variables.js"></script>');
  });

  it('serves the pages\' assets and uPlot, and nothing outside them', async () => {
    expect((await http(web.port, 'GET', '/assets/console.js')).status).toBe(200);
    const uplot = await http(web.port, 'GET', '/vendor/uPlot.iife.min.js');
    expect(uplot.status).toBe(200);
    expect(uplot.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await http(web.port, 'GET', '/assets/..%2Fserver.ts')).status).toBe(404);
    expect((await http(web.port, 'GET', '/assets/../server.ts')).status).toBe(404);
  });

  it('lists the variables with their types, addresses and whether they can be written', async () => {
    const list = (await http(web.port, 'GET', '/api/variables', { cookie: viewer })).json as unknown as { path: string; type: string; writable: boolean; address?: string }[];
    expect(list).toContainEqual({ resource: 'Default', path: 'Main.start', type: 'BOOL', writable: true, address: '%IX0.0' });
    expect(list).toContainEqual({ resource: 'Default', path: 'Main.top', type: 'INT', writable: false });
  });

  it('applies a write at the next scan boundary', async () => {
    const r = await http(web.port, 'POST', '/api/write', { cookie: op, csrf, body: JSON.stringify({ path: 'Main.limit', value: 12 }) });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true, resource: 'Default', path: 'Main.limit', value: 12, forced: false });
    await until(() => vars.readVars()['Main.limit'] === 12, 'Main.limit written');
    // an input address, as a device would send it: the program copies it to its output
    const w = await http(web.port, 'POST', '/api/write', { cookie: op, csrf, body: JSON.stringify({ path: '%IX0.0', value: 'TRUE' }) });
    expect(w.status).toBe(200);
    await until(() => vars.readVars()['Main.running'] === true, 'Main.running follows %IX0.0');
  });

  it('refuses bad writes with a clear message and writes nothing', async () => {
    const before = vars.readVars()['Main.limit'];
    const cases: [unknown, number, string][] = [
      [{ path: 'Main.limit', value: 40000 }, 400, 'Main.limit: 40000 is out of the range of INT (-32768 … 32767)'],
      [{ path: 'Main.limit', value: 'many' }, 400, 'Main.limit: INT takes a whole number, not "many"'],
      [{ path: 'Main.limit', value: 1.5 }, 400, 'Main.limit: INT takes a whole number, not 1.5'],
      [{ path: 'Main.ratio', value: 1e39 }, 400, 'Main.ratio: 1e+39 is out of the range of REAL (±3.4E38)'],
      [{ path: 'Main.nothing', value: 1 }, 404, 'Main.nothing: no variable nothing in resource Default'],
      [{ path: 'Main.top', value: 1 }, 400, 'Main.top is a constant'],
      [{ path: 'Main.limit' }, 400, "'value' is missing: what should Main.limit be set to?"],
      [{ path: '%IW70000', value: 1 }, 400, "'%IW70000' is outside the process image (%IW0 … %IW1023)"],
      [{ path: '%IX0.0', value: 3 }, 400, '%IX0.0 is a bit: it takes TRUE or FALSE, not 3'],
      [{ path: 'Main.limit', value: 1, resource: 'Other' }, 404, 'no IEC 61131-3 resource Other (resources: Default)'],
    ];
    for (const [body, status, error] of cases) {
      const r = await http(web.port, 'POST', '/api/write', { cookie: op, csrf, body: JSON.stringify(body) });
      expect([r.status, r.json.error]).toEqual([status, error]);
    }
    const notJson = await http(web.port, 'POST', '/api/write', { cookie: op, csrf, body: '{"path": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error).toMatch(/^the request body is not JSON: /);
    const form = await http(web.port, 'POST', '/api/write', { cookie: op, csrf, body: 'path=Main.limit&value=1', type: 'application/x-www-form-urlencoded' });
    expect([form.status, form.json.error]).toEqual([415, 'send the request as application/json']);
    const large = await http(web.port, 'POST', '/api/write', { cookie: op, csrf, body: JSON.stringify({ path: 'Main.limit', value: 1, pad: 'x'.repeat(20_000) }) });
    expect(large.status).toBe(413);
    await vars.refresh();
    expect(vars.readVars()['Main.limit']).toBe(before);
    expect(engine.forced()).toEqual({});
  });

  it('needs the operator role and the CSRF token to write, and refuses other origins', async () => {
    const viewerCsrf = (await http(web.port, 'GET', '/api/session', { cookie: viewer })).json.csrf as string;
    const ro = await http(web.port, 'POST', '/api/force', { cookie: viewer, csrf: viewerCsrf, body: JSON.stringify({ path: 'Main.speed', value: 1 }) });
    expect([ro.status, ro.json.error]).toEqual([403, 'user viewer is read-only: writing and forcing need the operator role']);
    const noToken = await http(web.port, 'POST', '/api/write', { cookie: op, body: JSON.stringify({ path: 'Main.speed', value: 1 }) });
    expect([noToken.status, noToken.json.error]).toEqual([403, 'missing or wrong CSRF token: reload the page']);
    const wrongToken = await http(web.port, 'POST', '/api/write', { cookie: op, csrf: viewerCsrf, body: JSON.stringify({ path: 'Main.speed', value: 1 }) });
    expect(wrongToken.status).toBe(403);
    const foreign = await http(web.port, 'POST', '/api/write', { cookie: op, csrf, origin: 'http://evil.example', body: JSON.stringify({ path: 'Main.speed', value: 1 }) });
    expect([foreign.status, foreign.json.error]).toEqual([403, 'requests from another origin are refused']);
    expect(engine.forced()).toEqual({});
  });

  it('forces and releases, and every listing says so: the stream, the engine, Prometheus', async () => {
    const f = await http(web.port, 'POST', '/api/force', { cookie: op, csrf, body: JSON.stringify({ path: 'Main.speed', value: -9 }) });
    expect(f.json).toEqual({ ok: true, resource: 'Default', path: 'Main.speed', value: -9, forced: true });
    const a = await http(web.port, 'POST', '/api/force', { cookie: op, csrf, body: JSON.stringify({ path: '%ix0.0', value: false }) });
    expect(a.json).toEqual({ ok: true, resource: 'Default', path: '%IX0.0', value: false, forced: true });
    expect(engine.forced()).toEqual({ Default: { 'Main.speed': -9, '%IX0.0': false } });
    // a sample may fall between the forces landing and the next scan: wait for the scan that read the forced input
    const update = await firstUpdate(web.port, 'variables', op, (d) => {
      const v = (d.values as Record<string, Record<string, unknown>>).Default;
      return v?.['Main.speed'] === -9 && v['Main.running'] === false;
    });
    expect(update.forced).toEqual({ Default: { 'Main.speed': -9, '%IX0.0': false } });
    expect((update.values as Record<string, Record<string, unknown>>).Default!['Main.running']).toBe(false);
    const image = await firstUpdate(web.port, 'image', op);
    const rows = (image.resources as Record<string, { address: string; forced: boolean; variables: string[] }[]>).Default!;
    expect(rows.find((r) => r.address === '%IX0.0')).toMatchObject({ forced: true, variables: ['Main.start'], value: false });
    expect(renderForced(engine.forced(), engine.resources)).toContain('vplc_forced{resource="Default",element="Main.speed",value="-9"} 1');
    const release = await http(web.port, 'POST', '/api/unforce', { cookie: op, csrf, body: JSON.stringify({ path: 'Main.speed' }) });
    expect(release.json).toEqual({ ok: true, resource: 'Default', path: 'Main.speed', forced: false });
    const again = await http(web.port, 'POST', '/api/unforce', { cookie: op, csrf, body: JSON.stringify({ path: 'Main.speed' }) });
    expect([again.status, again.json.error]).toEqual([404, 'Main.speed is not forced']);
    await http(web.port, 'POST', '/api/unforce', { cookie: op, csrf, body: JSON.stringify({ path: '*' }) });
    expect(engine.forced()).toEqual({});
    expect(renderForced(engine.forced(), engine.resources)).toContain('vplc_forced_elements{resource="Default"} 0');
  });

  it('streams the overview and the lateness trend', async () => {
    const o = await firstUpdate(web.port, 'overview', op);
    const res = (o.resources as { name: string; state: string; tasks: { name: string; cycles: number }[] }[])[0]!;
    expect(res).toMatchObject({ name: 'Default', state: 'running', kind: 'IEC 61131-3' });
    expect(res.tasks[0]!.cycles).toBeGreaterThan(0);
    const d = await firstUpdate(web.port, 'determinism', op, (x) => ((x.trends as Record<string, unknown[]>).Default?.length ?? 0) >= 2);
    const point = (d.trends as Record<string, Record<string, number>[]>).Default!.at(-1)!;
    expect(point.n).toBeGreaterThan(0);
    expect(point.latenessP99Us).toBeGreaterThanOrEqual(point.latenessMeanUs * 0.5);
    const hist = (d.histograms as Record<string, { lateness: [number, number, number][] }>).Default!.lateness;
    expect(hist.reduce((n, b) => n + b[2], 0)).toBeGreaterThan(0);
  });

  it('ends a session after its idle time: the API, the pages and open streams say so', async () => {
    const login = await http(web.port, 'POST', '/api/login', { body: JSON.stringify({ username: 'viewer', password: 'look' }) });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const events: string[] = [];
    const streamEnded = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: web.port, path: '/api/stream?page=overview', headers: { cookie } }, (res) => {
        res.on('data', (d: Buffer) => events.push(d.toString()));
        res.on('end', () => resolve());
      });
      req.end();
    });
    await until(() => events.join('').includes('event: update'), 'a first update');
    clockMs += 31 * 60_000;
    await streamEnded;
    expect(events.join('')).toContain('event: expired\ndata: {"error":"your session has expired: log in again"}');
    const api = await http(web.port, 'GET', '/api/session', { cookie });
    expect([api.status, api.json.error]).toEqual([401, 'your session has expired: log in again']);
    // the operator's session, used a moment ago, timed out too: a page says expired
    const op2 = await http(web.port, 'POST', '/api/login', { body: JSON.stringify({ username: 'op', password: 'secret' }) });
    const c2 = String(op2.headers['set-cookie']).split(';')[0]!;
    clockMs += 31 * 60_000;
    const page = await http(web.port, 'GET', '/overview', { cookie: c2 });
    expect(page.headers.location).toBe('/login?next=%2Foverview&expired=1');
    const api2 = await http(web.port, 'GET', '/api/session', { cookie: c2 });
    expect(api2.status).toBe(401);
  });
});
