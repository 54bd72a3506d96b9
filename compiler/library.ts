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
let inputs: Map<string, string[]> | undefined;

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
    // filled into fresh maps and kept only once every file is read: a parse that stops half-way
    // (the ST fallback parser not loaded yet, the compile retried) leaves no half-filled cache
    const outs = new Map<string, Map<string, string>>();
    const ins = new Map<string, string[]>();
    const ids = new IdAllocator();
    for (const s of librarySources()) {
      for (const pou of parseSt(s, ids).unit.pous) {
        if (pou.kind !== 'functionBlock') continue;
        const vars = new Map<string, string>();
        ins.set(key(pou.name), pou.varSections.filter((s) => s.section === 'VAR_INPUT').flatMap((s) => s.decls.map((d) => d.name)));
        for (const section of pou.varSections) {
          if (section.section !== 'VAR_OUTPUT') continue;
          for (const d of section.decls) if (d.type.kind === 'named') vars.set(key(d.name), d.type.name.toUpperCase());
        }
        outs.set(key(pou.name), vars);
      }
    }
    outputs = outs;
    inputs = ins;
  }
  return outputs.get(key(fbType))?.get(key(member));
}

/** Names of the inputs of library FB `fbType` in declaration order (IL's positional CAL). */
export function libraryInputs(fbType: string): string[] | undefined {
  libraryOutputType(fbType, '');
  return inputs!.get(key(fbType));
}
