import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startCli, type CliProcess } from '../../../samples/child-cli.js';
import { decodeRetainFile } from '../../../runtime/state/retain-file.js';
import type { ChangeOutcome } from '../../../runtime/cli/online-change.js';
import { connectionXml as conn, deviceXml, fbXml } from '../../support/system-xml.js';

const work = mkdtempSync(join(tmpdir(), 'vplc-online61499-'));
const children: CliProcess[] = [];
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const TOKEN = 'online-change-61499-token';
const tokenFile = join(work, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`);
const RETAIN = '<Attribute Name="Retain" Type="USINT" Value="RETAIN"/>';

/** C counts E_CYCLE ticks, K counts COLD starts (both kept, so that the saves show them); v2 adds Q beside C and drops A. */
function system(v2: boolean): string {
  const fbs = [fbXml('CY', 'E_CYCLE', { DT: 'T#5ms' }), `<FB Name="C" Type="E_CTU">${RETAIN}</FB>`, `<FB Name="K" Type="E_CTU">${RETAIN}</FB>`];
  const events = [conn('START.COLD', 'CY.START'), conn('START.COLD', 'K.CU'), conn('CY.EO', 'C.CU')];
  if (v2) {
    fbs.push(`<FB Name="Q" Type="E_CTU">${RETAIN}</FB>`);
    events.push(conn('CY.EO', 'Q.CU'));
  } else {
    fbs.push(fbXml('A', 'E_CTU'));
    events.push(conn('C.CUO', 'A.CU'));
  }
  return `<System Name="Online"><Application Name="App"><SubAppNetwork/></Application>\n${deviceXml('PLC', fbs, events, [])}</System>`;
}

async function deploy(port: number, text: string, dryRun = false): Promise<{ status: number; body: ChangeOutcome }> {
  const res = await fetch(`http://127.0.0.1:${port}/deploy`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ files: [{ name: 'app.sys', text }], dryRun }),
  });
  return { status: res.status, body: (await res.json()) as ChangeOutcome };
}

/** The newest complete generation's values, read without touching the folder. */
function newest(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) return {};
  for (const n of readdirSync(dir).filter((x) => /^retain\.\d{12}\.vrs$/.test(x)).sort().reverse()) {
    try {
      const g = decodeRetainFile(readFileSync(join(dir, n)));
      if (!('error' in g)) return Object.fromEntries((g.resources['PLC.RES'] ?? []).map((v) => [v.path, v.value]));
    } catch {
      // removed meanwhile: an older one
    }
  }
  return {};
}

async function until<T>(probe: () => T, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('online change of an IEC 61499 application under vplc serve', () => {
  it('vplc deploy app.sys edits the running resource in place: FB state kept, no COLD restart, the new FB counts', { timeout: 120_000 }, async () => {
    const file = join(work, 'app.sys');
    writeFileSync(file, system(false));
    const dir = join(work, 'state');
    const dport = await freePort();
    const plc = startCli(['serve', file, '--state-dir', dir, '--save-every', '20ms', '--deploy-port', String(dport), '--deploy-token-file', tokenFile, '--no-metrics', '--summary-every', '0']);
    children.push(plc);
    await plc.waitFor(/online change on/);
    const before = await until(() => newest(dir), (v) => Number(v['C.CV'] ?? 0) >= 20, 'C to count');
    const dry = await deploy(dport, system(true), true);
    expect(dry.status).toBe(200);
    const plan = dry.body.ok ? dry.body.resources['PLC.RES']! : undefined;
    expect(plan?.counts).toMatchObject({ kept: 4, new: 1, removed: 1, reinitialised: 0 });
    const r = await deploy(dport, system(true));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const rep = r.body.ok ? r.body.resources['PLC.RES']! : undefined;
    expect(rep?.entries).toEqual(expect.arrayContaining([{ path: 'Q', action: 'new', to: 'E_CTU' }, { path: 'A', action: 'removed', from: 'E_CTU' }, { path: 'C', action: 'kept' }]));
    expect(rep?.swapUs).toBeGreaterThan(0);
    // after the change: C went on from where it was, Q counts the same ticks, START fired COLD once
    const after = await until(() => newest(dir), (v) => Number(v['Q.CV'] ?? 0) >= 10, 'Q to count');
    expect(Number(after['C.CV'])).toBeGreaterThanOrEqual(Number(before['C.CV']) + Number(after['Q.CV']));
    expect(after['K.CV']).toBe(1);
    // a change that does not compile leaves the running version alone
    const bad = await deploy(dport, system(true).replace('Type="E_CTU"', 'Type="NO_SUCH_TYPE"'));
    expect(bad.status).toBe(422);
    const still = await until(() => newest(dir), (v) => Number(v['Q.CV'] ?? 0) >= Number(after['Q.CV']) + 10, 'Q to go on');
    expect(still['K.CV']).toBe(1);
    plc.child.kill('SIGINT');
    expect(await plc.exited).toBe(0);
    expect(plc.err.filter((l) => l.trim() !== '')).toEqual([]);
  });
});
