import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SourceFile, type SourceRange } from '../source.js';

/**
 * A generic XML element with its position in the raw text. fast-xml-parser reports no
 * positions, so start tags are located by a scan of the raw text and matched to the parsed
 * elements in document order.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** concatenated character data directly inside the element (text and CDATA) */
  text: string;
  /** offset of '<' of the start tag */
  offset: number;
  /** offset of the first character of the first CDATA section inside, if any */
  cdataOffset?: number;
}

export type XmlResult =
  | { ok: true; root: XmlElement; file: SourceFile }
  | { ok: false; line: number; col: number; message: string; file: SourceFile };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
});

interface TagScan { offsets: number[]; cdata: number[] }

/** Offsets of every start tag and every CDATA content start, in document order. */
function scanTags(text: string): TagScan {
  const offsets: number[] = [];
  const cdata: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4);
      i = e < 0 ? n : e + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      cdata.push(lt + 9);
      const e = text.indexOf(']]>', lt + 9);
      i = e < 0 ? n : e + 3;
    } else if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt + 2);
      i = e < 0 ? n : e + 2;
    } else if (text.startsWith('<!', lt)) {
      // DOCTYPE, possibly with an internal subset in brackets
      let depth = 0;
      let j = lt + 2;
      for (; j < n; j++) {
        const c = text[j];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      i = j + 1;
    } else if (text[lt + 1] === '/') {
      i = lt + 2;
    } else {
      offsets.push(lt);
      // skip attribute values so that a '<' inside quotes is not taken for a tag
      let j = lt + 1;
      let quote = '';
      for (; j < n; j++) {
        const c = text[j];
        if (quote) { if (c === quote) quote = ''; }
        else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
      }
      i = j + 1;
    }
  }
  return { offsets, cdata };
}

/** Parse XML text; malformed XML yields the validator's line and column. */
export function parseXml(path: string, text: string): XmlResult {
  const file = new SourceFile(path, text);
  if (text.trim() === '') return { ok: false, line: 1, col: 1, message: 'no XML element: the text is empty', file };
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return { ok: false, line: valid.err.line ?? 1, col: valid.err.col ?? 1, message: validatorMessage(valid.err.msg), file };
  }
  let raw: unknown[];
  try {
    raw = parser.parse(text) as unknown[];
  } catch (e) {
    // the parser's own words name its internals (readTagExp…): say what is wrong in the text
    const at = /at position (\d+)/.exec(e instanceof Error ? e.message : String(e));
    const p = file.position(at ? Number(at[1]) : 0);
    return { ok: false, line: p.line, col: p.col, message: "a tag is not ended by '>' or '/>'", file };
  }
  const scan = scanTags(text);
  let tagIndex = 0;
  let cdataIndex = 0;
  const build = (node: Record<string, unknown>): XmlElement | undefined => {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '#cdata' || name.startsWith('?') || name.startsWith('!')) return undefined;
    const offset = scan.offsets[tagIndex++] ?? 0;
    const attrs: Record<string, string> = {};
    const a = node[':@'] as Record<string, unknown> | undefined;
    if (a) for (const [k, v] of Object.entries(a)) attrs[k] = String(v);
    const el: XmlElement = { name, attrs, children: [], text: '', offset };
    for (const child of (node[name] as Record<string, unknown>[]) ?? []) {
      if ('#text' in child) el.text += String(child['#text']);
      else if ('#cdata' in child) {
        const off = scan.cdata[cdataIndex++];
        if (el.cdataOffset === undefined && off !== undefined) el.cdataOffset = off;
        for (const t of child['#cdata'] as Record<string, unknown>[]) el.text += String(t['#text'] ?? '');
      } else {
        const c = build(child);
        if (c) el.children.push(c);
      }
    }
    return el;
  };
  const roots = raw.map((n) => build(n as Record<string, unknown>)).filter((e): e is XmlElement => !!e);
  if (roots.length === 0) return { ok: false, line: 1, col: 1, message: 'no root element', file };
  return { ok: true, root: roots[0]!, file };
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The range of an element's start tag name. */
export function elementRange(file: SourceFile, el: XmlElement): SourceRange {
  return file.range(el.offset + 1, el.offset + 1 + el.name.length);
}

/** fast-xml-parser's validator messages, with the ones that show its internals said plainly. */
function validatorMessage(message: string): string {
  const unclosed = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(message);
  if (unclosed) {
    try {
      const tags = JSON.parse(unclosed[1]!) as string[];
      return `unclosed tag${tags.length === 1 ? '' : 's'} ${tags.map((t) => `<${t}>`).join(', ')}`;
    } catch {
      return 'unclosed tags';
    }
  }
  if (message === 'Start tag expected.') return 'no XML element where one was expected';
  return message;
}
