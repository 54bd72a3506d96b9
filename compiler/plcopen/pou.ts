/**
 * A PLCopen `<pou>` (program, functionBlock, function) as one ST declaration: interface,
 * actions and body. Bodies in languages vPLC does not translate yet still yield the declaration
 * (with an empty body) so that the POUs that use them can be checked; the importer reports them.
 */
import { key } from '../st/ast.js';
import { ImportContext } from './context.js';
import { FbdNetwork, type FbdScope } from './fbd.js';
import { writeIlBody } from './il-body.js';
import { translateLd } from './ld.js';
import { SfcImport } from './sfc.js';
import type { PouSignature, ProjectIndex } from './project-index.js';
import { writeStBody } from './st-body.js';
import { StWriter } from './st-writer.js';
import { typeElementOf, typeText } from './types.js';
import { SECTION_KEYWORDS, writeVarList } from './variables.js';
import { attr, childElements, firstChild, type XmlElement } from './xml.js';

const KEYWORDS: Readonly<Record<PouSignature['pouType'], string>> = {
  program: 'PROGRAM',
  functionBlock: 'FUNCTION_BLOCK',
  function: 'FUNCTION',
};

const LANGUAGES = new Set(['ST', 'FBD', 'LD', 'SFC', 'IL']);
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  LD: 'LD (ladder diagram)',
  IL: 'IL (instruction list)',
};

/** First pass: the POU's name, kind and variable types, without reporting anything. */
export function signatureOf(ctx: ImportContext, pou: XmlElement): PouSignature | undefined {
  const name = attr(pou, 'name')?.trim();
  const pouType = attr(pou, 'pouType')?.trim();
  if (!name || (pouType !== 'program' && pouType !== 'functionBlock' && pouType !== 'function')) return undefined;
  const vars = new Map<string, string>();
  const inputs: string[] = [];
  const iface = firstChild(pou, 'interface');
  const quiet = new ImportContext(ctx.path, ''); // problems are reported by the second pass
  for (const list of iface ? childElements(iface) : []) {
    if (!(list.local in SECTION_KEYWORDS)) continue;
    for (const v of childElements(list, 'variable')) {
      const n = attr(v, 'name')?.trim();
      const t = typeElementOf(firstChild(v, 'type'));
      const text = t && typeText(quiet, t);
      if (n && text) vars.set(key(n), text);
      if (n && list.local === 'inputVars') inputs.push(n);
    }
  }
  const ret = typeElementOf(firstChild(iface, 'returnType'));
  const returnType = ret ? typeText(quiet, ret) : undefined;
  return { name, pouType, returnType, vars, inputs };
}

/** The language element of a `<body>` (ST, FBD, LD, SFC, IL), if any. */
function languageOf(body: XmlElement | undefined): XmlElement | undefined {
  return body ? childElements(body).find((e) => LANGUAGES.has(e.local)) : undefined;
}

/**
 * Translate one body into `w`; FBD temporaries are added to `scope.temps`.
 * `what` names it in messages ("POU 'Main'", "action 'Reset' of POU 'Main'").
 */
function writeBody(ctx: ImportContext, w: StWriter, body: XmlElement | undefined, scope: FbdScope, what: string, owner: XmlElement, tag = ''): void {
  const lang = languageOf(body);
  if (!lang) {
    const other = body && childElements(body).find((e) => e.local !== 'documentation' && e.local !== 'addData');
    if (other) ctx.reportAt('E5004', `${what}: body language <${other.name}> is not supported`, other);
    else ctx.reportAt('E5003', `${what} has no <body> with ST, FBD, LD, SFC or IL`, body ?? owner);
    return;
  }
  switch (lang.local) {
    case 'ST':
      writeStBody(ctx, w, lang);
      return;
    case 'FBD':
      new FbdNetwork(scope, lang, tag).translate(w, '  ');
      return;
    case 'LD':
      translateLd(scope, lang, w, '  ', { tag });
      return;
    case 'IL':
      writeIlBody(scope, lang, w);
      return;
    case 'SFC':
      // a chart is the body of a POU (writePou), not of an action or method
      ctx.reportAt('E5004', `${what}: an SFC can only be the body of a program or function block`, lang);
      return;
    default:
      ctx.reportAt('E5004', `${what}: ${LANGUAGE_NAMES[lang.local]} bodies are not supported yet; it is declared with an empty body`, lang);
  }
}

export function writePou(ctx: ImportContext, index: ProjectIndex, pou: XmlElement, w: StWriter): void {
  const name = ctx.required(pou, 'name');
  const pouType = ctx.required(pou, 'pouType');
  if (name === undefined || pouType === undefined) return;
  if (pouType !== 'program' && pouType !== 'functionBlock' && pouType !== 'function') {
    ctx.report('E5007', `pouType '${pouType}' is not program, functionBlock or function`, pou.attributes.get('pouType')!.offset, pouType.length);
    return;
  }
  const signature = index.pous.get(key(name)) ?? { name, pouType, vars: new Map() };
  const keyword = KEYWORDS[pouType];
  const iface = firstChild(pou, 'interface');
  let header = `${keyword} ${name}`;
  if (pouType === 'function') {
    const ret = typeElementOf(firstChild(iface, 'returnType'));
    const retText = ret ? typeText(ctx, ret) : undefined;
    if (!ret) ctx.reportAt('E5003', `function '${name}' needs <interface><returnType>`, pou);
    header += ` : ${retText ?? 'INT'}`;
  }
  w.line(header, ctx.attrAt(pou, 'name'), keyword.length + 1);

  for (const list of iface ? childElements(iface) : []) {
    if (list.local === 'returnType' || list.local === 'addData' || list.local === 'documentation') continue;
    writeVarList(ctx, w, list, '  ');
  }

  const scope: FbdScope = { ctx, index, pou: signature, temps: [] };
  const actionsW = new StWriter();
  for (const action of childElements(firstChild(pou, 'actions') ?? pou, 'action')) {
    const actionName = ctx.required(action, 'name');
    if (actionName === undefined) continue;
    actionsW.line(`  ACTION ${actionName}:`, ctx.attrAt(action, 'name'), 9);
    writeBody(ctx, actionsW, firstChild(action, 'body'), scope, `action '${actionName}' of POU '${name}'`, action, `${actionName}_`);
    actionsW.line('  END_ACTION', ctx.at(action), 2);
  }
  // CODESYS keeps methods in the POU's addData
  for (const data of childElements(firstChild(pou, 'addData') ?? pou, 'data')) {
    for (const m of childElements(data)) {
      if (m.local === 'Method') writeMethod(ctx, actionsW, m, scope, name);
      else if (m.local === 'Property') ctx.reportAt('W5001', `property of POU '${name}' is ignored: properties are not supported yet`, m);
    }
  }
  const body = firstChild(pou, 'body');
  const bodyW = new StWriter();
  const lang = languageOf(body);
  let chartVars: StWriter | undefined;
  if (lang?.local === 'SFC') {
    const sfc = new SfcImport(scope, pou, lang, name).translate();
    actionsW.append(sfc.actions);
    bodyW.append(sfc.body);
    chartVars = sfc.vars;
  } else {
    writeBody(ctx, bodyW, body, scope, `POU '${name}'`, pou);
  }

  const transitions = childElements(firstChild(pou, 'transitions') ?? pou, 'transition');
  if (transitions.length > 0 && lang?.local !== 'SFC') {
    ctx.reportAt('W5001', `transitions of POU '${name}' are ignored: they only belong to SFC bodies`, firstChild(pou, 'transitions')!);
  }

  if (scope.temps.length > 0 || (chartVars && chartVars.lines.length > 0)) {
    const at = ctx.at(languageOf(body) ?? pou);
    w.line('  VAR', at, 2);
    for (const t of scope.temps) w.line(`    ${t.name} : ${t.type};`, ctx.at(t.el), 4);
    if (chartVars) w.append(chartVars);
    w.line('  END_VAR', at, 2);
  }
  w.append(actionsW);
  w.append(bodyW);
  w.line(`END_${keyword}`, ctx.at(pou), 0);
}

/** A CODESYS method (`addData/data/Method`) as an ST METHOD of the enclosing function block. */
function writeMethod(ctx: ImportContext, w: StWriter, m: XmlElement, scope: FbdScope, owner: string): void {
  const name = ctx.required(m, 'name');
  if (name === undefined) return;
  const iface = firstChild(m, 'interface');
  const ret = typeElementOf(firstChild(iface, 'returnType'));
  const retText = ret ? typeText(ctx, ret) : undefined;
  w.line(`  METHOD ${name}${retText ? ` : ${retText}` : ''}`, ctx.attrAt(m, 'name'), 9);
  for (const list of iface ? childElements(iface) : []) {
    if (list.local === 'returnType' || list.local === 'addData' || list.local === 'documentation') continue;
    writeVarList(ctx, w, list, '    ');
  }
  const lang = languageOf(firstChild(m, 'body'));
  const what = `method '${name}' of POU '${owner}'`;
  if (lang?.local === 'ST') writeStBody(ctx, w, lang);
  // its FBD temporaries would have to be the method's own variables
  else if (lang?.local === 'FBD') ctx.reportAt('E5006', `${what}: FBD method bodies are not supported yet`, lang);
  else writeBody(ctx, w, firstChild(m, 'body'), scope, what, m);
  w.line('  END_METHOD', ctx.at(m), 2);
}
