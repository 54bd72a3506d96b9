/** Test helpers for the ST front end: parse a text, and print expressions compactly. */
import { parseSt, type ParseResult } from '../../../compiler/st/parse.js';
import '../../../compiler/st/parse-fallback.js';
import { SourceFile } from '../../../compiler/source.js';
import { IdAllocator, type Expr, type Stmt, type ProgramDecl, type LiteralValue } from '../../../compiler/st/ast.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

export function parse(text: string, path = 'test.st'): ParseResult {
  return parseSt(new SourceFile(path, text), new IdAllocator());
}

/** Parse and insist on no diagnostics (failing with their text otherwise). */
export function parseClean(text: string): ParseResult {
  const r = parse(text);
  if (r.diagnostics.length > 0) throw new Error('unexpected diagnostics:\n' + r.diagnostics.map(formatDiagnostic).join('\n'));
  return r;
}

/** The statements of `PROGRAM p VAR … END_VAR <body> END_PROGRAM`. */
export function body(statements: string, vars = ''): Stmt[] {
  const r = parseClean(`PROGRAM p\n${vars ? `VAR\n${vars}\nEND_VAR\n` : ''}${statements}\nEND_PROGRAM\n`);
  return (r.unit.pous[0] as ProgramDecl).body;
}

/** The expression `text`, parsed as the right side of an assignment. */
export function expr(text: string): Expr {
  const s = body(`x := ${text};`)[0]!;
  if (s.kind !== 'assign') throw new Error('not an assignment');
  return s.value;
}

/** The literal value of `text`. */
export function literal(text: string): LiteralValue {
  const e = expr(text);
  if (e.kind !== 'literal') throw new Error(`${text} is a ${e.kind}, not a literal`);
  return e.value;
}

/** Compact prefix notation of an expression: (+ a (* b c)). */
export function sx(e: Expr | undefined): string {
  if (!e) return '?';
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      switch (v.type) {
        case 'int': return `${v.value}${v.typeName ? ':' + v.typeName : ''}`;
        case 'real': case 'bool': return `${v.value}${v.typeName ? ':' + v.typeName : ''}`;
        case 'string': return JSON.stringify(v.value);
        case 'time': case 'tod': return `${v.type}(${v.ns})`;
        case 'date': case 'dt': return `${v.type}(${v.ms})`;
      }
      return '?';
    }
    case 'name': return e.name;
    case 'binary': return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'unary': return `(${e.op} ${sx(e.operand)})`;
    case 'member': return `${sx(e.object)}.${e.member}`;
    case 'bit': return `${sx(e.object)}.%X${e.bit}`;
    case 'index': return `${sx(e.object)}[${e.indices.map(sx).join(',')}]`;
    case 'deref': return `${sx(e.object)}^`;
    case 'call':
      return `${sx(e.callee)}(${e.args
        .map((a) => (a.negated ? 'NOT ' : '') + (a.name !== undefined ? a.name + (a.output ? ' => ' : ' := ') : '') + (a.value ? sx(a.value) : ''))
        .join(', ')})`;
    case 'enumValue': return `${e.typeName}#${e.value}`;
    case 'this': return 'THIS';
    case 'super': return 'SUPER';
  }
}
