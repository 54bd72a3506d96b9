import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Application } from '../../compiler/application.js';
import type { DeviceStatus } from '../../io-drivers/device-status.js';
import type { Engine } from '../engine/engine.js';
import type { ConsoleConfig } from './console-config.js';
import { drawNetworks } from './fb-network.js';
import { HttpError, cookie, readJsonBody, redirect, sendJson, sendText } from './http-io.js';
import { applyRequest } from './requests.js';
import { sameToken, Sessions, type Session } from './sessions.js';
import { PAGES, StreamHub, type PageName } from './streams.js';
import { variableLeaves } from './views.js';
import { LoginThrottle } from '../login-throttle.js';

export interface ConsoleOptions {
  port: number;
  host?: string;
  app: Application;
  engine: Engine;
  /** the I/O devices' status, read at every update */
  devices: () => readonly DeviceStatus[];
  config: ConsoleConfig;
  /** period of the live updates, ms (default 250; the overview and the FB networks every other one) */
  periodMs?: number;
  /** the clock sessions expire on (ms; default Date.now) */
  now?: () => number;
  /** throttling of failed logins (default: a LoginThrottle with its defaults, on the same clock) */
  throttle?: LoginThrottle;
}

export interface ConsoleEndpoint {
  readonly port: number;
  readonly url: string;
  /** open live-update streams */
  streams(): number;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'vplc_session';

/**
 * The web console (`vplc serve --console`), served by vPLC itself over node:http: a login with
 * the users of plc.yaml, sessions in an HttpOnly SameSite=Strict cookie, a CSRF token in a
 * header on every write, pages as static assets and one server-sent event stream per page.
 * It reads only what the engine publishes for the main thread; writes and forces go through
 * the engine, which applies them at the next scan boundary.
 */
export async function startConsole(o: ConsoleOptions): Promise<ConsoleEndpoint> {
  const host = o.host ?? '127.0.0.1';
  const sessions = new Sessions(o.config.users, o.config.sessionMinutes * 60_000, o.now);
  const throttle = o.throttle ?? new LoginThrottle({ service: 'console', ...(o.now ? { now: o.now } : {}) });
  const leaves = variableLeaves(o.app);
  const publicLeaves = leaves.map(({ typeInfo: _t, ...rest }) => rest);
  const networks = drawNetworks(o.app);
  const hub = new StreamHub({ app: o.app, engine: o.engine, devices: o.devices, leaves, sessions, periodMs: o.periodMs ?? 250 });
  const assets = assetsDir();
  const uplot = dirname(createRequire(import.meta.url).resolve('uplot'));

  const session = (req: IncomingMessage): Session | 'expired' | undefined => sessions.touch(cookie(req, SESSION_COOKIE));
  const needSession = (req: IncomingMessage): Session => {
    const s = session(req);
    if (s === 'expired') throw new HttpError(401, 'your session has expired: log in again');
    if (!s) throw new HttpError(401, 'not logged in');
    return s;
  };
  // a write needs the operator role and the session's CSRF token in its header
  const needOperator = (req: IncomingMessage): Session => {
    const s = needSession(req);
    const token = req.headers['x-csrf-token'];
    if (typeof token !== 'string' || !sameToken(token, s.csrf)) throw new HttpError(403, 'missing or wrong CSRF token: reload the page');
    if (s.role !== 'operator') throw new HttpError(403, `user ${s.user} is read-only: writing and forcing need the operator role`);
    return s;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      // another site's page cannot post here: browsers send Origin with every cross-site POST
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) throw new HttpError(403, 'requests from another origin are refused');
      switch (path) {
        case '/api/login': {
          const body = await readJsonBody(req);
          if (typeof body.username !== 'string' || typeof body.password !== 'string') throw new HttpError(400, "expected {\"username\": …, \"password\": …}");
          // a locked user name or address is refused before its password is looked at
          const address = req.socket.remoteAddress ?? 'unknown';
          const locked = throttle.check(body.username, address);
          if (locked) throw new HttpError(429, locked.message, { 'retry-after': String(locked.retryAfterS) });
          const s = sessions.login(body.username, body.password);
          if (!s) {
            const now = throttle.failed(body.username, address);
            if (now) throw new HttpError(429, `wrong user name or password; ${now.message}`, { 'retry-after': String(now.retryAfterS) });
            throw new HttpError(401, 'wrong user name or password');
          }
          throttle.succeeded(body.username, address);
          sendJson(res, 200, { user: s.user, role: s.role }, { 'set-cookie': `${SESSION_COOKIE}=${s.id}; HttpOnly; SameSite=Strict; Path=/${secure(req) ? '; Secure' : ''}` });
          return;
        }
        case '/api/logout': {
          const s = needSession(req);
          const token = req.headers['x-csrf-token'];
          if (typeof token !== 'string' || !sameToken(token, s.csrf)) throw new HttpError(403, 'missing or wrong CSRF token: reload the page');
          sessions.logout(s.id);
          sendJson(res, 200, { ok: true }, { 'set-cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` });
          return;
        }
        case '/api/write':
        case '/api/force':
        case '/api/unforce': {
          const s = needOperator(req);
          const body = await readJsonBody(req);
          const done = applyRequest(o.app, o.engine, path.slice(5) as 'write' | 'force' | 'unforce', body);
          process.stdout.write(`vplc console: ${s.user} ${done.log}\n`);
          sendJson(res, 200, done.answer);
          return;
        }
      }
      throw new HttpError(404, `no ${path}`);
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, `${method} is not served here`);
    if (path === '/') return redirect(res, '/overview');
    if (path === '/login') return sendText(res, 200, 'text/html; charset=utf-8', readFileSync(join(assets, 'login.html')), { 'cache-control': 'no-store' });
    const page = path.slice(1) as PageName;
    if (PAGES.includes(page)) {
      const s = session(req);
      if (s === undefined || s === 'expired') return redirect(res, `/login?next=${encodeURIComponent(path)}${s === 'expired' ? '&expired=1' : ''}`);
      const html = readFileSync(join(assets, 'page.html'), 'utf8').replace(/\{\{page\}\}/g, page);
      return sendText(res, 200, 'text/html; charset=utf-8', html, { 'cache-control': 'no-store' });
    }
    if (path.startsWith('/assets/')) return sendAsset(res, assets, path.slice('/assets/'.length));
    if (path === '/vendor/uPlot.iife.min.js' || path === '/vendor/uPlot.min.css') return sendAsset(res, uplot, path.slice('/vendor/'.length));
    if (path === '/api/session') {
      const s = needSession(req);
      const kinds = o.engine.resources.map((r) => ({ name: r, kind: o.app.resources.some((m) => m.name === r) ? 'IEC 61131-3' : 'IEC 61499' }));
      return sendJson(res, 200, { user: s.user, role: s.role, csrf: s.csrf, app: o.app.name, resources: kinds });
    }
    if (path === '/api/variables') {
      needSession(req);
      return sendJson(res, 200, publicLeaves);
    }
    if (path === '/api/networks') {
      needSession(req);
      return sendJson(res, 200, networks);
    }
    if (path === '/api/stream') {
      const s = needSession(req);
      const p = url.searchParams.get('page') as PageName;
      if (!PAGES.includes(p)) throw new HttpError(400, `page must be one of ${PAGES.join(', ')}`);
      hub.add(p, res, s);
      return;
    }
    throw new HttpError(404, `no ${path}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      // a refused large body: the connection is closed rather than read to its end
      const headers = { ...(e instanceof HttpError ? e.headers : {}), ...(status === 413 ? { connection: 'close' } : {}) };
      if (!res.headersSent) sendJson(res, status, { error: message }, headers);
      else res.end();
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  hub.start();
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    streams: () => hub.size,
    close: async () => {
      hub.stop();
      const closed = new Promise<void>((done) => server.close(() => done()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** The pages' static files: runtime/console/assets of the package, from the sources or from dist/. */
function assetsDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'runtime', 'console', 'assets');
    if (existsSync(join(candidate, 'page.html'))) return candidate;
    const here = join(dir, 'assets');
    if (existsSync(join(here, 'page.html'))) return here;
  }
  throw new Error('vPLC installation is incomplete: runtime/console/assets not found');
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A file of `dir` by its bare name (no folders: nothing outside `dir` can be named). */
function sendAsset(res: ServerResponse, dir: string, name: string): void {
  const ext = /\.[a-z]+$/.exec(name)?.[0] ?? '';
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.') || !CONTENT_TYPES[ext] || !existsSync(join(dir, name))) throw new HttpError(404, `no asset ${name}`);
  sendText(res, 200, CONTENT_TYPES[ext]!, readFileSync(join(dir, name)), { 'cache-control': 'max-age=300' });
}

/** Whether the browser reached the console over TLS (a reverse proxy in front says so): only then can the cookie be Secure. */
function secure(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers['x-forwarded-proto'] === 'https';
}
