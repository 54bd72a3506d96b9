/**
 * PLCopen `<SFC>` bodies → the SFC model (compiler/st/sfc-model.ts) → ST.
 *
 * The chart is a graph of localIds: steps, transitions, selection and simultaneous divergences
 * and convergences, jump steps, action blocks, plus FBD elements that compute transition
 * conditions. A transition's source steps are found by walking back through divergences and
 * convergences, its target steps by walking forward (a jump stands for the step it names).
 * Inline actions (ST, FBD, LD, IL) become ACTIONs of the POU (`_SFC_INLINE1`, …). FBD or Ladder
 * that computes a condition becomes ST statements: the elements drawn in the chart itself
 * (blocks, variables, power rails, contacts) run at every scan before the transitions are
 * tested, so that edge contacts see every scan; the body of a named (or inline) FBD, LD or IL
 * transition runs when the transition's source steps are active, as MatIEC computes conditions.
 * An LD body's condition is the power flow into the coil named after the transition, an IL
 * body's the current result at its end.
 */
import { key } from '../st/ast.js';
import { IL_LEAVES, QUALIFIERS, type Qualifier, type SfcAssociation, type SfcChart, type SfcLine, type SfcStep, type SfcTransition } from '../st/sfc-model.js';
import { checkChart, writeChartBody, writeChartVars } from '../st/sfc-generate.js';
import type { Code } from '../diagnostics/registry.js';
import type { ImportContext } from './context.js';
import { FbdNetwork, type FbdScope } from './fbd.js';
import { writeIlBody } from './il-body.js';
import { LdNetwork, translateLd } from './ld.js';
import { bodyLines, writeStBody } from './st-body.js';
import { StWriter } from './st-writer.js';
import { attr, childElements, firstChild, textOf, type XmlElement } from './xml.js';

const FBD_ELEMENTS = new Set(['inVariable', 'outVariable', 'inOutVariable', 'block', 'connector', 'continuation']);
const LD_ELEMENTS = new Set(['leftPowerRail', 'rightPowerRail', 'contact', 'coil']);
const IGNORED = new Set(['comment', 'addData', 'documentation', 'vendorElement']);

/** What the importer writes for an SFC POU: its state variables, inline actions and body. */
export interface SfcTranslation {
  vars: StWriter;
  actions: StWriter;
  body: StWriter;
}

interface GraphNode {
  el: XmlElement;
  id: string;
  /** localIds this element's inputs are connected to */
  inputs: string[];
}

/** The refLocalIds of every connection of an element's connectionPointIn children. */
function inputRefs(el: XmlElement): string[] {
  return childElements(el, 'connectionPointIn').flatMap((p) => childElements(p, 'connection').map((c) => attr(c, 'refLocalId')?.trim() ?? ''));
}

/** A stand-in `<outVariable>` that assigns what `point` is connected to to `target`. */
function syntheticOutput(point: XmlElement, target: string, id: string, at: XmlElement): XmlElement {
  const text = { kind: 'text' as const, value: target, raw: target, offset: at.offset, cdata: false };
  const expression: XmlElement = { kind: 'element', name: 'expression', local: 'expression', attributes: new Map(), children: [text], offset: at.offset, end: at.offset };
  return {
    kind: 'element', name: 'outVariable', local: 'outVariable',
    attributes: new Map([['localId', { value: id, offset: at.offset + 1 }]]),
    children: [expression, point], offset: at.offset, end: at.end,
  };
}

function network(children: XmlElement[], at: XmlElement): XmlElement {
  return { kind: 'element', name: 'FBD', local: 'FBD', attributes: new Map(), children, offset: at.offset, end: at.end };
}

/** Lines of an ST expression; a leading `:=` and a trailing `;` (Beremiz's transition bodies) are blanked. */
function expressionLines(ctx: ImportContext, el: XmlElement): SfcLine[] {
  const lines = bodyLines(el).map((l) => ({ text: l.text, at: ctx.position(l.offset) }));
  const filled = lines.filter((l) => l.text.trim() !== '');
  const first = filled[0];
  if (first && first.text.trimStart().startsWith(':=')) first.text = first.text.replace(':=', '  ');
  const last = filled[filled.length - 1];
  if (last) last.text = last.text.replace(/;\s*$/, '');
  return filled;
}

export class SfcImport {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly successors = new Map<string, GraphNode[]>();
  private readonly steps: SfcStep[] = [];
  private readonly stepById = new Map<string, SfcStep>();
  private readonly transitions: (SfcTransition & { x: number })[] = [];
  /** FBD and LD elements drawn in the chart itself */
  private readonly chartFbd: XmlElement[] = [];
  private chartLd = false;
  private readonly actionsW = new StWriter();
  private inlineCount = 0;
  private flagCount = 0;

  constructor(private readonly scope: FbdScope, private readonly pou: XmlElement, private readonly sfc: XmlElement, private readonly pouName: string) {}

  private get ctx(): ImportContext {
    return this.scope.ctx;
  }

  private report(code: Code, message: string, el: XmlElement): void {
    this.ctx.reportAt(code, message, el);
  }

  translate(): SfcTranslation {
    const vars = new StWriter();
    const body = new StWriter();
    const declared = new Set(childElements(firstChild(this.pou, 'actions') ?? this.pou, 'action').map((a) => key(attr(a, 'name')?.trim() ?? '')));
    this.read();
    for (const node of this.nodes.values()) {
      if (node.el.local === 'actionBlock') this.readActionBlock(node, declared);
    }
    const preamble = this.chartConditions();
    for (const node of this.nodes.values()) if (node.el.local === 'transition') this.readTransition(node);
    // without explicit priorities, transitions out of one step are tried left to right (IEC 61131-3 6.7.3)
    const transitions = [...this.transitions].sort((a, b) => (a.priority ?? Infinity) - (b.priority ?? Infinity) || a.x - b.x);
    const chart: SfcChart = {
      pou: this.pouName,
      pouType: this.scope.pou.pouType,
      steps: this.steps,
      transitions,
      actions: declared,
      preamble,
      at: this.ctx.at(this.sfc),
    };
    const ok = checkChart(chart, (code, message, at, length) => {
      this.ctx.diagnostics.push({ code, severity: code.startsWith('W') ? 'warning' : 'error', message, range: { file: this.ctx.path, line: at.line, col: at.col, endLine: at.line, endCol: at.col + length } });
    });
    if (ok) {
      writeChartVars(chart, vars, '    ');
      writeChartBody(chart, body);
    }
    return { vars, actions: this.actionsW, body };
  }

  // ------------------------------------------------------------------ graph

  private read(): void {
    for (const el of childElements(this.sfc)) {
      if (IGNORED.has(el.local)) continue;
      if (FBD_ELEMENTS.has(el.local)) {
        this.chartFbd.push(el);
        continue;
      }
      if (LD_ELEMENTS.has(el.local)) {
        this.chartFbd.push(el);
        this.chartLd = true;
        continue;
      }
      const id = attr(el, 'localId')?.trim();
      if (!id) {
        this.report('E5003', `<${el.name}> needs a 'localId' attribute`, el);
        continue;
      }
      if (this.nodes.has(id)) {
        this.report('E2103', `localId ${id} is used twice in this chart`, el);
        continue;
      }
      const node: GraphNode = { el, id, inputs: inputRefs(el) };
      switch (el.local) {
        case 'step': {
          const name = this.ctx.required(el, 'name');
          if (name === undefined) continue;
          const step: SfcStep = { name, initial: attr(el, 'initialStep') === 'true', associations: [], at: this.ctx.attrAt(el, 'name') };
          this.steps.push(step);
          this.stepById.set(id, step);
          break;
        }
        case 'macroStep':
          this.report('E2105', 'macro steps are not supported yet: draw the steps of the macro in the chart', el);
          break;
        case 'transition':
        case 'selectionDivergence':
        case 'selectionConvergence':
        case 'simultaneousDivergence':
        case 'simultaneousConvergence':
        case 'jumpStep':
        case 'actionBlock':
          break;
        default:
          this.report('E5006', `<${el.name}> is not an SFC element vPLC knows`, el);
          continue;
      }
      this.nodes.set(id, node);
    }
    for (const node of this.nodes.values()) {
      for (const ref of node.inputs) {
        const list = this.successors.get(ref) ?? [];
        list.push(node);
        this.successors.set(ref, list);
      }
    }
  }

  /** The steps a transition's input comes from, through divergences and convergences. */
  private sourceSteps(refs: string[], at: XmlElement, seen = new Set<string>()): string[] {
    const out: string[] = [];
    for (const ref of refs) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const n = this.nodes.get(ref);
      if (!n) {
        this.report('E2103', `connection to localId ${ref}, which is no step, divergence or convergence of this chart`, at);
        continue;
      }
      const step = this.stepById.get(ref);
      if (step) out.push(step.name);
      else if (n.el.local !== 'transition') out.push(...this.sourceSteps(n.inputs, n.el, seen));
    }
    return out;
  }

  /** The steps a transition leads to, through convergences, simultaneous divergences and jumps. */
  private targetSteps(id: string, seen = new Set<string>()): string[] {
    const out: string[] = [];
    for (const n of this.successors.get(id) ?? []) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      const step = this.stepById.get(n.id);
      if (step) out.push(step.name);
      else if (n.el.local === 'jumpStep') {
        const target = this.ctx.required(n.el, 'targetName');
        // an unknown target is reported by the chart's check, at the transition
        if (target !== undefined) out.push(this.steps.find((s) => key(s.name) === key(target))?.name ?? target);
      } else if (n.el.local !== 'transition' && n.el.local !== 'actionBlock') out.push(...this.targetSteps(n.id, seen));
    }
    return out;
  }

  // ------------------------------------------------------------------ actions

  private readActionBlock(node: GraphNode, declared: Set<string>): void {
    const step = node.inputs.length === 1 ? this.stepById.get(node.inputs[0]!) : undefined;
    if (!step) {
      this.report('E2103', 'an action block must be connected to one step', node.el);
      return;
    }
    for (const a of childElements(node.el, 'action')) {
      const q = (attr(a, 'qualifier')?.trim() || 'N').toUpperCase();
      if (!(QUALIFIERS as readonly string[]).includes(q)) {
        this.ctx.report('E2104', `action qualifier '${q}' is not one of ${QUALIFIERS.join(', ')}`, a.attributes.get('qualifier')!.offset, q.length);
        continue;
      }
      const durationText = attr(a, 'duration')?.trim();
      const duration = durationText ? { text: durationText, at: this.ctx.attrAt(a, 'duration') } : undefined;
      const ref = firstChild(a, 'reference');
      const inline = firstChild(a, 'inline');
      let name: string | undefined;
      if (ref) name = this.ctx.required(ref, 'name');
      else if (inline) name = this.writeInlineAction(inline, declared);
      else this.report('E5003', '<action> needs a <reference name="…"/> or an <inline> body', a);
      if (name === undefined) continue;
      const association: SfcAssociation = { action: name, qualifier: q as Qualifier, at: ref ? this.ctx.attrAt(ref, 'name') : this.ctx.at(a) };
      if (duration) association.duration = duration;
      step.associations.push(association);
    }
  }

  private writeInlineAction(inline: XmlElement, declared: Set<string>): string | undefined {
    const lang = childElements(inline).find((e) => !IGNORED.has(e.local));
    if (!lang) {
      this.report('E5003', '<inline> action has no body', inline);
      return undefined;
    }
    const name = `_SFC_INLINE${++this.inlineCount}`;
    const at = this.ctx.at(lang);
    if (lang.local === 'ST') {
      this.actionsW.line(`  ACTION ${name}:`, at, 2);
      writeStBody(this.ctx, this.actionsW, lang);
    } else if (lang.local === 'FBD') {
      this.actionsW.line(`  ACTION ${name}:`, at, 2);
      new FbdNetwork(this.scope, lang, `${name.slice(1)}_`).translate(this.actionsW, '  ');
    } else if (lang.local === 'LD') {
      this.actionsW.line(`  ACTION ${name}:`, at, 2);
      translateLd(this.scope, lang, this.actionsW, '  ', { tag: `${name.slice(1)}_` });
    } else if (lang.local === 'IL') {
      this.actionsW.line(`  ACTION ${name}:`, at, 2);
      writeIlBody(this.scope, lang, this.actionsW);
    } else {
      this.report('E2105', `inline actions in <${lang.name}> are not supported: write the action in ST, FBD, LD or IL`, lang);
      return undefined;
    }
    this.actionsW.line('  END_ACTION', at, 2);
    declared.add(key(name));
    return name;
  }

  // ------------------------------------------------------------------ conditions

  /** A fresh BOOL holding an FBD-computed condition. */
  private flag(el: XmlElement): string {
    const name = `_SFC_FC${++this.flagCount}`;
    this.scope.temps.push({ name, type: 'BOOL', el });
    return name;
  }

  /** Translate an FBD network (LD when `ladder`) to statement lines. */
  private fbdLines(net: XmlElement, tag: string, ladder = false): SfcLine[] | undefined {
    const w = new StWriter();
    const ok = ladder ? new LdNetwork(this.scope, net, { tag }).translate(w, '    ') : new FbdNetwork(this.scope, net, tag).translate(w, '    ');
    return ok ? sfcLines(w) : undefined;
  }

  /** Conditions wired to FBD elements drawn in the chart: one network, run at every scan. */
  private readonly wired = new Map<string, string>();

  private chartConditions(): SfcLine[] {
    const outs: XmlElement[] = [];
    for (const node of this.nodes.values()) {
      if (node.el.local !== 'transition') continue;
      const point = firstChild(firstChild(node.el, 'condition'), 'connectionPointIn');
      if (!point) continue;
      const flag = this.flag(node.el);
      this.wired.set(node.id, flag);
      const out = syntheticOutput(point, flag, `_sfc_${node.id}`, node.el);
      // Ladder runs row by row: the condition is computed where the transition is drawn
      const position = firstChild(node.el, 'position');
      if (this.chartLd && position) out.children.unshift(position);
      outs.push(out);
    }
    if (outs.length === 0 && this.chartFbd.length === 0) return [];
    return this.fbdLines(network([...this.chartFbd, ...outs], this.sfc), 'SFC_', this.chartLd) ?? [];
  }

  private readTransition(node: GraphNode): void {
    const el = node.el;
    const reported = this.ctx.diagnostics.length;
    const from = this.sourceSteps(node.inputs, el);
    const to = this.targetSteps(node.id);
    // a transition whose connections are broken (reported) would only repeat the error
    if (this.ctx.diagnostics.length > reported) return;
    const priorityText = attr(el, 'priority')?.trim();
    const priority = priorityText !== undefined && /^\d+$/.test(priorityText) ? Number(priorityText) : undefined;
    const x = Number(attr(firstChild(el, 'position') ?? el, 'x') ?? '0');
    const t: SfcTransition & { x: number } = { from, to, statements: [], condition: [], at: this.ctx.at(el), x: Number.isFinite(x) ? x : 0 };
    if (priority !== undefined) t.priority = priority;
    const condition = firstChild(el, 'condition');
    const wired = this.wired.get(node.id);
    const inline = firstChild(condition, 'inline');
    const ref = firstChild(condition, 'reference');
    if (wired) t.condition = [{ text: wired, at: this.ctx.at(el) }];
    else if (inline) this.conditionBody(t, inline, undefined, `${node.id}`);
    else if (ref) {
      const name = this.ctx.required(ref, 'name');
      if (name === undefined) return;
      t.name = name;
      const decl = childElements(firstChild(this.pou, 'transitions') ?? this.pou, 'transition').find((d) => key(attr(d, 'name')?.trim() ?? '') === key(name));
      if (!decl) {
        this.report('E2103', `transition '${name}' is not declared in the POU's <transitions>`, ref);
        t.condition = [{ text: 'FALSE', at: this.ctx.at(ref) }];
      } else {
        this.conditionBody(t, firstChild(decl, 'body') ?? decl, name, `${node.id}`);
      }
    }
    this.transitions.push(t);
  }

  /**
   * A condition written as a body: ST (an expression), IL (the current result at its end), LD
   * (the power flow into the coil named after the transition) or FBD (the output variable
   * named after it).
   */
  private conditionBody(t: SfcTransition, holder: XmlElement, name: string | undefined, id: string): void {
    const lang = childElements(holder).find((e) => !IGNORED.has(e.local));
    if (!lang) return;
    if (lang.local === 'ST') {
      t.condition = expressionLines(this.ctx, lang);
      return;
    }
    if (lang.local === 'IL') return this.ilCondition(t, lang, name);
    if (lang.local === 'LD') return this.ldCondition(t, lang, name, id);
    if (lang.local !== 'FBD') {
      this.report('E2105', `transition conditions in <${lang.name}> are not supported: write the condition in ST, FBD, LD or IL`, lang);
      t.condition = [{ text: 'FALSE', at: this.ctx.at(lang) }];
      return;
    }
    const outs = childElements(lang, 'outVariable');
    const result = (name ? outs.find((o) => key(firstChild(o, 'expression') ? (textOfExpr(o) ?? '') : '') === key(name)) : undefined) ?? (outs.length === 1 ? outs[0] : undefined);
    const point = result && firstChild(result, 'connectionPointIn');
    if (!result || !point) {
      this.report('E2102', `the FBD of transition${name ? ` '${name}'` : ''} needs an output variable${name ? ` named '${name}'` : ''} that is connected`, lang);
      return;
    }
    const flag = this.flag(result);
    const children = childElements(lang).filter((e) => e !== result);
    const lines = this.fbdLines(network([...children, syntheticOutput(point, flag, `_sfc_${id}`, result)], lang), `SFC${id}_`);
    if (!lines) return;
    t.statements = lines;
    t.condition = [{ text: flag, at: this.ctx.at(result) }];
  }

  /** IL: the instructions run when the source steps are active; the current result at the end is the condition. */
  private ilCondition(t: SfcTransition, lang: XmlElement, name: string | undefined): void {
    const what = name ? `the IL of transition '${name}'` : 'the IL of this transition';
    t.condition = [{ text: 'FALSE', at: this.ctx.at(lang) }];
    for (const l of bodyLines(lang)) {
      const m = IL_LEAVES.exec(l.text);
      if (!m) continue;
      const at = l.offset + l.text.indexOf(m[1]!);
      this.ctx.report('E2105', `${m[1]!.toUpperCase()} in ${what}: a condition cannot jump or return out of the chart; compute it with conditional loads instead`, at, m[1]!.length);
      return;
    }
    const w = new StWriter();
    const il = writeIlBody(this.scope, lang, w, true);
    if (!il.ok) return;
    if (il.result === undefined) {
      this.report('E2102', `${what} ends without a current result: end it with the condition loaded (LD …)`, lang);
      return;
    }
    t.statements = sfcLines(w);
    // the condition's type is checked where the list begins
    const first = bodyLines(lang).find((l) => l.text.trim() !== '');
    t.condition = [{ text: il.result, at: first ? this.ctx.position(first.offset + first.text.search(/\S/)) : this.ctx.at(lang) }];
  }

  /** LD: the power flow into the coil named after the transition (or its only coil). */
  private ldCondition(t: SfcTransition, lang: XmlElement, name: string | undefined, id: string): void {
    t.condition = [{ text: 'FALSE', at: this.ctx.at(lang) }];
    const coils = childElements(lang, 'coil');
    const named = name ? coils.find((c) => key(variableName(c)) === key(name)) : undefined;
    const result = named ?? (coils.length === 1 ? coils[0] : undefined);
    const point = result && firstChild(result, 'connectionPointIn');
    if (!result || !point) {
      this.report('E2102', name ? `the LD of transition '${name}' needs a coil named '${name}' that is connected` : 'the LD of this transition needs one coil, connected, that gives the condition', lang);
      return;
    }
    const w = new StWriter();
    const expr = new LdNetwork(this.scope, lang, { tag: `SFC${id}_` }).condition(point, w, '    ');
    if (expr === undefined) return;
    t.statements = sfcLines(w);
    t.condition = [{ text: expr, at: this.ctx.at(result) }];
  }
}

function variableName(coil: XmlElement): string {
  const v = firstChild(coil, 'variable');
  return v ? textOf(v).trim() : '';
}

function sfcLines(w: StWriter): SfcLine[] {
  return w.lines.map((text, i) => ({ text, at: { line: w.origins[i]!.line, col: w.origins[i]!.col } }));
}


function textOfExpr(o: XmlElement): string | undefined {
  const e = firstChild(o, 'expression');
  if (!e) return undefined;
  let s = '';
  for (const c of e.children) if (c.kind === 'text') s += c.value;
  return s.trim();
}
