import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient, answerReason as reason } from '../../runtime/iec61499/management/client.js';
import { startDevice, type Running } from '../runtime/iec61499/management/harness.js';
import { freePort, until } from '../support/wait.js';

/**
 * vPLC against a real Eclipse 4diac FORTE: the binary named by VPLC_FORTE (built from
 * eclipse-4diac/4diac-forte with the POSIX architecture and COM_ETH; README, "Tests and
 * benchmarks") is started on free ports of 127.0.0.1; both it and a vPLC device are deployed
 * to over the management protocol with the same requests the 4diac IDE sends, and data
 * crosses between them through PUBLISH/SUBSCRIBE (UDP) and CLIENT/SERVER (TCP) in both
 * directions; what arrived is read back from each side with READ.
 */

const FORTE = process.env.VPLC_FORTE;

function why(): string | undefined {
  if (!FORTE) return 'VPLC_FORTE is not set (the path of a forte binary; README tells how to build one)';
  try {
    accessSync(FORTE, constants.X_OK);
  } catch {
    return `VPLC_FORTE=${FORTE} is not an executable file`;
  }
  return undefined;
}
const skip = why();
if (skip) console.warn(`FORTE interop tests skipped: ${skip}`);
const describeForte = skip ? describe.skip : describe;

interface Forte {
  port: number;
  client: ManagementClient;
  output(): string;
  stop(): Promise<void>;
}

/** A FORTE on a free management port (loading a boot file first); its output kept for failure messages. */
async function startForte(bootFile?: string): Promise<Forte> {
  const port = await freePort();
  const args = ['-c', `127.0.0.1:${port}`, ...(bootFile ? ['-f', bootFile] : [])];
  const child: ChildProcess = spawn(FORTE!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let client: ManagementClient | undefined;
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`forte exited with ${child.exitCode}: ${out}`);
    client = await ManagementClient.open(port).catch(() => undefined);
    return client !== undefined;
  }, 'FORTE listening on its management port');
  return {
    port,
    client: client!,
    output: () => out,
    async stop() {
      await client!.close().catch(() => undefined);
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

type Req = [destination: string, action: string, inner: string];

/** Send requests in order; every one must be answered without a Reason. */
async function deploy(c: ManagementClient, who: string, reqs: Req[]): Promise<void> {
  for (const [d, a, i] of reqs) {
    const answer = await c.request(d, a, i);
    expect({ who, request: `${a} ${i}`, reason: reason(answer) }).toEqual({ who, request: `${a} ${i}`, reason: undefined });
  }
}

/** The value READ answers for a data port (attribute text as sent, entities decoded). */
async function readPort(c: ManagementClient, res: string, port: string): Promise<string | undefined> {
  const answer = await c.request(res, 'READ', `<Connection Source="${port}" Destination="" />`);
  const m = /Destination="([^"]*)"/.exec(answer);
  return m?.[1]?.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** READ of several ports, one after the other (a management connection answers in order). */
async function readAll(c: ManagementClient, res: string, ports: string[]): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (const p of ports) out.push(await readPort(c, res, p));
  return out;
}

/** Requests building a resource: FBs, connections, parameters, in the IDE's order. */
function resource(name: string) {
  const reqs: Req[] = [['', 'CREATE', `<FB Name="${name}" Type="EMB_RES" />`]];
  return {
    reqs,
    fb: (n: string, t: string) => reqs.push([name, 'CREATE', `<FB Name="${n}" Type="${t}" />`]),
    conn: (s: string, d: string) => reqs.push([name, 'CREATE', `<Connection Source="${s}" Destination="${d}" />`]),
    write: (v: string, d: string) => reqs.push([name, 'WRITE', `<Connection Source="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}" Destination="${d}" />`]),
    start: () => reqs.push([name, 'START', '']),
  };
}

/**
 * A value of each type both sides put on the wire: [type, literal, zero literal]. FORTE wants
 * typed literals on its ANY ports (STRING#'…'). CHAR, WCHAR and the L… date and time types are
 * not among them: FORTE decodes them but answers a REQ sending one with DATA_TYPE_ERROR.
 */
const VALUES: [string, string, string][] = [
  ['BOOL', 'BOOL#TRUE', 'BOOL#FALSE'],
  ['SINT', 'SINT#-7', 'SINT#0'],
  ['INT', 'INT#-300', 'INT#0'],
  ['DINT', 'DINT#-70000', 'DINT#0'],
  ['LINT', 'LINT#-9000000000', 'LINT#0'],
  ['USINT', 'USINT#200', 'USINT#0'],
  ['UINT', 'UINT#60000', 'UINT#0'],
  ['UDINT', 'UDINT#4000000000', 'UDINT#0'],
  ['ULINT', 'ULINT#18000000000000000000', 'ULINT#0'],
  ['BYTE', 'BYTE#16#A5', 'BYTE#0'],
  ['WORD', 'WORD#16#BEEF', 'WORD#0'],
  ['DWORD', 'DWORD#16#01020304', 'DWORD#0'],
  ['LWORD', 'LWORD#16#FFFFFFFFFFFFFFF0', 'LWORD#0'],
  ['REAL', 'REAL#1.5', 'REAL#0.0'],
  ['LREAL', 'LREAL#-2.25', 'LREAL#0.0'],
  ['TIME', 'T#1h2m3s4ms', 'T#0s'],
  ['DATE', 'D#2024-02-29', 'D#1970-01-01'],
  ['TOD', 'TOD#13:14:15.5', 'TOD#00:00:00'],
  ['DT', 'DT#2024-02-29-13:14:15.25', 'DT#1970-01-01-00:00:00'],
  ['STRING', "STRING#'vPLC über 61499'", "STRING#''"],
  ['WSTRING', 'WSTRING#"Grüß € 61499"', 'WSTRING#""'],
];
/** Types FORTE takes from the wire but does not send: from vPLC to FORTE only. */
const TO_FORTE_ONLY: [string, string, string][] = [
  ['CHAR', "CHAR#'a'", "CHAR#' '"],
  ['WCHAR', 'WCHAR#"b"', 'WCHAR#" "'],
  ['LTIME', 'LTIME#1m5ms', 'LTIME#0ms'],
];

/**
 * A SUBSCRIBE_1 → F_EQ per value, comparing with its literal; INITs chained from START.COLD.
 * `typeRd`: RD_1 gets its type from the zero literal written to it (FORTE's ANY port).
 */
function subscribers(r: ReturnType<typeof resource>, values: [string, string, string][], ids: string[], typeRd: boolean): void {
  values.forEach(([, lit, zero], k) => {
    r.fb(`S${k}`, 'SUBSCRIBE_1');
    r.fb(`EQ${k}`, 'F_EQ');
    r.conn(k === 0 ? 'START.COLD' : `S${k - 1}.INITO`, `S${k}.INIT`);
    r.conn(`S${k}.IND`, `EQ${k}.REQ`);
    r.conn(`S${k}.RD_1`, `EQ${k}.IN1`);
    if (typeRd) r.write(zero, `S${k}.RD_1`);
    r.write('TRUE', `S${k}.QI`);
    r.write(ids[k]!, `S${k}.ID`);
    r.write(lit, `EQ${k}.IN2`);
  });
  r.start();
}

/** An E_CYCLE publishing every value each 20 ms: a PUBLISH_1 per value, SD_1 its literal, REQs chained. */
function publishers(r: ReturnType<typeof resource>, values: [string, string, string][], ids: string[]): void {
  r.fb('CY', 'E_CYCLE');
  values.forEach(([, lit], k) => {
    r.fb(`P${k}`, 'PUBLISH_1');
    r.conn(k === 0 ? 'START.COLD' : `P${k - 1}.INITO`, `P${k}.INIT`);
    r.conn(k === 0 ? 'CY.EO' : `P${k - 1}.CNF`, `P${k}.REQ`);
    r.write('TRUE', `P${k}.QI`);
    r.write(ids[k]!, `P${k}.ID`);
    r.write(lit, `P${k}.SD_1`);
  });
  r.conn(`P${values.length - 1}.INITO`, 'CY.START');
  r.write('T#20ms', 'CY.DT');
  r.start();
}

describeForte('vPLC and FORTE', () => {
  let forte: Forte;
  let vplc: Running;
  let vc: ManagementClient;
  beforeAll(async () => {
    forte = await startForte();
    vplc = await startDevice();
    vc = await ManagementClient.open(vplc.port);
  });
  afterAll(async () => {
    await vc?.close();
    await vplc?.stop();
    await forte?.stop();
  });

  it('FORTE publishes a value of every type; vPLC subscribes and finds each equal', async () => {
    const ports = await Promise.all(VALUES.map(() => freePort()));
    // vPLC: SUBSCRIBE_1 → F_EQ against the expected literal (which gives RD_1 its type)
    const v = resource('FROMFORTE');
    subscribers(v, VALUES, ports.map((p) => `127.0.0.1:${p}`), false);
    await deploy(vc, 'vplc', v.reqs);
    // FORTE: an E_CYCLE publishes every value each 20 ms (PUBLISH_1, SD_1 a typed literal)
    const f = resource('TOVPLC');
    publishers(f, VALUES, ports.map((p) => `fbdk[].ip[127.0.0.1:${p}]`));
    await deploy(forte.client, 'forte', f.reqs);
    const eq = () => readAll(vc, 'FROMFORTE', VALUES.map((_, k) => `EQ${k}.OUT`));
    await until(async () => (await eq()).every((x) => x === 'TRUE'), 'every value arrived equal', 10_000).catch(() => undefined);
    const got = [];
    for (const [k, [t]] of VALUES.entries()) {
      const [eq, status, rd] = await readAll(vc, 'FROMFORTE', [`EQ${k}.OUT`, `S${k}.STATUS`, `S${k}.RD_1`]);
      got.push({ t, eq, status, rd });
    }
    expect(got).toEqual(VALUES.map(([t]) => ({ t, eq: 'TRUE', status: 'OK', rd: expect.any(String) })));
  });

  it('vPLC publishes a value of every type; FORTE subscribes and finds each equal', async () => {
    const ALL = [...VALUES, ...TO_FORTE_ONLY];
    const ports = await Promise.all(ALL.map(() => freePort()));
    // FORTE: RD_1 takes its type from a typed literal written to it (FORTE's ANY port), F_EQ compares
    const f = resource('FROMVPLC');
    subscribers(f, ALL, ports.map((p) => `fbdk[].ip[127.0.0.1:${p}]`), true);
    await deploy(forte.client, 'forte', f.reqs);
    const v = resource('TOFORTE');
    publishers(v, ALL, ports.map((p) => `127.0.0.1:${p}`));
    await deploy(vc, 'vplc', v.reqs);
    const eq = () => readAll(forte.client, 'FROMVPLC', ALL.map((_, k) => `EQ${k}.OUT`));
    await until(async () => (await eq()).every((x) => x === 'TRUE'), 'every value arrived equal', 10_000).catch(() => undefined);
    const got = [];
    for (const [k, [t]] of ALL.entries()) {
      const [eq, status] = await readAll(forte.client, 'FROMVPLC', [`EQ${k}.OUT`, `S${k}.STATUS`]);
      got.push({ t, eq, status });
    }
    expect(got).toEqual(ALL.map(([t]) => ({ t, eq: 'TRUE', status: 'OK' })));
  });

  it('a boot file given to forte -f runs at start: its PUBLISH reaches a vPLC subscriber', async () => {
    const port = await freePort();
    const v = resource('FROMBOOT');
    v.fb('S', 'SUBSCRIBE_1');
    v.fb('EQ', 'F_EQ');
    v.conn('START.COLD', 'S.INIT');
    v.conn('S.IND', 'EQ.REQ');
    v.conn('S.RD_1', 'EQ.IN1');
    v.write('TRUE', 'S.QI');
    v.write(`127.0.0.1:${port}`, 'S.ID');
    v.write('UINT#61499', 'EQ.IN2');
    v.start();
    await deploy(vc, 'vplc', v.reqs);
    // the boot file: one request a line, `resource;request` (the device's own: `;request`)
    const f = resource('BOOTED');
    f.fb('CY', 'E_CYCLE');
    f.fb('P', 'PUBLISH_1');
    f.conn('START.COLD', 'P.INIT');
    f.conn('P.INITO', 'CY.START');
    f.conn('CY.EO', 'P.REQ');
    f.write('T#20ms', 'CY.DT');
    f.write('TRUE', 'P.QI');
    f.write(`127.0.0.1:${port}`, 'P.ID');
    f.write('UINT#61499', 'P.SD_1');
    f.start();
    const path = join(mkdtempSync(join(tmpdir(), 'vplc-forte-')), 'booted.fboot');
    writeFileSync(path, f.reqs.map(([d, a, i], k) => `${d};<Request ID="${k + 1}" Action="${a}"${i ? `>${i}</Request>` : '/>'}`).join('\n') + '\n');
    const booted = await startForte(path);
    try {
      await until(async () => (await readPort(vc, 'FROMBOOT', 'EQ.OUT')) === 'TRUE', 'the booted FORTE publishing', 10_000).catch(() => undefined);
      expect(await readAll(vc, 'FROMBOOT', ['EQ.OUT', 'S.RD_1', 'S.STATUS'])).toEqual(['TRUE', 'UINT#61499', 'OK']);
    } finally {
      await booted.stop();
    }
  });

  /** A SERVER_1_1 that answers RD_1 + 1 (UINT); a CLIENT_1_1 that sends 41 once connected and compares the answer with 42. */
  function adder(r: ReturnType<typeof resource>, port: number, typeRd: boolean) {
    r.fb('SRV', 'SERVER_1_1');
    r.fb('ADD', 'F_ADD');
    r.conn('START.COLD', 'SRV.INIT');
    r.conn('SRV.IND', 'ADD.REQ');
    r.conn('SRV.RD_1', 'ADD.IN1');
    r.conn('ADD.CNF', 'SRV.RSP');
    r.conn('ADD.OUT', 'SRV.SD_1');
    if (typeRd) r.write('UINT#0', 'SRV.RD_1');
    r.write('UINT#1', 'ADD.IN2');
    r.write('TRUE', 'SRV.QI');
    r.write(`127.0.0.1:${port}`, 'SRV.ID');
    r.start();
  }
  function asker(r: ReturnType<typeof resource>, port: number, typeRd: boolean) {
    r.fb('CLI', 'CLIENT_1_1');
    r.fb('EQ', 'F_EQ');
    r.conn('START.COLD', 'CLI.INIT');
    r.conn('CLI.INITO', 'CLI.REQ');
    r.conn('CLI.CNF', 'EQ.REQ');
    r.conn('CLI.RD_1', 'EQ.IN1');
    if (typeRd) r.write('UINT#0', 'CLI.RD_1');
    r.write('UINT#42', 'EQ.IN2');
    r.write('UINT#41', 'CLI.SD_1');
    r.write('TRUE', 'CLI.QI');
    r.write(`127.0.0.1:${port}`, 'CLI.ID');
    r.start();
  }

  it('a vPLC CLIENT asks a FORTE SERVER, and a FORTE CLIENT asks a vPLC SERVER', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const fs = resource('FSRV');
    adder(fs, p1, true);
    await deploy(forte.client, 'forte', fs.reqs);
    const vc1 = resource('VCLI');
    asker(vc1, p1, false);
    await deploy(vc, 'vplc', vc1.reqs);
    const vs = resource('VSRV');
    adder(vs, p2, false);
    await deploy(vc, 'vplc', vs.reqs);
    await until(async () => (await readPort(vc, 'VSRV', 'SRV.QO')) === 'TRUE', 'vPLC server listening');
    const fc = resource('FCLI');
    asker(fc, p2, true);
    await deploy(forte.client, 'forte', fc.reqs);
    await until(async () => (await readPort(vc, 'VCLI', 'EQ.OUT')) === 'TRUE' && (await readPort(forte.client, 'FCLI', 'EQ.OUT')) === 'TRUE', 'both answers 42', 10_000).catch(() => undefined);
    expect({
      vplcClient: [await readPort(vc, 'VCLI', 'CLI.QO'), await readPort(vc, 'VCLI', 'CLI.RD_1'), await readPort(vc, 'VCLI', 'EQ.OUT')],
      forteClient: [await readPort(forte.client, 'FCLI', 'CLI.QO'), await readPort(forte.client, 'FCLI', 'EQ.OUT')],
    }).toEqual({ vplcClient: ['TRUE', 'UINT#42', 'TRUE'], forteClient: ['TRUE', 'TRUE'] });
  });
});
