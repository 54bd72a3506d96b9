import type { LineOrigin } from '../source.js';
import type { DataTypeDeclaration, FbTypeDeclaration, InterfaceList, VarDeclaration } from './model.js';
import { normaliseInitial } from './literal.js';

export { normaliseInitial };

/**
 * Basic and simple FBs become ST function blocks so that the ST compiler builds their
 * algorithms: data inputs are VAR_INPUT, outputs VAR_OUTPUT, internal variables and adapters
 * VAR; each algorithm is a METHOD ALG_<name>, each guard a METHOD GUARD_<i> : BOOL.
 * Every generated line carries the .fbt line it came from.
 */

export interface GeneratedSt {
  text: string;
  origins: LineOrigin[];
}

export function algorithmMethod(name: string): string {
  return `ALG_${name}`;
}

export function guardMethod(index: number): string {
  return `GUARD_${index}`;
}

/**
 * The ST variable behind a function's result, the output pin without a name (4diac's `.fct`,
 * connected as `F1.`): the function's own name, which its ST body assigns.
 */
export function functionResultVar(functionName: string): string {
  return functionName;
}

/** The ST struct type that holds an adapter's data, shared by the plug and the socket. */
export function adapterStructName(adapterType: string): string {
  return `ADAPTER_${adapterType}`;
}

class Emitter {
  lines: string[] = [];
  origins: LineOrigin[] = [];
  emit(text: string, line: number, col = 1): void {
    this.lines.push(text);
    this.origins.push({ line, col });
  }
  result(): GeneratedSt {
    return { text: this.lines.join('\n') + '\n', origins: this.origins };
  }
}

function declLine(v: VarDeclaration, typeOf: (v: VarDeclaration) => string): string {
  const t = typeOf(v);
  let type = t;
  if (v.arraySize) {
    const s = v.arraySize.trim();
    const bounds = s.includes('..') ? s : `0..${Number(s) - 1}`;
    type = `ARRAY[${bounds}] OF ${t}`;
  }
  const init = v.initialValue !== undefined && !v.arraySize ? ` := ${normaliseInitial(t, v.initialValue)}` : '';
  return `  ${v.name} : ${type}${init};`;
}

function section(e: Emitter, keyword: string, vars: VarDeclaration[], typeOf: (v: VarDeclaration) => string, fallbackLine: number): void {
  if (vars.length === 0) return;
  e.emit(keyword, vars[0]!.range?.line ?? fallbackLine);
  for (const v of vars) e.emit(declLine(v, typeOf), v.range?.line ?? fallbackLine);
  e.emit('END_VAR', vars[vars.length - 1]!.range?.line ?? fallbackLine);
}

/**
 * ST text of a basic or simple FB type.
 * @param stName the ST name (the type's, or a generic type's specialisation)
 * @param typeOf the concrete type of each variable (generic ports bound)
 */
export function basicFbToSt(decl: FbTypeDeclaration, stName: string, typeOf: (v: VarDeclaration) => string, guards: string[]): GeneratedSt {
  const e = new Emitter();
  const line = decl.range?.line ?? 1;
  e.emit(`FUNCTION_BLOCK ${stName}`, line);
  const i: InterfaceList = decl.interface;
  section(e, 'VAR_INPUT', [...i.inputVars, ...i.inOutVars], typeOf, line);
  // a function's unnamed result pin is, in ST, the variable named after the function
  const outputs = i.outputVars.map((v) => (v.name === '' ? { ...v, name: functionResultVar(decl.name) } : v));
  section(e, 'VAR_OUTPUT', outputs, typeOf, line);
  const adapterVars: VarDeclaration[] = [...i.plugs, ...i.sockets].map((a) => {
    const v: VarDeclaration = { name: a.name, type: adapterStructName(a.type) };
    if (a.range) v.range = a.range;
    return v;
  });
  section(e, 'VAR', [...decl.internalVars, ...adapterVars], typeOf, line);
  for (const alg of decl.algorithms) {
    const method = algorithmMethod(alg.name);
    const textLines = alg.text.split(/\r?\n/);
    const wrapped = /^\s*ALGORITHM\b/im.test(alg.text);
    if (!wrapped) e.emit(`METHOD ${method}`, alg.line, alg.col);
    textLines.forEach((t, k) => {
      const origLine = alg.fromAttribute ? alg.line : alg.line + k;
      const col = k === 0 || alg.fromAttribute ? alg.col : 1;
      let out = t;
      if (wrapped) {
        out = out.replace(/^(\s*)ALGORITHM\s+[A-Za-z_]\w*/i, `$1METHOD ${method}`).replace(/\bEND_ALGORITHM\b/i, 'END_METHOD');
      }
      e.emit(out, origLine, col);
    });
    if (!wrapped) e.emit('END_METHOD', alg.line, alg.col);
  }
  guards.forEach((g, k) => {
    const tr = decl.transitions.find((t) => t.guard === g);
    const l = tr?.range?.line ?? line;
    const m = guardMethod(k);
    e.emit(`METHOD ${m} : BOOL`, l);
    e.emit(`  ${m} := ${g};`, l);
    e.emit('END_METHOD', l);
  });
  e.emit('END_FUNCTION_BLOCK', line);
  return e.result();
}

/** An adapter's data as one ST struct: inputs and outputs together (their names are distinct in 4diac). */
export function adapterToSt(decl: FbTypeDeclaration, typeOf: (v: VarDeclaration) => string): GeneratedSt {
  const e = new Emitter();
  const line = decl.range?.line ?? 1;
  e.emit(`TYPE ${adapterStructName(decl.name)} : STRUCT`, line);
  const vars = [...decl.interface.inputVars, ...decl.interface.outputVars];
  if (vars.length === 0) e.emit('  $unused : BOOL;'.replace('$', 'x_'), line);
  for (const v of vars) e.emit(declLine(v, typeOf), v.range?.line ?? line);
  e.emit('END_STRUCT; END_TYPE', line);
  return e.result();
}

export function dataTypeToSt(decl: DataTypeDeclaration, typeOf: (v: VarDeclaration) => string): GeneratedSt {
  const e = new Emitter();
  const line = decl.range?.line ?? 1;
  e.emit(`TYPE ${decl.name} : STRUCT`, line);
  for (const v of decl.fields) e.emit(declLine(v, typeOf), v.range?.line ?? line);
  e.emit('END_STRUCT; END_TYPE', line);
  return e.result();
}
