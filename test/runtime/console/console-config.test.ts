import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { parseConfig } from '../../../runtime/config/load.js';

describe('console: in plc.yaml', () => {
  it('reads users with their roles (read-only unless said) and the session time', () => {
    const r = parseConfig(`console:
  sessionMinutes: 10
  users:
    - { username: op, password: 'p w', role: operator }
    - { username: eve, password: look }
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.console).toEqual({ sessionMinutes: 10, users: [{ username: 'op', password: 'p w', role: 'operator' }, { username: 'eve', password: 'look', role: 'read-only' }] });
  });

  it('locates a bad role, a missing password, a user listed twice and an unknown key', () => {
    const r = parseConfig(`console:
  users:
    - { username: op, password: x, role: admin }
    - { username: eve }
    - { username: op, password: y }
  timeout: 5
`);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'plc.yaml:3:42: error E6004: console.users[0].role: expected one of read-only, operator, got "admin"',
      "plc.yaml:4:7: error E6005: console.users[1]: missing key 'password'",
      "plc.yaml:5:19: error E6007: console.users[2].username: user 'op' is listed twice",
      "plc.yaml:6:3: error E6003: console.timeout: unknown key 'timeout' (allowed here: users, sessionMinutes)",
    ]);
  });
});
