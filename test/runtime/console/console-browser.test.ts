import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { compileFiles, compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { parseConfig, loadConfigFile } from '../../../runtime/config/load.js';
import { Engine, type EngineVariableAccess } from '../../../runtime/engine/engine.js';
import { IoManager } from '../../../runtime/io/io-manager.js';
import { startConsole, type ConsoleEndpoint } from '../../../runtime/console/server.js';
import { modbusDevice } from '../../support/modbus-device.js';
import { freePort, until } from '../../support/wait.js';

/**
 * The console's pages in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): login, live values, a write landing at the next scan, force and unforce,
 * the lateness chart drawing points, an I/O device drop, the IEC 61499 network. Screenshots go
 * to a temporary folder, or to VPLC_CONSOLE_SCREENSHOTS (the README's are made with
 * VPLC_CONSOLE_SCREENSHOTS=runtime/console/screenshots).
 */

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../..', import.meta.url));
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does)` : undefined;

const SRC = `
PROGRAM Main
VAR
  start AT %IX0.0 : BOOL;
  running AT %QX0.0 : BOOL;
  level AT %IW0 : INT;
  valve AT %QW0 : INT;
  speed : INT;
  limit : INT := 7;
  n : DINT;
  pid : TON;
END_VAR
n := n + 1;
speed := 7;
running := start;
valve := level / 2;
pid(IN := TRUE, PT := T#1s);
END_PROGRAM
CONFIGURATION Plant
  RESOURCE Cell ON PLC
    TASK Fast(INTERVAL := T#5ms, PRIORITY := 1);
    PROGRAM Main WITH Fast : Main;
  END_RESOURCE
END_CONFIGURATION
`;

const USERS = { users: [{ username: 'op', password: 'secret', role: 'operator' as const }], sessionMinutes: 30 };

describe.skipIf(skip !== undefined)(`console in headless Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const shots = process.env.VPLC_CONSOLE_SCREENSHOTS ? resolve(root, process.env.VPLC_CONSOLE_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'vplc-shots-'));
  const profile = mkdtempSync(join(tmpdir(), 'vplc-chromium-'));
  let context: BrowserContext;
  let page: Page;
  let engine: Engine;
  let io: IoManager;
  let web: ConsoleEndpoint;
  let vars: EngineVariableAccess;
  let device: { close(cb: () => void): void } | undefined;
  const mem = { coils: [] as boolean[], discrete: [true] as boolean[], input: [40] as number[], holding: [] as number[] };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    const app = compileSources([new SourceFile('plant.st', SRC)]).application!;
    // a watchdog no host stall of a loaded CI machine reaches: these tests are not about it
    engine = await Engine.start(app, { clock: 'real', watchdogNs: 10e9 });
    vars = engine.variableAccess('Cell', { samplingMs: 20 })!;
    const port = await freePort();
    device = await modbusDevice(port, mem);
    const config = parseConfig(`devices:
  - name: rio1
    driver: modbus-tcp
    host: 127.0.0.1
    port: ${port}
    pollMs: 20
    timeoutMs: 300
    reconnect: { minMs: 100, maxMs: 300 }
    inputs:
      - { table: discrete, address: 0, type: BOOL, var: '%IX0.0' }
      - { table: input, address: 0, type: INT, var: '%IW0' }
    outputs:
      - { table: coil, address: 0, type: BOOL, var: '%QX0.0' }
`).config!;
    io = IoManager.fromConfig(config, { exchange: engine.exchange('Cell'), app, log: () => {} });
    await io.start();
    web = await startConsole({ port: 0, app, engine, devices: () => io.status(), config: USERS, periodMs: 150 });
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1180, height: 760 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    vars?.close();
    await web?.close();
    await io?.stop();
    await engine?.stop();
    await new Promise<void>((done) => (device ? device.close(() => done()) : done()));
    rmSync(profile, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`) });

  it('logs in and shows the overview with live cycles and the I/O device ok', async () => {
    await page.goto(`${web.url}/overview`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#username', 'op');
    await page.fill('#password', 'wrong');
    await page.click('button[type=submit]');
    await page.waitForSelector('#login-error:text("wrong user name or password")');
    await page.fill('#password', 'secret');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/overview$/);
    await page.waitForSelector('#devices tr[data-device="rio1"][data-ok="1"]', { timeout: 20_000 });
    const cycles = async () => Number(await page.textContent('#tasks tr[data-task="Fast"] .cycles'));
    const first = await cycles();
    await until(async () => (await cycles()) > first, 'the cycles count moving on the page');
    await shot('overview');
  }, 60_000);

  it('shows an I/O device that drops', async () => {
    await new Promise<void>((done) => device!.close(() => done()));
    device = undefined;
    await page.waitForSelector('#devices tr[data-device="rio1"][data-ok="0"]', { timeout: 20_000 });
    expect(await page.textContent('#devices tr[data-device="rio1"]')).toContain('not answering');
    await until(async () => Number(await page.textContent('#devices tr[data-device="rio1"] .errors')) > 0, 'errors counted');
    await shot('overview-device-drop');
  }, 60_000);

  it('draws the lateness trend and the histograms', async () => {
    await page.goto(`${web.url}/determinism`);
    await page.waitForSelector('.card[data-task="Fast"] .trend canvas');
    await until(async () => Number(await page.getAttribute('.card[data-task="Fast"]', 'data-points')) >= 5, 'trend points');
    // the chart has drawn: its canvas is not blank
    // (runs in the page; typed loosely, the tests compile without the DOM library)
    const inked = await page.$eval('.card[data-task="Fast"] .trend canvas', (c) => {
      const canvas = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(500);
    expect(await page.textContent('.card[data-task="Fast"] .summary')).toMatch(/lateness p50 [\d.]+ \/ p99 [\d.]+ \/ p99\.9 [\d.]+/);
    await shot('determinism');
  }, 60_000);

  it('shows live values, writes at the next scan, forces and unforces', async () => {
    await page.goto(`${web.url}/variables`);
    const value = (path: string) => page.textContent(`.var-row[data-path="${path}"] .value`);
    await page.waitForSelector('.var-row[data-path="Main.n"]');
    await until(async () => /^\d+$/.test((await value('Main.n')) ?? ''), 'a first value');
    const n0 = Number(await value('Main.n'));
    await until(async () => Number(await value('Main.n')) > n0, 'Main.n moving');

    // write: lands in the program at the next scan, and the page shows it
    await page.fill('.var-row[data-path="Main.limit"] input', '12');
    await page.click('.var-row[data-path="Main.limit"] button.write');
    await until(() => vars.readVars()['Main.limit'] === 12, 'the write in the scan');
    await until(async () => (await value('Main.limit')) === '12', 'the write on the page');

    // a refused write says why and changes nothing
    await page.fill('.var-row[data-path="Main.limit"] input', '70000');
    await page.click('.var-row[data-path="Main.limit"] button.write');
    await page.waitForSelector('#notice.error:text("Main.limit: 70000 is out of the range of INT")');
    expect(vars.readVars()['Main.limit']).toBe(12);

    // force against the program, which writes 7 every scan
    await page.fill('.var-row[data-path="Main.speed"] input', '-9');
    await page.click('.var-row[data-path="Main.speed"] button.force');
    await page.waitForSelector('.var-row.is-forced[data-path="Main.speed"] .badge');
    await until(async () => (await value('Main.speed')) === '-9', 'the forced value shown');
    expect(await page.textContent('#forced-list')).toContain('Main.speed');
    await shot('variables-forced');
    // the search leaves the matching variables only
    await page.fill('#search', 'spe');
    await page.waitForSelector('.var-row[data-path="Main.n"]', { state: 'hidden' });
    expect(await page.isVisible('.var-row[data-path="Main.speed"]')).toBe(true);
    await page.fill('#search', '');
    await page.click('.var-row[data-path="Main.speed"] button.unforce');
    await until(async () => (await value('Main.speed')) === '7', 'the program writing again');
    expect(await page.$('.var-row.is-forced[data-path="Main.speed"]')).toBeNull();
    expect(engine.forced()).toEqual({});
  }, 60_000);

  it('shows the process image with a forced input marked', async () => {
    // the device is gone: %IX0.0 holds its last value (TRUE); force it FALSE, then TRUE again
    await page.goto(`${web.url}/image`);
    await page.waitForSelector('table.image tr[data-address="%IX0.0"]');
    await page.fill('#address', '%ix0.0');
    await page.fill('#address-value', 'FALSE');
    await page.click('#address-tools button.force');
    await page.waitForSelector('table.image tr[data-address="%IX0.0"].forced');
    await until(async () => (await page.textContent('table.image tr[data-address="%QX0.0"] .value')) === 'FALSE', 'the output following the forced input');
    expect(engine.forced()).toEqual({ Cell: { '%IX0.0': false } });
    await page.fill('#address-value', 'TRUE');
    await page.click('#address-tools button.force');
    await page.waitForSelector('table.image tr[data-address="%QX0.0"]');
    await until(async () => (await page.textContent('table.image tr[data-address="%QX0.0"] .value')) === 'TRUE', 'the output following the forced input');
    await shot('process-image');
    await page.click('#address-tools button.unforce');
    await until(() => Object.keys(engine.forced()).length === 0, 'the force released');
  }, 60_000);

  it('draws an IEC 61499 network with live pin values and event counts per pin that increase', async () => {
    const sample = join(root, 'samples/sorting-conveyor');
    const compiled = compileFiles([join(sample, 'sorting.sys')]);
    const app = compiled.application!;
    const e61499 = await Engine.start(app, { clock: 'real' });
    const cfg = loadConfigFile(join(sample, 'plc.yaml')).config!;
    const plant = IoManager.fromConfig(cfg, { exchange: e61499.exchange(e61499.resources[0]!), app, log: () => {} });
    await plant.start();
    const web2 = await startConsole({ port: 0, app, engine: e61499, devices: () => plant.status(), config: USERS, periodMs: 150 });
    try {
      const p = await context.newPage();
      await p.goto(`${web2.url}/login?next=/iec61499`);
      await p.fill('#username', 'op');
      await p.fill('#password', 'secret');
      await p.click('button[type=submit]');
      await p.waitForURL(/\/iec61499$/);
      await p.waitForSelector('svg.network g.fb');
      expect(await p.$$eval('svg.network g.fb', (g) => g.length)).toBeGreaterThan(2);
      expect(await p.$$eval('svg.network path', (g) => g.length)).toBeGreaterThan(2);
      await until(async () => Number(await p.getAttribute('p[data-delivered]', 'data-delivered')) > 0, 'events delivered');
      await until(async () => (await p.$$eval('svg .pin-value', (t) => t.filter((x) => x.textContent !== '').length)) > 3, 'live pin values');
      const d0 = Number(await p.getAttribute('p[data-delivered]', 'data-delivered'));
      await until(async () => Number(await p.getAttribute('p[data-delivered]', 'data-delivered')) > d0, 'the event count moving');
      // every event pin of the drawn network has its count; E_CYCLE's EO and what it feeds count up
      const pinCount = async (pin: string) => Number(await p.getAttribute(`svg text[data-event-pin="${pin}"]`, 'data-count'));
      expect(await p.$$eval('svg text.pin-count', (t) => t.length)).toBeGreaterThan(10);
      await until(async () => (await pinCount('CLOCK.EO')) > 0, 'CLOCK.EO counted');
      const eo0 = await pinCount('CLOCK.EO');
      await until(async () => (await pinCount('CLOCK.EO')) > eo0, 'CLOCK.EO counting up');
      expect(await p.textContent('svg text[data-event-pin="CLOCK.EO"]')).toMatch(/^[\d,.]+M?/);
      await until(async () => (await pinCount('EYE.REQ')) > 0 && (await pinCount('BELT.REQ')) > 0, 'the chain counted');
      expect(await pinCount('START.WARM')).toBe(0);
      expect(await p.textContent('svg text[data-event-pin="CLOCK.EO"] title')).toMatch(/^CLOCK\.EO: [\d,]+ events, the last at \d+\.\d{3} s \(resource time\)$/);
      expect(await p.textContent('p[data-delivered]')).toContain('events per pin counted since');
      await p.screenshot({ path: join(shots, 'iec61499.png') });
      await p.close();
    } finally {
      await web2.close();
      await plant.stop();
      await e61499.stop();
    }
  }, 90_000);
});
