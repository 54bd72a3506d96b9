/**
 * Throttling of password checks (the console's login, the deploy endpoint's user check):
 * after a few failed attempts for a user name, or from a client address, further attempts are
 * refused without looking at the password for a lockout time that doubles with every failure
 * past the limit (up to a ceiling). A successful login clears its user and its address.
 * Memory is bounded: each table keeps at most `maxEntries` keys (failures forgotten after a
 * quiet time go first, then the least recently failed), so a flood of made-up user names
 * cannot grow it without end.
 */

export interface LoginThrottleOptions {
  /** failed attempts for one user name before it is locked (default 5) */
  userFailures?: number;
  /** failed attempts from one client address before it is locked (default 20: a proxy or NAT may carry several users) */
  addressFailures?: number;
  /** the first lockout (default 30 s); each further failure doubles it */
  lockMs?: number;
  /** the longest lockout (default 15 min) */
  maxLockMs?: number;
  /** failures are forgotten this long after the last one (default 15 min) */
  forgetMs?: number;
  /** keys kept per table (user names, addresses; default 10,000) */
  maxEntries?: number;
  /** the clock (ms; default Date.now) */
  now?: () => number;
  /** where lockouts are reported (default: stdout) */
  log?: (message: string) => void;
  /** names the service in messages and the log ("console", "deploy") */
  service?: string;
}

/** Refused: answer 429 with Retry-After `retryAfterS` and `message`. */
export interface LoginRefusal {
  retryAfterS: number;
  message: string;
}

interface Failures {
  count: number;
  lastMs: number;
  lockedUntilMs: number;
}

/** User names and addresses are cut to this length: a key costs bounded memory. */
const MAX_KEY = 128;

export class LoginThrottle {
  private readonly users = new Map<string, Failures>();
  private readonly addresses = new Map<string, Failures>();
  private readonly o: Required<LoginThrottleOptions>;

  constructor(options: LoginThrottleOptions = {}) {
    this.o = {
      userFailures: 5,
      addressFailures: 20,
      lockMs: 30_000,
      maxLockMs: 15 * 60_000,
      forgetMs: 15 * 60_000,
      maxEntries: 10_000,
      now: Date.now,
      log: (m) => process.stdout.write(`${m}\n`),
      service: 'login',
      ...options,
    };
    // a lock is never forgotten before it ends
    this.o.forgetMs = Math.max(this.o.forgetMs, this.o.maxLockMs);
  }

  /** Keys held now (users + addresses), for tests and metrics. */
  get size(): number {
    return this.users.size + this.addresses.size;
  }

  /**
   * Before checking a password: a refusal while the user name or the address is locked.
   * `user` undefined: a credential without a name (a bearer token), throttled by address only.
   */
  check(user: string | undefined, address: string): LoginRefusal | undefined {
    const now = this.o.now();
    const u = user === undefined ? undefined : this.users.get(key(user));
    const a = this.addresses.get(key(address));
    const until = Math.max(u && u.lockedUntilMs > now ? u.lockedUntilMs : 0, a && a.lockedUntilMs > now ? a.lockedUntilMs : 0);
    if (until === 0) return undefined;
    const retryAfterS = Math.max(1, Math.ceil((until - now) / 1000));
    const who = u && u.lockedUntilMs === until ? `user ${shown(user!)}` : `address ${shown(address)}`;
    return { retryAfterS, message: `too many failed logins for ${who}: try again in ${retryAfterS} s` };
  }

  /** A wrong password: counted for the user name and the address; the refusal if either is now locked. */
  failed(user: string | undefined, address: string): LoginRefusal | undefined {
    const now = this.o.now();
    const lockedUser = user === undefined ? undefined : this.count(this.users, key(user), this.o.userFailures, now);
    const lockedAddress = this.count(this.addresses, key(address), this.o.addressFailures, now);
    if (lockedUser !== undefined) this.o.log(`vplc ${this.o.service}: user ${shown(user!)} locked for ${lockedUser / 1000} s after ${this.users.get(key(user!))!.count} failed logins (the last from ${shown(address)})`);
    if (lockedAddress !== undefined) this.o.log(`vplc ${this.o.service}: address ${shown(address)} locked for ${lockedAddress / 1000} s after ${this.addresses.get(key(address))!.count} failed logins (the last for ${user === undefined ? 'a token' : `user ${shown(user)}`})`);
    return this.check(user, address);
  }

  /** A good password: the user name and the address start again with a clean slate. */
  succeeded(user: string | undefined, address: string): void {
    if (user !== undefined) this.users.delete(key(user));
    this.addresses.delete(key(address));
  }

  /** One more failure of `k`; the lockout it starts (ms), if any. */
  private count(table: Map<string, Failures>, k: string, limit: number, now: number): number | undefined {
    let f = table.get(k);
    if (f && now - f.lastMs > this.o.forgetMs) f = undefined;
    if (!f) f = { count: 0, lastMs: now, lockedUntilMs: 0 };
    f.count++;
    f.lastMs = now;
    // re-inserted: the table's order is the order of the last failure (oldest first)
    table.delete(k);
    table.set(k, f);
    this.bound(table, now);
    if (f.count < limit) return undefined;
    const lock = Math.min(this.o.maxLockMs, this.o.lockMs * 2 ** Math.min(f.count - limit, 30));
    f.lockedUntilMs = now + lock;
    return lock;
  }

  /**
   * Keep at most maxEntries keys. The table is in the order of the last failure, so the
   * forgotten keys lead it: they go first, then the least recently failed ones; each key is
   * looked at once, when it goes.
   */
  private bound(table: Map<string, Failures>, now: number): void {
    for (const [k, f] of table) {
      if (table.size <= this.o.maxEntries && now - f.lastMs <= this.o.forgetMs) break;
      table.delete(k);
    }
  }
}

function key(s: string): string {
  return s.length > MAX_KEY ? s.slice(0, MAX_KEY) : s;
}

/** A name as the log and messages show it: quoted and escaped (a name may hold a line break). */
function shown(s: string): string {
  return JSON.stringify(key(s));
}
