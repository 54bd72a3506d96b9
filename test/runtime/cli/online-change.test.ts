import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, startCli, type CliProcess } from '../../../samples/child-cli.js';
import { RetainStore } from '../../../runtime/state/retain-store.js';
import { newestGeneration, savedAfter } from '../../support/retain-files.js';
import type { ChangeOutcome } from '../../../runtime/cli/online-change.js';

interface ModbusClient {
  connectTCP(host: string, options: { port: number }): Promise<void>;
  setID(id: number): void;
  setTimeout(ms: number): void;
  readInputRegisters(address: number, count: number): Promise<{ data: number[] }>;
  readHoldingRegisters(address: number, count: number): Promise<{ data: number[] }>;
  close(cb: () => void): void;
}
// modbus-serial is CommonJS
const ModbusRTU = createRequire(import.meta.url)('modbus-serial') as new () => ModbusClient;

const work = mkdtempSync(join(tmpdir(), 'vplc-online-'));
const children: CliProcess[] = [];
afterAll(() => {
  for (const c of children) c.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const TOKEN = 'online-change-test-token';
const tokenFile = join(work, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`);

function serve(args: string[]): CliProcess {
  const c = startCli(['serve', ...args, '--no-metrics', '--summary-every', '0']);
  children.push(c);
  return c;
}

async function deploy(port: number, files: { name: string; text: string }[], dryRun = false, ifVersion?: number): Promise<{ status: number; body: ChangeOutcome }> {
  const res = await fetch(`http://127.0.0.1:${port}/deploy`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ files, dryRun, ...(ifVersion !== undefined ? { ifVersion } : {}) }),
  });
  return { status: res.status, body: (await res.json()) as ChangeOutcome };
}

function realOf(lo: number, hi: number): number {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(lo, 0);
  b.writeUInt16LE(hi, 2);
  return b.readFloatLE(0);
}

describe('online change of a running vplc serve', () => {
  it('changes the running tank-level sample (new PID gains, a new variable) with its level continuous', { timeout: 120_000 }, async () => {
    const v1 = readFileSync(join(ROOT, 'samples/tank-level/tank_level.st'), 'utf8');
    const v2 = v1
      .replace('controller : PID := (kp := 2.0,', 'controller : PID := (kp := 4.0,')
      .replace('alarm : BOOL;\nEND_VAR', 'alarm : BOOL;\n  scans AT %QW10 : UINT;\nEND_VAR')
      .replace('alarm := lowAlarm.Q;', 'alarm := lowAlarm.Q;\nscans := scans + 1;');
    expect(v2).not.toBe(v1);
    const modbus = await freePort();
    const dport = await freePort();
    const config = join(work, 'tank.yaml');
    writeFileSync(config, `${readFileSync(join(ROOT, 'samples/tank-level/plc.yaml'), 'utf8')}\nmodbusServer: { port: ${modbus} }\n`);
    const file = join(work, 'tank_level.st');
    writeFileSync(file, v1);
    const plc = serve([file, '--config', config, '--deploy-port', String(dport), '--deploy-token-file', tokenFile]);
    await plc.waitFor(/running Plant/);

    const client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port: modbus });
    client.setID(1);
    client.setTimeout(2000);
    const samples: { t: number; level: number; scans: number }[] = [];
    const sample = async () => {
      const ir = await client.readInputRegisters(0, 2);
      const hr = await client.readHoldingRegisters(10, 1);
      samples.push({ t: performance.now(), level: realOf(ir.data[0]!, ir.data[1]!), scans: hr.data[0]! });
    };
    const sampleFor = async (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        await sample();
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await sampleFor(1500);
    const before = samples.length;

    const dry = await deploy(dport, [{ name: 'tank_level.st', text: v2 }], true);
    expect(dry.status).toBe(200);
    const change = deploy(dport, [{ name: 'tank_level.st', text: v2 }]);
    let answered = false;
    void change.finally(() => (answered = true));
    // sampling goes on while the change is compiled (in a thread of its own) and swapped, then a while after
    while (!answered) await sampleFor(25);
    await sampleFor(1500);
    const { status, body } = await change;
    client.close(() => {});
    expect(status).toBe(200);
    if (!body.ok) throw new Error(body.error);
    expect(body.applied).toBe(true);
    const report = body.resources.Controller!;
    const action = (path: string) => report.entries.find((e) => e.path === path);
    expect(action('Level.controller.kp')).toMatchObject({ action: 'reinitialised', reason: 'initial value changed' });
    expect(action('Level.controller.integral')).toMatchObject({ action: 'kept' });
    expect(action('Level.pulse.start')).toMatchObject({ action: 'kept' });
    expect(action('Level.scans')).toMatchObject({ action: 'new', to: 'UINT' });
    expect(report.counts.reinitialised).toBe(1);
    expect(report.counts.new).toBe(1);
    // what the dry run said is what the swap did
    expect(dry.body.ok && dry.body.resources.Controller!.entries).toEqual(report.entries);
    console.log(`tank-level online change: swap ${report.swapUs!.toFixed(0)} µs between two scans, ${report.slackUs!.toFixed(0)} µs before the next release`);

    // the new variable counts from its initial value; it did not exist before
    expect(samples.slice(0, before).every((s) => s.scans === 0)).toBe(true);
    const last = samples[samples.length - 1]!;
    expect(last.scans).toBeGreaterThan(10);
    // the level never jumps: no faster than the plant's largest inflow allows (0.05 m/s; the
    // samples are timed by this process, which a loaded machine delays, hence the margin)
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i]!.t - samples[i - 1]!.t) / 1000;
      expect(Math.abs(samples[i]!.level - samples[i - 1]!.level)).toBeLessThanOrEqual(0.05 * dt + 0.02);
    }
    // and the controller goes on filling towards the setpoint (1.2 m, from 0.5 m)
    expect(last.level).toBeGreaterThan(samples[before - 1]!.level);

    plc.child.kill('SIGINT');
    expect(await plc.exited).toBe(0);
  });

  it('answers compile errors with file:line:col and keeps the running version; applies concurrent changes one after the other; refuses bad credentials', { timeout: 120_000 }, async () => {
    const prog = (n: number) => `PROGRAM Main\nVAR n : INT; v${n} : INT; END_VAR\nn := n + 1;\nEND_PROGRAM\n`;
    const file = join(work, 'main.st');
    writeFileSync(file, prog(1));
    const dport = await freePort();
    const plc = serve([file, '--deploy-port', String(dport), '--deploy-token-file', tokenFile]);
    await plc.waitFor(/running Main/);

    const missing = await startCli(['deploy', 'no-such-file.st', '--to', `http://127.0.0.1:${dport}`, '--token-file', tokenFile]).exited;
    expect(missing).toBe(1);
    writeFileSync(join(work, 'bad.st'), 'PROGRAM Main\nVAR n : INT; END_VAR\nn := n + ;\nEND_PROGRAM\n');
    const cli = startCli(['deploy', join(work, 'bad.st'), '--to', `http://127.0.0.1:${dport}`, '--token-file', tokenFile]);
    expect(await cli.exited).toBe(1);
    expect(cli.err.join('\n')).toMatch(new RegExp(`${join(work, 'bad.st').replace(/[.]/g, '\\.')}:3:\\d+: error E\\d+`));
    expect(cli.err.join('\n')).toContain('the new version does not compile; the running one goes on');
    const version = async () => (await (await fetch(`http://127.0.0.1:${dport}/deploy`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { version: number };
    expect((await version()).version).toBe(1);

    const unauthorised = await fetch(`http://127.0.0.1:${dport}/deploy`, { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '{}' });
    expect(unauthorised.status).toBe(401);
    const anonymous = await fetch(`http://127.0.0.1:${dport}/deploy`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);

    // three at once: applied one after the other, each against the version running at its turn
    const all = await Promise.all([2, 3, 4].map((n) => deploy(dport, [{ name: 'main.st', text: prog(n) }])));
    expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
    const applied = all.map((r) => (r.body.ok ? r.body : undefined)!);
    expect(applied.map((r) => r.version).sort()).toEqual([2, 3, 4]);
    const order = [...applied].sort((x, y) => x.version - y.version);
    // v1 was running; each later one replaced the one before it: its own variable is new, the previous one's removed
    const movedFrom = order.map((r) => r.resources.Default!.entries.find((e) => e.action === 'removed')!.path);
    const movedTo = order.map((r) => r.resources.Default!.entries.find((e) => e.action === 'new')!.path);
    expect(movedFrom[0]).toBe('Main.v1');
    expect(movedFrom.slice(1)).toEqual(movedTo.slice(0, 2));
    for (const r of order) expect(r.resources.Default!.entries.find((e) => e.path === 'Main.n')!.action).toBe('kept');
    expect((await version()).version).toBe(4);

    // a change prepared against a version that has gone is refused
    const stale = await deploy(dport, [{ name: 'main.st', text: prog(5) }], false, 3);
    expect(stale.status).toBe(409);
    expect(!stale.body.ok && stale.body.error).toBe('the running version is 4, not 3: another change came first');
    expect((await version()).version).toBe(4);

    // the CLI: a dry run changes nothing and prints the table
    const dry = startCli(['deploy', file, '--to', `http://127.0.0.1:${dport}`, '--token-file', tokenFile, '--dry-run']);
    expect(await dry.exited).toBe(0);
    expect(dry.out).toContain('dry run against version 4: nothing changed');
    expect(dry.out.some((l) => /^Default: 1 kept, 0 converted, 0 re-initialised, 1 new, 1 removed$/.test(l))).toBe(true);
    expect((await version()).version).toBe(4);
    plc.child.kill('SIGINT');
    expect(await plc.exited).toBe(0);
  });

  it('restores a complete RETAIN generation after kill -9 during saves and during swaps', { timeout: 180_000 }, async () => {
    const v1 = `FUNCTION_BLOCK Hours\nVAR RETAIN n : DINT; END_VAR\nn := n + 1;\nEND_FUNCTION_BLOCK\nPROGRAM Main\nVAR RETAIN a : DINT; b : DINT; END_VAR\nVAR h : Hours; END_VAR\na := a + 1; h(); b := b + 1;\nEND_PROGRAM\n`;
    const v2 = v1.replace('VAR h : Hours; END_VAR', 'VAR h : Hours; extra : INT; END_VAR');
    const file = join(work, 'kill.st');
    writeFileSync(file, v1);
    const dir = join(work, 'kill-state');
    let previous = 0;
    for (let cycle = 0; cycle < 4; cycle++) {
      const dport = await freePort();
      const plc = serve([file, '--state-dir', dir, '--save-every', '20ms', '--deploy-port', String(dport), '--deploy-token-file', tokenFile]);
      const restored = await plc.waitFor(cycle === 0 ? /no saved RETAIN values/ : /restored 3 RETAIN value\(s\), warm, from .*generation (\d+)/);
      await plc.waitFor(/running Main/);
      // this run has saved a generation of its own (a loaded machine may take longer than the
      // pause below); read from the names only, as a load would remove the save under way
      await savedAfter(dir, newestGeneration(dir));
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 150));
      if (cycle % 2 === 1) {
        // a swap under way: the request is sent, the process killed while it compiles or swaps
        void deploy(dport, [{ name: 'kill.st', text: v2 }]).catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.random() * 60));
      }
      plc.child.kill('SIGKILL');
      await plc.exited;
      // nothing on stderr but the progress of a slow compile (a loaded machine)
      expect(plc.err.filter((l) => l.trim() !== '' && !/^vplc: compiling: .*, [\d.]+ s$/.test(l))).toEqual([]);
      const g = new RetainStore(dir).load();
      expect(g.skipped).toEqual([]);
      const values = Object.fromEntries(g.generation!.resources.Default!.map((v) => [v.path, v.value]));
      // one scan's values: a, b and h.n move together
      expect(values['Main.b']).toBe(values['Main.a']);
      expect(values['Main.h.n']).toBe(values['Main.a']);
      // warm: each run went on from the values restored at its start
      expect(values['Main.a']).toBeGreaterThan(previous);
      if (cycle > 0) expect(Number(restored[1])).toBeGreaterThan(0);
      previous = values['Main.a'] as number;
    }
  });

  it('--watch changes the running program when its source file changes, and reports a broken one', { timeout: 120_000 }, async () => {
    const file = join(work, 'watched.st');
    writeFileSync(file, 'PROGRAM Main\nVAR n : INT; END_VAR\nn := n + 1;\nEND_PROGRAM\n');
    const plc = serve([file, '--watch']);
    await plc.waitFor(/running Main/);
    writeFileSync(file, 'PROGRAM Main\nVAR n : INT; m : REAL; END_VAR\nn := n + 1;\nEND_PROGRAM\n');
    await plc.waitFor(/watch: running Main, version 2/);
    expect(plc.out.some((l) => /^vplc serve: watch: Default: 1 kept, 0 converted, 0 re-initialised, 1 new, 0 removed; swapped in [\d.]+ ms between two scans/.test(l))).toBe(true);
    expect(plc.out).toContain('vplc serve: watch:   new           Main.m (REAL)');
    writeFileSync(file, 'PROGRAM Main\nVAR n : INT; END_VAR\nn := n + ;\nEND_PROGRAM\n');
    const deadline = Date.now() + 30_000;
    while (!plc.err.some((l) => l.includes('the new version does not compile')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(plc.err.some((l) => l.startsWith(`vplc serve: watch: ${file}:3:`))).toBe(true);
    expect(plc.err).toContain('vplc serve: watch: the new version does not compile; the running one goes on');
    plc.child.kill('SIGINT');
    expect(await plc.exited).toBe(0);
  });
});

