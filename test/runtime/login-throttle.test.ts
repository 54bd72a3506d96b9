import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../runtime/login-throttle.js';

function throttle(options: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  const clock = { ms: 1_000_000 };
  const log: string[] = [];
  const t = new LoginThrottle({ now: () => clock.ms, log: (m) => log.push(m), service: 'console', ...options });
  return { t, clock, log };
}

describe('login throttling', () => {
  it('locks a user name after 5 failures, for a time that doubles with each further failure', () => {
    const { t, clock, log } = throttle();
    for (let k = 1; k < 5; k++) expect(t.failed('op', '10.0.0.1')).toBeUndefined();
    expect(t.check('op', '10.0.0.1')).toBeUndefined();
    expect(t.failed('op', '10.0.0.1')).toEqual({ retryAfterS: 30, message: 'too many failed logins for user "op": try again in 30 s' });
    // locked: refused before the password is looked at, from any address
    expect(t.check('op', '10.0.0.2')?.retryAfterS).toBe(30);
    clock.ms += 10_000;
    expect(t.check('op', '10.0.0.9')).toEqual({ retryAfterS: 20, message: 'too many failed logins for user "op": try again in 20 s' });
    // another user is not concerned
    expect(t.check('shift', '10.0.0.2')).toBeUndefined();
    clock.ms += 20_000;
    expect(t.check('op', '10.0.0.1')).toBeUndefined();
    expect(t.failed('op', '10.0.0.1')?.retryAfterS).toBe(60);
    clock.ms += 60_000;
    expect(t.failed('op', '10.0.0.1')?.retryAfterS).toBe(120);
    expect(log).toEqual([
      'vplc console: user "op" locked for 30 s after 5 failed logins (the last from "10.0.0.1")',
      'vplc console: user "op" locked for 60 s after 6 failed logins (the last from "10.0.0.1")',
      'vplc console: user "op" locked for 120 s after 7 failed logins (the last from "10.0.0.1")',
    ]);
  });

  it('never locks longer than the ceiling', () => {
    const { t, clock } = throttle({ maxLockMs: 300_000 });
    let last = 0;
    for (let k = 0; k < 40; k++) {
      last = t.failed('op', `a${k}`)?.retryAfterS ?? 0;
      clock.ms += last * 1000;
    }
    expect(last).toBe(300);
  });

  it('starts again from zero after a successful login', () => {
    const { t } = throttle();
    for (let k = 0; k < 4; k++) t.failed('op', '10.0.0.1');
    t.succeeded('op', '10.0.0.1');
    for (let k = 0; k < 4; k++) expect(t.failed('op', '10.0.0.1')).toBeUndefined();
    expect(t.failed('op', '10.0.0.1')?.retryAfterS).toBe(30);
  });

  it('forgets failures after a quiet time', () => {
    const { t, clock } = throttle({ forgetMs: 60_000, maxLockMs: 60_000 });
    for (let k = 0; k < 4; k++) t.failed('op', '10.0.0.1');
    clock.ms += 61_000;
    for (let k = 0; k < 4; k++) expect(t.failed('op', '10.0.0.1')).toBeUndefined();
  });

  it('locks a client address that tries many user names', () => {
    const { t, log } = throttle();
    for (let k = 1; k < 20; k++) expect(t.failed(`user${k}`, '10.0.0.7')).toBeUndefined();
    expect(t.failed('user20', '10.0.0.7')).toEqual({ retryAfterS: 30, message: 'too many failed logins for address "10.0.0.7": try again in 30 s' });
    expect(t.check('op', '10.0.0.7')?.retryAfterS).toBe(30);
    expect(t.check('op', '10.0.0.8')).toBeUndefined();
    expect(log).toEqual(['vplc console: address "10.0.0.7" locked for 30 s after 20 failed logins (the last for user "user20")']);
  });

  it('throttles a credential without a name (a token) by its address only', () => {
    const { t } = throttle();
    for (let k = 1; k < 20; k++) expect(t.failed(undefined, '10.0.0.3')).toBeUndefined();
    expect(t.failed(undefined, '10.0.0.3')?.retryAfterS).toBe(30);
    expect(t.check(undefined, '10.0.0.4')).toBeUndefined();
    expect(t.check('op', '10.0.0.3')?.retryAfterS).toBe(30);
  });

  it('keeps bounded memory under a flood of made-up user names and addresses', () => {
    const { t, clock } = throttle({ maxEntries: 1000 });
    for (let k = 0; k < 50; k++) t.failed('op', '10.0.0.1');
    for (let k = 0; k < 100_000; k++) {
      t.failed(`${k}-${'x'.repeat(500)}`, `addr${k}`);
      if (k % 1000 === 0) clock.ms += 1;
    }
    expect(t.size).toBeLessThanOrEqual(2000);
    // names are cut: a key costs bounded memory, and the message stays short
    expect(t.check(`99999-${'x'.repeat(500)}`, 'elsewhere')).toBeUndefined();
  });

  it('shows names as quoted text: a line break cannot forge a log line', () => {
    const { t, log } = throttle({ userFailures: 1 });
    t.failed('op\nvplc console: all fine', '10.0.0.1');
    expect(log).toHaveLength(1);
    expect(log[0]).toBe('vplc console: user "op\\nvplc console: all fine" locked for 30 s after 1 failed logins (the last from "10.0.0.1")');
  });
});
