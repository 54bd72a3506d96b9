import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vplc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  out: string;
  err: string;
}

/** `vplc ARGS` as a child process (the CLI from source through tsx), in the temporary folder. */
function vplc(args: string[], shell?: string, env: Record<string, string> = {}): Promise<Outcome> {
  const main = join(root, 'runtime/cli/main.ts');
  const child = shell
    ? spawn('sh', ['-c', `"${process.execPath}" --import "${tsxPath()}" "${main}" ${args.join(' ')} ${shell}`], { cwd: dir })
    : spawn(process.execPath, ['--import', tsxPath(), main, ...args], { cwd: dir, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

/** tsx resolved from the project, since the children run in a temporary folder. */
function tsxPath(): string {
  return import.meta.resolve('tsx');
}

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

write('ok.st', 'PROGRAM Main\nVAR x : INT; END_VAR\nx := x + 1;\nEND_PROGRAM\n');
write('bad.st', 'PROGRAM Bad\nVAR y : INT; END_VAR\ny := ;\nEND_PROGRAM\n');
write('empty.sys', '');
write('bad.fboot', 'RES;<Request ID="1" Action="CREATE"><FB Name="C" Type="E_CYCLE"/></Request>\nRES;<Request ID="2" Action="WRITE"/\n');
write('preset.st', 'PROGRAM Main\nVAR start AT %IX0.2 : BOOL; x : INT; t : TON; first : BOOL := TRUE; seen : BOOL; x0 : INT; END_VAR\nIF first THEN seen := start; x0 := x; first := FALSE; END_IF;\nx := x + 1;\nEND_PROGRAM\n');
write('lamp.test.st', 'PROGRAM TEST_Lamp\nASSERT_TRUE(TRUE);\nEND_PROGRAM\n');

const noStack = (o: Outcome) => expect(o.err).not.toMatch(/\n\s+at |node:internal|Error:/);

describe('vplc command line', () => {
  it.each(['check', 'run', 'serve', 'test', 'device', 'explain'])('%s answers --help with its usage and a wrong flag with exit 64', async (command) => {
    const help = await vplc([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain(`usage: vplc ${command}`);
    const wrong = await vplc([command, '--no-such-flag', 'ok.st']);
    expect(wrong.code).toBe(64);
    expect(wrong.err).toContain(`vplc ${command}: unknown option --no-such-flag`);
    noStack(wrong);
  }, 60_000);

  it('prints the version of package.json for --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const o = await vplc([flag]);
      expect(o.code).toBe(0);
      expect(o.out).toBe(`vplc ${version}\n`);
    }
  });

  it('accepts --duration=1s and refuses a duration without a unit', async () => {
    const ok = await vplc(['run', 'ok.st', '--virtual-time', '--duration=1s', '--json']);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.out) as { vars: { Main: { x: number } } }).vars.Main.x).toBe(100);
    const bare = await vplc(['run', 'ok.st', '--virtual-time', '--duration', '10']);
    expect(bare.code).toBe(64);
    expect(bare.err).toContain("--duration needs a duration such as 100ms");
    expect(bare.err).toContain('a number needs a unit');
    expect(bare.out).toBe('');
  });

  it('serve: usage errors exit 64', async () => {
    const o = await vplc(['serve', 'ok.st', '--metrics-port', 'x']);
    expect(o.code).toBe(64);
    expect(o.err).toContain("--metrics-port needs a TCP port (0-65535), got 'x'");
    expect((await vplc(['serve'])).code).toBe(64);
  });

  it('ends quietly when the reader of stdout goes away (vplc explain | head -1)', async () => {
    const o = await vplc(['explain'], '| head -1');
    expect(o.out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(o.err).not.toContain('EPIPE');
    noStack(o);
  });

  it('check: a missing file is reported together with the errors of the other files', async () => {
    const o = await vplc(['check', 'ok.st', 'missing.st', 'bad.st']);
    expect(o.code).toBe(1);
    expect(o.err).toContain('missing.st:1:1: error E1008: cannot read missing.st: no such file');
    expect(o.err).toContain('bad.st:3:6: error E1004');
  });

  it('check: the same file given twice is one source', async () => {
    const o = await vplc(['check', 'ok.st', 'ok.st', './ok.st']);
    expect(o.err).toBe('');
    expect(o.code).toBe(0);
  });

  it('check: a *.test.st file is checked with the test library in scope', async () => {
    const o = await vplc(['check', 'lamp.test.st', 'ok.st']);
    expect(o.err).toBe('');
    expect(o.code).toBe(0);
  });

  it('test: a missing file is named, without a raw ENOENT', async () => {
    const o = await vplc(['test', 'nope.test.st']);
    expect(o.code).toBe(1);
    expect(o.err).toBe('vplc test: nope.test.st: no such file\n');
  });

  it('test: a filter that matches nothing says so and how many tests there are', async () => {
    const o = await vplc(['test', 'lamp.test.st', '--filter', 'NoSuch']);
    expect(o.code).toBe(1);
    expect(o.out).toContain("no test matched --filter 'NoSuch' (1 test in the files given)");
  });

  it('check: an empty .sys is located at 1:1 with a plain message', async () => {
    const o = await vplc(['check', 'empty.sys']);
    expect(o.code).toBe(1);
    expect(o.err).toBe('empty.sys:1:1: error E4001: the document has no root element\n');
  });

  it('check: a malformed .fboot line is located without the XML parser internals', async () => {
    const o = await vplc(['check', 'bad.fboot']);
    expect(o.code).toBe(1);
    expect(o.err).toBe("bad.fboot:2:5: error E4008: malformed request: a tag is not ended by '>' or '/>'\n");
  });

  it('run --set puts inputs and variables in place before the first scan', async () => {
    const o = await vplc(['run', 'preset.st', '--virtual-time', '--cycles', '3', '--json', '--set', '%IX0.2=TRUE', '--set', 'Main.x=5', '--set=Main.t.PT=T#2s']);
    expect(o.err).toBe('');
    const vars = (JSON.parse(o.out) as { vars: { Main: Record<string, unknown> } }).vars.Main;
    expect(vars).toMatchObject({ seen: true, x0: 5, x: 8, t: expect.objectContaining({ PT: 'T#2s' }) });
  });

  it('run --set refuses an unknown variable or a value of the wrong type, exit 64', async () => {
    const unknown = await vplc(['run', 'preset.st', '--virtual-time', '--cycles', '1', '--set', 'Main.nope=1']);
    expect(unknown.code).toBe(64);
    expect(unknown.err).toContain("vplc run: --set Main.nope=1: no variable 'nope' (known: start, x, t, first, seen, x0)");
    const wrong = await vplc(['run', 'preset.st', '--virtual-time', '--cycles', '1', '--set', '%IX0.2=maybe']);
    expect(wrong.code).toBe(64);
    expect(wrong.err).toContain("--set %IX0.2=maybe: a bit takes TRUE or FALSE, got 'maybe'");
  });

  it('check: a long compile prints where it is on stderr (threshold lowered to 0 ms here)', async () => {
    const o = await vplc(['check', 'ok.st'], undefined, { VPLC_PROGRESS_AFTER_MS: '0' });
    expect(o.code).toBe(0);
    expect(o.err).toMatch(/^vplc: compiling: parsing file 1 of 1, \d+\.\d s\n/);
  });

  it('run --json shows the global behind a VAR_EXTERNAL (samples/bottling)', async () => {
    const o = await vplc(['run', join(root, 'samples/bottling/bottling.st'), '--virtual-time', '--duration', '100ms', '--json']);
    expect(o.code).toBe(0);
    const vars = (JSON.parse(o.out) as { vars: Record<string, Record<string, unknown>> }).vars;
    expect(vars.gSetpointMl).toBe(500);
    expect(vars.Fill).toMatchObject({ gSetpointMl: 500, gRun: true });
    expect(vars.Supervise).toMatchObject({ gSetpointMl: 500, gRun: true });
  });

  it('run: after a watchdog fault the variables are the last state seen, not {}', async () => {
    write('hang.st', 'PROGRAM Hang\nVAR n : INT; k : INT; END_VAR\nn := n + 1;\nIF n > 100 THEN WHILE TRUE DO k := k + 1; END_WHILE; END_IF;\nEND_PROGRAM\n');
    const o = await vplc(['run', 'hang.st', '--duration', '5s', '--json']);
    expect(o.code).toBe(2);
    const r = JSON.parse(o.out) as { vars: { Hang?: { n: number } }; faults: { kind: string }[] };
    expect(r.faults[0]!.kind).toBe('WATCHDOG');
    expect(r.vars.Hang!.n).toBeGreaterThan(0);
    expect(r.vars.Hang!.n).toBeLessThanOrEqual(101);
  }, 60_000);

  it('run --json shows TIME values of IEC 61499 applications as IEC literals', async () => {
    const o = await vplc(['run', join(root, 'samples/sorting-conveyor/sorting.sys'), '--virtual-time', '--duration', '100ms', '--json']);
    expect(o.code).toBe(0);
    const vars = (JSON.parse(o.out) as { vars: Record<string, unknown> }).vars;
    expect(vars['PLC.Line.CLOCK.DT']).toBe('T#10ms');
  });
});
