/**
 * PLCopen `<dataType>` declarations (structures, enumerations, arrays, subranges, aliases,
 * strings) as ST `TYPE … END_TYPE` blocks.
 */
import type { ImportContext } from './context.js';
import type { StWriter } from './st-writer.js';
import { enumValues, initialValueText, typeElementOf, typeText } from './types.js';
import { writeVariable } from './variables.js';
import { childElements, firstChild, type XmlElement } from './xml.js';

export function writeDataType(ctx: ImportContext, dt: XmlElement, w: StWriter): void {
  const name = ctx.required(dt, 'name');
  if (name === undefined) return;
  const base = typeElementOf(firstChild(dt, 'baseType'));
  if (!base) {
    ctx.reportAt('E5003', `data type '${name}' needs a <baseType>`, dt);
    return;
  }
  w.line(`TYPE ${name} :`, ctx.attrAt(dt, 'name'), 5);
  if (base.local === 'struct') {
    w.line('  STRUCT', ctx.at(base), 2);
    for (const member of childElements(base, 'variable')) writeVariable(ctx, w, member, '    ');
    w.line('  END_STRUCT;', ctx.at(base), 2);
  } else {
    let text: string | undefined;
    if (base.local === 'enum') {
      // one value a line, so that a problem with one value points at it
      const values = enumValues(ctx, base);
      if (values === undefined) {
        w.line('  INT;', ctx.at(base), 2); // keep the declaration so that users of the name are checked
      } else {
        const baseType = typeElementOf(firstChild(base, 'baseType'));
        const baseText = baseType ? typeText(ctx, baseType) : undefined;
        w.line(`  ${baseText ? baseText + ' ' : ''}(`, ctx.at(base), 2);
        const valueEls = childElements(firstChild(base, 'values') ?? base, 'value');
        values.forEach((v, i) => w.line(`    ${v}${i + 1 < values.length ? ',' : ''}`, ctx.attrAt(valueEls[i]!, 'name'), 4));
        text = ')';
      }
    } else {
      text = typeText(ctx, base);
      if (text === undefined) text = 'INT';
    }
    if (text !== undefined) {
      const initial = firstChild(dt, 'initialValue');
      const init = initial ? initialValueText(ctx, initial) : undefined;
      const at = base.attributes.has('name') ? ctx.attrAt(base, 'name') : ctx.at(base);
      if (init) {
        w.line(`  ${text}`, at, 2);
        w.line(`  := ${init.text};`, ctx.position(init.offset), 5);
      } else {
        w.line(`  ${text};`, at, 2);
      }
    }
  }
  w.line('END_TYPE', ctx.at(dt), 0);
}
