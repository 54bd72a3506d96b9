import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleRole, ConsoleUser } from './console-config.js';

export interface Session {
  /** the cookie value: 256 random bits */
  readonly id: string;
  /** sent back in a header on every write: a page of another site cannot read it */
  readonly csrf: string;
  readonly user: string;
  readonly role: ConsoleRole;
  lastSeenMs: number;
}

/**
 * The console's users and their sessions, in memory only (a restart logs everyone out). A
 * session ends `ttlMs` after its last request. Passwords are compared in constant time, on
 * digests so that their lengths do not show either.
 */
export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly users: readonly ConsoleUser[],
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for a user whose password matches, or undefined. */
  login(username: string, password: string): Session | undefined {
    const given = digest(password);
    let hit: ConsoleUser | undefined;
    for (const u of this.users) {
      // every user is compared, so that the time does not tell which names exist
      if (timingSafeEqual(digest(u.username), digest(username)) && timingSafeEqual(digest(u.password), given)) hit = u;
    }
    if (!hit) return undefined;
    this.sweep();
    const s: Session = { id: token(), csrf: token(), user: hit.username, role: hit.role, lastSeenMs: this.now() };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session of a cookie value (its clock restarted), 'expired' for one that timed out, undefined for none. */
  touch(id: string | undefined): Session | 'expired' | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.lastSeenMs > this.ttlMs) {
      this.sessions.delete(id);
      return 'expired';
    }
    s.lastSeenMs = this.now();
    return s;
  }

  /** Whether a session is still live, without extending it (for open event streams). */
  alive(s: Session): boolean {
    return this.sessions.get(s.id) === s && this.now() - s.lastSeenMs <= this.ttlMs;
  }

  logout(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (t - s.lastSeenMs > this.ttlMs) this.sessions.delete(id);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of two tokens (the CSRF header against the session's). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
