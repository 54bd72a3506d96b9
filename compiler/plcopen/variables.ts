/**
 * PLCopen variable lists (`inputVars`, `localVars`, `globalVars`, …) as ST VAR sections.
 */
import type { ImportContext } from './context.js';
import type { StWriter } from './st-writer.js';
import { initialValueText, typeElementOf, typeText } from './types.js';
import { attr, childElements, firstChild, type XmlElement } from './xml.js';

/** TC6 element name of a variable list → ST section keyword. */
export const SECTION_KEYWORDS: Readonly<Record<string, string>> = {
  inputVars: 'VAR_INPUT',
  outputVars: 'VAR_OUTPUT',
  inOutVars: 'VAR_IN_OUT',
  localVars: 'VAR',
  tempVars: 'VAR_TEMP',
  externalVars: 'VAR_EXTERNAL',
  globalVars: 'VAR_GLOBAL',
};

/** What the FBD translator needs to know about a declared variable. */
export interface DeclaredVar {
  name: string;
  /** the ST type text as generated */
  type: string;
  section: string;
}

function flag(el: XmlElement, name: string): boolean {
  const v = attr(el, name);
  return v === 'true' || v === '1';
}

/** The qualifiers of a variable list, in the order ST writes them. */
function qualifiers(list: XmlElement): string {
  const q: string[] = [];
  if (flag(list, 'constant')) q.push('CONSTANT');
  if (flag(list, 'retain')) q.push('RETAIN');
  else if (flag(list, 'nonretain')) q.push('NON_RETAIN');
  if (flag(list, 'persistent')) q.push('PERSISTENT');
  return q.length ? ' ' + q.join(' ') : '';
}

/**
 * Write one variable list as an ST section. Each declaration spans up to three lines (name,
 * type, initial value), each mapped to the XML that produced it. Returns the declared variables.
 */
export function writeVarList(ctx: ImportContext, w: StWriter, list: XmlElement, indent = ''): DeclaredVar[] {
  const keyword = SECTION_KEYWORDS[list.local];
  const out: DeclaredVar[] = [];
  if (keyword === undefined) {
    ctx.reportAt('E5006', `variable list <${list.name}> is not supported`, list);
    return out;
  }
  w.line(`${indent}${keyword}${qualifiers(list)}`, ctx.at(list), indent.length);
  for (const v of childElements(list, 'variable')) {
    const decl = writeVariable(ctx, w, v, indent + '  ');
    if (decl) out.push({ ...decl, section: keyword });
  }
  w.line(`${indent}END_VAR`, ctx.at(list), indent.length);
  return out;
}

/** One `<variable>` (also a struct member) as `name [AT addr] : type [:= init];`. */
export function writeVariable(
  ctx: ImportContext,
  w: StWriter,
  v: XmlElement,
  indent: string,
): { name: string; type: string } | undefined {
  const name = ctx.required(v, 'name');
  if (name === undefined) return undefined;
  const typeEl = typeElementOf(firstChild(v, 'type'));
  if (!typeEl) {
    ctx.reportAt('E5003', `variable '${name}' needs a <type>`, v);
    return undefined;
  }
  const type = typeText(ctx, typeEl);
  if (type === undefined) return undefined;
  const address = attr(v, 'address')?.trim();
  w.line(`${indent}${name}${address ? ` AT ${address}` : ''} :`, ctx.attrAt(v, 'name'), indent.length);
  const typeAt = typeEl.attributes.has('name') ? ctx.attrAt(typeEl, 'name') : ctx.at(typeEl);
  const initial = firstChild(v, 'initialValue');
  const init = initial ? initialValueText(ctx, initial) : undefined;
  if (init) {
    w.line(`${indent}  ${type}`, typeAt, indent.length + 2);
    w.line(`${indent}  := ${init.text};`, ctx.position(init.offset), indent.length + 5);
  } else {
    w.line(`${indent}  ${type};`, typeAt, indent.length + 2);
  }
  return { name, type };
}
