import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRetainFile, encodeRetainFile, type RetainGeneration } from './retain-file.js';

/**
 * The folder that keeps RETAIN values across power cuts (`vplc serve --state-dir DIR`).
 * Generations are numbered files, `retain.000000000042.vrs`. A save writes the next one under
 * a temporary name, flushes it to the disk (fsync), renames it into place and flushes the
 * folder, so that at any instant the folder holds complete generations only; then it removes
 * all but the two newest. Loading takes the newest generation that reads back intact (header,
 * length, checksum) and reports every newer one it had to pass over.
 */
export interface LoadedGeneration {
  generation?: RetainGeneration;
  file?: string;
  /** newer files that could not be used, and why */
  skipped: { file: string; reason: string }[];
}

const PATTERN = /^retain\.(\d{12})\.vrs$/;
const KEEP = 2;

/**
 * The generation files in `dir`, newest first, from their names only (nothing is removed: a
 * save under way by the process that owns the folder is left alone).
 */
export function generationFiles(dir: string): { n: string; g: number }[] {
  const gens = readdirSync(dir).flatMap((n) => {
    const m = PATTERN.exec(n);
    return m ? [{ n, g: Number(m[1]) }] : [];
  });
  return gens.sort((a, b) => b.g - a.g);
}

export class RetainStore {
  private next = 1;
  private saving: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The newest intact generation. Left-over temporary files of an interrupted save are removed. */
  load(): LoadedGeneration {
    const skipped: LoadedGeneration['skipped'] = [];
    for (const n of readdirSync(this.dir)) if (n.endsWith('.tmp')) rmSync(join(this.dir, n), { force: true });
    const gens = generationFiles(this.dir);
    if (gens.length) this.next = gens[0]!.g + 1;
    for (const { n } of gens) {
      const file = join(this.dir, n);
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch (e) {
        skipped.push({ file, reason: e instanceof Error ? e.message : String(e) });
        continue;
      }
      const r = decodeRetainFile(data);
      if ('error' in r) skipped.push({ file, reason: r.error });
      else return { generation: r, file, skipped };
    }
    return { skipped };
  }

  /**
   * Save a generation (its number is assigned here). Saves run one after the other; resolves
   * with the file once it is on the disk.
   */
  save(g: Omit<RetainGeneration, 'generation'>): Promise<string> {
    const run = this.saving.then(() => this.write(g));
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async write(g: Omit<RetainGeneration, 'generation'>): Promise<string> {
    const generation = this.next++;
    const name = `retain.${String(generation).padStart(12, '0')}.vrs`;
    const file = join(this.dir, name);
    const tmp = `${file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(encodeRetainFile({ generation, ...g }));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await syncDir(this.dir);
    // the two newest stay: if the newest is lost to a disk fault, the one before it is there
    const old = (await readdir(this.dir)).flatMap((n) => {
      const m = PATTERN.exec(n);
      return m && Number(m[1]) <= generation - KEEP ? [n] : [];
    });
    await Promise.all(old.map((n) => rm(join(this.dir, n), { force: true })));
    return file;
  }

  /** Resolves when every save asked for so far has ended. */
  async flush(): Promise<void> {
    await this.saving;
  }
}

/** Flush the folder's entries (the rename) to the disk. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
