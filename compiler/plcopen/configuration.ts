/**
 * PLCopen `<instances><configurations>`: configurations, resources, tasks, program instances
 * and global variables, as ST CONFIGURATION declarations.
 */
import type { ImportContext } from './context.js';
import { StWriter } from './st-writer.js';
import { writeVarList } from './variables.js';
import { attr, childElements, type XmlElement } from './xml.js';

/**
 * A task interval as an IEC duration literal. Beremiz writes IEC literals (`T#20ms`); CODESYS
 * and the TC6 schema's xsd:duration use ISO 8601 (`PT0.02S`).
 */
export function intervalLiteral(text: string): string | undefined {
  const t = text.trim();
  if (/^(T|TIME|LT|LTIME)#[0-9A-Za-z_.+-]+$/i.test(t)) return t;
  const num = String.raw`(\d+(?:\.\d+)?)`;
  const iso = new RegExp(`^P(?:${num}D)?(?:T(?:${num}H)?(?:${num}M)?(?:${num}S)?)?$`, 'i').exec(t);
  if (!iso || !iso.slice(1).some((x) => x !== undefined) || /T$/i.test(t)) return undefined;
  const [d, h, m, s] = iso.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const ns = Math.round(((d! * 24 + h!) * 60 + m!) * 60e9 + s! * 1e9);
  if (ns % 1_000_000 === 0) return `T#${ns / 1_000_000}ms`;
  if (ns % 1_000 === 0) return `T#${ns / 1_000}us`;
  return `T#${ns}ns`;
}

function writeTask(ctx: ImportContext, task: XmlElement, w: StWriter, indent: string): string | undefined {
  const name = ctx.required(task, 'name');
  if (name === undefined) return undefined;
  const params: string[] = [];
  const single = attr(task, 'single')?.trim();
  if (single) params.push(`SINGLE := ${single}`);
  const interval = attr(task, 'interval');
  if (interval !== undefined && interval.trim() !== '') {
    const lit = intervalLiteral(interval);
    if (lit === undefined) {
      const a = task.attributes.get('interval')!;
      ctx.report('E5007', `task interval '${interval}' is neither an IEC duration (T#10ms) nor an ISO 8601 duration (PT0.01S)`, a.offset, interval.length);
    } else {
      params.push(`INTERVAL := ${lit}`);
    }
  }
  const priority = ctx.required(task, 'priority');
  if (priority !== undefined) params.push(`PRIORITY := ${priority}`);
  const text = `${indent}TASK ${name}(${params.join(', ')});`;
  w.line(text, ctx.attrAt(task, 'name'), indent.length + 5);
  return name;
}

function writeInstance(ctx: ImportContext, inst: XmlElement, task: string | undefined, w: StWriter, indent: string): void {
  const name = ctx.required(inst, 'name');
  const typeName = ctx.required(inst, 'typeName');
  if (name === undefined || typeName === undefined) return;
  const text = `${indent}PROGRAM ${name}${task ? ` WITH ${task}` : ''} : ${typeName};`;
  w.line(text, ctx.attrAt(inst, 'name'), indent.length + 8);
}

function writeResource(ctx: ImportContext, res: XmlElement, w: StWriter): void {
  const name = ctx.required(res, 'name');
  if (name === undefined) return;
  w.line(`  RESOURCE ${name} ON PLC`, ctx.attrAt(res, 'name'), 11);
  for (const g of childElements(res, 'globalVars')) writeVarList(ctx, w, g, '    ');
  // ST wants every task before the programs that run on them
  const programs = new StWriter();
  for (const task of childElements(res, 'task')) {
    const taskName = writeTask(ctx, task, w, '    ');
    for (const inst of childElements(task, 'pouInstance')) writeInstance(ctx, inst, taskName, programs, '    ');
  }
  for (const inst of childElements(res, 'pouInstance')) writeInstance(ctx, inst, undefined, programs, '    ');
  w.append(programs);
  w.line('  END_RESOURCE', ctx.at(res), 2);
}

export function writeConfiguration(ctx: ImportContext, config: XmlElement, w: StWriter): void {
  const name = ctx.required(config, 'name');
  if (name === undefined) return;
  w.line(`CONFIGURATION ${name}`, ctx.attrAt(config, 'name'), 14);
  for (const g of childElements(config, 'globalVars')) writeVarList(ctx, w, g, '  ');
  for (const res of childElements(config, 'resource')) writeResource(ctx, res, w);
  for (const a of childElements(config, 'accessVars')) ctx.reportAt('E5006', 'access paths (accessVars) are not supported yet', a);
  w.line('END_CONFIGURATION', ctx.at(config), 0);
}
