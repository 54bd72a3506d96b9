import type { Connection, Parameter } from './model.js';
import type { TypeLibrary } from './library.js';
import { literalType, LiteralError, parseLiteral } from './literal.js';
import { isAggregateLiteral, parseAggregate, type ValueShape } from './aggregate-literal.js';
import { normaliseInitial } from './literal.js';
import { ELEMENTARY, GENERIC_DEFAULT, genericAccepts, isGeneric } from './fb-interface.js';
import type { Leaf, Report } from './network-graph.js';

/**
 * Phase 6: types. Generic ports are bound to concrete types (leaf.bindings), then parameter
 * values and data connections are checked against the concrete types of their ports.
 */
export function checkTypes(lib: TypeLibrary, leaves: Map<string, Leaf>, dataConnections: Connection[], parameters: Parameter[], file: string, report: Report): void {
  bindGenerics(leaves, dataConnections, parameters, file, report);
  checkParameters(lib, leaves, parameters, file, report);
  checkConnectionTypes(leaves, dataConnections, file, report);
}

/**
 * The key a generic port is bound under: one per generic type name (F_ADD's IN1, IN2 and OUT
 * share their ANY_NUM), except in service interface FBs, whose generic ports are independent
 * (PUBLISH_2's SD_1 may be an INT and SD_2 a STRING, as in FORTE).
 */
export function genericKey(decl: { kind: string }, v: { name: string; type: string }): string {
  const g = v.type.toUpperCase();
  return decl.kind === 'service' ? `${g}@${v.name}` : g;
}

const portsOf = (leaf: Leaf) => [...leaf.decl.interface.inputVars, ...leaf.decl.interface.inOutVars, ...leaf.decl.interface.outputVars];

/** Generic ports take the type of what they connect to, or of a typed literal parameter. */
function bindGenerics(leaves: Map<string, Leaf>, conns: Connection[], params: Parameter[], file: string, report: Report): void {
  const portType = (fb: string, port: string): { generic: boolean; type: string } | undefined => {
    const leaf = leaves.get(fb);
    const v = leaf && portsOf(leaf).find((x) => x.name === port);
    if (!leaf || !v) return undefined;
    if (!isGeneric(v.type)) return { generic: false, type: v.type.toUpperCase() };
    const key = genericKey(leaf.decl, v);
    const b = leaf.bindings.get(key);
    return b ? { generic: false, type: b } : { generic: true, type: key };
  };
  for (const p of params) {
    const pt = portType(p.fb, p.port);
    const lt = literalType(p.value);
    if (pt?.generic && lt) leaves.get(p.fb)!.bindings.set(pt.type, lt);
  }
  for (let round = 0; round < 32; round++) {
    let changed = false;
    for (const c of conns) {
      const a = portType(c.source.fb, c.source.port);
      const b = portType(c.destination.fb, c.destination.port);
      if (!a || !b) continue;
      if (a.generic && !b.generic) { leaves.get(c.source.fb)!.bindings.set(a.type, b.type); changed = true; }
      else if (b.generic && !a.generic) { leaves.get(c.destination.fb)!.bindings.set(b.type, a.type); changed = true; }
    }
    if (!changed) break;
  }
  for (const leaf of leaves.values()) {
    // an unbound group follows a bound one (F_MOD: OUT ANY_NUM takes IN1's ANY_INT binding)
    // unless the bound type is not of its kind (F_LEN: OUT ANY_INT beside IN ANY_STRING): then the kind's default
    const first = [...leaf.bindings.values()][0];
    const service = leaf.decl.kind === 'service';
    if (first || service) for (const v of portsOf(leaf)) {
      const g = v.type.toUpperCase();
      const key = genericKey(leaf.decl, v);
      // an unconnected port of a service FB (an RD nobody reads) needs no type of its own
      if (isGeneric(g) && !leaf.bindings.has(key)) leaf.bindings.set(key, first && genericAccepts(g, first) ? first : GENERIC_DEFAULT[g] ?? first ?? 'LREAL');
    }
    for (const v of portsOf(leaf)) {
      if (isGeneric(v.type) && !leaf.bindings.has(genericKey(leaf.decl, v))) {
        report('E4011', `FB ${leaf.path}: the type of ${v.name} (${v.type}) cannot be determined`, leaf.range, file);
        leaf.bindings.set(genericKey(leaf.decl, v), 'LREAL');
      }
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
    const type = isGeneric(v.type) ? leaf.bindings.get(genericKey(leaf.decl, v)) ?? v.type : v.type;
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

/** Both ends of a data connection have the same concrete type (TOD and TIME_OF_DAY are one). */
function checkConnectionTypes(leaves: Map<string, Leaf>, dataConnections: Connection[], file: string, report: Report): void {
  const concreteType = (fb: string, port: string): string | undefined => {
    const leaf = leaves.get(fb)!;
    const v = portsOf(leaf).find((x) => x.name === port);
    if (!v) return undefined;
    const t = (isGeneric(v.type) ? leaf.bindings.get(genericKey(leaf.decl, v)) : v.type)?.toUpperCase();
    return t === 'TIME_OF_DAY' ? 'TOD' : t === 'DATE_AND_TIME' ? 'DT' : t;
  };
  for (const c of dataConnections) {
    const a = concreteType(c.source.fb, c.source.port);
    const b = concreteType(c.destination.fb, c.destination.port);
    if (a && b && a !== b) {
      report('E4006', `data connection ${c.source.fb}.${c.source.port} (${a}) → ${c.destination.fb}.${c.destination.port} (${b}): types differ`, c.range, file);
    }
  }
}
