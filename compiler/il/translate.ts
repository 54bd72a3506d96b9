/**
 * IL instructions → ST statements.
 *
 * The current result (CR) is held as an ST expression while it only flows from operator to
 * operator (`LD a` `ADD b` `GT c` is `(a + b) > c`), and written out where an instruction stores
 * it, tests it or calls with it. It is typed as the standard wants: its type follows what was
 * loaded and what the operators make of it. It is kept in a typed variable (`_IL_CR_INT`) only
 * where it must survive: across a jump or a label that reads it (a liveness analysis of the
 * list tells where), or where a store would change a variable the expression still reads.
 * Every generated line maps to the IL line (and the operand's column) it came from.
 */
import { key } from '../st/ast.js';
import type { Position } from '../source.js';
import { functionResultType, operandType, type IlEnvironment } from './environment.js';
import { parseIl, type IlArgument, type IlInstruction, type IlLine } from './parse.js';

/** Where generated ST goes (the PLCopen importer's StWriter is one). */
export interface IlOutput {
  line(text: string, at: Position, anchor?: number): void;
}

export interface IlTemp {
  name: string;
  type: string;
}

export type IlReport = (code: 'E1020' | 'E1021', message: string, at: Position, length: number) => void;

export interface IlOptions {
  /** put before every generated line */
  indent?: string;
  /** the CR at the end is wanted (an SFC transition condition written in IL) */
  keepResult?: boolean;
}

export interface IlTranslation {
  ok: boolean;
  /** variables the translation uses, to be declared in the POU's VAR section */
  temps: IlTemp[];
  /** the current result at the end of the list, as an ST expression */
  result?: string;
}

interface Cr {
  expr: string;
  type?: string;
}

type Op = IlInstruction & { kind: 'op' | 'call' };

const SYMBOLS: Readonly<Record<string, string>> = {
  AND: 'AND', OR: 'OR', XOR: 'XOR', ADD: '+', SUB: '-', MUL: '*', DIV: '/', MOD: 'MOD',
  GT: '>', GE: '>=', EQ: '=', NE: '<>', LE: '<=', LT: '<',
};
const COMPARISONS = new Set(['GT', 'GE', 'EQ', 'NE', 'LE', 'LT']);
const FB_INPUTS = new Set(['S1', 'R1', 'CLK', 'CU', 'CD', 'PV', 'IN', 'PT']);
const ELEMENTARY = /^(BOOL|BYTE|WORD|DWORD|LWORD|U?[SDL]?INT|L?REAL|L?TIME|L?DATE|L?TOD|L?DT|TIME_OF_DAY|DATE_AND_TIME|W?STRING.*)$/i;

const PATH = /^[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)*$/;
const LITERAL = /^([A-Za-z_]+#)?[+-]?(\d[\w.#+-]*|'[^']*'|"[^"]*"|TRUE|FALSE)$|^(TRUE|FALSE)$/i;

/**
 * CR expressions carry where each part came from: a marker `\u0001line,col\u0002` before the
 * text an instruction contributed, `\u0001H\u0002` back to the instruction being written.
 * Emitting a statement breaks its text at markers into lines, each mapped to its IL line, so
 * that `ADD undeclared` is reported on its own line even when `ST` writes the sum.
 */
const MARK = /\u0001([^\u0002]*)\u0002/g;
const HERE = '\u0001H\u0002';

function mark(at: Position, text: string, operand?: string): string {
  const idx = operand ? text.indexOf(operand) : 0;
  return `\u0001${at.line},${Math.max(1, at.col - Math.max(0, idx))}\u0002${text}`;
}

/** The expression without its position markers. */
export function plain(e: string): string {
  return e.replace(MARK, '');
}

function isSimple(e: string): boolean {
  const p = plain(e);
  return PATH.test(p) || LITERAL.test(p) || /^%[IQM][XBWDL]?[\d.]+$/i.test(p);
}

function paren(e: string): string {
  return isSimple(e) ? e : `(${e})`;
}

/** Does `expr` read the variable `name` (as a whole word)? */
function mentions(expr: string, name: string): boolean {
  return new RegExp(`(^|[^\\w.#])${name.replace(/[^\w]/g, '')}\\b`, 'i').test(plain(expr));
}

/** Only literals and operators: its value cannot change between two reads. */
function constant(expr: string): boolean {
  return !/[A-Za-z_]/.test(plain(expr).replace(/\b(MOD|AND|OR|XOR|NOT|TRUE|FALSE)\b|[A-Za-z_]+#[\w.:+-]+|'[^']*'/gi, ''));
}

/** An expression embedded in a statement, followed by a return to the statement's position. */
function embed(e: string): string {
  return e + HERE;
}

export class IlTranslator {
  private readonly ins: IlInstruction[];
  private readonly labels = new Map<string, number>();
  private liveIn: boolean[] = [];
  private readonly labelTypes = new Map<string, string>();
  private readonly temps = new Map<string, IlTemp>();
  private final = false;
  private ok = true;
  private readonly indent: string;

  constructor(lines: IlLine[], private readonly env: IlEnvironment, private readonly out: IlOutput, private readonly report: IlReport, private readonly options: IlOptions = {}) {
    this.indent = options.indent ?? '';
    const parsed = parseIl(lines);
    for (const e of parsed.errors) this.fail('E1020', e.message, e.at, e.length);
    this.ins = parsed.instructions;
  }

  translate(): IlTranslation {
    this.analyse();
    // the types at labels reached by jumps from below are known after one dry run
    this.run();
    this.run();
    this.final = true;
    const result = this.run();
    return { ok: this.ok, temps: [...this.temps.values()], result };
  }

  private fail(code: 'E1020' | 'E1021', message: string, at: Position, length = 1): void {
    this.ok = false;
    this.report(code, message, at, length);
  }

  /** Report only in the final run (the dry runs would report each problem thrice). */
  private problem(code: 'E1020' | 'E1021', message: string, at: Position, length = 1): void {
    if (this.final) this.fail(code, message, at, length);
  }

  // ------------------------------------------------------------------ analysis

  private analyse(): void {
    this.ins.forEach((x, i) => {
      if (x.kind !== 'label') return;
      if (this.labels.has(key(x.name))) this.fail('E1021', `label '${x.name}' is defined twice`, x.at, x.name.length);
      else this.labels.set(key(x.name), i);
    });
    for (const x of this.ins) {
      if (x.kind === 'op' && x.op === 'JMP' && !this.labels.has(key(x.operand))) {
        this.fail('E1021', `jump to '${x.operand}', a label this list does not have`, x.operandAt, x.operand.length);
      }
    }
    // liveness of the current result: does some path from here read it before loading it?
    const n = this.ins.length;
    const uses = (x: IlInstruction): boolean => {
      if (x.kind === 'label') return false;
      if (x.kind === 'close') return true;
      if (x.kind === 'call') return !x.formalCall;
      if (x.op === 'LD') return false;
      if (x.op === 'JMP' || x.op === 'RET' || x.op === 'CAL') return x.conditional;
      return true;
    };
    const defines = (x: IlInstruction): boolean =>
      x.kind === 'close' || x.kind === 'call' ||
      (x.kind === 'op' && !['ST', 'S', 'R', 'JMP', 'RET', ...FB_INPUTS].includes(x.op));
    const succ = (i: number): number[] => {
      const x = this.ins[i]!;
      const next = i + 1 < n ? [i + 1] : [];
      if (x.kind === 'op' && x.op === 'JMP') {
        const t = this.labels.get(key(x.operand));
        const target = t === undefined ? [] : [t];
        return x.conditional ? [...target, ...next] : target;
      }
      if (x.kind === 'op' && x.op === 'RET' && !x.conditional) return [];
      return next;
    };
    const live = new Array<boolean>(n).fill(false);
    for (let changed = true; changed;) {
      changed = false;
      for (let i = n - 1; i >= 0; i--) {
        const x = this.ins[i]!;
        const s = succ(i);
        const out = s.some((j) => live[j]) || (s.length === 0 && !!this.options.keepResult && !(x.kind === 'op' && x.op === 'RET'));
        const v = uses(x) || (!defines(x) && out);
        if (v !== live[i]) {
          live[i] = v;
          changed = true;
        }
      }
    }
    this.liveIn = live;
  }

  private liveAfter(i: number): boolean {
    return i + 1 < this.ins.length ? this.liveIn[i + 1]! : !!this.options.keepResult;
  }

  // ------------------------------------------------------------------ emission

  private emit(text: string, x: IlInstruction, operand?: string): void {
    if (!this.final) return;
    const own = x.kind === 'op' || x.kind === 'call' ? x : undefined;
    // segments of the text, each with where it came from
    const segments: { text: string; at: Position; anchor: number }[] = [];
    let last = 0;
    let at: Position = x.at;
    let anchor = 0;
    const first = plain(text.split('\u0001')[0]!);
    if (own && operand) {
      // the operand's column: where a store begins with it, else its last whole occurrence
      let idx = -1;
      if (first.startsWith(operand)) idx = 0;
      else {
        const re = new RegExp(`(?<![\\w.])${operand.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`, 'g');
        for (let m = re.exec(first); m; m = re.exec(first)) idx = m.index;
      }
      if (idx >= 0) {
        at = own.operandAt;
        anchor = idx;
      }
    }
    const ownAt = { line: at.line, col: Math.max(1, at.col - anchor) };
    let current = ownAt;
    for (const m of text.matchAll(MARK)) {
      segments.push({ text: text.slice(last, m.index), at: current, anchor: 0 });
      const [l, c] = m[1]!.split(',');
      current = m[1] === 'H' ? ownAt : { line: Number(l), col: Number(c) };
      last = m.index! + m[0].length;
    }
    segments.push({ text: text.slice(last), at: current, anchor: 0 });
    // one generated line per run of segments from the same IL line
    const lines: { text: string; at: Position }[] = [];
    for (const seg of segments) {
      const prev = lines[lines.length - 1];
      if (prev && prev.at.line === seg.at.line) prev.text += seg.text;
      else if (seg.text !== '') lines.push({ text: seg.text, at: seg.at });
    }
    // continuation lines are not indented, so that their columns map exactly
    lines.forEach((l, k) => this.out.line(k === 0 ? this.indent + l.text : l.text.trimStart(), l.at, k === 0 ? this.indent.length : 0));
  }

  private slot(type: string, depth: number): string {
    const name = `_IL_CR${depth > 0 ? depth : ''}_${type.toUpperCase().replace(/\W+/g, '_')}`;
    if (this.final && !this.temps.has(name)) this.temps.set(name, { name, type });
    return name;
  }

  /** Keep the CR in a variable, so that what it reads may change. */
  private keep(cr: Cr, depth: number, x: IlInstruction): Cr {
    if (LITERAL.test(plain(cr.expr)) || constant(cr.expr)) return cr;
    if (cr.type === undefined) {
      this.problem('E1021', `cannot tell the type of the current result (${plain(cr.expr)}), which must be kept here: declare what it reads, or use a typed literal (INT#5)`, x.at);
      return cr;
    }
    const name = this.slot(cr.type, depth);
    if (name !== plain(cr.expr)) this.emit(`${name} := ${embed(cr.expr)};`, x);
    return { expr: name, type: cr.type };
  }

  /** The type of the CR where label `k` is reached: from the jumps to it, else what reads it after. */
  private labelType(k: string, i: number): string | undefined {
    const known = this.labelTypes.get(k);
    if (known) return known;
    for (let j = i + 1; j < this.ins.length; j++) {
      const x = this.ins[j]!;
      if (x.kind !== 'op') return undefined;
      if (x.op === 'JMP' && x.conditional) return 'BOOL';
      if (['ST', 'AND', 'OR', 'XOR', 'ADD', 'SUB', 'MUL', 'DIV', 'MOD', ...COMPARISONS].includes(x.op) && !x.open) {
        const t = operandType(this.env, x.operand);
        if (t) return t;
      }
      if (x.op !== 'ST' && x.op !== 'S' && x.op !== 'R') return undefined;
    }
    return undefined;
  }

  private reach(k: string, cr: Cr | undefined, x: IlInstruction): string {
    if (cr?.type) {
      const had = this.labelTypes.get(k);
      if (had && key(had) !== key(cr.type)) this.problem('E1021', `the current result is ${cr.type} here but ${had} on another way to label '${this.labelName(k)}'`, x.at);
      else if (!had) this.labelTypes.set(k, cr.type);
    }
    const type = this.labelType(k, this.labels.get(k)!);
    if (!cr) {
      this.problem('E1021', `label '${this.labelName(k)}' reads the current result, but there is none here`, x.at);
      return '';
    }
    if (!type) {
      this.problem('E1021', `cannot tell the type of the current result at label '${this.labelName(k)}': use a typed literal (INT#5) or a declared variable`, x.at);
      return '';
    }
    const s = this.slot(type, 0);
    return s === plain(cr.expr) ? '' : `${s} := ${embed(cr.expr)}; `;
  }

  private labelName(k: string): string {
    const x = this.ins[this.labels.get(k)!]!;
    return x.kind === 'label' ? x.name : k;
  }

  /** `a op b`, the operator and `b` marked at `at` (the instruction that applies them). */
  private combine(op: string, negated: boolean, a: Cr, bExpr: string, bType: string | undefined, at: Position, operand?: string): Cr {
    const b = negated ? `NOT ${paren(bExpr)}` : bExpr;
    return { expr: `${paren(a.expr)} ${mark(at, `${SYMBOLS[op]} ${paren(b)}`, operand)}`, type: COMPARISONS.has(op) ? 'BOOL' : a.type ?? bType };
  }

  private args(list: IlArgument[]): string {
    return list.map((a) => (a.formal ? `${a.negated ? 'NOT ' : ''}${a.formal} ${a.output ? '=>' : ':='} ${a.value}` : a.value)).join(', ');
  }

  /** One pass over the list; emits only in the final one. Returns the CR at the end. */
  private run(): string | undefined {
    let cr: Cr | undefined;
    let reachable = true;
    const stack: { op: string; negated: boolean; saved: Cr; at: Position }[] = [];
    const need = (x: Op): Cr | undefined => {
      // after JMP or RET nothing flows in until a label: the code is translated, but unreachable
      if (!cr && reachable) this.problem('E1021', `${x.op} needs a current result: load one with LD first`, x.at, x.op.length);
      return cr;
    };
    for (let i = 0; i < this.ins.length; i++) {
      const x = this.ins[i]!;
      if (x.kind === 'label') {
        if (stack.length > 0) this.problem('E1020', `label '${x.name}' inside a parenthesised expression`, x.at, x.name.length);
        const k = key(x.name);
        if (this.liveIn[i]) {
          const store = reachable ? this.reach(k, cr, x) : '';
          if (store) this.emit(store.trim(), x);
          const type = this.labelType(k, i);
          cr = type ? { expr: this.slot(type, 0), type } : undefined;
        } else cr = undefined;
        this.emit(`${x.name}:`, x);
        reachable = true;
        continue;
      }
      if (x.kind === 'close') {
        const frame = stack.pop();
        if (!frame) {
          this.problem('E1020', "')' without '('", x.at);
          continue;
        }
        if (!cr) {
          this.problem('E1021', 'the parenthesised expression has no value: start it with an operand or LD', x.at);
          cr = frame.saved;
          continue;
        }
        cr = this.combine(frame.op, frame.negated, frame.saved, cr.expr, cr.type, frame.at);
        continue;
      }
      if (x.kind === 'call') {
        if (x.formalCall) {
          const types = (x.args ?? []).map((a) => operandType(this.env, a.value));
          cr = { expr: mark(x.at, `${x.op}(${this.args(x.args ?? [])})`), type: functionResultType(this.env, x.op, types) };
        } else {
          const c = need(x);
          if (!c) continue;
          const rest = x.args ?? [];
          const types = [c.type, ...rest.map((a) => operandType(this.env, a.value))];
          const tail = rest.length > 0 ? mark(x.operandAt, `, ${rest.map((a) => a.value).join(', ')}`, rest[0]!.value) : '';
          cr = { expr: `${mark(x.at, `${x.op}(`)}${c.expr}${tail})`, type: functionResultType(this.env, x.op, types) };
        }
        continue;
      }
      const operand = x.operand;
      const depth = stack.length;
      switch (x.op) {
        case 'LD':
          cr = { expr: mark(x.operandAt, x.negated ? `NOT ${paren(operand)}` : operand, operand), type: operandType(this.env, operand) };
          continue;
        case 'ST': {
          let c = need(x);
          if (!c) continue;
          const root = /^[A-Za-z_]\w*/.exec(operand)?.[0] ?? operand;
          const path = PATH.test(operand);
          if (this.liveAfter(i) && mentions(c.expr, root) && (x.negated || !path)) c = this.keep(c, depth, x);
          this.emit(`${operand} := ${embed(x.negated ? `NOT ${paren(c.expr)}` : c.expr)};`, x, operand);
          cr = !x.negated && path && !isSimple(c.expr) ? { expr: mark(x.operandAt, operand, operand), type: c.type ?? operandType(this.env, operand) } : c;
          continue;
        }
        case 'S':
        case 'R': {
          let c = need(x);
          if (!c) continue;
          const type = operandType(this.env, operand);
          if (type && !ELEMENTARY.test(type) && this.env.fbInputs(type)) {
            this.emit(`${operand}.${x.op} := ${embed(c.expr)};`, x, operand);
            continue;
          }
          const root = /^[A-Za-z_]\w*/.exec(operand)?.[0] ?? operand;
          if (this.liveAfter(i) && mentions(c.expr, root)) c = this.keep(c, depth, x);
          const v = x.op === 'S' ? 'TRUE' : 'FALSE';
          this.emit(plain(c.expr) === 'TRUE' ? `${operand} := ${v};` : `IF ${embed(c.expr)} THEN ${operand} := ${v}; END_IF;`, x, operand);
          cr = c;
          continue;
        }
        case 'NOT': {
          const c = need(x);
          if (c) cr = { expr: `${mark(x.at, 'NOT ')}${paren(c.expr)}`, type: c.type };
          continue;
        }
        case 'JMP': {
          if (depth > 0) {
            this.problem('E1020', 'a jump inside a parenthesised expression', x.at, 3);
            continue;
          }
          const k = key(operand);
          const t = this.labels.get(k);
          const store = t !== undefined && this.liveIn[t] && (reachable || cr) ? this.reach(k, cr, x) : '';
          if (!x.conditional) {
            this.emit(`${store}JMP ${operand};`, x, operand);
            reachable = false;
            continue;
          }
          const c = need(x);
          if (!c) continue;
          this.emit(`IF ${embed(x.negated ? `NOT ${paren(c.expr)}` : c.expr)} THEN ${store}JMP ${operand}; END_IF;`, x, operand);
          continue;
        }
        case 'RET': {
          if (!x.conditional) {
            this.emit('RETURN;', x);
            reachable = false;
            continue;
          }
          const c = need(x);
          if (c) this.emit(`IF ${embed(x.negated ? `NOT ${paren(c.expr)}` : c.expr)} THEN RETURN; END_IF;`, x);
          continue;
        }
        case 'CAL': {
          let call = `${operand}(`;
          const list = x.args ?? [];
          if (list.some((a) => !a.formal)) {
            if (list.some((a) => a.formal)) {
              this.problem('E1020', 'CAL mixes formal (name := value) and positional arguments', x.operandAt, operand.length);
              continue;
            }
            const type = operandType(this.env, operand);
            const inputs = type ? this.env.fbInputs(type) : undefined;
            if (!inputs) {
              this.problem('E1021', `CAL ${operand} with positional arguments needs the inputs of its type, which vPLC cannot tell here: name them (IN := …)`, x.operandAt, operand.length);
              continue;
            }
            if (list.length > inputs.length) {
              this.problem('E1021', `CAL ${operand} passes ${list.length} arguments, but ${type} has ${inputs.length} inputs`, x.operandAt, operand.length);
              continue;
            }
            call += list.map((a, j) => `${inputs[j]} := ${a.value}`).join(', ');
          } else call += this.args(list);
          call += ');';
          if (x.conditional) {
            const c = need(x);
            if (!c) continue;
            call = `IF ${embed(x.negated ? `NOT ${paren(c.expr)}` : c.expr)} THEN ${call} END_IF;`;
          }
          this.emit(call, x, operand);
          cr = undefined; // the standard leaves the current result undefined after a CAL
          continue;
        }
        default: {
          if (FB_INPUTS.has(x.op)) {
            const c = need(x);
            if (c) this.emit(`${operand}.${x.op} := ${embed(c.expr)};`, x, operand);
            continue;
          }
          // AND, OR, XOR, arithmetic, comparison; `op(` opens an expression
          const c = need(x);
          if (!c) continue;
          if (x.open) {
            stack.push({ op: x.op, negated: x.negated, saved: c, at: x.at });
            cr = operand === '' ? undefined : { expr: mark(x.operandAt, operand, operand), type: operandType(this.env, operand) };
            continue;
          }
          cr = this.combine(x.op, x.negated, c, operand, operandType(this.env, operand), x.operandAt, operand);
        }
      }
    }
    if (stack.length > 0) this.problem('E1020', `'${stack[stack.length - 1]!.op}(' is not closed with ')'`, stack[stack.length - 1]!.at);
    return cr ? plain(cr.expr) : undefined;
  }
}

/** Translate IL lines into ST statements written to `out`. */
export function translateIl(lines: IlLine[], env: IlEnvironment, out: IlOutput, report: IlReport, options: IlOptions = {}): IlTranslation {
  return new IlTranslator(lines, env, out, report, options).translate();
}
