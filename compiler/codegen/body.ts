/**
 * JavaScript for POU bodies, typed by the checker's annotations. Integers wrap to their width
 * at every operation; REAL is rounded where stored; division and indexing check and fault with
 * the POU, file and line. This file holds the statements (labels and JMP, loops through
 * loop-code.ts); expressions are in expression-code.ts, calls in call-code.ts, variables,
 * references and stores in variable-code.ts.
 */
import type { ElementaryTypeName } from '../application.js';
import type { Expr, Stmt, VarDecl } from '../st/ast.js';
import type { VarSymbol } from '../semantics/symbols.js';
import { key } from '../st/ast.js';
import { concrete } from '../types/common-type.js';
import { ELEMENTARY, isBig, sameType, type Type } from '../types/types.js';
import { copyValue, isScalar, typedArrayFor } from './values.js';
import { wrapInt } from './convert.js';
import { assignsAfterValue, mayChange, type IntRange } from './index-range.js';
import { branchFacts } from './branch-facts.js';
import { oneBitTest, selectOf } from './if-conversion.js';
import { assignedRange } from './loop-versioning.js';
import { LoopEmitter } from './loop-code.js';
import { cellCode, isCellTarget } from './references.js';
import { isSingle } from './real-rounding.js';
import { CallCode } from './call-code.js';
import { withFlagExits } from './flag-exits.js';
import { isCount, loopCounters } from './loop-counters.js';

export { convertLiteral } from './literal-code.js';
export type { BodyOptions, SiteTable } from './variable-code.js';

/** Emits one function body (program/FB body, method, action, function). */
export class BodyEmitter extends CallCode {
  private loopLabels: string[] = [];

  // ------------------------------------------------------------ statements

  /** `given`: facts that hold where the statements start (a branch's, branch-facts.ts). */
  body(stmts: Stmt[], given?: Map<VarDecl, IntRange>): void {
    // a label could be reached from a JMP after the facts stopped holding
    if (stmts.some((s) => s.kind === 'label')) return this.bodyWithLabels(stmts);
    // `n := e` with e's range known from the loop facts (an index computed from FOR variables,
    // `n := ch * 4 + s`) holds for the statements after it, until one of them may write n
    // made at the first such statement: most blocks have none
    let saved: Map<VarDecl, IntRange | undefined> | undefined;
    const learn = (d: VarDecl, r: IntRange) => {
      saved ??= new Map();
      if (!saved.has(d)) saved.set(d, this.loopFacts.get(d));
      this.loopFacts.set(d, r);
    };
    given?.forEach((r, d) => learn(d, r));
    const after: VarDecl[] = [];
    for (const s of stmts) {
      // a fact ends where a statement may write its variable; `n := n - 1` still reads n under it
      if (saved) {
        for (const d of saved.keys()) {
          if (!this.loopFacts.has(d) || !mayChange(s, d, this.o.ann)) continue;
          if (assignsAfterValue(s, d, this.o.ann)) after.push(d);
          else this.restoreFact(saved, d);
        }
      }
      this.stmt(s);
      const fact = this.loopFacts.size ? assignedRange(s, this.loopFacts, this.o.ann) : undefined;
      for (const d of after) this.restoreFact(saved!, d);
      after.length = 0;
      if (fact) learn(fact.decl, fact.range);
    }
    if (saved) for (const d of saved.keys()) this.restoreFact(saved, d);
  }

  /** label → case number of the dispatch loop of the body being emitted */
  private jumpTargets = new Map<string, number>();

  /**
   * A body with labels becomes a dispatch loop: each label starts a case of a switch that falls
   * through to the next, and JMP sets the case and continues the loop (from any nesting depth).
   * Bodies without labels are emitted as before, so JMP costs nothing where it is not used.
   */
  private bodyWithLabels(stmts: Stmt[]): void {
    const outer = this.jumpTargets;
    this.jumpTargets = new Map();
    for (const s of stmts) if (s.kind === 'label') this.jumpTargets.set(key(s.name), this.jumpTargets.size + 1);
    this.emit('{ let $pc = 0;');
    this.emit('$jmp: for (;;) {');
    this.emit('switch ($pc) {');
    this.emit('case 0:');
    this.indent++;
    for (const s of stmts) {
      if (s.kind === 'label') {
        this.indent--;
        this.emit(`case ${this.jumpTargets.get(key(s.name))}: // ${s.name}`);
        this.indent++;
      } else this.stmt(s);
    }
    this.indent--;
    this.emit('}');
    this.emit('break;');
    this.emit('} }');
    this.jumpTargets = outer;
  }

  private block(stmts: Stmt[], given?: Map<VarDecl, IntRange>): void {
    this.indent++;
    this.body(stmts, given);
    this.indent--;
  }

  /** Loops record where they are in $trace, so that a watchdog can name the line that hangs. */
  private readonly loopSites: number[] = [];
  private enterLoop(line: number): void {
    const site = this.site(line);
    this.loopSites.push(site);
    this.emit(`$trace[0] = ${site + 1};`);
  }
  private leaveLoop(): void {
    this.loopSites.pop();
    const outer = this.loopSites[this.loopSites.length - 1];
    this.emit(`$trace[0] = ${outer === undefined ? 0 : outer + 1};`);
  }

  stmt(s: Stmt): void {
    switch (s.kind) {
      case 'assign':
        return this.assign(s);
      case 'callStmt': {
        const code = this.call(s.call, true);
        if (code) this.emit(`${code};`);
        return;
      }
      case 'if': {
        const select = selectOf(s, this.o.ann);
        if (select) {
          // both sides in the target's type (a subrange keeps its check in storeCode)
          const f = this.tmp();
          const tt = this.typeOf(select.target);
          const name = (select.type as { name: ElementaryTypeName }).name;
          const info = ELEMENTARY[name];
          const otherwise = this.expr(select.whenFalse, tt);
          const mask = this.selectMask(select.cond);
          const step = this.selectStep(select.whenTrue, otherwise, tt);
          const mix = step ? `${f} ${step.op} (${step.code} & ${mask})` : `${f} ^ ((${this.expr(select.whenTrue, tt)} ^ ${f}) & ${mask})`;
          this.emit(`${f} = ${otherwise};`);
          // a sum or difference wraps as the ST operation does; the bitwise mixes stay in the type
          // (a FOR loop's counter left unwrapped wraps after the loop, loop-counters.ts)
          const counted = select.whenTrue.kind === 'binary' && isCount(select.whenTrue, this.openCounters, this.o.ann);
          const sum = step && (step.op === '+' || step.op === '-') ? (counted ? `(${mix})` : wrapInt(mix, name)) : undefined;
          const value = sum ?? (info.bits === 32 && info.family !== 'signed' ? `((${mix}) >>> 0)` : `(${mix})`);
          this.emit(this.storeCode(select.target, value));
          return;
        }
        // each branch knows its condition held and the ones before it did not (branch-facts.ts)
        const failed = s.branches.map((b) => ({ cond: b.cond, holds: false }));
        s.branches.forEach((b, i) => {
          // an ELSIF's condition runs where the ones before it failed
          const cond = i === 0 ? this.test(b.cond) : this.underFacts(branchFacts(failed.slice(0, i), this.loopFacts, this.o.ann), () => this.test(b.cond));
          this.emit(`${i === 0 ? 'if' : '} else if'} (${cond}) {`);
          this.block(b.body, branchFacts([...failed.slice(0, i), { cond: b.cond, holds: true }], this.loopFacts, this.o.ann));
        });
        if (s.elseBody) {
          this.emit('} else {');
          this.block(s.elseBody, branchFacts(failed, this.loopFacts, this.o.ann));
        }
        this.emit('}');
        return;
      }
      case 'case': {
        const selType = concrete(this.typeOf(s.selector));
        const sel = this.tmp();
        this.emit(`${sel} = ${this.expr(s.selector, selType)};`);
        s.cases.forEach((c, i) => {
          const conds = c.labels.map((l) =>
            l.kind === 'value'
              ? `${sel} === ${this.expr(l.expr, selType)}`
              : `(${sel} >= ${this.expr(l.lo, selType)} && ${sel} <= ${this.expr(l.hi, selType)})`,
          );
          this.emit(`${i === 0 ? 'if' : '} else if'} (${conds.join(' || ') || 'false'}) {`);
          this.block(c.body);
        });
        if (s.elseBody) {
          if (s.cases.length) this.emit('} else {');
          else this.emit('{');
          this.block(s.elseBody);
        }
        if (s.cases.length || s.elseBody) this.emit('}');
        return;
      }
      case 'for':
        return this.loops.forStmt(s);
      case 'while':
        return this.loops.whileStmt(withFlagExits(s, this.o.ann));
      case 'repeat': {
        const r = withFlagExits(s, this.o.ann);
        const label = `$L${this.loopLabels.length + this.temps++}`;
        this.loopLabels.push(label);
        this.pushLoopScope(r.body);
        this.enterLoop(r.range.line);
        this.emit(`${label}: do {`);
        this.indent++;
        const until = this.test(r.until);
        this.loops.bodyCopies(label, r.body, r.until, until, `if (${until}) break;`, true, () => this.block(r.body));
        this.indent--;
        this.emit(`} while (!(${until}));`);
        this.leaveLoop();
        this.loopScopes.pop();
        this.loopLabels.pop();
        return;
      }
      case 'exit':
        this.emit(`break ${this.loopLabels[this.loopLabels.length - 1] ?? ''};`);
        return;
      case 'continue':
        this.emit(`break ${this.loopLabels[this.loopLabels.length - 1] ?? ''}c;`);
        return;
      case 'return':
        this.emit('break $body;');
        return;
      case 'label':
        return;
      case 'jmp':
        this.emit(`{ $pc = ${this.jumpTargets.get(key(s.label)) ?? 0}; continue $jmp; }`);
        return;
      case 'empty':
        return;
    }
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>): void {
    const tt = this.typeOf(s.target);
    if (s.op === 'S=' || s.op === 'R=') {
      this.emit(`if (${this.test(s.value)}) ${this.storeCode(s.target, s.op === 'S=' ? 'true' : 'false')}`);
      return;
    }
    if (s.op === 'REF=') {
      const isNull = s.value.kind === 'name' && !this.o.ann.symbols.get(s.value.id);
      const cell = tt.kind === 'ref' && isCellTarget(tt.target) && !isNull;
      this.emit(this.storeCode(s.target, cell ? cellCode(s.value, this.cellHost) : this.expr(s.value, tt), isSingle(this.typeOf(s.value))));
      return;
    }
    if (!isScalar(tt) && tt.kind !== 'error') {
      this.emit(copyValue(this.lref(s.target), this.expr(s.value, tt), tt, this.o.values));
      return;
    }
    // a typed array element keeps only its type's bits: the value's final mask is its store's
    const value = this.isTypedElement(s.target) ? this.lowBits(s.value, tt) : this.expr(s.value, tt);
    this.emit(this.storeCode(s.target, value, isSingle(this.typeOf(s.value))));
  }

  /**
   * -1 when the select's condition holds, 0 otherwise. A test of one bit (`(x AND 16#0001) <> 0`,
   * `x.3`) is that bit moved down and negated, with no boolean in between.
   */
  private selectMask(cond: Expr): string {
    const word = (x: Expr) => {
      const t = concrete(this.typeOf(x));
      return t.kind === 'elementary' && !isBig(t) && ELEMENTARY[t.name].bits > 1;
    };
    const t = oneBitTest(cond);
    if (t && t.bit <= 31 && word(t.object) && (!t.and || word(t.and))) {
      const x = this.expr(t.object);
      const b = t.bit === 0 ? `(${x} & 1)` : `((${x} >>> ${t.bit}) & 1)`;
      return t.set ? `-${b}` : `(${b} - 1)`;
    }
    return `-((${this.test(cond)}) | 0)`;
  }

  /**
   * A select whose true side is its false side b XOR, OR, + or - a value k (`crc := SHR(crc, 1)
   * XOR 16#A001` or `crc := SHR(crc, 1)`, a CRC or LFSR step; `IF h.3 THEN n := n + 1`): b op
   * (k AND -c) is the select without computing b twice. `otherwise`: the code of b.
   */
  private selectStep(whenTrue: Expr, otherwise: string, tt: Type): { op: string; code: string } | undefined {
    if (whenTrue.kind !== 'binary') return undefined;
    const op = ({ XOR: '^', OR: '|', '+': '+', '-': '-' } as Record<string, string>)[whenTrue.op];
    if (!op || !sameType(concrete(this.typeOf(whenTrue)), tt)) return undefined;
    const [l, r] = [whenTrue.left, whenTrue.right];
    if (sameType(concrete(this.typeOf(l)), tt) && this.expr(l, tt) === otherwise) return { op, code: this.expr(r, tt) };
    if (op !== '-' && sameType(concrete(this.typeOf(r)), tt) && this.expr(r, tt) === otherwise) return { op, code: this.expr(l, tt) };
    return undefined;
  }

  /** An element of an array held in a typed array (which wraps what it stores to its type)? */
  private isTypedElement(target: Expr): boolean {
    if (target.kind !== 'index') return false;
    const at = concrete(this.typeOf(target.object));
    return at.kind === 'array' && typedArrayFor(concrete(at.element)) !== undefined;
  }

  /** The counters of FOR loop `s` that its body leaves unwrapped (loop-counters.ts): the JS locals of this body only. */
  private unwrapCounters(s: Extract<Stmt, { kind: 'for' }>): VarSymbol[] {
    const held = (sym: VarSymbol) =>
      this.cached.has(sym) || (sym.storage === 'local' && !this.o.frameOf?.(sym) && (sym.section === 'VAR' || sym.section === 'VAR_TEMP'));
    const out = loopCounters(s, this.o.ann, held).filter((sym) => !this.openCounters.has(sym));
    for (const sym of out) this.openCounters.add(sym);
    return out;
  }

  /** The end of `unwrapCounters`' loop: each counter wrapped to its type once. */
  private wrapCounters(syms: VarSymbol[]): void {
    for (const sym of syms) {
      this.openCounters.delete(sym);
      const ref = this.varRef(sym);
      this.emit(`${ref} = ${wrapInt(ref, (concrete(sym.type) as { name: ElementaryTypeName }).name)};`);
    }
  }

  /** Loop statements (loop-code.ts), with what they need from this emitter. */
  private readonly loops = ((me: BodyEmitter) => new LoopEmitter({
    // getters: the fields they read are set after this one
    get ann() {
      return me.o.ann;
    },
    get loopFacts() {
      return me.loopFacts;
    },
    get loopScopes() {
      return me.loopScopes;
    },
    emit: (line) => me.emit(line),
    emittedLines: () => me.emittedLines(),
    emittedSince: (mark) => me.emittedSince(mark),
    indent: (by) => {
      me.indent += by;
    },
    tmp: () => me.tmp(),
    expr: (e, t) => me.expr(e, t),
    test: (e) => me.test(e),
    lref: (e) => me.lref(e),
    typeOf: (e) => me.typeOf(e),
    block: (stmts, given) => me.block(stmts, given),
    underFacts: (facts, make) => me.underFacts(facts, make),
    enterLoop: (line) => me.enterLoop(line),
    leaveLoop: () => me.leaveLoop(),
    pushLoopScope: (body, variable) => me.pushLoopScope(body, variable),
    pushLabel: (fresh) => {
      const label = `$L${me.loopLabels.length + (fresh ? me.temps++ : me.temps)}`;
      me.loopLabels.push(label);
      return label;
    },
    popLabel: () => {
      me.loopLabels.pop();
    },
    aliasElements: (s, decl, range) => me.aliasElements(s, decl, range),
    unwrapCounters: (s) => me.unwrapCounters(s),
    wrapCounters: (syms) => me.wrapCounters(syms),
    dropAlias: (ref) => {
      me.elementAliases.delete(ref);
    },
    wasmLoop(s, step, v, to, iterations) {
      return me.o.wasmLoops?.loopCode(this, s, step, v, to, iterations);
    },
  }))(this);
}
