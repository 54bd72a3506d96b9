import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { startDeployServer, type DeployEndpoint } from '../../../runtime/cli/deploy-server.js';
import { OnlineChange } from '../../../runtime/cli/online-change.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { LoginThrottle } from '../../../runtime/login-throttle.js';

/** The deploy endpoint's user and token checks are throttled like the console's logins (real HTTP on 127.0.0.1). */
describe('deploy endpoint throttling', () => {
  let engine: Engine;
  let endpoint: DeployEndpoint;
  let clockMs = 1_000_000;
  const log: string[] = [];

  beforeAll(async () => {
    const app = compileSources([new SourceFile('main.st', 'PROGRAM Main VAR n : INT; END_VAR n := n + 1; END_PROGRAM')]).application!;
    engine = await Engine.start(app, { clock: 'real' });
    const throttle = new LoginThrottle({ service: 'deploy', now: () => clockMs, log: (m) => log.push(m) });
    endpoint = await startDeployServer({ port: 0, auth: { token: 't0ken', users: [{ username: 'eng', password: 'right' }] }, change: new OnlineChange(engine), application: () => engine.app.name, throttle });
  });
  afterAll(async () => {
    await endpoint?.close();
    await engine?.stop();
  });

  const get = async (authorization?: string) => {
    const r = await fetch(`${endpoint.url}/deploy`, { headers: authorization ? { authorization } : {} });
    return { status: r.status, retryAfter: r.headers.get('retry-after'), json: (await r.json()) as { ok: boolean; error?: string } };
  };
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('locks a user after 5 wrong passwords (429, Retry-After), the right one included, until the lockout ends', async () => {
    // asking without credentials is not an attempt
    for (let k = 0; k < 10; k++) expect((await get()).status).toBe(401);
    for (let k = 1; k < 5; k++) expect((await get(basic('eng', `wrong${k}`))).status).toBe(401);
    const fifth = await get(basic('eng', 'wrong5'));
    expect(fifth.status).toBe(429);
    expect(fifth.retryAfter).toBe('30');
    expect(fifth.json).toEqual({ ok: false, error: 'not authorised; too many failed logins for user "eng": try again in 30 s' });
    expect((await get(basic('eng', 'right'))).status).toBe(429);
    expect(log).toEqual(['vplc deploy: user "eng" locked for 30 s after 5 failed logins (the last from "127.0.0.1")']);
    // the token is not a user: it still works from here (the address has 5 failures of 20)
    expect((await get('Bearer t0ken')).status).toBe(200);
    clockMs += 30_000;
    expect((await get(basic('eng', 'right'))).json.ok).toBe(true);
  });

  it('locks an address guessing tokens', async () => {
    let last = { status: 0, retryAfter: null as string | null, json: { ok: false } as { ok: boolean; error?: string } };
    for (let k = 0; k < 20; k++) last = await get(`Bearer guess${k}`);
    expect(last.status).toBe(429);
    expect(last.json.error).toBe('not authorised; too many failed logins for address "127.0.0.1": try again in 30 s');
    expect((await get('Bearer t0ken')).status).toBe(429);
    clockMs += 30_000;
    expect((await get('Bearer t0ken')).status).toBe(200);
  });
});
