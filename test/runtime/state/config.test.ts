import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { parseConfig } from '../../../runtime/config/load.js';
import { onlineSettings } from '../../../runtime/cli/serve-online.js';
import { startCli } from '../../../samples/child-cli.js';

const errors = (text: string) => parseConfig(text, 'plc.yaml').diagnostics.map(formatDiagnostic);
const work = mkdtempSync(join(tmpdir(), 'vplc-state-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('state: and deploy: in plc.yaml', () => {
  it('reads them, paths relative to the folder of plc.yaml, flags over them', () => {
    writeFileSync(join(work, 'token'), 'abc\n');
    const r = parseConfig('state: { dir: ./state, saveMs: 250 }\ndeploy: { port: 9465, tokenFile: token, users: [{ username: eng, password: pw }] }\n', join(work, 'plc.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.state).toEqual({ dir: './state', saveMs: 250 });
    expect(onlineSettings({ watch: false, files: [] }, r.config)).toEqual({
      stateDir: join(work, 'state'),
      saveMs: 250,
      deploy: { port: 9465, auth: { token: 'abc', users: [{ username: 'eng', password: 'pw' }] } },
      watch: false,
      files: [],
    });
    expect(onlineSettings({ stateDir: '/elsewhere', saveMs: 10, deployPort: 1234, watch: true, files: ['a.st'] }, r.config)).toMatchObject({ stateDir: '/elsewhere', saveMs: 10, deploy: { port: 1234 }, watch: true });
  });

  it('reports a bad key with its place, and a deploy endpoint nobody could authenticate to', () => {
    expect(errors('state: { dir: ./s, saveMs: 0 }\n')).toEqual(['plc.yaml:1:28: error E6004: state.saveMs: expected an integer from 1 to 86400000, got 0']);
    expect(errors('state: { saveMs: 100 }\n')[0]).toMatch(/^plc\.yaml:1:8: error E6005: state: missing key 'dir'/);
    expect(errors('deploy: { port: 9465 }\n')[0]).toMatch(/^plc\.yaml:1:9: error E6005: deploy: missing key 'users' \(a list of \{username, password\}\) or 'tokenFile'/);
    expect(onlineSettings({ deployPort: 5, watch: false, files: [] }, undefined)).toEqual({
      error: 'the deploy endpoint needs credentials: --deploy-token-file, $VPLC_DEPLOY_TOKEN, or deploy.users / deploy.tokenFile in plc.yaml',
    });
  });

  it('serve refuses a deploy port without credentials before anything runs (exit 1)', async () => {
    writeFileSync(join(work, 'main.st'), 'PROGRAM Main VAR n : INT; END_VAR n := n + 1; END_PROGRAM\n');
    const c = startCli(['serve', join(work, 'main.st'), '--no-metrics', '--deploy-port', '0']);
    expect(await c.exited).toBe(1);
    expect(c.err).toContain('vplc serve: the deploy endpoint needs credentials: --deploy-token-file, $VPLC_DEPLOY_TOKEN, or deploy.users / deploy.tokenFile in plc.yaml');
    expect(c.out.some((l) => l.includes('running'))).toBe(false);
  });
});
