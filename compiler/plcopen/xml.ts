/**
 * A small XML reader that keeps the character offset of every element, attribute value and
 * text run, so that code generated from a PLCopen document can point back at the line the user
 * (or their IDE) wrote. General-purpose parsers (fast-xml-parser) drop positions; this one
 * keeps them and nothing else: no DTDs, no namespaces resolution beyond splitting prefixes.
 */

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
}

export interface XmlParseError {
  message: string;
  offset: number;
}

export type XmlParseResult = { root: XmlElement; error?: undefined } | { root?: undefined; error: XmlParseError };

class XmlSyntaxError {
  constructor(readonly message: string, readonly offset: number) {}
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;

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

/** Parse a whole document; never throws. */
export function parseXml(text: string): XmlParseResult {
  try {
    return { root: new Reader(text).document() };
  } catch (e) {
    if (e instanceof XmlSyntaxError) return { error: { message: e.message, offset: e.offset } };
    throw e;
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  document(): XmlElement {
    if (this.text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.misc();
    if (this.pos >= this.text.length) throw new XmlSyntaxError('the document has no root element', this.pos);
    if (this.text[this.pos] !== '<') throw new XmlSyntaxError('text before the root element', this.pos);
    const root = this.element();
    this.misc();
    if (this.pos < this.text.length) throw new XmlSyntaxError('content after the root element', this.pos);
    return root;
  }

  /** Skip whitespace, comments, processing instructions and a DOCTYPE between top-level items. */
  private misc(): void {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<?', this.pos)) this.skipPast('?>', 'processing instruction');
      else if (this.text.startsWith('<!--', this.pos)) this.skipPast('-->', 'comment');
      else if (this.text.startsWith('<!DOCTYPE', this.pos)) this.skipPast('>', 'DOCTYPE');
      else return;
    }
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private skipPast(end: string, what: string): void {
    const start = this.pos;
    const at = this.text.indexOf(end, this.pos);
    if (at < 0) throw new XmlSyntaxError(`unterminated ${what}`, start);
    this.pos = at + end.length;
  }

  private name(): string {
    const start = this.pos;
    if (!NAME_START.test(this.text[this.pos] ?? '')) {
      throw new XmlSyntaxError(`expected a name, found ${this.describe()}`, this.pos);
    }
    this.pos++;
    while (this.pos < this.text.length && NAME_CHAR.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private describe(): string {
    return this.pos >= this.text.length ? 'the end of the file' : `'${this.text[this.pos]}'`;
  }

  private element(): XmlElement {
    const offset = this.pos;
    this.pos++; // '<'
    const name = this.name();
    const el: XmlElement = { kind: 'element', name, local: localName(name), attributes: new Map(), children: [], offset };
    for (;;) {
      const hadSpace = /\s/.test(this.text[this.pos] ?? '');
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === '/') {
        if (this.text[this.pos + 1] !== '>') throw new XmlSyntaxError(`expected '>' after '/' in <${name}>`, this.pos);
        this.pos += 2;
        return el;
      }
      if (c === '>') {
        this.pos++;
        break;
      }
      if (c === undefined) throw new XmlSyntaxError(`unterminated start tag <${name}>`, offset);
      if (!hadSpace) throw new XmlSyntaxError(`expected whitespace before an attribute in <${name}>`, this.pos);
      const attrAt = this.pos;
      const attr = this.name();
      this.skipSpace();
      if (this.text[this.pos] !== '=') throw new XmlSyntaxError(`expected '=' after attribute '${attr}'`, this.pos);
      this.pos++;
      this.skipSpace();
      const quote = this.text[this.pos];
      if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(`attribute '${attr}' needs a quoted value`, this.pos);
      const valueAt = this.pos + 1;
      const end = this.text.indexOf(quote, valueAt);
      if (end < 0) throw new XmlSyntaxError(`unterminated value of attribute '${attr}'`, valueAt);
      const raw = this.text.slice(valueAt, end);
      if (raw.includes('<')) throw new XmlSyntaxError(`'<' is not allowed in the value of attribute '${attr}'`, valueAt + raw.indexOf('<'));
      if (el.attributes.has(attr)) throw new XmlSyntaxError(`duplicate attribute '${attr}'`, attrAt);
      el.attributes.set(attr, { value: decodeEntities(raw, valueAt), offset: valueAt });
      this.pos = end + 1;
    }
    this.content(el);
    return el;
  }

  /** Children up to and including the end tag of `el`. */
  private content(el: XmlElement): void {
    for (;;) {
      if (this.pos >= this.text.length) throw new XmlSyntaxError(`element <${el.name}> is not closed`, el.offset);
      if (this.text.startsWith('</', this.pos)) {
        const at = this.pos;
        this.pos += 2;
        const name = this.name();
        if (name !== el.name) throw new XmlSyntaxError(`end tag </${name}> does not match <${el.name}>`, at);
        this.skipSpace();
        if (this.text[this.pos] !== '>') throw new XmlSyntaxError(`expected '>' to end </${name}>`, this.pos);
        this.pos++;
        return;
      }
      if (this.text.startsWith('<![CDATA[', this.pos)) {
        const start = this.pos + 9;
        const end = this.text.indexOf(']]>', start);
        if (end < 0) throw new XmlSyntaxError('unterminated CDATA section', this.pos);
        const raw = this.text.slice(start, end);
        el.children.push({ kind: 'text', value: raw, raw, offset: start, cdata: true });
        this.pos = end + 3;
      } else if (this.text.startsWith('<!--', this.pos)) {
        this.skipPast('-->', 'comment');
      } else if (this.text.startsWith('<?', this.pos)) {
        this.skipPast('?>', 'processing instruction');
      } else if (this.text[this.pos] === '<') {
        el.children.push(this.element());
      } else {
        const start = this.pos;
        let end = this.text.indexOf('<', start);
        if (end < 0) end = this.text.length;
        const raw = this.text.slice(start, end);
        el.children.push({ kind: 'text', value: decodeEntities(raw, start), raw, offset: start, cdata: false });
        this.pos = end;
      }
    }
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
