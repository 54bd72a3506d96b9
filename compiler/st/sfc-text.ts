/**
 * The textual SFC of IEC 61131-3 (6.7) in `.st` files, read from the ST tokens before parsing:
 *
 *   INITIAL_STEP Idle : Lamp(N); END_STEP
 *   STEP Fill : Valve(L, T#5s); Count(P); END_STEP
 *   TRANSITION [name] [(PRIORITY := 1)] FROM Idle TO (Fill, Mix) := start AND NOT stop; END_TRANSITION
 *   ACTION Count : n := n + 1; END_ACTION
 *   TRANSITION FROM Fill TO Drain :
 *     LD level
 *     GE 80
 *   END_TRANSITION                       (an IL body: the current result at its end)
 *
 * The steps and transitions of each PROGRAM and FUNCTION_BLOCK are read into the SFC model and
 * blanked out of the text; the ST that runs the chart (sfc-generate.ts) goes just before the
 * POU's END_ keyword. ACTIONs stay where they are: they are ordinary ST actions. Every other line
 * keeps its place, and generated lines carry the position they came from, so diagnostics still
 * point into the file as written.
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic, type Code } from '../diagnostics/registry.js';
import { SourceFile, type LineOrigin, type Position } from '../source.js';
import { key } from './ast.js';
import { checkChart, writeChartBody, writeChartVars } from './sfc-generate.js';
import { IL_LEAVES, QUALIFIERS, TIMED, type Qualifier, type SfcChart, type SfcLine, type SfcStep, type SfcTransition, type SfcWriter } from './sfc-model.js';
import type { IlEnvironment } from '../il/environment.js';
import { translateIl, type IlTemp } from '../il/translate.js';

const POU_ENDS: Readonly<Record<string, string>> = { PROGRAM: 'END_PROGRAM', FUNCTION_BLOCK: 'END_FUNCTION_BLOCK', FUNCTION: 'END_FUNCTION' };
const POU_TYPES: Readonly<Record<string, SfcChart['pouType']>> = { PROGRAM: 'program', FUNCTION_BLOCK: 'functionBlock', FUNCTION: 'function' };

function word(t: IToken | undefined): string {
  return t ? t.image.toUpperCase() : '';
}

function isName(t: IToken | undefined): boolean {
  return !!t && t.tokenType.name === 'Identifier';
}

/** Does this token start an SFC element? */
export function startsElement(tokens: IToken[], i: number): boolean {
  const t = tokens[i];
  // every token of every file passes here: rule out by length before upper-casing the image
  const n = t?.image.length;
  if ((n !== 4 && n !== 10 && n !== 12) || !isName(t)) return false;
  const w = word(t);
  if (w === 'INITIAL_STEP') return true;
  if (w === 'STEP') return isName(tokens[i + 1]) && tokens[i + 2]?.image === ':';
  if (w === 'TRANSITION') return isName(tokens[i + 1]) || tokens[i + 1]?.image === '(';
  return false;
}

class SyntaxError {
  constructor(readonly message: string, readonly token: IToken | undefined, readonly code: Code = 'E1004') {}
}

/** Lines and columns of raw offsets in the unmapped text. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  offset(at: Position): number {
    return this.starts[at.line - 1]! + at.col - 1;
  }
  at(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo]! + 1 };
  }
}

/** One PROGRAM or FUNCTION_BLOCK whose body is a chart. */
interface ChartPou {
  chart: SfcChart;
  /** the END_ keyword's token */
  end: IToken;
  ok: boolean;
  /** variables the IL transition bodies need */
  temps: IlTemp[];
}

const VAR_WORDS = new Set(['VAR', 'VAR_INPUT', 'VAR_OUTPUT', 'VAR_IN_OUT', 'VAR_TEMP', 'VAR_EXTERNAL', 'VAR_GLOBAL', 'VAR_INST', 'VAR_STAT']);

/**
 * What an IL transition body sees, read from the POU's declarations (`a, b : INT;`): charts are
 * read before the file is parsed, so only named types declared in the POU itself are known. That
 * suffices for conditions, whose current result is BOOL; an operand of unknown type is reported
 * by the IL translator where its type is needed.
 */
function textEnvironment(tokens: IToken[], from: number, to: number, pouType: SfcChart['pouType']): IlEnvironment {
  const vars = new Map<string, string>();
  let inVar = false;
  for (let k = from; k < to; k++) {
    const w = word(tokens[k]);
    if (VAR_WORDS.has(w)) inVar = true;
    else if (w === 'END_VAR') inVar = false;
    else if (inVar && tokens[k]!.image === ':' && isName(tokens[k + 1])) {
      const names: string[] = [];
      for (let j = k - 1; j >= from && isName(tokens[j]); j -= 2) {
        names.push(tokens[j]!.image);
        if (tokens[j - 1]?.image !== ',') break;
      }
      for (const n of names) vars.set(key(n), tokens[k + 1]!.image);
    }
  }
  return {
    pouType,
    varType: (name) => vars.get(key(name)),
    memberType: () => undefined,
    functionType: () => undefined,
    fbInputs: () => undefined,
  };
}

class ChartReader {
  private i: number;
  readonly spans: [number, number][] = [];
  private partialStep: SfcStep | undefined;
  private partialTransition: SfcTransition | undefined;

  readonly temps: IlTemp[] = [];

  constructor(
    private readonly tokens: IToken[],
    start: number,
    private readonly stop: number,
    private readonly lines: Lines,
    private readonly report: (code: Code, message: string, from: number, to: number) => void,
    private readonly env: IlEnvironment,
  ) {
    this.i = start;
  }

  private peek(k = 0): IToken | undefined {
    return this.i + k < this.stop ? this.tokens[this.i + k] : undefined;
  }

  private next(): IToken {
    const t = this.peek();
    if (!t) throw new SyntaxError('unexpected end of the POU', this.tokens[this.stop]);
    this.i++;
    return t;
  }

  private expect(image: string, what = `'${image}'`): IToken {
    const t = this.peek();
    if (word(t) !== image) throw new SyntaxError(`expected ${what}, found ${t ? `'${t.image}'` : 'the end of the POU'}`, t ?? this.tokens[this.stop]);
    return this.next();
  }

  private name(what: string): IToken {
    const t = this.peek();
    if (!isName(t)) throw new SyntaxError(`expected ${what}, found ${t ? `'${t.image}'` : 'the end of the POU'}`, t ?? this.tokens[this.stop]);
    return this.next();
  }

  private pos(t: IToken): Position {
    return this.lines.at(t.startOffset);
  }

  /** The raw text from token a to token b (inclusive), as lines with their positions. */
  private slice(a: IToken, b: IToken): SfcLine[] {
    const text = this.lines.text.slice(a.startOffset, b.startOffset + b.image.length);
    const out: SfcLine[] = [];
    let offset = a.startOffset;
    for (const part of text.split('\n')) {
      out.push({ text: part.replace(/\r$/, ''), at: this.lines.at(offset) });
      offset += part.length + 1;
    }
    return out;
  }

  /** Read every element from here to the end of the POU into the chart. */
  read(chart: SfcChart): boolean {
    let ok = true;
    while (this.i < this.stop) {
      if (!startsElement(this.tokens, this.i)) {
        this.i++;
        continue;
      }
      const first = this.tokens[this.i]!;
      const endWord = word(first) === 'TRANSITION' ? 'END_TRANSITION' : 'END_STEP';
      this.partialStep = undefined;
      this.partialTransition = undefined;
      try {
        if (endWord === 'END_STEP') chart.steps.push(this.step());
        else chart.transitions.push(this.transition());
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        // what was read before the error still counts, so that it causes no more errors
        if (this.partialStep) chart.steps.push(this.partialStep);
        if (this.partialTransition) chart.transitions.push(this.partialTransition);
        const t = e.token;
        this.report(e.code, e.message, t ? t.startOffset : first.startOffset, t ? t.startOffset + Math.max(1, t.image.length) : first.startOffset + 1);
        ok = false;
        while (this.i < this.stop && word(this.tokens[this.i]) !== endWord) this.i++;
        if (this.i < this.stop) this.i++;
      }
      const last = this.tokens[this.i - 1]!;
      this.spans.push([first.startOffset, last.startOffset + last.image.length]);
    }
    return ok;
  }

  private step(): SfcStep {
    const initial = word(this.next()) === 'INITIAL_STEP';
    const name = this.name('the name of the step');
    this.expect(':');
    const step: SfcStep = { name: name.image, initial, associations: [], at: this.pos(name) };
    this.partialStep = step;
    while (word(this.peek()) !== 'END_STEP') {
      const action = this.name("an action association such as 'Fill(N);' or END_STEP");
      let qualifier: Qualifier = 'N';
      let duration: SfcLine | undefined;
      if (this.peek()?.image === '(') {
        this.next();
        const q = this.peek();
        if (isName(q) && (QUALIFIERS as readonly string[]).includes(word(q))) {
          qualifier = word(this.next()) as Qualifier;
          // a name after the comma is an indicator, unless the qualifier takes a duration
          const isIndicator = isName(this.tokens[this.i + 1]) && [',', ')'].includes(this.tokens[this.i + 2]?.image ?? '');
          if (this.peek()?.image === ',' && (TIMED.has(qualifier) || !isIndicator)) {
            this.next();
            const from = this.peek();
            let depth = 0;
            let last: IToken | undefined;
            while (this.peek() && !(depth === 0 && (this.peek()!.image === ',' || this.peek()!.image === ')'))) {
              const t = this.next();
              if (t.image === '(') depth++;
              if (t.image === ')') depth--;
              last = t;
            }
            if (!from || !last) throw new SyntaxError(`expected the duration of qualifier ${qualifier}`, this.peek());
            duration = { text: this.slice(from, last).map((l) => l.text).join(' '), at: this.pos(from) };
          }
        } else if (q && q.image !== ')' && !isName(q)) {
          throw new SyntaxError(`expected an action qualifier (${QUALIFIERS.join(', ')}), found '${q.image}'`, q);
        } else if (isName(q) && this.tokens[this.i + 1]?.image !== ',' && this.tokens[this.i + 1]?.image !== ')') {
          throw new SyntaxError(`'${q!.image}' is not an action qualifier (${QUALIFIERS.join(', ')})`, q);
        } else if (isName(q) && !(QUALIFIERS as readonly string[]).includes(word(q))) {
          // `Fill(Q1)` with an unknown qualifier: reported as such rather than read as an indicator
          this.report('E2104', `'${q!.image}' is not an action qualifier (${QUALIFIERS.join(', ')})`, q!.startOffset, q!.startOffset + q!.image.length);
          this.next();
        }
        // indicator variables only show state in graphical editors
        while (this.peek()?.image === ',') {
          this.next();
          this.name('an indicator variable');
        }
        this.expect(')');
      }
      this.expect(';');
      const a = { action: action.image, qualifier, at: this.pos(action) };
      step.associations.push(duration ? { ...a, duration } : a);
    }
    this.next();
    return step;
  }

  private steps(): string[] {
    if (this.peek()?.image !== '(') return [this.name('a step name').image];
    this.next();
    const out = [this.name('a step name').image];
    while (this.peek()?.image === ',') {
      this.next();
      out.push(this.name('a step name').image);
    }
    this.expect(')');
    return out;
  }

  private transition(): SfcTransition {
    const kw = this.next();
    const t: SfcTransition = { from: [], to: [], statements: [], condition: [], at: this.pos(kw) };
    if (isName(this.peek()) && word(this.peek()) !== 'FROM') {
      const n = this.next();
      t.name = n.image;
      t.at = this.pos(n);
    }
    if (this.peek()?.image === '(') {
      this.next();
      this.expect('PRIORITY');
      this.expect(':=');
      const p = this.next();
      if (!/^\d+$/.test(p.image)) throw new SyntaxError(`the priority must be an integer, found '${p.image}'`, p);
      t.priority = Number(p.image);
      this.expect(')');
    }
    this.expect('FROM');
    t.from = this.steps();
    this.expect('TO');
    t.to = this.steps();
    const sep = this.peek();
    this.partialTransition = { ...t, condition: [{ text: 'FALSE', at: t.at }] };
    let end = this.i;
    while (end < this.stop && word(this.tokens[end]) !== 'END_TRANSITION') end++;
    if (end >= this.stop) throw new SyntaxError('expected END_TRANSITION', this.tokens[this.stop]);
    if (sep?.image === ':') {
      this.ilBody(t, sep, this.tokens[end]!);
      this.i = end + 1;
      return t;
    }
    this.expect(':=', "':=' (an ST expression) or ':' (an IL body) and the condition");
    // the condition runs to the last ';' before END_TRANSITION
    const semi = end - 1;
    if (this.tokens[semi]?.image !== ';') throw new SyntaxError("expected ';' after the condition", this.tokens[end]);
    if (semi > this.i) t.condition = this.slice(this.tokens[this.i]!, this.tokens[semi - 1]!);
    this.i = end + 1;
    return t;
  }

  /**
   * `TRANSITION … : <instruction list> END_TRANSITION`: the instructions run when the source
   * steps are active, and the current result at the end is the condition (IEC 61131-3 6.7.2).
   */
  private ilBody(t: SfcTransition, sep: IToken, end: IToken): void {
    t.condition = [{ text: 'FALSE', at: this.pos(sep) }];
    const from = sep.startOffset + 1;
    const text = this.lines.text.slice(from, end.startOffset);
    const il: { text: string; line: number; col: number }[] = [];
    let offset = from;
    for (const part of text.split('\n')) {
      il.push({ text: part.replace(/\r$/, ''), ...this.lines.at(offset) });
      offset += part.length + 1;
    }
    for (const l of il) {
      const m = IL_LEAVES.exec(l.text);
      if (!m) continue;
      const at = this.lines.offset(l) + l.text.indexOf(m[1]!);
      this.report('E2105', `${m[1]!.toUpperCase()} in the IL of a transition: a condition cannot jump or return out of the chart; compute it with conditional loads instead`, at, at + m[1]!.length);
      return;
    }
    const statements: SfcLine[] = [];
    const out = { line: (text: string, at: Position, anchor = 0) => statements.push({ text, at: { line: at.line, col: Math.max(1, at.col - anchor) } }) };
    const report = (code: Code, message: string, at: Position, length: number) => {
      const o = this.lines.offset(at);
      this.report(code, message, o, o + length);
    };
    const r = translateIl(il, this.env, out, report, { keepResult: true, indent: '    ' });
    if (!r.ok) return;
    if (r.result === undefined) {
      this.report('E2102', 'the IL of this transition ends without a current result: end it with the condition loaded (LD …)', sep.startOffset, sep.startOffset + 1);
      return;
    }
    for (const temp of r.temps) if (!this.temps.some((x) => key(x.name) === key(temp.name))) this.temps.push(temp);
    t.statements = statements;
    // the condition's type is checked where the list begins
    const first = il.find((l) => l.text.trim() !== '')!;
    t.condition = [{ text: r.result, at: { line: first.line, col: first.col + first.text.search(/\S/) } }];
  }
}


class LineBuilder implements SfcWriter {
  readonly lines: string[] = [];
  readonly origins: LineOrigin[] = [];
  line(text: string, at: Position, anchor = 0): void {
    this.lines.push(text);
    // generated text before the anchor maps to the element's line start at the earliest
    this.origins.push({ line: at.line, col: Math.max(1, at.col - anchor) });
  }
}

/** Does the text hold a sequential function chart (an INITIAL_STEP, STEP or TRANSITION)? */
export function hasCharts(tokens: IToken[]): boolean {
  return tokens.some((t, i) => startsElement(tokens, i));
}

/**
 * The file with its charts turned into ST, or undefined when it has none. Positions of the
 * result map to the file as written.
 */
export function sfcToSt(file: SourceFile, tokens: IToken[]): { file: SourceFile; diagnostics: Diagnostic[] } | undefined {
  if (!hasCharts(tokens)) return undefined;
  const diagnostics: Diagnostic[] = [];
  const lines = new Lines(file.text);
  const report = (code: Code, message: string, from: number, to: number) => diagnostics.push(diagnostic(code, message, file.range(from, to)));
  const charts: ChartPou[] = [];
  const spans: [number, number][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const kw = word(tokens[i]);
    const endWord = POU_ENDS[kw];
    if (!endWord || !isName(tokens[i + 1])) continue;
    let j = i + 1;
    while (j < tokens.length && word(tokens[j]) !== endWord) j++;
    const nameTok = tokens[i + 1]!;
    const declared = new Set<string>();
    let first = -1;
    for (let k = i + 2; k < j; k++) {
      if (word(tokens[k]) === 'ACTION' && isName(tokens[k + 1])) declared.add(key(tokens[k + 1]!.image));
      if (first < 0 && startsElement(tokens, k)) first = k;
    }
    if (first >= 0 && j < tokens.length) {
      const chart: SfcChart = {
        pou: nameTok.image, pouType: POU_TYPES[kw]!, steps: [], transitions: [], actions: declared, preamble: [],
        at: lines.at(nameTok.startOffset),
      };
      const reader = new ChartReader(tokens, first, j, lines, report, textEnvironment(tokens, i + 2, j, chart.pouType));
      const ok = reader.read(chart);
      spans.push(...reader.spans);
      charts.push({ chart, end: tokens[j]!, ok, temps: reader.temps });
    }
    i = j;
  }
  if (charts.length === 0) return undefined;

  // blank the chart elements, keeping line breaks so that every other line stays where it was
  let text = file.text;
  for (const [a, b] of spans) text = text.slice(0, a) + text.slice(a, b).replace(/[^\r\n]/g, ' ') + text.slice(b);
  const out = new LineBuilder();
  const source = text.split('\n');
  let lineNo = 1;
  let colFrom = 1;
  const copyUntil = (pos: Position) => {
    while (lineNo < pos.line) {
      out.line(source[lineNo - 1]!.slice(colFrom - 1), { line: lineNo, col: colFrom });
      lineNo++;
      colFrom = 1;
    }
    const head = source[lineNo - 1]!.slice(colFrom - 1, pos.col - 1);
    if (head.trim() !== '') out.line(head, { line: lineNo, col: colFrom });
    colFrom = pos.col;
  };
  for (const c of charts) {
    copyUntil(lines.at(c.end.startOffset));
    const ok = checkChart(c.chart, (code, message, at, length) => {
      const p = file.mapLineCol(at.line, at.col);
      diagnostics.push(diagnostic(code, message, { file: file.path, line: p.line, col: p.col, endLine: p.line, endCol: p.col + length }));
    });
    if (!ok || !c.ok) continue;
    out.line('  VAR', c.chart.at, 2);
    for (const temp of c.temps) out.line(`    ${temp.name} : ${temp.type};`, c.chart.at, 4);
    writeChartVars(c.chart, out, '    ');
    out.line('  END_VAR', c.chart.at, 2);
    writeChartBody(c.chart, out);
  }
  for (; lineNo <= source.length; lineNo++, colFrom = 1) out.line(source[lineNo - 1]!.slice(colFrom - 1), { line: lineNo, col: colFrom });
  const origins = out.origins.map((o) => file.mapLineCol(o.line, o.col));
  return { file: new SourceFile(file.path, out.lines.join('\n'), origins), diagnostics };
}
