import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RING, writeRing } from '../../engine/ring-fixture.js';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { startDevice, waitFor } from './harness.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Deploy FORTE's E_CTU/E_SWITCH ring as the IDE would and start it. */
async function deployRing(c: ManagementClient): Promise<void> {
  const ok = async (dst: string, action: string, inner = '') => expect(reason(await c.request(dst, action, inner))).toBeUndefined();
  await ok('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />');
  await ok('RES', 'CREATE', '<FB Name="C1" Type="E_CTU" />');
  await ok('RES', 'CREATE', '<FB Name="C2" Type="E_CTU" />');
  await ok('RES', 'CREATE', '<FB Name="SW" Type="E_SWITCH" />');
  await ok('RES', 'WRITE', '<Connection Source="50000" Destination="C1.PV" />');
  await ok('RES', 'WRITE', '<Connection Source="65535" Destination="C2.PV" />');
  for (const [s, d] of RING) await ok('RES', 'CREATE', `<Connection Source="${s}" Destination="${d}" />`);
  await ok('RES', 'START');
}

const readCv = async (c: ManagementClient, fb = 'C1'): Promise<number> => {
  const answer = await c.request('RES', 'READ', `<Connection Source="${fb}.CV" Destination="" />`);
  expect(reason(answer)).toBeUndefined();
  return Number(/Destination="(\d+)"/.exec(answer)?.[1]);
};

describe('a device running an endless event chain', () => {
  it('answers READ, STOP, START and KILL while the ring runs', async () => {
    const dev = await startDevice();
    const c = await ManagementClient.open(dev.port);
    try {
      await deployRing(c);
      // the ring runs: C2 counts a round of C1 (50,000 counts) each
      const first = await readCv(c, 'C2');
      await waitFor(() => readCv(c, 'C2'), (v) => v > first, 'the ring to go round');
      expect(reason(await c.request('RES', 'STOP'))).toBeUndefined();
      const stopped = await readCv(c);
      // stopped: nothing moves any more
      await new Promise((r) => setTimeout(r, 50));
      expect(await readCv(c)).toBe(stopped);
      expect(reason(await c.request('RES', 'START'))).toBeUndefined();
      expect(reason(await c.request('RES', 'KILL'))).toBeUndefined();
      const killed = await readCv(c, 'C2');
      await new Promise((r) => setTimeout(r, 50));
      expect(await readCv(c, 'C2')).toBe(killed);
    } finally {
      await c.close();
      await dev.stop();
    }
  }, 60_000);

  it('answers every request of a random sequence while the ring runs', async () => {
    const dev = await startDevice();
    const c = await ManagementClient.open(dev.port);
    try {
      await deployRing(c);
      const requests: [string, string][] = [
        ['READ', '<Connection Source="C1.CV" Destination="" />'],
        ['READ', '<Connection Source="SW.G" Destination="" />'],
        ['WRITE', '<Connection Source="$e" Destination="C1.CU" />'],
        ['WRITE', '<Connection Source="40000" Destination="C1.PV" />'],
        ['QUERY', '<FB Name="*" Type="*" />'],
        ['STOP', ''],
        ['START', ''],
      ];
      // a fixed-seed sequence: the same on every run
      let seed = 12345;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let k = 0; k < 200; k++) {
        const [action, inner] = requests[Math.floor(random() * requests.length)]!;
        const answer = await c.request('RES', action, inner);
        // answered, with its own ID (a STOP of a stopped resource may be refused, but answered)
        expect(answer).toMatch(new RegExp(`^<Response ID="${k + 8 + RING.length}"`));
      }
    } finally {
      await c.close();
      await dev.stop();
    }
  }, 60_000);

  it('vplc device running the ring from its boot file answers and ends on SIGTERM', async () => {
    const boot = writeRing();
    const script = `const m = await import(${JSON.stringify(join(ROOT, 'runtime/cli/device.ts'))}); process.exitCode = await m.deviceCommand(process.argv.slice(1));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', '--port', '0', '--boot', boot], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      void exited.then((code) => reject(new Error(`vplc device exited with ${code}`)));
    });
    const c = await ManagementClient.open(port);
    const first = await readCv(c, 'C2');
    await waitFor(() => readCv(c, 'C2'), (v) => v > first, 'the ring to go round');
    await c.close();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('vplc device: stopped');
  }, 60_000);
});
