/**
 * Textual bodies (ST) of POUs, actions and transitions, line by line with their XML positions.
 * Beremiz and OpenPLC write `<ST><xhtml:p><![CDATA[…]]></xhtml:p></ST>`; CODESYS writes
 * `<ST><xhtml xmlns="http://www.w3.org/1999/xhtml">…escaped text…</xhtml></ST>`; both are read
 * the same way: every non-blank text run below the language element, in document order.
 */
import type { ImportContext } from './context.js';
import type { StWriter } from './st-writer.js';
import { decodeEntities, type XmlElement, type XmlText } from './xml.js';

function textRuns(el: XmlElement, out: XmlText[]): XmlText[] {
  for (const c of el.children) {
    if (c.kind === 'text') {
      if (c.cdata || c.value.trim() !== '') out.push(c);
    } else if (c.local !== 'documentation' && c.local !== 'addData') {
      textRuns(c, out);
    }
  }
  return out;
}

/** The lines of a textual body with the offset in the XML where each line starts. */
export function bodyLines(el: XmlElement): { text: string; offset: number }[] {
  const lines: { text: string; offset: number }[] = [];
  for (const run of textRuns(el, [])) {
    let start = 0;
    for (;;) {
      const nl = run.raw.indexOf('\n', start);
      const end = nl < 0 ? run.raw.length : nl;
      let raw = run.raw.slice(start, end);
      if (raw.endsWith('\r')) raw = raw.slice(0, -1);
      let text = raw;
      if (!run.cdata) {
        try {
          text = decodeEntities(raw);
        } catch {
          text = raw; // well-formedness was checked when the document was read
        }
      }
      lines.push({ text, offset: run.offset + start });
      if (nl < 0) break;
      start = nl + 1;
    }
  }
  return lines;
}

/**
 * Write an ST body verbatim, one generated line per XML line, so that diagnostics land on the
 * exact line and column of the XML. Beremiz's `{{ … }}` blocks of inline C are blanked (with a
 * warning): vPLC has no C runtime to give them to.
 */
export function writeStBody(ctx: ImportContext, w: StWriter, el: XmlElement): void {
  let inC = false;
  for (const { text, offset } of bodyLines(el)) {
    let line = text;
    let out = '';
    let i = 0;
    while (i < line.length) {
      if (!inC) {
        const open = line.indexOf('{{', i);
        if (open < 0) {
          out += line.slice(i);
          break;
        }
        out += line.slice(i, open);
        ctx.report('W5002', 'inline C code ({{ … }}) is ignored: vPLC runs ST only', offset + open, 2);
        inC = true;
        i = open + 2;
      } else {
        const close = line.indexOf('}}', i);
        if (close < 0) break;
        inC = false;
        i = close + 2;
      }
    }
    line = out;
    w.line(line, ctx.position(offset));
  }
}
