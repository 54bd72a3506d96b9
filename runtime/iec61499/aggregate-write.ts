import type { TypeInfo } from '../../compiler/application.js';
import type { AggregateValue, ValueShape } from '../../compiler/iec61499/aggregate-literal.js';

/**
 * Structured parameter values (`(a:=1,b:=TRUE)`, `[1,2]`) applied to an FB's variable: the
 * shape comes from the ST compiler's type info, and the value is written field by field into
 * the storage the variable already has, so that connections keep sampling into the same object.
 */

/** The shape of a compiled variable's type; undefined for what a literal cannot express (FB instances, references). */
export function shapeOfTypeInfo(t: TypeInfo): ValueShape | undefined {
  switch (t.kind) {
    case 'elementary':
      return { kind: 'elementary', type: t.name };
    case 'string':
      return { kind: 'elementary', type: t.wide ? 'WSTRING' : 'STRING' };
    case 'array': {
      const element = shapeOfTypeInfo(t.element);
      const length = t.dims.reduce((n, d) => n * (d.hi - d.lo + 1), 1);
      return element && { kind: 'array', length, element };
    }
    case 'struct': {
      const fields: { name: string; prop: string; shape: ValueShape }[] = [];
      for (const f of t.fields) {
        const shape = shapeOfTypeInfo(f.type);
        if (!shape) return undefined;
        fields.push({ name: f.name, prop: f.prop, shape });
      }
      return { kind: 'struct', name: t.name, fields };
    }
    default:
      return undefined;
  }
}

/** Write `value` into `target` (a struct object or an array); fields the literal leaves out keep their value. */
export function writeAggregate(target: unknown, value: AggregateValue): void {
  if (value.kind === 'struct') {
    const obj = target as Record<string, unknown>;
    for (const f of value.fields) {
      const prop = f.prop ?? f.name;
      if (f.value.kind === 'elementary') obj[prop] = f.value.value;
      else writeAggregate(obj[prop], f.value);
    }
  } else if (value.kind === 'array') {
    const arr = target as unknown[];
    value.elements.forEach((e, k) => {
      if (k >= arr.length) return;
      if (e.kind === 'elementary') arr[k] = e.value;
      else writeAggregate(arr[k], e);
    });
  }
}
