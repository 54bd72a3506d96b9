/**
 * CST → AST of a CONFIGURATION's VAR_CONFIG and VAR_ACCESS sections (compiler/st/parser.ts
 * reads each entry's parts into parallel lists of the section's node; they are paired here by
 * their place in the text).
 */
import type { CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import type { SourceRange } from '../source.js';

type Span = [start: number, end: number];

/** What the AST builder lends these functions. */
export interface SectionReader {
  nodes(n: CstNode | undefined, key: string): CstNode[];
  tokens(n: CstNode | undefined, key: string): IToken[];
  spanOf(n: CstNode | IToken | undefined): Span | undefined;
  make<N extends object>(fields: N, span: Span | undefined): N & { id: number; range: SourceRange };
  typeSpec(n: CstNode): A.TypeRef;
  initializer(n: CstNode): A.Initializer;
}

/** The entries of one VAR_CONFIG section: the parser's lists are parallel, one element per entry. */
export function readInstanceInits(n: CstNode, r: SectionReader): A.InstanceInit[] {
  const paths = r.nodes(n, 'instanceInit');
  const types = r.nodes(n, 'typeSpec');
  const colons = r.tokens(n, 'Colon');
  const ats = r.tokens(n, 'AT');
  const addresses = r.tokens(n, 'DirectVariable');
  const inits = r.nodes(n, 'initializer');
  const assigns = r.tokens(n, 'Assign');
  const semis = r.tokens(n, 'Semicolon');
  return paths.flatMap((p, i) => {
    const type = types[i];
    const pathSpan = r.spanOf(p);
    if (!type || !pathSpan) return [];
    const end = semis[i]?.startOffset ?? Infinity;
    const before = (t: IToken) => t.startOffset > pathSpan[0] && t.startOffset < (colons[i]?.startOffset ?? end);
    const entry = r.make({ path: r.tokens(p, 'Identifier').map((t) => t.image), type: r.typeSpec(type) } as Omit<A.InstanceInit, 'id' | 'range'>, [pathSpan[0], semis[i] ? semis[i].startOffset + 1 : pathSpan[1]]);
    if (ats.some(before)) {
      const a = addresses.find(before);
      if (a) entry.location = a.image.toUpperCase();
    }
    const assign = assigns.find((t) => t.startOffset > pathSpan[0] && t.startOffset < end);
    if (assign) {
      const init = inits.find((x) => (r.spanOf(x)?.[0] ?? -1) > assign.startOffset && (r.spanOf(x)?.[0] ?? Infinity) < end);
      if (init) entry.init = r.initializer(init);
    }
    return [entry];
  });
}

/** The entries of one VAR_ACCESS section. */
export function readAccessPaths(n: CstNode, r: SectionReader): A.AccessPath[] {
  const names = r.tokens(n, 'accessName');
  const paths = r.nodes(n, 'accessPath');
  const types = r.nodes(n, 'typeSpec');
  const directions = r.tokens(n, 'direction');
  const semis = r.tokens(n, 'Semicolon');
  return names.flatMap((name, i) => {
    const path = paths[i];
    const type = types[i];
    if (!path || !type) return [];
    const end = semis[i]?.startOffset ?? Infinity;
    const dir = directions.find((d) => d.startOffset > name.startOffset && d.startOffset < end);
    const word = dir?.image.toUpperCase();
    const entry = r.make(
      { name: name.image, path: r.tokens(path, 'Identifier').map((t) => t.image), type: r.typeSpec(type), direction: word === 'READ_WRITE' ? 'READ_WRITE' : 'READ_ONLY' } as Omit<A.AccessPath, 'id' | 'range'>,
      [name.startOffset, semis[i] ? semis[i].startOffset + 1 : name.startOffset + name.image.length],
    );
    if (dir && word !== 'READ_WRITE' && word !== 'READ_ONLY') entry.badDirection = dir.image;
    return [entry];
  });
}
