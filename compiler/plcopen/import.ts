/**
 * PLCopen TC6 XML (tc6_0201, tc6_0200) → Structured Text sources for the ST compiler.
 *
 * The document is read with positions (./xml.ts), indexed (POU interfaces, globals), then
 * written out as ST: data types, POUs, global variable lists, configurations. Every generated
 * line carries the XML line and column it came from, so the compiler's diagnostics point into
 * the XML file. Problems with the document itself are reported here, never thrown.
 */
import { SourceFile } from '../source.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic } from '../diagnostics/registry.js';
import { key } from '../st/ast.js';
import { ImportContext } from './context.js';
import { writeConfiguration } from './configuration.js';
import { writeDataType } from './data-types.js';
import { signatureOf, writePou } from './pou.js';
import type { ProjectIndex } from './project-index.js';
import { StWriter } from './st-writer.js';
import { typeElementOf, typeText } from './types.js';
import { writeVarList } from './variables.js';
import { attr, childElements, firstChild, parseXml, path, type XmlElement } from './xml.js';

export interface PlcopenImport {
  sources: SourceFile[];
  diagnostics: Diagnostic[];
}

/** Namespaces of the PLCopen XML versions vPLC reads. */
export const PLCOPEN_NAMESPACES: readonly string[] = [
  'http://www.plcopen.org/xml/tc6_0201',
  'http://www.plcopen.org/xml/tc6_0200',
  'http://www.plcopen.org/xml/tc6.xsd',
];

export function importPlcopen(path: string, xmlText: string): PlcopenImport {
  const ctx = new ImportContext(path, xmlText);
  try {
    return translate(ctx, xmlText);
  } catch (e) {
    // a bug of ours must still not reach the user as a stack trace
    const message = e instanceof Error ? e.message : String(e);
    ctx.diagnostics.push(diagnostic('E5099', `internal error while importing this file: ${message}`, ctx.range(0)));
    return { sources: [], diagnostics: ctx.diagnostics };
  }
}

function namespaceOf(el: XmlElement): string | undefined {
  const colon = el.name.indexOf(':');
  return attr(el, colon < 0 ? 'xmlns' : `xmlns:${el.name.slice(0, colon)}`);
}

function translate(ctx: ImportContext, xmlText: string): PlcopenImport {
  const parsed = parseXml(xmlText);
  if (parsed.error) {
    ctx.report('E5001', parsed.error.message, parsed.error.offset);
    return { sources: [], diagnostics: ctx.diagnostics };
  }
  const project = parsed.root;
  const ns = namespaceOf(project);
  if (project.local !== 'project' || ns === undefined || !PLCOPEN_NAMESPACES.includes(ns)) {
    const found = project.local !== 'project' ? `the root element is <${project.name}>` : `its namespace is ${ns === undefined ? 'missing' : `'${ns}'`}`;
    ctx.reportAt('E5002', `not a PLCopen TC6 project: ${found}; expected <project xmlns="${PLCOPEN_NAMESPACES[0]}"> (or tc6_0200)`, project);
    return { sources: [], diagnostics: ctx.diagnostics };
  }

  const dataTypes = childElements(path(project, 'types', 'dataTypes') ?? project, 'dataType');
  const pous = childElements(path(project, 'types', 'pous') ?? project, 'pou');
  const configurations = childElements(path(project, 'instances', 'configurations') ?? project, 'configuration');
  // CODESYS puts global variable lists in the project's addData
  const vendorGlobals = childElements(firstChild(project, 'addData') ?? project, 'data').flatMap((d) => childElements(d, 'globalVars'));

  const index: ProjectIndex = { pous: new Map(), globals: new Map() };
  for (const pou of pous) {
    const sig = signatureOf(ctx, pou);
    if (sig) index.pous.set(key(sig.name), sig);
  }
  const globalLists = [
    ...vendorGlobals,
    ...configurations.flatMap((c) => [...childElements(c, 'globalVars'), ...childElements(c, 'resource').flatMap((r) => childElements(r, 'globalVars'))]),
  ];
  const quiet = new ImportContext(ctx.path, '');
  for (const list of globalLists) {
    for (const v of childElements(list, 'variable')) {
      const n = attr(v, 'name')?.trim();
      const t = typeElementOf(firstChild(v, 'type'));
      const text = t && typeText(quiet, t);
      if (n && text) index.globals.set(key(n), text);
    }
  }

  const w = new StWriter();
  for (const dt of dataTypes) writeDataType(ctx, dt, w);
  for (const list of vendorGlobals) writeVarList(ctx, w, list);
  for (const pou of pous) writePou(ctx, index, pou, w);
  for (const config of configurations) writeConfiguration(ctx, config, w);

  if (w.lines.length === 0) {
    ctx.reportAt('E5003', 'the project declares no data type, POU or configuration', project);
    return { sources: [], diagnostics: ctx.diagnostics };
  }
  return { sources: [new SourceFile(ctx.path, w.text, w.origins)], diagnostics: ctx.diagnostics };
}
