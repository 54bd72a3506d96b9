/**
 * vPLC's standard function blocks written in ST (blocks/iec61131/*.st): their sources, read
 * once per process, compiled into every project, and their outputs' types for front ends
 * (PLCopen FBD) that need them before compilation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFile } from './source.js';
import { IdAllocator, key } from './st/ast.js';
import { parseSt } from './st/parse.js';
import { packageRoot } from './package-root.js';

let texts: { path: string; text: string }[] | undefined;
let outputs: Map<string, Map<string, string>> | undefined;

export function librarySources(): SourceFile[] {
  if (!texts) {
    const dir = join(packageRoot(), 'blocks', 'iec61131');
    texts = readdirSync(dir)
      .filter((f) => f.endsWith('.st'))
      .sort()
      .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
  }
  return texts.map((l) => new SourceFile(l.path, l.text));
}

/** Type name of output `member` of library FB `fbType` (both case-insensitive), when it has one. */
export function libraryOutputType(fbType: string, member: string): string | undefined {
  if (!outputs) {
    outputs = new Map();
    const ids = new IdAllocator();
    for (const s of librarySources()) {
      for (const pou of parseSt(s, ids).unit.pous) {
        if (pou.kind !== 'functionBlock') continue;
        const vars = new Map<string, string>();
        for (const section of pou.varSections) {
          if (section.section !== 'VAR_OUTPUT') continue;
          for (const d of section.decls) if (d.type.kind === 'named') vars.set(key(d.name), d.type.name.toUpperCase());
        }
        outputs.set(key(pou.name), vars);
      }
    }
  }
  return outputs.get(key(fbType))?.get(key(member));
}
