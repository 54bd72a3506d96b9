import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCacheDir, compileCacheKey, compileFilesCached, MAX_ENTRIES, readCacheEntry, writeCacheEntry } from '../../compiler/cache.js';
import { compileFiles } from '../../compiler/project.js';
import { loadModuleCached } from '../../runtime/load.js';
import { TaskSupport } from '../../runtime/support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vplc-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let folders = 0;
/** a fresh cache folder and a source file holding `text` */
function setup(text: string): { cache: string; file: string } {
  const n = ++folders;
  const file = join(dir, `p${n}.st`);
  writeFileSync(file, text);
  return { cache: join(dir, `cache${n}`), file };
}

const program = (init: number) => `PROGRAM Main\nVAR x : INT := ${init}; t : TON; END_VAR\nx := x + 1;\nt(IN := TRUE, PT := T#1s);\nEND_PROGRAM\n`;
/** every file in the cache folder */
const files = (cache: string) => {
  try {
    return readdirSync(cache);
  } catch {
    return [];
  }
};
/** the compile results stored (each may have its code cache beside it) */
const entries = (cache: string) => files(cache).filter((n) => n.endsWith('.json'));

describe('compile cache', () => {
  it('compiles and stores on a miss, and returns the same application from the entry on a hit', async () => {
    const { cache, file } = setup(program(7));
    const first = await compileFilesCached([file], {}, cache);
    expect(first.cache).toBe('miss');
    expect(entries(cache)).toHaveLength(1);
    const second = await compileFilesCached([file], {}, cache);
    expect(second.cache).toBe('hit');
    expect(second.application).toEqual(first.application);
    expect(second.application!.code).toContain('this.x = 7');
    // what the compiler gives without a cache
    expect(second.application).toEqual(compileFiles([file]).application);
  });

  it('misses when a source, its path or an option that changes the output changes', async () => {
    const { cache, file } = setup(program(1));
    expect((await compileFilesCached([file], {}, cache)).cache).toBe('miss');
    writeFileSync(file, program(2));
    const changed = await compileFilesCached([file], {}, cache);
    expect(changed.cache).toBe('miss');
    expect(changed.application!.code).toContain('this.x = 2');
    const interval = await compileFilesCached([file], { defaultIntervalNs: 5_000_000 }, cache);
    expect(interval.cache).toBe('miss');
    expect(interval.application!.resources[0]!.tasks[0]!.intervalNs).toBe(5_000_000);
    expect((await compileFilesCached([file], {}, cache)).cache).toBe('hit');
    expect(entries(cache)).toHaveLength(3);
    const text = program(2);
    expect(compileCacheKey([{ path: 'a.st', text }], {})).not.toBe(compileCacheKey([{ path: 'b.st', text }], {}));
  });

  it('ignores a damaged entry, compiles again and rewrites it', async () => {
    const { cache, file } = setup(program(3));
    await compileFilesCached([file], {}, cache);
    const [name] = entries(cache);
    const path = join(cache, name!);
    const good = readFileSync(path, 'utf8');
    // one changed character in the payload: the checksum no longer matches
    writeFileSync(path, good.replace('this.x = 3', 'this.x = 4'));
    const key = name!.replace(/\.json$/, '');
    expect(readCacheEntry(cache, key)).toBeUndefined();
    const again = await compileFilesCached([file], {}, cache);
    expect(again.cache).toBe('miss');
    expect(again.application!.code).toContain('this.x = 3');
    expect(readFileSync(path, 'utf8')).toBe(good);
    // cut short, as a full disk would leave it
    writeFileSync(path, good.slice(0, 100));
    expect((await compileFilesCached([file], {}, cache)).cache).toBe('miss');
    expect((await compileFilesCached([file], {}, cache)).cache).toBe('hit');
  });

  it('keeps a code cache beside an entry, bound to it; a damaged one or one made for another entry is not read', async () => {
    const { cache, file } = setup(program(31));
    const miss = await compileFilesCached([file], {}, cache);
    expect(miss.codeCache).toBeDefined();
    expect(miss.codeCache!.data).toBeUndefined();
    // what the scan worker makes: V8's code cache of the generated code after a run of it
    const loaded = loadModuleCached(miss.application!, new TaskSupport());
    expect(loaded.cacheUsed).toBe(false);
    const bytes = loaded.createCache();
    expect(miss.codeCache!.store(bytes)).toBe(true);
    const hit = await compileFilesCached([file], {}, cache);
    expect(hit.cache).toBe('hit');
    expect(Buffer.from(hit.codeCache!.data!).equals(Buffer.from(bytes))).toBe(true);
    expect(loadModuleCached(hit.application!, new TaskSupport(), hit.codeCache!.data).cacheUsed).toBe(true);

    const codeFile = join(cache, entries(cache)[0]!.replace(/\.json$/, '.code'));
    const good = readFileSync(codeFile);
    const nl = good.indexOf(10);
    const header = good.subarray(0, nl).toString('latin1').split(' ');
    // the same bytes, bound to another entry (its checksum in the header)
    header[header.length - 2] = '0'.repeat(64);
    writeFileSync(codeFile, Buffer.concat([Buffer.from(`${header.join(' ')}\n`), good.subarray(nl + 1)]));
    expect((await compileFilesCached([file], {}, cache)).codeCache!.data).toBeUndefined();
    // cut short
    writeFileSync(codeFile, good.subarray(0, good.length - 100));
    expect((await compileFilesCached([file], {}, cache)).codeCache!.data).toBeUndefined();
    writeFileSync(codeFile, good.subarray(0, 50));
    const again = await compileFilesCached([file], {}, cache);
    expect(again.codeCache!.data).toBeUndefined();
    // the next store replaces it
    expect(again.codeCache!.store(bytes)).toBe(true);
    expect(readFileSync(codeFile).equals(good)).toBe(true);
  });

  it('removes the code cache with its entry when old entries are pruned', async () => {
    const { cache, file } = setup(program(41));
    const first = await compileFilesCached([file], {}, cache);
    first.codeCache!.store(loadModuleCached(first.application!, new TaskSupport()).createCache());
    const [oldest] = entries(cache);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(cache, oldest!), old, old);
    expect(files(cache)).toHaveLength(2);
    for (let i = 0; i < MAX_ENTRIES; i++) writeCacheEntry(cache, `k${i}`, first);
    expect(entries(cache)).toHaveLength(MAX_ENTRIES);
    expect(files(cache)).not.toContain(oldest);
    expect(files(cache)).not.toContain(oldest!.replace(/\.json$/, '.code'));
  });

  it('stores nothing for a compile with errors, and nothing when turned off', async () => {
    const bad = setup('PROGRAM Main\nVAR x : INT; END_VAR\nx := TRUE;\nEND_PROGRAM\n');
    const r = await compileFilesCached([bad.file], {}, bad.cache);
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.range.line === 3)).toBe(true);
    expect(entries(bad.cache)).toHaveLength(0);
    const off = setup(program(5));
    expect((await compileFilesCached([off.file], {}, undefined)).cache).toBe('off');
    expect(compileCacheDir({ VPLC_CACHE: '0', VPLC_CACHE_DIR: off.cache })).toBeUndefined();
    expect(compileCacheDir({ VPLC_CACHE_DIR: off.cache })).toBe(off.cache);
    expect(compileCacheDir({ XDG_CACHE_HOME: '/somewhere' })).toBe('/somewhere/vplc');
    expect(entries(off.cache)).toHaveLength(0);
  });

  it('stays whole when several processes compile the same project into it at once', async () => {
    const { cache, file } = setup(program(9));
    const script = join(dir, 'writer.mts');
    writeFileSync(
      script,
      `import { compileFilesCached } from ${JSON.stringify(join(root, 'compiler/cache.ts'))};\n` +
        `const r = await compileFilesCached([${JSON.stringify(file)}], {}, ${JSON.stringify(cache)});\n` +
        `process.stdout.write(JSON.stringify({ cache: r.cache, code: r.application?.code.length }));\n`,
    );
    const run = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script], { cwd: root });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });
    const outcomes = await Promise.all([run(), run(), run(), run()]);
    for (const o of outcomes) expect(o.code).toBe(0);
    const parsed = outcomes.map((o) => JSON.parse(o.out) as { cache: string; code: number });
    expect(new Set(parsed.map((p) => p.code)).size).toBe(1);
    // one entry, no temporary file left behind, and it reads back whole
    const names = files(cache);
    expect(names).toHaveLength(1);
    const hit = await compileFilesCached([file], {}, cache);
    expect(hit.cache).toBe('hit');
    expect(hit.application!.code.length).toBe(parsed[0]!.code);
  }, 120_000);
});

describe('vplc run and the compile cache', () => {
  const vplc = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'runtime/cli/main.ts'), ...args], {
        cwd: dir,
        env: { ...process.env, ...env },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });

  it('fills the cache folder, reads it on the next start, and leaves it alone with --no-cache or VPLC_CACHE=0', async () => {
    const { cache, file } = setup(program(11));
    const args = ['run', file, '--virtual-time', '--cycles', '3', '--json'];
    const off = await vplc([...args, '--no-cache'], { VPLC_CACHE_DIR: cache });
    expect(off.code).toBe(0);
    expect(files(cache)).toHaveLength(0);
    const env0 = await vplc(args, { VPLC_CACHE_DIR: cache, VPLC_CACHE: '0' });
    expect(env0.code).toBe(0);
    expect(files(cache)).toHaveLength(0);
    const first = await vplc(args, { VPLC_CACHE_DIR: cache });
    expect(entries(cache)).toHaveLength(1);
    // the entry and V8's code cache of its generated code, made by the scan worker
    expect(files(cache).sort()).toEqual([entries(cache)[0]!, entries(cache)[0]!.replace(/\.json$/, '.code')].sort());
    const second = await vplc(args, { VPLC_CACHE_DIR: cache });
    for (const o of [first, second]) {
      expect(o.code).toBe(0);
      expect((JSON.parse(o.out) as { vars: { Main: { x: number } } }).vars.Main.x).toBe(14);
    }
    expect(JSON.parse(off.out).vars).toEqual(JSON.parse(second.out).vars);
  }, 120_000);

  it('loads the generated code through the code cache, and replaces one V8 rejects or one that is damaged', async () => {
    const { cache, file } = setup(program(21));
    const args = ['run', file, '--virtual-time', '--cycles', '2', '--json'];
    const env = { VPLC_CACHE_DIR: cache, VPLC_START_TRACE: '1' };
    const x = (o: { out: string }) => (JSON.parse(o.out) as { vars: { Main: { x: number } } }).vars.Main.x;
    const first = await vplc(args, env);
    expect(first.code).toBe(0);
    expect(first.err).toContain('code cache absent');
    const [entry] = entries(cache);
    const codeFile = join(cache, entry!.replace(/\.json$/, '.code'));
    const made = readFileSync(codeFile);
    const hit = await vplc(args, env);
    expect(hit.err).toContain('code cache used');
    expect(hit.err).toMatch(/first scan of Default ended at [\d.]+ ms/);
    for (const o of [first, hit]) expect(x(o)).toBe(23);

    // bytes V8 cannot use under a header that checks: V8 rejects them, the run is the same, a good one replaces them
    const nl = made.indexOf(10);
    // header: format, the entry's checksum, the checksum of the bytes
    const header = made.subarray(0, nl).toString('latin1').split(' ');
    const [format, bound] = [header.slice(0, -2).join(' '), header.at(-2)!];
    const junk = Buffer.alloc(made.length - nl - 1, 0x5a);
    writeFileSync(codeFile, Buffer.concat([Buffer.from(`${format} ${bound} ${createHash('sha256').update(junk).digest('hex')}\n`), junk]));
    const rejected = await vplc(args, env);
    expect(rejected.code).toBe(0);
    expect(rejected.err).toContain('code cache rejected');
    expect(x(rejected)).toBe(23);
    expect(readFileSync(codeFile).subarray(nl + 1).equals(junk)).toBe(false);
    expect((await vplc(args, env)).err).toContain('code cache used');

    // one byte changed: its checksum no longer matches, it is not given to V8 at all, and is rewritten
    const good = readFileSync(codeFile);
    const damaged = Buffer.from(good);
    damaged[damaged.length - 10] ^= 0xff;
    writeFileSync(codeFile, damaged);
    const afterDamage = await vplc(args, env);
    expect(afterDamage.err).toContain('code cache absent');
    expect(x(afterDamage)).toBe(23);
    expect((await vplc(args, env)).err).toContain('code cache used');
  }, 120_000);
});
