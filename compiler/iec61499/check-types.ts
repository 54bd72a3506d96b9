import type { Connection, Parameter } from './model.js';
import type { TypeLibrary } from './library.js';
import { literalType, LiteralError, parseLiteral } from './literal.js';
import { isAggregateLiteral, parseAggregate, type ValueShape } from './aggregate-literal.js';
import { normaliseInitial } from './literal.js';
import { ELEMENTARY, GENERIC_DEFAULT, genericAccepts, isGeneric } from './fb-interface.js';
import type { Leaf, Report } from './network-graph.js';
import { connectionConversion } from './connection-conversion.js';

/**
 * Phase 6: types. Generic ports are bound to concrete types (leaf.bindings), then parameter
 * values and data connections are checked against the concrete types of their ports.
 */
export function checkTypes(lib: TypeLibrary, leaves: Map<string, Leaf>, dataConnections: Connection[], parameters: Parameter[], file: string, report: Report): void {
  bindGenerics(leaves, dataConnections, parameters, file, report);
  checkParameters(lib, leaves, parameters, file, report);
  checkConnectionTypes(leaves, dataConnections, file, report);
}

const portsOf = (leaf: Leaf) => [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars, ...leaf.decl.interface.outputVars];

/**
 * Each generic port takes the type of what it connects to, or of a typed literal parameter, as
 * FORTE types each ANY port from its own connection (GET_AT_INDEX: an array in, an element
 * out; CSV_WRITER_n: each SD_n its own type). A port left without either takes the type of a
 * bound port of the same generic type on its FB (F_ADD's OUT follows IN1; one with the same
 * `_n` ending first), else of another
 * bound port it accepts, else its generic type's default.
 */
function bindGenerics(leaves: Map<string, Leaf>, conns: Connection[], params: Parameter[], file: string, report: Report): void {
  const portType = (fb: string, port: string): { generic: boolean; type: string } | undefined => {
    const leaf = leaves.get(fb);
    const v = leaf && portsOf(leaf).find((x) => x.name === port);
    if (!leaf || !v) return undefined;
    if (!isGeneric(v.type)) return { generic: false, type: v.type.toUpperCase() };
    const b = leaf.bindings.get(v.name);
    return b ? { generic: false, type: b } : { generic: true, type: v.type.toUpperCase() };
  };
  for (const p of params) {
    const pt = portType(p.fb, p.port);
    const lt = literalType(p.value);
    if (pt?.generic && lt) leaves.get(p.fb)!.bindings.set(p.port, lt);
  }
  const propagate = (): void => {
    for (let round = 0; round < 32; round++) {
      let changed = false;
      for (const c of conns) {
        const a = portType(c.source.fb, c.source.port);
        const b = portType(c.destination.fb, c.destination.port);
        if (!a || !b) continue;
        if (a.generic && !b.generic) { leaves.get(c.source.fb)!.bindings.set(c.source.port, b.type); changed = true; }
        else if (b.generic && !a.generic) { leaves.get(c.destination.fb)!.bindings.set(c.destination.port, a.type); changed = true; }
      }
      if (!changed) break;
    }
  };
  propagate();
  for (const leaf of leaves.values()) {
    // the ports of a service FB are independent (PUBLISH_2's SD_1 an INT, SD_2 a STRING, as in FORTE)
    if (leaf.decl.kind === 'service') continue;
    const generic = portsOf(leaf).filter((v) => isGeneric(v.type));
    const bound = generic.filter((v) => leaf.bindings.has(v.name));
    if (bound.length === 0) continue;
    for (const v of generic) {
      if (leaf.bindings.has(v.name)) continue;
      const g = v.type.toUpperCase();
      // F_MOD: OUT ANY_NUM takes IN1's ANY_INT type; F_LEN: OUT ANY_INT beside IN ANY_STRING takes its default
      // a positional partner first: F_MUX_2_3's OUT_2 follows IN_k_2
      const position = /_\d+$/.exec(v.name)?.[0];
      const same = bound.find((b) => b.type.toUpperCase() === g && position !== undefined && b.name.endsWith(position))
        ?? bound.find((b) => b.type.toUpperCase() === g);
      const accepted = bound.map((b) => leaf.bindings.get(b.name)!).find((t) => genericAccepts(g, t));
      leaf.bindings.set(v.name, same ? leaf.bindings.get(same.name)! : accepted ?? GENERIC_DEFAULT[g] ?? leaf.bindings.get(bound[0]!.name)!);
    }
  }
  // a generic port fed by another FB's port that only now has its type
  propagate();
  for (const leaf of leaves.values()) {
    const reported = new Set<string>();
    for (const v of portsOf(leaf)) {
      if (!isGeneric(v.type) || leaf.bindings.has(v.name)) continue;
      // an unconnected port of a service FB (an RD nobody reads) needs no type of its own: the
      // block takes what arrives; it is declared with its generic type's default
      if (leaf.decl.kind === 'service') {
        leaf.bindings.set(v.name, GENERIC_DEFAULT[v.type.toUpperCase()] ?? 'LREAL');
        continue;
      }
      // once per generic type of the FB: F_ADD alone has one unknown, not three
      if (!reported.has(v.type.toUpperCase())) report('E4011', `FB ${leaf.path}: the type of ${v.name} (${v.type}) cannot be determined`, leaf.range, file);
      reported.add(v.type.toUpperCase());
      leaf.bindings.set(v.name, 'LREAL');
    }
  }
}

/**
 * Parameter values are parsed here, against the port's concrete type, so that an
 * out-of-range integer, a bad date or a malformed struct literal is reported with the line of
 * the .sys/.fboot that wrote it rather than when the runner applies it.
 */
function checkParameters(lib: TypeLibrary, leaves: Map<string, Leaf>, params: Parameter[], file: string, report: Report): void {
  for (const p of params) {
    const leaf = leaves.get(p.fb);
    const v = leaf && [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars].find((x) => x.name === p.port);
    if (!leaf || !v) continue;
    const type = isGeneric(v.type) ? leaf.bindings.get(v.name) ?? v.type : v.type;
    const shape = shapeOf(lib, type, v.arraySize, 0);
    if (!shape) continue;
    try {
      if (shape.kind === 'elementary') parseLiteral(shape.type, normaliseInitial(shape.type, p.value));
      else if (!isAggregateLiteral(p.value)) {
        throw new LiteralError(`'${p.value}' is not ${shape.kind === 'struct' ? `a ${shape.name} value such as (field:=value, …)` : 'an array value such as [1, 2]'}`);
      } else parseAggregate(shape, p.value);
    } catch (e) {
      if (!(e instanceof LiteralError)) throw e;
      report('E4012', `invalid parameter ${p.fb}.${p.port} (${type}): ${e.message}`, p.range, file);
    }
  }
}

/** The shape of a declared type: elementary, a .dtp struct (recursively) or an array; undefined when unknown. */
function shapeOf(lib: TypeLibrary, type: string, arraySize: string | undefined, depth: number): ValueShape | undefined {
  if (depth > 16) return undefined;
  if (arraySize) {
    const s = arraySize.trim();
    const m = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(s);
    const length = m ? Number(m[2]) - Number(m[1]) + 1 : Number(s);
    const element = shapeOf(lib, type, undefined, depth + 1);
    return element && Number.isInteger(length) && length > 0 ? { kind: 'array', length, element } : undefined;
  }
  const up = type.toUpperCase();
  if (ELEMENTARY.has(up) || /^W?STRING\s*\[/.test(up)) return { kind: 'elementary', type: up };
  const dt = lib.dataType(type);
  if (!dt) return undefined;
  const fields: { name: string; shape: ValueShape }[] = [];
  for (const f of dt.fields) {
    const shape = shapeOf(lib, f.type, f.arraySize, depth + 1);
    if (!shape) return undefined;
    fields.push({ name: f.name, shape });
  }
  return { kind: 'struct', name: dt.name, fields };
}

/**
 * Both ends of a data connection have the same concrete type (TOD and TIME_OF_DAY are one), or
 * one IEC widens implicitly (UINT to REAL), or a narrowing FORTE converts (warning W4004).
 */
function checkConnectionTypes(leaves: Map<string, Leaf>, dataConnections: Connection[], file: string, report: Report): void {
  const concreteType = (fb: string, port: string): string | undefined => {
    const leaf = leaves.get(fb)!;
    const v = portsOf(leaf).find((x) => x.name === port);
    if (!v) return undefined;
    const t = (isGeneric(v.type) ? leaf.bindings.get(v.name) : v.type)?.toUpperCase();
    return t === 'TIME_OF_DAY' ? 'TOD' : t === 'DATE_AND_TIME' ? 'DT' : t;
  };
  for (const c of dataConnections) {
    const a = concreteType(c.source.fb, c.source.port);
    const b = concreteType(c.destination.fb, c.destination.port);
    if (!a || !b || a === b) continue;
    const shown = `${c.source.fb}.${c.source.port} (${a}) → ${c.destination.fb}.${c.destination.port} (${b})`;
    const conversion = connectionConversion(a, b);
    if (!conversion) {
      report('E4006', `data connection ${shown}: types differ`, c.range, file);
      continue;
    }
    if (conversion.kind === 'narrowing') report('W4004', `data connection ${shown} narrows the value, converted as FORTE converts it`, c.range, file);
    if (conversion.convert !== undefined) c.convert = conversion.convert;
  }
}
