/**
 * The compile cache: a compiled Application stored under a key made of the sources' content,
 * the compile options and vPLC's version, so that starting an unchanged project skips parsing,
 * checking and code generation (and even loading the parser).
 *
 * Where: VPLC_CACHE_DIR, else $XDG_CACHE_HOME/vplc, else ~/.cache/vplc. VPLC_CACHE=0 (or
 * `--no-cache` on the command line) turns it off. An entry is one file, written under a
 * temporary name and renamed into place, so that concurrent starts never read half an entry;
 * it begins with the SHA-256 of its payload, so that a damaged entry is ignored (and then
 * rewritten by the compile that follows). Only compiles without errors are stored. Beside an
 * entry, V8's code cache of its generated code (CodeCache).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompileOptions, CompileResult } from './project.js';
import { packageRoot } from './package-root.js';

/** Bumped when the entry format changes. */
const FORMAT = 'vplc-compile-cache 1';

/** What a cached compile depends on besides the sources: the options that change its output. */
export type CacheableOptions = Pick<CompileOptions, 'defaultIntervalNs' | 'narrowingAsWarning' | 'placeholders'>;

export interface SourceText {
  path: string;
  text: string;
}

/** The cache folder, or undefined when the cache is turned off. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const off = (env.VPLC_CACHE ?? '').toLowerCase();
  if (off === '0' || off === 'off' || off === 'false' || off === 'no') return undefined;
  if (env.VPLC_CACHE_DIR) return env.VPLC_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'vplc');
}

let fingerprint: string | undefined;

/** The compiler's own files, run from dist/ (.js) or from the sources (.ts), declarations excepted. */
const COMPILER_FILES = /(?<!\.d)\.[jt]s$/;
/** What the compiler reads from blocks/: the standard library written in ST. */
const LIBRARY_FILES = /\.(st|il|xml)$/i;

/**
 * vPLC's version as the cache sees it: package.json's version plus the name, size and time of
 * every file of the compiler and the block library, so that a rebuilt or edited compiler never
 * reads entries another build wrote.
 */
export function compilerFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = packageRoot();
  const h = createHash('sha256');
  h.update(readFileSync(join(root, 'package.json')));
  const here = dirname(fileURLToPath(import.meta.url));
  // only what a compile reads: the compiler's code (not its source maps and declarations) and
  // the library's ST; every stat is paid at each start, cache hits included
  for (const [dir, kinds] of [[here, COMPILER_FILES], [join(root, 'blocks'), LIBRARY_FILES]] as const) {
    for (const name of filesUnder(dir, kinds).sort()) {
      const st = statSync(join(dir, name));
      h.update(`${name}\0${st.size}\0${st.mtimeMs}\n`);
    }
  }
  fingerprint = h.digest('hex');
  return fingerprint;
}

/**
 * The files under `dir` whose names match `kinds`, as paths relative to it. A walk of its own:
 * Node 20's readdirSync(recursive) takes several times as long, and this runs at every start.
 */
function filesUnder(dir: string, kinds: RegExp, prefix = '', out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const name = prefix + e.name;
    if (e.isDirectory()) filesUnder(join(dir, e.name), kinds, `${name}/`, out);
    else if (e.isFile() && kinds.test(name)) out.push(name);
  }
  return out;
}

/** The key of a compile: sources (paths and text, in order), options and the compiler. */
export function compileCacheKey(sources: SourceText[], options: CacheableOptions): string {
  const h = createHash('sha256');
  h.update(`${FORMAT}\n${compilerFingerprint()}\n`);
  const placeholders = options.placeholders ? Object.entries(options.placeholders).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  // VPLC_NO_WASM, VPLC_WASM_ALL and VPLC_NO_SIMD change the generated code (codegen/wasm/loops.ts)
  const wasm = [process.env.VPLC_NO_WASM === '1', process.env.VPLC_WASM_ALL === '1', process.env.VPLC_NO_SIMD === '1'];
  h.update(JSON.stringify([options.defaultIntervalNs ?? null, options.narrowingAsWarning === true, placeholders, ...wasm]));
  for (const s of sources) {
    h.update(`\n${s.path.length}:${s.path}\n${Buffer.byteLength(s.text)}:`);
    h.update(s.text);
  }
  return h.digest('hex');
}

function entryPath(dir: string, key: string): string {
  return join(dir, `${key}.json`);
}

function codePath(dir: string, key: string): string {
  return join(dir, `${key}.code`);
}

/** The stored result of `key`, or undefined when there is none or it is damaged. */
export function readCacheEntry(dir: string, key: string): CompileResult | undefined {
  return readEntry(dir, key)?.result;
}

/** The entry and its checksum (what its code cache is bound to). */
function readEntry(dir: string, key: string): { result: CompileResult; sum: string } | undefined {
  let raw: string;
  try {
    raw = readFileSync(entryPath(dir, key), 'utf8');
  } catch {
    return undefined;
  }
  const nl = raw.indexOf('\n');
  if (nl < 0) return undefined;
  const [format, sum] = [raw.slice(0, nl - 65), raw.slice(nl - 64, nl)];
  const payload = raw.slice(nl + 1);
  if (format !== FORMAT || createHash('sha256').update(payload).digest('hex') !== sum) return undefined;
  try {
    const r = JSON.parse(payload) as CompileResult;
    return r.application && Array.isArray(r.diagnostics) ? { result: r, sum } : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `result` under `key`: written aside, then renamed into place. False when it could not be. */
export function writeCacheEntry(dir: string, key: string, result: CompileResult): boolean {
  return writeEntry(dir, key, result) !== undefined;
}

/** writeCacheEntry; the entry's checksum, or undefined when it could not be written. */
function writeEntry(dir: string, key: string, result: CompileResult): string | undefined {
  const payload = JSON.stringify({ application: result.application, diagnostics: result.diagnostics });
  const sum = createHash('sha256').update(payload).digest('hex');
  if (!writeAside(dir, key, entryPath(dir, key), `${FORMAT} ${sum}\n${payload}`)) return undefined;
  prune(dir);
  return sum;
}

/** `content` written under a temporary name in `dir`, then renamed to `path`: readers see all of it or none. */
function writeAside(dir: string, key: string, path: string, content: string | Uint8Array): boolean {
  const tmp = join(dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, path);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    return false;
  }
}

/** Bumped when the code cache's format changes. */
const CODE_FORMAT = 'vplc-code-cache 1';

/**
 * V8's code cache of an entry's generated code (vm.Script cachedData), stored beside the entry
 * as `<key>.code`, so that a start from the cache does not parse and compile the generated
 * JavaScript again. It is bound to the entry it was made from (the entry's checksum) and
 * carries the SHA-256 of its bytes; V8 checks the rest (its version, flags, the source) and
 * rejects what does not fit, which the engine then replaces.
 */
export interface CodeCache {
  /** the stored bytes, checked; undefined: none yet, or damaged */
  data?: Uint8Array;
  /** store `bytes` made from this entry's code (written aside, renamed into place); false when it could not be */
  store(bytes: Uint8Array): boolean;
}

/** The code cache of the entry `key` whose checksum is `entrySum`. */
function codeCache(dir: string, key: string, entrySum: string, read: boolean): CodeCache {
  const path = codePath(dir, key);
  return {
    ...(read ? { data: readCodeCache(path, entrySum) } : {}),
    store: (bytes) => writeAside(dir, key, path, Buffer.concat([Buffer.from(`${CODE_FORMAT} ${entrySum} ${sha256(bytes)}\n`), bytes])),
  };
}

function readCodeCache(path: string, entrySum: string): Uint8Array | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch {
    return undefined;
  }
  const nl = raw.indexOf(10);
  if (nl < 0 || nl > 200) return undefined;
  const [format, bound, sum] = [raw.toString('latin1', 0, nl - 130), raw.toString('latin1', nl - 129, nl - 65), raw.toString('latin1', nl - 64, nl)];
  const bytes = raw.subarray(nl + 1);
  if (format !== CODE_FORMAT || bound !== entrySum || sha256(bytes) !== sum) return undefined;
  return bytes;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Entries kept; older ones (by last write) are removed after a write. */
export const MAX_ENTRIES = 64;

function prune(dir: string): void {
  const entries = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (entries.length <= MAX_ENTRIES) return;
  const dated = entries.map((n) => {
    try {
      return { n, t: statSync(join(dir, n)).mtimeMs };
    } catch {
      return { n, t: Infinity }; // removed meanwhile by another start
    }
  });
  dated.sort((a, b) => a.t - b.t);
  for (const { n } of dated.slice(0, dated.length - MAX_ENTRIES)) {
    // the entry and its code cache
    for (const file of [n, n.replace(/\.json$/, '.code')]) {
      try {
        unlinkSync(join(dir, file));
      } catch {
        // another start removed it first, or there is no code cache
      }
    }
  }
}

export type CacheOutcome = 'hit' | 'miss' | 'off';

/** Files the cache can key by their own content: ST and PLCopen XML (IEC 61499 types are looked up in folders). */
function cacheable(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext !== '.sys' && ext !== '.fboot' && ext !== '.fbt';
}

/**
 * compileFiles through the cache: a hit returns the stored result without loading the
 * compiler; a miss compiles and stores a result without errors. `cacheDir`: compileCacheDir(),
 * or undefined for no cache.
 */
export async function compileFilesCached(
  paths: string[],
  options: CompileOptions & CacheableOptions = {},
  cacheDir: string | undefined,
): Promise<CompileResult & { cache: CacheOutcome; codeCache?: CodeCache }> {
  const sources = cacheDir && !options.context && paths.every(cacheable) ? readSources(paths) : undefined;
  if (!sources || !cacheDir) {
    const { compileFilesLoading } = await import('./front-ends.js');
    return { ...(await compileFilesLoading(paths, options)), cache: 'off' };
  }
  const key = compileCacheKey(sources, options);
  const hit = readEntry(cacheDir, key);
  if (hit) return { ...hit.result, cache: 'hit', codeCache: codeCache(cacheDir, key, hit.sum, true) };
  const { compileSourceTextsLoading } = await import('./front-ends.js');
  const r = await compileSourceTextsLoading(sources, options);
  const sum = r.application && !r.diagnostics.some((d) => d.severity === 'error') ? writeEntry(cacheDir, key, r) : undefined;
  // a code cache of an older entry of the same key is not read: it is bound to that entry
  return { ...r, cache: 'miss', ...(sum ? { codeCache: codeCache(cacheDir, key, sum, false) } : {}) };
}

/** Every file's text, or undefined when one cannot be read (the compiler then reports it). */
function readSources(paths: string[]): SourceText[] | undefined {
  const out: SourceText[] = [];
  for (const path of paths) {
    try {
      out.push({ path, text: readFileSync(path, 'utf8') });
    } catch {
      return undefined;
    }
  }
  return out;
}
