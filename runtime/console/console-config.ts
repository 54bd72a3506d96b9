import type { ConfigPath, ConfigReader } from '../../io-drivers/config-reader.js';

/** A console role: `read-only` looks; `operator` also writes, forces and releases forces. */
export type ConsoleRole = 'read-only' | 'operator';
export const CONSOLE_ROLES: readonly ConsoleRole[] = ['read-only', 'operator'];

export interface ConsoleUser {
  username: string;
  password: string;
  role: ConsoleRole;
}

/** `console:` of plc.yaml. */
export interface ConsoleConfig {
  users: ConsoleUser[];
  /** a session ends this long after its last request (minutes) */
  sessionMinutes: number;
}

export const DEFAULT_SESSION_MINUTES = 30;

/** Reads `console: { users: [{username, password, role}], sessionMinutes }`; problems go to `r` with their path. */
export function validateConsoleConfig(r: ConfigReader, value: unknown, path: ConfigPath): ConsoleConfig {
  const o = r.object(value, path, ['users', 'sessionMinutes']) ?? {};
  const seen = new Set<string>();
  const users = r.list(o, 'users', path).flatMap((u, i) => {
    const p = [...path, 'users', i];
    const uo = r.object(u, p, ['username', 'password', 'role']);
    if (!uo) return [];
    const username = r.str(uo, 'username', p, { required: true });
    const password = r.str(uo, 'password', p, { required: true });
    const role = r.str(uo, 'role', p, { oneOf: CONSOLE_ROLES, def: 'read-only' as ConsoleRole });
    if (!username || !password || !role) return [];
    if (seen.has(username)) {
      r.error('E6007', [...p, 'username'], `user '${username}' is listed twice`);
      return [];
    }
    seen.add(username);
    return [{ username, password, role }];
  });
  return { users, sessionMinutes: r.int(o, 'sessionMinutes', path, 1, 7 * 24 * 60, DEFAULT_SESSION_MINUTES) };
}
