import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { startConsole, type ConsoleEndpoint } from '../../../runtime/console/server.js';
import { LoginThrottle } from '../../../runtime/login-throttle.js';

/** The console's login over real HTTP on 127.0.0.1: failed logins throttled, 429 with Retry-After. */
describe('console login throttling', () => {
  let engine: Engine;
  let web: ConsoleEndpoint;
  let clockMs = 5_000_000;
  const log: string[] = [];

  beforeAll(async () => {
    const app = compileSources([new SourceFile('t.st', 'PROGRAM Main VAR n : DINT; END_VAR n := n + 1; END_PROGRAM')]).application!;
    engine = await Engine.start(app, { clock: 'real' });
    web = await startConsole({
      port: 0,
      app,
      engine,
      devices: () => [],
      config: { users: [{ username: 'op', password: 'secret', role: 'operator' }, { username: 'shift', password: 'look', role: 'read-only' }], sessionMinutes: 30 },
      now: () => clockMs,
      throttle: new LoginThrottle({ service: 'console', now: () => clockMs, log: (m) => log.push(m) }),
    });
  });
  afterAll(async () => {
    await web?.close();
    await engine?.stop();
  });

  const login = async (username: unknown, password: unknown) => {
    const r = await fetch(`${web.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return { status: r.status, retryAfter: r.headers.get('retry-after'), cookie: r.headers.get('set-cookie'), json: (await r.json()) as { error?: string; user?: string } };
  };

  it('answers 401 to the first wrong passwords, then 429 with Retry-After, and refuses even the right one while locked', async () => {
    for (let k = 1; k < 5; k++) expect((await login('op', `guess${k}`)).status).toBe(401);
    const fifth = await login('op', 'guess5');
    expect(fifth.status).toBe(429);
    expect(fifth.retryAfter).toBe('30');
    expect(fifth.json.error).toBe('wrong user name or password; too many failed logins for user "op": try again in 30 s');
    const right = await login('op', 'secret');
    expect(right.status).toBe(429);
    expect(right.cookie).toBeNull();
    expect(right.json.error).toBe('too many failed logins for user "op": try again in 30 s');
    expect(log).toEqual(['vplc console: user "op" locked for 30 s after 5 failed logins (the last from "127.0.0.1")']);
    // another user from the same address may still log in
    expect((await login('shift', 'look')).status).toBe(200);
    clockMs += 30_000;
    const after = await login('op', 'secret');
    expect(after.status).toBe(200);
    expect(after.json.user).toBe('op');
    // the success cleared the slate: four more failures are plain 401s
    for (let k = 0; k < 4; k++) expect((await login('op', 'nope')).status).toBe(401);
    expect((await login('op', 'secret')).status).toBe(200);
  });

  it('locks the address that tries many user names, and says what is wrong with a malformed login', async () => {
    // the same address: the failures above were cleared by the successes (op, shift)
    let last = { status: 0, retryAfter: null as string | null, json: {} as { error?: string } };
    for (let k = 0; k < 20; k++) last = await login(`nobody${k}`, 'x');
    expect(last.status).toBe(429);
    expect(last.json.error).toBe('wrong user name or password; too many failed logins for address "127.0.0.1": try again in 30 s');
    expect((await login('shift', 'look')).status).toBe(429);
    clockMs += 30_000;
    expect((await login('shift', 'look')).status).toBe(200);
    const bad = await login(42, 'x');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('expected {"username": …, "password": …}');
  });
});
