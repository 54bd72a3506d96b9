/**
 * PLCopen `<IL>` bodies: the instruction list, line by line with its XML positions, translated
 * by the IL translator (compiler/il) into ST statements of the POU.
 */
import { diagnostic } from '../diagnostics/registry.js';
import type { IlEnvironment } from '../il/environment.js';
import type { IlLine } from '../il/parse.js';
import { translateIl, type IlTranslation } from '../il/translate.js';
import { key } from '../st/ast.js';
import { libraryInputs } from '../library.js';
import type { FbdScope } from './fbd.js';
import { memberType } from './project-index.js';
import { bodyLines } from './st-body.js';
import type { StWriter } from './st-writer.js';
import type { XmlElement } from './xml.js';

/** The names an IL body of `scope.pou` sees, with their types. */
export function ilEnvironment(scope: FbdScope): IlEnvironment {
  const { index, pou } = scope;
  return {
    pouType: pou.pouType,
    varType: (name) => pou.vars.get(key(name)) ?? index.globals.get(key(name)) ?? (key(name) === key(pou.name) ? pou.returnType : undefined),
    memberType: (type, member) => memberType(index, type, member),
    functionType: (name) => {
      const f = index.pous.get(key(name));
      return f?.pouType === 'function' ? f.returnType : undefined;
    },
    fbInputs: (type) => index.pous.get(key(type))?.inputs ?? libraryInputs(type),
  };
}

/**
 * Translate the IL of `el` into `w` (each line mapped to its XML line and the operand's column,
 * not indented, so that columns map exactly);
 * the variables it needs go to `scope.temps`. With `keepResult`, `result` is the current result
 * at the end (an SFC transition's condition written in IL).
 */
export function writeIlBody(scope: FbdScope, el: XmlElement, w: StWriter, keepResult = false): IlTranslation {
  const ctx = scope.ctx;
  const lines: IlLine[] = bodyLines(el).map((l) => ({ text: l.text, ...ctx.position(l.offset) }));
  const t = translateIl(lines, ilEnvironment(scope), w, (code, message, at, length) => {
    ctx.diagnostics.push(diagnostic(code, message, { file: ctx.path, line: at.line, col: at.col, endLine: at.line, endCol: at.col + length }));
  }, { keepResult });
  for (const temp of t.temps) {
    if (!scope.temps.some((x) => key(x.name) === key(temp.name))) scope.temps.push({ ...temp, el });
  }
  return t;
}
