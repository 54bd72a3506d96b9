import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeployUser } from '../state/config.js';
import type { ChangeFile, OnlineChange } from './online-change.js';
import { LoginThrottle } from '../login-throttle.js';

/**
 * The online-change endpoint of `vplc serve`, HTTP on 127.0.0.1 (`--deploy-port`, `deploy:`
 * in plc.yaml). Authenticated like the other write paths: a bearer token or a user of
 * plc.yaml (HTTP Basic); anything else is 401 before the body is read. Failed attempts are
 * throttled as the console's logins are (LoginThrottle): 429 with Retry-After while locked.
 *
 *   POST /deploy   {"files": [{"name": "main.st", "text": "…"}], "dryRun": false, "ifVersion": 3}
 *                  → 200 with the state-transfer report, 422 compile errors or a change that
 *                    cannot be made online, 409 the running version is not ifVersion
 *   GET  /deploy   → the running application and its version
 */
export interface DeployAuth {
  token?: string;
  users: DeployUser[];
}

export interface DeployEndpoint {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Larger sources than this are refused (413): a program is text, not a disk image. */
const MAX_BODY = 32 * 1024 * 1024;

export function startDeployServer(options: { port: number; host?: string; auth: DeployAuth; change: OnlineChange; application: () => string; throttle?: LoginThrottle }): Promise<DeployEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const throttle = options.throttle ?? new LoginThrottle({ service: 'deploy' });
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body) + '\n');
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/deploy') return answer(404, { ok: false, error: 'see POST /deploy' });
    const claim = claimed(req);
    const address = req.socket.remoteAddress ?? 'unknown';
    // a locked user or address is refused before its credential is looked at
    const locked = claim && throttle.check(claim.user, address);
    if (locked) return answer(429, { ok: false, error: locked.message }, { 'retry-after': String(locked.retryAfterS) });
    if (!authorised(req, options.auth)) {
      // a request without credentials is a question, not an attempt: only attempts count
      const now = claim && throttle.failed(claim.user, address);
      if (now) return answer(429, { ok: false, error: `not authorised; ${now.message}` }, { 'retry-after': String(now.retryAfterS) });
      return answer(401, { ok: false, error: 'not authorised: give the deploy token or a user of plc.yaml' }, { 'www-authenticate': 'Basic realm="vplc deploy"' });
    }
    if (claim) throttle.succeeded(claim.user, address);
    if (req.method === 'GET') return answer(200, { ok: true, application: options.application(), version: options.change.version });
    if (req.method !== 'POST') return answer(405, { ok: false, error: 'POST /deploy' }, { allow: 'GET, POST' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        answer(413, { ok: false, error: `request larger than ${MAX_BODY} bytes` });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return;
      const body = parseBody(Buffer.concat(chunks).toString('utf8'));
      if ('error' in body) return answer(400, { ok: false, error: body.error });
      options.change.apply(body.files, body.dryRun, body.ifVersion).then(
        (outcome) => answer(outcome.status, outcome),
        (e: unknown) => answer(500, { ok: false, error: e instanceof Error ? e.message : String(e) }),
      );
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({ port, url: `http://${host}:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

function parseBody(text: string): { files: ChangeFile[]; dryRun: boolean; ifVersion?: number } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: 'the body is not JSON' };
  }
  const o = v as { files?: unknown; dryRun?: unknown; ifVersion?: unknown };
  if (!o || typeof o !== 'object' || !Array.isArray(o.files) || o.files.length === 0) return { error: "expected {\"files\": [{\"name\": …, \"text\": …}], \"dryRun\": false}" };
  const files: ChangeFile[] = [];
  for (const f of o.files as unknown[]) {
    const x = f as { name?: unknown; text?: unknown };
    if (!x || typeof x.name !== 'string' || typeof x.text !== 'string' || !x.name) return { error: 'each file needs a name and a text (strings)' };
    files.push({ name: x.name, text: x.text });
  }
  if (o.ifVersion !== undefined && !Number.isInteger(o.ifVersion)) return { error: 'ifVersion must be an integer' };
  return { files, dryRun: o.dryRun === true, ...(o.ifVersion !== undefined ? { ifVersion: o.ifVersion as number } : {}) };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The credential a request gives: a user of HTTP Basic, or a token (no user); undefined: none. */
function claimed(req: IncomingMessage): { user: string | undefined } | undefined {
  const [scheme, value = ''] = (req.headers.authorization ?? '').split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return { user: undefined };
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return { user: i < 0 ? decoded : decoded.slice(0, i) };
}

function authorised(req: IncomingMessage, auth: DeployAuth): boolean {
  const h = req.headers.authorization ?? '';
  const [scheme, value = ''] = h.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return auth.token !== undefined && same(value.trim(), auth.token);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return false;
    const user = decoded.slice(0, i);
    const password = decoded.slice(i + 1);
    // every user is compared, so that the time taken does not tell which names exist
    let ok = false;
    for (const u of auth.users) if (same(u.username, user) && same(u.password, password)) ok = true;
    return ok;
  }
  return false;
}
