/**
 * The XML reader of the PLCopen and 4diac importers: fast-xml-parser builds the element tree
 * and records where each element starts and ends (`captureMetaData`); this module adds the
 * offsets of attribute values and text runs from those bounds, so that diagnostics and
 * generated code can point back at the line the user (or their IDE) wrote.
 * Well-formedness is checked by fast-xml-parser's validator, its errors reworded and located
 * at the offending character; entities are the five XML ones and character references.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlAttribute {
  value: string;
  /** offset of the first character of the value (after the quote) */
  offset: number;
}

export interface XmlText {
  kind: 'text';
  /** decoded text (entities and CDATA resolved) */
  value: string;
  /** the raw text as written, for line-by-line mapping of code */
  raw: string;
  /** offset of the first raw character */
  offset: number;
  cdata: boolean;
}

export interface XmlElement {
  kind: 'element';
  /** qualified name as written, e.g. `xhtml:p` */
  name: string;
  /** name without prefix, e.g. `p` */
  local: string;
  attributes: Map<string, XmlAttribute>;
  children: (XmlElement | XmlText)[];
  /** offset of the `<` that opens the element */
  offset: number;
  /** offset just after the `>` that closes the element */
  end: number;
}

export interface XmlParseError {
  message: string;
  offset: number;
}

export type XmlParseResult = { root: XmlElement; error?: undefined } | { root?: undefined; error: XmlParseError };

class XmlSyntaxError {
  constructor(readonly message: string, readonly offset: number) {}
}

/** Decode the five predefined entities and character references. */
export function decodeEntities(text: string, offset = 0): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);?/g, (whole, ref: string, at: number) => {
    if (!whole.endsWith(';')) throw new XmlSyntaxError(`entity reference '${whole}' is not terminated by ';'`, offset + at);
    if (ref.startsWith('#')) {
      const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(code > 0 && code <= 0x10ffff)) throw new XmlSyntaxError(`invalid character reference '${whole}'`, offset + at);
      return String.fromCodePoint(code);
    }
    switch (ref) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: throw new XmlSyntaxError(`unknown entity '&${ref};'`, offset + at);
    }
  });
}

// The tree only: values are decoded from the raw text here, where their offsets are known.
const parser = new XMLParser({
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: true,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: false,
  processEntities: false,
  parseTagValue: false,
  trimValues: false,
});
const META = XMLParser.getMetaDataSymbol() as unknown as string;

type FxpNode = Record<string, unknown>;
interface FxpMeta { startIndex?: number; endIndex?: number }

/** Parse a whole document; never throws. */
export function parseXml(text: string): XmlParseResult {
  // a byte order mark is not content; a space keeps every offset in place
  const doc = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  try {
    return { root: new TreeBuilder(doc).document() };
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { error: { message: e.message, offset: e.offset } };
    if (e instanceof Error) return { error: { message: e.message, offset: 0 } };
    throw e;
  }
}

class TreeBuilder {
  constructor(private readonly text: string) {}

  document(): XmlElement {
    const first = this.text.search(/\S/);
    if (first < 0) throw new XmlSyntaxError('the document has no root element', this.text.length);
    if (this.text[first] !== '<') throw new XmlSyntaxError('text before the root element', first);
    const valid = XMLValidator.validate(this.text);
    let nodes: FxpNode[] = [];
    try {
      nodes = parser.parse(this.text) as FxpNode[];
    } catch {
      // the parser gives up on some malformed text that the validator explains better; its own
      // messages name its internals, so they are never shown
      if (valid === true) throw new XmlSyntaxError("a tag is not ended by '>' or '/>'", unendedTag(this.text));
    }
    if (valid !== true) throw this.validatorError(valid.err, nodes);
    const elements = nodes.filter((n) => elementName(n) !== undefined);
    if (elements.length === 0) throw new XmlSyntaxError('the document has no root element', first);
    if (elements.length > 1) throw new XmlSyntaxError('content after the root element', metaOf(elements[1]!).startIndex ?? 0);
    return this.element(elements[0]!);
  }

  private element(node: FxpNode): XmlElement {
    const name = elementName(node)!;
    const meta = metaOf(node);
    const offset = meta.startIndex ?? 0;
    const el: XmlElement = { kind: 'element', name, local: localName(name), attributes: new Map(), children: [], offset, end: meta.endIndex ?? this.text.length };
    const contentStart = this.startTag(el);
    if (contentStart < 0) return el; // <empty/>
    const contentEnd = this.text.lastIndexOf('</', el.end - 1);
    let cursor = contentStart;
    for (const child of (node[name] as FxpNode[] | undefined) ?? []) {
      if ('#text' in child) continue; // text runs are the gaps between the other nodes
      let start: number;
      let next: number;
      if ('#comment' in child) {
        start = this.text.indexOf('<!--', cursor);
        next = this.text.indexOf('-->', start + 4) + 3;
      } else if ('#cdata' in child) {
        start = this.text.indexOf('<![CDATA[', cursor);
        const close = this.text.indexOf(']]>', start + 9);
        next = close + 3;
        this.gap(el, cursor, start);
        const raw = this.text.slice(start + 9, close);
        el.children.push({ kind: 'text', value: raw, raw, offset: start + 9, cdata: true });
        cursor = next;
        continue;
      } else if (elementName(child) === undefined) {
        start = this.text.indexOf('<?', cursor); // a processing instruction
        next = this.text.indexOf('?>', start + 2) + 2;
      } else {
        const c = this.element(child);
        start = c.offset;
        next = c.end;
        this.gap(el, cursor, start);
        el.children.push(c);
        cursor = next;
        continue;
      }
      this.gap(el, cursor, start);
      cursor = next;
    }
    this.gap(el, cursor, contentEnd);
    return el;
  }

  /** Read the attributes of the start tag; the offset where its content starts, -1 if empty. */
  private startTag(el: XmlElement): number {
    const t = this.text;
    let i = el.offset + 1 + el.name.length;
    for (;;) {
      while (/\s/.test(t[i] ?? '')) i++;
      if (t[i] === '>') return i + 1;
      if (t[i] === '/' || i >= t.length) return -1;
      const nameAt = i;
      while (i < t.length && !/[\s=/>]/.test(t[i]!)) i++;
      const name = t.slice(nameAt, i);
      while (/\s/.test(t[i] ?? '')) i++;
      i++; // '=' (the validator checked it is there)
      while (/\s/.test(t[i] ?? '')) i++;
      const quote = t[i]!;
      const valueAt = i + 1;
      const close = t.indexOf(quote, valueAt);
      // a literal '<' in a value is tolerated, as fast-xml-parser's validator does (4diac files have them)
      el.attributes.set(name, { value: decodeEntities(t.slice(valueAt, close), valueAt), offset: valueAt });
      i = close + 1;
    }
  }

  /** The character data between two nodes, as a text run when there is any. */
  private gap(el: XmlElement, from: number, to: number): void {
    if (to <= from) return;
    const raw = this.text.slice(from, to);
    el.children.push({ kind: 'text', value: decodeEntities(raw, from), raw, offset: from, cdata: false });
  }

  /** The validator's error in the importers' words, at the character it is about. */
  private validatorError(err: { code: string; msg: string; line: number; col?: number }, nodes: FxpNode[]): XmlSyntaxError {
    const at = this.offsetOf(err.line, err.col ?? 1);
    const mismatch = /^Expected closing tag '([^']*)' .* instead of closing tag '([^']*)'/.exec(err.msg);
    if (mismatch) return new XmlSyntaxError(`end tag </${mismatch[2]}> does not match <${mismatch[1]}>`, at);
    const unclosed = /^(Invalid '\[.*\]' found|Unclosed tag '[^']*')/.exec(err.msg) ? innermostUnclosed(nodes) : undefined;
    if (unclosed) return new XmlSyntaxError(`element <${elementName(unclosed)}> is not closed`, metaOf(unclosed).startIndex ?? at);
    const names = /^Invalid '(\[[\s\S]*\])' found/.exec(err.msg);
    if (names) {
      // the parser could not build a tree: name the open elements from the validator's list
      const open = (JSON.parse(names[1]!) as string[]).map((t) => `<${t}>`);
      return new XmlSyntaxError(`unclosed tag${open.length === 1 ? '' : 's'} ${open.join(', ')}`, at);
    }
    const noValue = /^Attribute '([^']*)' is without value/.exec(err.msg);
    if (noValue) {
      // point at where the quoted value should start
      const eq = /^[^\s=/>]*\s*(=\s*)?/.exec(this.text.slice(at))!;
      return new XmlSyntaxError(`attribute '${noValue[1]}' needs a quoted value`, at + eq[0].length);
    }
    return new XmlSyntaxError(err.msg.replace(/\.$/, ''), at);
  }

  private offsetOf(line: number, col: number): number {
    let offset = 0;
    for (let l = 1; l < line; l++) {
      const nl = this.text.indexOf('\n', offset);
      if (nl < 0) break;
      offset = nl + 1;
    }
    return Math.min(offset + col - 1, this.text.length);
  }
}

/** Offset of the first start tag that no '>' ends before the next '<' (or the end). */
function unendedTag(text: string): number {
  for (let lt = text.indexOf('<'); lt >= 0; ) {
    const next = text.indexOf('<', lt + 1);
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0 || (next >= 0 && gt > next && !/^<(!|\?)/.test(text.slice(lt, lt + 2)))) return lt;
    lt = next;
  }
  return 0;
}

function elementName(node: FxpNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && !k.startsWith('#') && !k.startsWith('?') && !k.startsWith('!'));
}

function metaOf(node: FxpNode): FxpMeta {
  return (node[META] as FxpMeta | undefined) ?? {};
}

/** The deepest element that has no end tag, following the last open element at each level. */
function innermostUnclosed(nodes: FxpNode[]): FxpNode | undefined {
  let found: FxpNode | undefined;
  let level = nodes;
  for (;;) {
    const open = level.filter((n) => elementName(n) !== undefined && metaOf(n).endIndex === undefined).at(-1);
    if (!open) return found;
    found = open;
    level = (open[elementName(open)!] as FxpNode[] | undefined) ?? [];
  }
}

export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

// ---------------------------------------------------------------- navigation helpers

export function childElements(el: XmlElement, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.kind === 'element' && (local === undefined || c.local === local)) out.push(c);
  return out;
}

export function firstChild(el: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.kind === 'element' && c.local === local) return c;
  return undefined;
}

/** Follow a path of local names, first match at each step. */
export function path(el: XmlElement | undefined, ...locals: string[]): XmlElement | undefined {
  let cur = el;
  for (const l of locals) cur = firstChild(cur, l);
  return cur;
}

export function attr(el: XmlElement, name: string): string | undefined {
  return el.attributes.get(name)?.value;
}

/** Concatenated decoded text of the direct text children. */
export function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) if (c.kind === 'text') s += c.value;
  return s;
}
