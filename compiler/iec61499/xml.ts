import { SourceFile, type SourceRange } from '../source.js';
import { parseXml as readXml, type XmlElement as XmlNode } from '../xml/reader.js';

/**
 * The 4diac readers' view of an XML element, from the shared reader (compiler/xml/reader.ts):
 * attributes as a record, child elements only, and the character data joined.
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

function view(node: XmlNode): XmlElement {
  const attrs: Record<string, string> = {};
  for (const [k, a] of node.attributes) attrs[k] = a.value;
  const el: XmlElement = { name: node.name, attrs, children: [], text: '', offset: node.offset };
  for (const c of node.children) {
    if (c.kind === 'element') el.children.push(view(c));
    else {
      el.text += c.cdata ? c.value : c.value.replace(/\r\n?/g, '\n');
      if (c.cdata && el.cdataOffset === undefined) el.cdataOffset = c.offset;
    }
  }
  return el;
}

/** Parse XML text; malformed XML yields the line and column of the problem. */
export function parseXml(path: string, text: string): XmlResult {
  const file = new SourceFile(path, text);
  const r = readXml(text);
  if (r.error) {
    const p = file.position(r.error.offset);
    return { ok: false, line: p.line, col: p.col, message: r.error.message, file };
  }
  return { ok: true, root: view(r.root), file };
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
