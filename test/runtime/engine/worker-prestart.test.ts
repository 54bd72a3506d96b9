import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../compiler/application.js';
import { compileFiles, compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { prestartResourceWorker, resourceKindOf } from '../../../runtime/engine/worker-prestart.js';
import { countingResource, writeSystem } from './iec61499-fixtures.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function compiled(app: Application | undefined, diagnostics: { message: string }[]): Application {
  if (!app) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return app;
}

const ST = `PROGRAM Main
VAR n : INT; t : TON; END_VAR
n := n + 1;
t(IN := TRUE, PT := T#20ms);
END_PROGRAM
`;

const st = () => {
  const r = compileSources([new SourceFile('prestart.st', ST)]);
  return compiled(r.application, r.diagnostics);
};

describe('scan workers started ahead', () => {
  it('tells the kind of resource from the file names', () => {
    expect(resourceKindOf(['a.st', 'b.xml'])).toBe('61131');
    expect(resourceKindOf(['plant.SYS'])).toBe('61499');
    expect(resourceKindOf(['boot.fboot', 'x.st'])).toBe('61499');
    expect(resourceKindOf([])).toBe('61131');
  });

  it('a 61131 resource runs in the worker started ahead for it, and the next one in a new worker', async () => {
    prestartResourceWorker('61131');
    for (let i = 0; i < 2; i++) {
      const engine = await Engine.start(st(), { clock: 'virtual', cycles: 3 });
      const r = await engine.done;
      expect(r.faults).toEqual([]);
      expect(r.vars).toEqual({ Main: { n: 3, t: expect.objectContaining({ IN: true, Q: true, ET: 'T#20ms' }) } });
    }
  }, 60_000);

  it('a worker started for the other kind is left unused: both kinds run in workers of their own kind', async () => {
    prestartResourceWorker('61499');
    const engine = await Engine.start(st(), { clock: 'virtual', cycles: 2 });
    expect((await engine.done).vars).toEqual({ Main: expect.objectContaining({ n: 2 }) });
    // the IEC 61499 application takes the worker started for it
    const sys = compileFiles([writeSystem([countingResource('RES')])]);
    const engine61499 = await Engine.start(compiled(sys.application, sys.diagnostics), { clock: 'virtual', durationNs: 55_000_000 });
    const r = await engine61499.done;
    expect(r.faults).toEqual([]);
    expect(r.vars['PLC.RES.C.CV']).toBe(5); // E_CYCLE at 10, 20, … 50 ms
  }, 60_000);

  it('one never used does not keep the process alive', async () => {
    const script = `import { prestartResourceWorker } from ${JSON.stringify(`${root}runtime/engine/worker-prestart.ts`)};
prestartResourceWorker('61131');
process.stdout.write('started');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // without unref the worker, waiting for its resource, would hold the process until killed
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    expect(err).toBe('');
    expect(out).toBe('started');
    expect(code).toBe(0);
  }, 60_000);
});
