import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { startDeployServer } from '../../../runtime/cli/deploy-server.js';
import { OnlineChange } from '../../../runtime/cli/online-change.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { startCli } from '../../../samples/child-cli.js';

const work = mkdtempSync(join(tmpdir(), 'vplc-deploy-auth-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the deploy endpoint with the users of plc.yaml', () => {
  it('takes a change from a listed user (HTTP Basic) and refuses a wrong password', { timeout: 120_000 }, async () => {
    const app = compileSources([new SourceFile('main.st', 'PROGRAM Main VAR n : INT; END_VAR n := n + 1; END_PROGRAM')]).application!;
    const engine = await Engine.start(app, { clock: 'real' });
    const change = new OnlineChange(engine);
    const endpoint = await startDeployServer({ port: 0, auth: { users: [{ username: 'eng', password: 'right' }] }, change, application: () => engine.app.name });
    try {
      const file = join(work, 'main.st');
      writeFileSync(file, 'PROGRAM Main VAR n : INT; k : DINT; END_VAR n := n + 1; END_PROGRAM\n');
      process.env.VPLC_DEPLOY_PASSWORD = 'wrong';
      const refused = startCli(['deploy', file, '--to', endpoint.url, '--user', 'eng']);
      expect(await refused.exited).toBe(1);
      expect(refused.err).toContain('vplc deploy: not authorised: give the deploy token or a user of plc.yaml');
      expect(change.version).toBe(1);

      process.env.VPLC_DEPLOY_PASSWORD = 'right';
      const ok = startCli(['deploy', file, '--to', endpoint.url, '--user', 'eng', '--json']);
      expect(await ok.exited).toBe(0);
      const answer = JSON.parse(ok.out.join('\n')) as { ok: boolean; version: number; resources: Record<string, { counts: Record<string, number> }> };
      expect(answer.ok).toBe(true);
      expect(answer.version).toBe(2);
      expect(answer.resources.Default!.counts).toEqual({ kept: 1, converted: 0, reinitialised: 0, new: 1, removed: 0 });
      expect(change.version).toBe(2);
    } finally {
      delete process.env.VPLC_DEPLOY_PASSWORD;
      await endpoint.close();
      await engine.stop();
    }
  });
});
