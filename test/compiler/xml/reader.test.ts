import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../../compiler/source.js';
import { attr, childElements, parseXml, textOf, type XmlElement, type XmlText } from '../../../compiler/xml/reader.js';
import { parseXml as parse4diac } from '../../../compiler/iec61499/xml.js';

function read(text: string): XmlElement {
  const r = parseXml(text);
  if (r.error) throw new Error(`unexpected error ${r.error.message}`);
  return r.root;
}

function errorAt(text: string): string {
  const r = parseXml(text);
  if (!r.error) return 'no error';
  const p = new SourceFile('x.xml', text).position(r.error.offset);
  return `${p.line}:${p.col}: ${r.error.message}`;
}

describe('shared XML reader', () => {
  it('keeps the offsets of elements, attribute values and text runs, also after CRLF line ends', () => {
    const text = '<?xml version="1.0"?>\r\n<!-- <X> -->\r\n<A n="&lt;1" m = \'2\'>\r\n  <B/><![CDATA[<C>]]>t&amp;u<!--c--><?pi x?>\r\n  <D a="1"></D>\r\n</A>\r\n';
    const root = read(text);
    const at = (o: number) => new SourceFile('x', text).position(o);
    expect(at(root.offset)).toEqual({ line: 3, col: 1 });
    expect([attr(root, 'n'), attr(root, 'm')]).toEqual(['<1', '2']);
    expect(at(root.attributes.get('n')!.offset)).toEqual({ line: 3, col: 7 });
    expect(at(root.attributes.get('m')!.offset)).toEqual({ line: 3, col: 19 });
    expect(childElements(root).map((e) => [e.name, at(e.offset)])).toEqual([['B', { line: 4, col: 3 }], ['D', { line: 5, col: 3 }]]);
    const runs = root.children.filter((c): c is XmlText => c.kind === 'text' && c.value.trim() !== '');
    expect(runs.map((r) => [r.value, r.raw, r.cdata, at(r.offset)])).toEqual([
      ['<C>', '<C>', true, { line: 4, col: 16 }],
      ['t&u', 't&amp;u', false, { line: 4, col: 22 }],
    ]);
    expect(text.slice(root.end - 4, root.end)).toBe('</A>');
    expect(textOf(childElements(root, 'D')[0]!)).toBe('');
  });

  it('reports malformed documents at the offending character', () => {
    expect(errorAt('')).toBe('1:1: the document has no root element');
    expect(errorAt('  \n')).toBe('2:1: the document has no root element');
    expect(errorAt('x<a/>')).toBe('1:1: text before the root element');
    expect(errorAt('<a/>\n<b/>')).toBe('2:1: content after the root element');
    expect(errorAt('<a>\n  <b>\n</a>')).toBe('3:1: end tag </a> does not match <b>');
    expect(errorAt('<a>\n  <b><c/>')).toBe('2:3: element <b> is not closed');
    expect(errorAt('<a x=1/>')).toBe("1:6: attribute 'x' needs a quoted value");
    expect(errorAt('<a>\n x &nbsp;</a>')).toBe("2:4: unknown entity '&nbsp;'");
    expect(errorAt('<a v="&#0;"/>')).toBe("1:7: invalid character reference '&#0;'");
    expect(errorAt('<a x="1" x="2"/>')).toMatch(/^1:\d+: Attribute 'x' is repeated$/);
  });

  it('gives the 4diac readers a line and column for every error, also for an empty file', () => {
    const r = parse4diac('empty.sys', '');
    expect(r.ok ? 'ok' : `${r.line}:${r.col}: ${r.message}`).toBe('1:1: the document has no root element');
  });

  it('joins the 4diac view of text and CDATA and keeps the first CDATA offset', () => {
    const text = '<ST>\r\n<![CDATA[x := 1;\r\ny := 2;]]></ST>';
    const r = parse4diac('a.fbt', text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.root.text).toBe('\nx := 1;\r\ny := 2;');
    expect(r.file.position(r.root.cdataOffset!)).toEqual({ line: 2, col: 10 });
  });
});
