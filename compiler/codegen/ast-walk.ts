/**
 * A walk over every statement and expression of a body, by kind. The code generator's scans of
 * a body (which instance variables it uses and writes) run once per POU on cold code: a walk
 * that knows each node's children is several times cheaper there than one that enumerates
 * every object's fields. A new kind of node must be added here (the switches are exhaustive).
 */
import type { Expr, Stmt } from '../st/ast.js';
import type { Annotations } from '../semantics/symbols.js';

export interface AstVisitor {
  expr?(e: Expr): void;
  stmt?(s: Stmt): void;
}

export function walkStmts(stmts: readonly Stmt[], v: AstVisitor): void {
  for (const s of stmts) walkStmt(s, v);
}

function walkStmt(s: Stmt, v: AstVisitor): void {
  v.stmt?.(s);
  switch (s.kind) {
    case 'assign':
      walkExpr(s.target, v);
      walkExpr(s.value, v);
      return;
    case 'callStmt':
      walkExpr(s.call, v);
      return;
    case 'if':
      for (const b of s.branches) {
        walkExpr(b.cond, v);
        walkStmts(b.body, v);
      }
      if (s.elseBody) walkStmts(s.elseBody, v);
      return;
    case 'case':
      walkExpr(s.selector, v);
      for (const c of s.cases) {
        for (const l of c.labels) {
          if (l.kind === 'value') walkExpr(l.expr, v);
          else {
            walkExpr(l.lo, v);
            walkExpr(l.hi, v);
          }
        }
        walkStmts(c.body, v);
      }
      if (s.elseBody) walkStmts(s.elseBody, v);
      return;
    case 'for':
      walkExpr(s.variable, v);
      walkExpr(s.from, v);
      walkExpr(s.to, v);
      if (s.by) walkExpr(s.by, v);
      walkStmts(s.body, v);
      return;
    case 'while':
      walkExpr(s.cond, v);
      walkStmts(s.body, v);
      return;
    case 'repeat':
      walkStmts(s.body, v);
      walkExpr(s.until, v);
      return;
    case 'exit':
    case 'continue':
    case 'return':
    case 'label':
    case 'jmp':
    case 'empty':
      return;
    default:
      return unknownNode(s);
  }
}

/**
 * One walk over a body that gives `written` each place its statements write: assignment targets,
 * FOR variables, and the variables bound to a call's outputs and in-out parameters. `expr` sees
 * every expression, as walkStmts' visitor does.
 */
export function walkWrites(stmts: readonly Stmt[], ann: Annotations, written: (target: Expr) => void, expr?: (e: Expr) => void): void {
  walkStmts(stmts, {
    stmt: (s) => {
      if (s.kind === 'assign') written(s.target);
      else if (s.kind === 'for') written(s.variable);
    },
    expr: (e) => {
      expr?.(e);
      if (e.kind !== 'call') return;
      for (const b of ann.boundArgs.get(e.id) ?? []) {
        const section = (b.param as { section?: string }).section;
        if (b.value && (section === 'VAR_OUTPUT' || section === 'VAR_IN_OUT')) written(b.value);
      }
    },
  });
}

export function walkExpr(e: Expr, v: AstVisitor): void {
  v.expr?.(e);
  switch (e.kind) {
    case 'member':
    case 'bit':
    case 'deref':
      walkExpr(e.object, v);
      return;
    case 'index':
      walkExpr(e.object, v);
      for (const i of e.indices) walkExpr(i, v);
      return;
    case 'call':
      walkExpr(e.callee, v);
      for (const a of e.args) if (a.value) walkExpr(a.value, v);
      return;
    case 'unary':
      walkExpr(e.operand, v);
      return;
    case 'binary':
      walkExpr(e.left, v);
      walkExpr(e.right, v);
      return;
    case 'literal':
    case 'name':
    case 'enumValue':
    case 'this':
    case 'super':
      return;
    default:
      return unknownNode(e);
  }
}

function unknownNode(n: never): never {
  throw new Error(`internal error: the code generator's walk does not know the node kind '${(n as { kind: string }).kind}'`);
}

/** Whether a body repeats anything (FOR, WHILE, REPEAT): only then do locals pay for their prologue and write-back. */
export function hasLoop(body: readonly Stmt[]): boolean {
  // statements only, up to the first loop: expressions hold no statements
  for (let i = 0; i < body.length; i++) {
    const s = body[i]!;
    switch (s.kind) {
      case 'for':
      case 'while':
      case 'repeat':
        return true;
      case 'if':
        for (const b of s.branches) if (hasLoop(b.body)) return true;
        if (s.elseBody && hasLoop(s.elseBody)) return true;
        break;
      case 'case':
        for (const c of s.cases) if (hasLoop(c.body)) return true;
        if (s.elseBody && hasLoop(s.elseBody)) return true;
        break;
    }
  }
  return false;
}
