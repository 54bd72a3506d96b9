import type { Algorithm } from './model.js';

/**
 * The ST body of a 4diac function (`.fct`): `[PACKAGE p;] [IMPORT …;] FUNCTION F : T
 * VAR_INPUT … END_VAR … statements … END_FUNCTION`. vPLC serves a function as a simple FB
 * (REQ runs it, CNF publishes its result), so the body becomes that FB's algorithm REQ: the
 * header and the interface sections (already read from the XML InterfaceList) are blanked,
 * local VAR/VAR_TEMP sections become the algorithm's VAR_TEMP (fresh at every call, as a
 * function's locals are), END_FUNCTION is dropped. Blanking keeps every line where it was, so
 * diagnostics point into the .fct.
 */

export type FunctionBodyResult = { ok: true; algorithm: Algorithm } | { ok: false; message: string; offset: number };

/** Spaces for everything in `s` but its line breaks. */
const blank = (s: string): string => s.replace(/[^\r\n]/g, ' ');

/** `text` with its comments blanked (strings kept), so that a comment's words are never code. */
function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    let end = -1;
    if (two === '(*') end = text.indexOf('*)', i + 2) + 2;
    else if (two === '/*') end = text.indexOf('*/', i + 2) + 2;
    else if (two === '//') end = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      const stop = close < 0 ? text.length : close + 1;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (end === 1) end = text.length; // an unclosed comment runs to the end (indexOf gave -1)
    if (end > i) {
      out += blank(text.slice(i, end));
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function functionAlgorithm(name: string, source: string, line: number, col: number): FunctionBodyResult {
  const text = withoutComments(source);
  const header = /\bFUNCTION\s+([A-Za-z_]\w*)(\s*:\s*[A-Za-z_][\w:]*(\s*\[[^\]]*\])?)?/i.exec(text);
  if (!header) return { ok: false, message: `the ST body of function ${name} has no FUNCTION ${name} header`, offset: 0 };
  if (header[1]!.toUpperCase() !== name.toUpperCase()) {
    return { ok: false, message: `the ST body declares FUNCTION ${header[1]}, the file function ${name}`, offset: header.index };
  }
  const end = /\bEND_FUNCTION\b/i.exec(text.slice(header.index));
  if (!end) return { ok: false, message: `the ST body of function ${name} has no END_FUNCTION`, offset: text.length };
  const bodyEnd = header.index + end.index;
  let body = blank(text.slice(0, header.index + header[0].length)) + text.slice(header.index + header[0].length, bodyEnd);
  // a local VAR CONSTANT keeps its value as a VAR_TEMP initialised at every call
  body = body.replace(/\b(VAR_INPUT|VAR_OUTPUT|VAR_IN_OUT|VAR_TEMP|VAR)(\s+CONSTANT\b)?([\s\S]*?)\bEND_VAR\b/gi, (all: string, kw: string, constant: string | undefined, decls: string) => {
    const k = kw.toUpperCase();
    return k === 'VAR' || k === 'VAR_TEMP' ? `VAR_TEMP${blank(constant ?? '')}${decls}END_VAR` : blank(all);
  });
  return { ok: true, algorithm: { name: 'REQ', text: body, line, col } };
}
